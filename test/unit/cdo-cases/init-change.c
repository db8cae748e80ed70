// expect: exit 2
// expect: message is __init code
// expect: message init-change.c:6: cannot livepatch
#include <linux/init.h>
#include <linux/kernel.h>
static int __init case_init(void)
{
#ifdef PATCHED
	pr_info("init patched\n");
#else
	pr_info("init\n");
#endif
	return 0;
}
int (*case_init_hook)(void) = case_init;
