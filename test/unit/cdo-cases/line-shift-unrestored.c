// expect: exit 0
// expect: changed where
// The differ is exact: a __LINE__ that moved is a changed function.  (kpatch-build
// never lets lines move outside the hunks: kpatch-build/fix-lines.)
#include <linux/kernel.h>
#include <linux/printk.h>
#ifdef PATCHED
#line 200
#endif
noinline int where(int x)
{
	pr_info("where: line %d\n", __LINE__);
	return x + 1;
}
