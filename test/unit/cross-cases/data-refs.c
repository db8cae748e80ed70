// A changed function gains a reference to another kernel variable; the
// unchanged function beside it keeps its own.  On ppc64le (-mcmodel=large)
// the new .toc entry moves the other function's entries: it must still
// compare equal (references through .toc are compared by what they point to).
// expect: exit 0
// expect: changed first
extern int ext_a, ext_b, ext_c;
__attribute__((noinline)) int first(int x)
{
#ifdef PATCHED
	return x + ext_c;
#else
	return x + 1;
#endif
}
__attribute__((noinline)) int second(int x)
{
	return x + ext_a + ext_b;
}
