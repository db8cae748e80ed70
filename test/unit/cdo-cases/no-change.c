// expect: exit 3
#include <linux/kernel.h>
noinline int same(int x)
{
	return x + 1;
}
