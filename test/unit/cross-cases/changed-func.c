// A changed function; its unchanged caller stays out of the patch.
// expect: exit 0
// expect: changed compute
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
