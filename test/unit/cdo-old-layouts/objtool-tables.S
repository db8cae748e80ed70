/*
 * Tables objtool writes (6.12 single-object modules carry them; vmlinux
 * objects of an IBT kernel do not): a changed function keeps its entries
 * of .return_sites, .call_sites and ORC.  objtool-link.S diffs the same
 * object with --objtool-link, where objtool writes them for the whole
 * patch module and the differ leaves them out.
 */
#ifndef OBJTOOL_LINK
// expect: exit 0
// expect: changed ot_user
// expect: size .return_sites 4
// expect: size .call_sites 4
// expect: size .orc_unwind_ip 8
// expect: size .orc_unwind 12
#endif
#define SITE(table, label)			\
	.pushsection table, "a";		\
	.long label - .;			\
	.popsection
#define ORC(label)				\
	.pushsection .orc_unwind_ip, "a";	\
	.long label - .;			\
	.popsection;				\
	.pushsection .orc_unwind, "a";		\
	.short 8, 0, 0x15;			\
	.popsection

	.file "objtool-tables.c"
	.section .text.ot_user, "ax", @progbits
	.globl ot_user
	.type ot_user, @function
ot_user:
	call __fentry__
1:	call helper
	SITE(.call_sites, 1b)
	ORC(1b)
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
2:	jmp __x86_return_thunk
	SITE(.return_sites, 2b)
	ORC(2b)
	.size ot_user, . - ot_user

	.section .text.ot_other, "ax", @progbits
	.globl ot_other
	.type ot_other, @function
ot_other:
	call __fentry__
3:	jmp __x86_return_thunk
	SITE(.return_sites, 3b)
	.size ot_other, . - ot_other
	.section .note.GNU-stack, "", @progbits
