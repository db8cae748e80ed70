// A new function called by a changed one.
// expect: exit 0
// expect: changed caller
// expect: new added_helper
#ifdef PATCHED
static __attribute__((noinline)) int added_helper(int x)
{
	return x ^ 0x5a5a;
}
#endif
__attribute__((noinline)) int caller(int x)
{
#ifdef PATCHED
	return added_helper(x) + 1;
#else
	return x + 1;
#endif
}
