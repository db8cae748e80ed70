// An unchanged function copies a local array's initializer from an
// anonymous constant in .rodata (no symbol of its own: on aarch64 only the
// assembler's "$d" mapping symbol sits there, one of many of that name);
// its reference must compare equal, as a reference to the section.  6.12's
// fs/proc/base.c oom_adj_write() has this shape (PROC_NUMBUF bytes).
// expect: exit 0
// expect: changed other
extern void use(int *p, unsigned long n);
__attribute__((noinline)) void fill(unsigned long n)
{
	int buf[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
			13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 };

	use(buf, n);
}
__attribute__((noinline)) int other(int a)
{
#ifdef PATCHED
	return a + 2;
#else
	return a + 1;
#endif
}
