// expect: parent fakemod
// expect: exit 2
// expect: changed keyed
// expect: message lives in module fakemod
#include <linux/kernel.h>
#include <linux/jump_label.h>
static DEFINE_STATIC_KEY_FALSE(case_key);
noinline int keyed(int x)
{
	if (static_branch_unlikely(&case_key))
		return x;
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
