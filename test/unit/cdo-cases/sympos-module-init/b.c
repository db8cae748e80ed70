#include <linux/kernel.h>
static noinline int helper(int x)
{
	return x * 13;
}
int b_entry(int x)
{
#ifdef PATCHED
	return helper(x) + 2;
#else
	return helper(x) + 1;
#endif
}
