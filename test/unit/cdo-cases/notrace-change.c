// expect: exit 2
// expect: message has no ftrace hook
// expect: message notrace-change.c:5: cannot livepatch
#include <linux/kernel.h>
notrace noinline int untraced(int x)
{
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
