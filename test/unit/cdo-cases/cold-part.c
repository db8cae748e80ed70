// expect: exit 0
// expect: changed hot_path
#include <linux/kernel.h>
#include <linux/printk.h>
noinline int hot_path(int x)
{
	if (unlikely(x > 100)) {
#ifdef PATCHED
		pr_err("too big (patched): %d\n", x);
#else
		pr_err("too big: %d\n", x);
#endif
		dump_stack();
		return -1;
	}
	return x * 7;
}
