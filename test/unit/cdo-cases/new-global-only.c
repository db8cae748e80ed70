// expect: exit 0
// expect: new klpkit_new_helper
// expect: section .data.klpkit_new_counter
// Issue 10, defect 6: a file whose only change is a new global function (and a
// new global variable) called from another patched file: the new globals are
// kept, or the other object's reference ends undefined.
#include <linux/kernel.h>
#ifdef PATCHED
int klpkit_new_counter = 5;
noinline int klpkit_new_helper(int x)
{
	return x + klpkit_new_counter;
}
#endif
noinline int unchanged_user(int x)
{
	return x * 7;
}
