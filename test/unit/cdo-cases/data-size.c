// expect: exit 2
// expect: message the size of table changed (16 → 20 bytes)
#include <linux/kernel.h>
#ifdef PATCHED
int table[5] = { 1, 2, 3, 4, 5 };
#else
int table[4] = { 1, 2, 3, 4 };
#endif
noinline int sum(void)
{
	return table[0] + table[3];
}
