/*
 * A .parainstructions layout the table does not list: packed 12-byte
 * entries { u8 *instr; u8 type, len; u16 clobbers; }.  Three entries are
 * 36 bytes (no multiple of 16 or 8): the size comes from the regular stride
 * of the relocations.  pv_user changes and keeps its entry.
 */
// expect: exit 0
// expect: changed pv_user
// expect: size .parainstructions 12
#define PARA(type)					\
771:	.byte 0xff, 0x15, 0, 0, 0, 0;			\
772:	.pushsection .parainstructions, "a";		\
	.quad 771b;					\
	.byte type, 772b - 771b;			\
	.word 0;					\
	.popsection

	.file "paravirt-12.c"
	.section .text.pv_user, "ax", @progbits
	.globl pv_user
	.type pv_user, @function
pv_user:
	call __fentry__
	PARA(1)
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
	ret
	.size pv_user, . - pv_user

	.section .text.pv_other, "ax", @progbits
	.globl pv_other
	.type pv_other, @function
pv_other:
	call __fentry__
	PARA(2)
	PARA(3)
	ret
	.size pv_other, . - pv_other
	.section .note.GNU-stack, "", @progbits
