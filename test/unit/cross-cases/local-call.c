// A changed function calling an unchanged function of the same object: the
// call goes to the kernel's copy (an external reference).  On ppc64le that
// "bl" has no nop after it for the TOC restore the loader must insert, so
// the patch is refused.
// expect: exit 0
// expect: changed outer
// expect-ppc64le: exit 1
// expect-ppc64le: changed outer
// expect-ppc64le: message has no nop after it for the TOC pointer (r2) restore
__attribute__((noinline)) int inner(int x)
{
	return x * 5 + 3;
}
__attribute__((noinline)) int outer(int x)
{
#ifdef PATCHED
	return inner(x) + 2;
#else
	return inner(x) + 1;
#endif
}
