#include <linux/kernel.h>
/* a local absolute symbol called helper: kallsyms leaves it out */
asm(".set helper, 0");
int a_entry(int x)
{
	return x + 1;
}
