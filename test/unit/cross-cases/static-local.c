// A changed function with a static local: the local is correlated with the
// original (referred to, not copied as new data).
// expect: exit 0
// expect: changed counter
// expect: klpsym-like counter.calls
__attribute__((noinline)) int counter(int x)
{
	static int calls;

	calls++;
#ifdef PATCHED
	return calls + x + 7;
#else
	return calls + x;
#endif
}
