/*
 * Linux 4.18's struct jump_entry: three absolute u64 (code, target, key),
 * 24 bytes, key at +16.  Two entries are 48 bytes, also a multiple of
 * 6.1's 16: the layout is told by what the relocations point to (code or
 * the key in data), not by the size alone.  jl_user changes and keeps its
 * entry, jl_other's stays behind.
 */
// expect: exit 0
// expect: changed jl_user
// expect: size __jump_table 24
// expect: with JUMP_STRUCT_SIZE=16 message JUMP_STRUCT_SIZE=16 contradicts the object, whose relocations show 24-byte entries
#define JUMP(key)					\
1:	.byte 0x0f, 0x1f, 0x44, 0x00, 0x00;		\
	.pushsection __jump_table, "aw";		\
	.balign 8;					\
	.quad 1b, 2f, key;				\
	.popsection

	.file "jump-table-24.c"
	.section .text.jl_user, "ax", @progbits
	.globl jl_user
	.type jl_user, @function
jl_user:
	call __fentry__
	JUMP(jl_key)
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
	ret
2:	movl $3, %eax
	ret
	.size jl_user, . - jl_user

	.section .text.jl_other, "ax", @progbits
	.globl jl_other
	.type jl_other, @function
jl_other:
	call __fentry__
	JUMP(jl_key)
	xorl %eax, %eax
	ret
2:	movl $4, %eax
	ret
	.size jl_other, . - jl_other

	.section .data.jl_key, "aw", @progbits
	.balign 8
	.globl jl_key
	.type jl_key, @object
jl_key:
	.quad 0, 0
	.size jl_key, . - jl_key
	.section .note.GNU-stack, "", @progbits
