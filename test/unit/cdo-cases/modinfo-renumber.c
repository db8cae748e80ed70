// expect: exit 0
// expect: changed probe_value
// Issue 10, defect 9: one more __COUNTER__ user (BUILD_BUG_ON) renumbers every
// later __UNIQUE_ID_* (MODULE_ALIAS strings in .modinfo): metadata the patch
// never carries must not cause a refusal.
#include <linux/build_bug.h>
#include <linux/module.h>
noinline int probe_value(int x)
{
#ifdef PATCHED
	BUILD_BUG_ON(sizeof(int) != 4);
	return x + 2;
#else
	return x + 1;
#endif
}
MODULE_ALIAS("klpkit-test-a");
MODULE_ALIAS("klpkit-test-longer-alias-bb");
MODULE_ALIAS("klpkit-test-ccc");
MODULE_DESCRIPTION("klpkit fixture");
