#include <linux/init.h>
#include <linux/kernel.h>
/* an init function called like b.c's helper, first in the symbol table */
static noinline int __init helper(int x)
{
	return x * 11;
}
int __init a_init(int x)
{
	return helper(x) + 1;
}
