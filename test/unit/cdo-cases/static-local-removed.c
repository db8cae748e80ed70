// expect: exit 2
// expect: message no longer refers to the static local variable
#include <linux/kernel.h>
noinline int counter(int x)
{
	static int total;
#ifdef PATCHED
	return x;
#else
	total += x;
	return total;
#endif
}
