// expect: exit 3
// expect: message no functional change
#include <linux/bug.h>
#include <linux/kernel.h>
#ifdef PATCHED


/* lines inserted: only __LINE__ values move */
#endif
noinline int warn_big(int x)
{
	WARN_ON(x > 1000);
	if (x < 0)
		pr_err("negative at %s:%d\n", __FILE__, 42);
	return x * 2;
}
