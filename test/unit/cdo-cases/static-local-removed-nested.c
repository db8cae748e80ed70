// expect: exit 2
// expect: once no longer refers to the static local variable
// A lost static local is refused once, though counter() refers to it twice
// and the statics of user() take a second round of pairing (it was said 2
// times, then 6: once a reference and a round).
#include <linux/kernel.h>
struct pinfo { int a[8]; };
struct fake_sock { int bound; const struct pinfo *pinfo; };
noinline const void *user(int x)
{
	static const struct pinfo fake_pinfo;
	static const struct fake_sock fake_sk = { .bound = 1, .pinfo = &fake_pinfo };

	return x ? &fake_sk : NULL;
}
noinline int counter(int x)
{
#ifdef PATCHED
	return x;
#else
	static int total;

	total += x;
	return total;
#endif
}
