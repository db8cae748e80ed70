// expect: exit 2
// expect: message moved from section .data.val to .rodata.val
#include <linux/kernel.h>
#ifdef PATCHED
static const int val = 3;
#else
static int val = 3;
noinline void set_val(int v)
{
	val = v;
}
#endif
noinline int get_val(int *p)
{
	return READ_ONCE(val) + *p;
}
