// expect: exit 0
// expect: changed say
#include <linux/kernel.h>
noinline void say(int v)
{
#ifdef PATCHED
	pr_info("value is now %d\n", v);
#else
	pr_info("value %d\n", v);
#endif
}
