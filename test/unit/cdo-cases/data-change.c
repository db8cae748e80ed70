// expect: exit 2
// expect: message the initial value of limit
// expect: message data-change.c:6: cannot livepatch
#include <linux/kernel.h>
#ifdef PATCHED
int limit = 20;
#else
int limit = 10;
#endif
noinline int check(int x)
{
	return x > limit;
}
