/*
 * Linux 4.18's exception table: { s32 insn, fixup, handler } with the
 * fixup code in one .fixup section shared by every function of the file
 * (kernels before 5.16's extable rework), and the per-symbol export
 * sections of kernels before 5.10's: ___ksymtab+NAME, ___kcrctab+NAME.
 * ex_user changes: its entry keeps its .fixup group (10 bytes, up to
 * ex_other's group), which jumps back into the new copy of ex_user.
 */
// expect: exit 0
// expect: changed ex_user
// expect: size __ex_table 12
// expect: size .fixup 10
// expect: rela .fixup ex_user
#define EX(from, to)					\
	.pushsection __ex_table, "a";			\
	.balign 4;					\
	.long from - ., to - ., ex_handler_default - .;	\
	.popsection

	.file "ex-table-fixup.c"
	.section .text.ex_user, "ax", @progbits
	.globl ex_user
	.type ex_user, @function
ex_user:
	call __fentry__
1:	movl (%rdi), %eax
#ifdef PATCHED
	incl %eax
#endif
2:
	ret
	.section .fixup, "ax", @progbits
3:	movl $-14, %eax
	jmp 2b
	.previous
	EX(1b, 3b)
	.size ex_user, . - ex_user

	.section .text.ex_other, "ax", @progbits
	.globl ex_other
	.type ex_other, @function
ex_other:
	call __fentry__
1:	movl 4(%rdi), %eax
2:
	ret
	.section .fixup, "ax", @progbits
3:	xorl %eax, %eax
	jmp 2b
	.previous
	EX(1b, 3b)
	.size ex_other, . - ex_other

	/* EXPORT_SYMBOL(ex_other) before 5.10 */
	.section "___ksymtab+ex_other", "a"
	.balign 8
__ksymtab_ex_other:
	.long ex_other - ., __kstrtab_ex_other - .
	.section "___kcrctab+ex_other", "a"
__kcrctab_ex_other:
	.long 0x12345678
	.section __ksymtab_strings, "aMS", @progbits, 1
__kstrtab_ex_other:
	.asciz "ex_other"
	.section .note.GNU-stack, "", @progbits
