// expect: parent fakemod
// expect: exit 0
// expect: changed noisy
// expect: section __dyndbg
// expect: section __jump_table
// Issue 10, defects 7 and 12: a pr_debug() added to a module function has its
// own new descriptor and static key, which live in the patch module: not
// refused as "lives in module fakemod" (jump-label-module.c: an existing key
// of the module still is).
#include <linux/kernel.h>
#include <linux/printk.h>
noinline int noisy(int x)
{
#ifdef PATCHED
	pr_debug("klpkit: noisy %d\n", x);
	return x + 2;
#else
	return x + 1;
#endif
}
