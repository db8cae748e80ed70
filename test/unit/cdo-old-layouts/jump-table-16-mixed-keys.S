/*
 * Linux 6.1's struct jump_entry (16 bytes: s32 code, target; long key)
 * with keys of both kinds, as in tcp_timer.o: defined in the object, and
 * external (undefined).  Both are "not code": the entries are regular at
 * 16 bytes, never measured as one 48-byte entry per period of the keys.
 * jl6_user changes and keeps its one entry.
 */
// expect: exit 0
// expect: changed jl6_user
// expect: size __jump_table 16
#define JUMP(key)					\
1:	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00;		\
	.pushsection __jump_table, "aw";		\
	.balign 8;					\
	.long 1b - ., 2f - .;				\
	.quad key - .;					\
	.popsection

	.file "jump-table-16-mixed-keys.c"
	.section .text.jl6_user, "ax", @progbits
	.globl jl6_user
	.type jl6_user, @function
jl6_user:
	call __fentry__
	JUMP(jl6_key)
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
	ret
2:	movl $3, %eax
	ret
	.size jl6_user, . - jl6_user

	.section .text.jl6_other, "ax", @progbits
	.globl jl6_other
	.type jl6_other, @function
jl6_other:
	call __fentry__
	JUMP(jl6_key)
	JUMP(ext_key)
	JUMP(jl6_key)
	JUMP(jl6_key)
	JUMP(ext_key)
	xorl %eax, %eax
	ret
2:	movl $4, %eax
	ret
	.size jl6_other, . - jl6_other

	.section .data.jl6_key, "aw", @progbits
	.balign 8
	.globl jl6_key
	.type jl6_key, @object
jl6_key:
	.quad 0, 0
	.size jl6_key, . - jl6_key
	.section .note.GNU-stack, "", @progbits
