// A changed function with a __bug_table entry (a WARN-like trap recorded
// by inline asm, as the kernel's BUG/WARN macros do): the table keeps the
// entry of the changed function.
// expect: exit 0
// expect: changed warned
// expect: section __bug_table
#if defined(__aarch64__)
#define TRAP "brk 0x800"
#elif defined(__powerpc64__)
#define TRAP "twi 31, 0, 0"
#elif defined(__s390x__)
#define TRAP ".word 0x0001"
#else
#define TRAP "ud2"
#endif
/* struct bug_entry with CONFIG_GENERIC_BUG_RELATIVE_POINTERS: bug_addr_disp, file_disp, line, flags */
#define CROSS_WARN(cond)						\
	do {								\
		if (cond)						\
			asm volatile("1:\t" TRAP "\n"			\
				     ".pushsection __bug_table,\"aw\"\n"	\
				     ".balign 4\n"			\
				     "2:\t.long 1b - 2b\n"		\
				     "\t.long 0\n"			\
				     "\t.short %c0, %c1\n"		\
				     ".popsection\n"			\
				     : : "i" (__LINE__), "i" (1 << 9));	\
	} while (0)
__attribute__((noinline)) int warned(int x)
{
	CROSS_WARN(x == 12345);
#ifdef PATCHED
	return x + 2;
#else
	return x + 1;
#endif
}
int other(int x)
{
	CROSS_WARN(x == 54321);
	return x - 1;
}
