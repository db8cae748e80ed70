// KPATCH_IGNORE_FUNCTION: a change to noisy() is ignored, real_change() is not.
// expect: exit 0
// expect: changed real_change
#include <linux/kernel.h>
#include "kpatch-macros.h"
noinline int noisy(int x)
{
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
noinline int real_change(int x)
{
#ifdef PATCHED
	return noisy(x) * 3;
#else
	return noisy(x) * 2;
#endif
}
#ifdef PATCHED
KPATCH_IGNORE_FUNCTION(noisy);
#endif
