// A changed function; its unchanged caller stays out of the patch.  Its
// ftrace record travels with it where the compiler writes one.
// expect: exit 0
// expect: changed compute
// expect-aarch64: exit 0
// expect-aarch64: changed compute
// expect-aarch64: section __patchable_function_entries
// expect-aarch64-callops: exit 0
// expect-aarch64-callops: changed compute
// expect-aarch64-callops: section __patchable_function_entries
// expect-s390x: exit 0
// expect-s390x: changed compute
// expect-s390x: section __mcount_loc
int cross_value;
__attribute__((noinline)) int compute(int x)
{
#ifdef PATCHED
	return x * 3 + cross_value;
#else
	return x * 2 + cross_value;
#endif
}
int caller(int x)
{
	return compute(x) + 1;
}
