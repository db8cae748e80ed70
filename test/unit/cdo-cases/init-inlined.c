// expect: exit 2
// expect: message klpkit_setup is __init code
// expect: message The compiler inlined into it: scaled_limit
// Issue 10, defect 13: a change that reaches __init code only because the
// compiler inlined the changed function there names that function.
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
int klpkit_limit_base = 10;
static inline int scaled_limit(int x)
{
#ifdef PATCHED
	return x * klpkit_limit_base + 3;
#else
	return x * klpkit_limit_base + 2;
#endif
}
int klpkit_boot_limit;
static int __init klpkit_setup(void)
{
	klpkit_boot_limit = scaled_limit(4);
	return 0;
}
module_init(klpkit_setup);
