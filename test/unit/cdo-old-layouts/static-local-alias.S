/*
 * Static locals that gcc folds (-fipa-icf-variables): two functions of
 * fs/smb/client/file.c (6.12) each have "static const unsigned int
 * types[] = {...}" with the same contents; gcc keeps one copy in
 * .rodata.types.71, with both symbols, types.71 and types.69, on it.  The
 * functions' references name the section: at +0 (resolved to one of the two
 * symbols) and at +8, the loop's end, past both symbols (resolved to the
 * section itself).  The other symbol pairs as an alias of the one reached
 * through the functions, and so the section pairs; unpaired, the
 * self-diff of file.o reported both functions changed (+8 pointed into a
 * "new" section).  Only "other" changes.
 */
// expect: exit 0
// expect: changed other
#ifdef PATCHED
#define VALUE 2
#else
#define VALUE 1
#endif
#define USER(name)						\
	.section .text.name, "ax", @progbits;			\
	.globl name;						\
	.type name, @function;					\
name:	call __fentry__;					\
	movl $.rodata.types.71, %eax;				\
	movl $.rodata.types.71 + 8, %edx;			\
	ret;							\
	.size name, . - name

	.file "file.c"
	.section .rodata.types.71, "a", @progbits
	.p2align 3
	.type types.71, @object
	.size types.71, 8
types.71:
	.type types.69, @object
	.size types.69, 8
types.69:
	.long 0x10, 0x11

	USER(push_locks)
	USER(unlock_range)

	.section .text.other, "ax", @progbits
	.globl other
	.type other, @function
other:	call __fentry__
	movl $VALUE, %eax
	ret
	.size other, . - other
