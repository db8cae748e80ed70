// expect: exit 0
// expect: changed report
// Issue 10, defect 1: a small constant passed to a helper in a function that
// also calls printk is a real change, not __LINE__ noise.
#include <linux/kernel.h>
#include <linux/printk.h>
noinline __attribute__((noipa)) int scale(int x, int k)
{
	return x * k + 1;
}
noinline int report(int x)
{
	pr_info("report %d\n", x);
#ifdef PATCHED
	return scale(x, 6);
#else
	return scale(x, 5);
#endif
}
