// expect: exit 2
// expect: message read-only object ops_table changed
// expect: message no function of this object uses it
// Issue 10, defect 8: a const ops table whose member now points at a new
// function, reachable only through other read-only data: the running kernel
// keeps using its own copy, so this is refused with the reason, never
// "no functional change".
#include <linux/kernel.h>
struct klpkit_ops {
	int (*validate)(int);
	int (*apply)(int);
};
struct klpkit_driver {
	const char *name;
	const struct klpkit_ops *ops;
};
static noinline int validate_old(int x) { return x > 0; }
#ifdef PATCHED
static noinline int validate_new(int x) { return x > 1; }
#endif
static noinline int apply_x(int x) { return x * 2; }
static const struct klpkit_ops ops_table = {
#ifdef PATCHED
	.validate = validate_new,
#else
	.validate = validate_old,
#endif
	.apply = apply_x,
};
static const struct klpkit_driver drv = {
	.name = "klpkit",
	.ops = &ops_table,
};
const struct klpkit_driver *const klpkit_driver_ptr = &drv;
