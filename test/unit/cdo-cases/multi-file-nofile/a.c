#include <linux/kernel.h>
static noinline int helper(int x)
{
	return x * 11;
}
int a_entry(int x)
{
	return helper(x) + 1;
}
