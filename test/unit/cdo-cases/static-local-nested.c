// expect: exit 0
// expect: changed other
// A static that only another static points to (net/ipv6/netfilter.c's
// __nf_ip6_route: fake_sk = { .pinet6 = &fake_pinfo }): it pairs through
// that static.  Unpaired, it was new, so fake_sk and its user "changed".
#include <linux/kernel.h>
struct pinfo { int a[8]; };
struct fake_sock { int bound; const struct pinfo *pinfo; };
noinline const void *user(int x)
{
	static const struct pinfo fake_pinfo;
	static const struct fake_sock fake_sk = {
		.bound = 1,
		.pinfo = &fake_pinfo,
	};
	return x ? &fake_sk : NULL;
}
noinline int other(int x)
{
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
