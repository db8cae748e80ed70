// expect: exit 0
// expect: changed lookup
#include <linux/kernel.h>
#ifdef PATCHED
static const int table[4] = { 1, 2, 3, 5 };
#else
static const int table[4] = { 1, 2, 3, 4 };
#endif
noinline int lookup(int i)
{
	return table[i & 3];
}
