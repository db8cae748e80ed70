// A changed function with a dynamic debug descriptor (__dyndbg, a new copy),
// a WARN (__bug_table), user access (stac/clac alternatives), a jump label on a key of the object (__jump_table) and an
// exception table entry (__ex_table): each table keeps its entries.
// expect: exit 0
// expect: changed busy
// expect: section __dyndbg
// expect: section __bug_table
// expect: section __ex_table
// expect: section .altinstructions
// expect: section .altinstr_replacement
// expect: section __jump_table
// expect: klpsym .klp.sym.vmlinux.case_flag,0
// expect: klpsym .klp.sym.vmlinux.case_key,0
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/uaccess.h>
#include <linux/jump_label.h>
static int case_flag;
static DEFINE_STATIC_KEY_FALSE(case_key);
noinline int busy(int __user *p, int x)
{
	int v = 0;

	pr_debug("busy %d\n", x);
	WARN_ON(x == 12345);
	if (!user_access_begin(p, sizeof(*p)))
		return -EFAULT;
	unsafe_get_user(v, p, efault);
	user_access_end();
	if (static_branch_unlikely(&case_key))
		case_flag++;
#ifdef PATCHED
	return v + x + 1;
#else
	return v + x;
#endif
efault:
	user_access_end();
	return -EFAULT;
}
