// expect: exit 0
// expect: changed helper
// expect: klpsym .klp.sym.vmlinux.calls.0,0
// expect: klpsym .klp.sym.vmlinux.count,0
#include <linux/kernel.h>
static int count;
static noinline int helper(int x)
{
	static int calls;

	calls++;
	count--;
#ifdef PATCHED
	return x * 3 + calls;
#else
	return x * 2 + calls;
#endif
}
int case_entry(int y)
{
	count += helper(y);
	return count;
}
