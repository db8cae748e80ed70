// expect: exit 1
// expect: message section '.klpkit_test_weird' (type 1, flags 0x3) is not known to create-diff-object
#include <linux/kernel.h>
static int weird __attribute__((section(".klpkit_test_weird"), used)) = 1;
noinline int reads_weird(void)
{
	return weird;
}
