// Taking the address of a function keeps pointing at the running kernel's
// original (pointers stored elsewhere must compare equal), even when that
// function is replaced too; calls go to the new copy.
// expect: exit 0
// expect: changed target_fn
// expect: changed take_address
// expect: klpsym .klp.sym.vmlinux.target_fn,0
#include <linux/kernel.h>
int (*case_saved)(int);
noinline int target_fn(int x)
{
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
noinline int take_address(int x)
{
	WRITE_ONCE(case_saved, target_fn);
#ifdef PATCHED
	return target_fn(x) * 2;
#else
	return target_fn(x);
#endif
}
