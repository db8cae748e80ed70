// A patch that only adds a KPATCH_PRE_PATCH_CALLBACK still builds a module:
// the callback is new code, its entry gets the object name.
// expect: exit 0
// expect: new case_pre_patch
#include <linux/kernel.h>
#include "kpatch-macros.h"
noinline int untouched(int x)
{
	return x + 1;
}
#ifdef PATCHED
static int case_pre_patch(struct klp_object *obj)
{
	pr_info("pre-patch\n");
	return 0;
}
KPATCH_PRE_PATCH_CALLBACK(case_pre_patch);
#endif
