/*
 * Linux 4.18's struct alt_instr: 13 bytes (packed, with padlen), the
 * replacement length at +11.  alt_user changes; its two alternatives and
 * their replacement code (2 and 3 bytes) travel with it, alt_other's stays
 * behind.
 */
// expect: exit 0
// expect: changed alt_user
// expect: size .altinstructions 26
// expect: size .altinstr_replacement 5
// expect: with ALT_STRUCT_SIZE=12 message ALT_STRUCT_SIZE=12 contradicts the object, whose relocations show 13-byte entries
#define ALT(orig, repl, feature)			\
661:	orig;						\
662:	.pushsection .altinstructions, "a";		\
	.long 661b - .;					\
	.long 6641f - .;				\
	.word feature;					\
	.byte 662b - 661b;				\
	.byte 6642f - 6641f;				\
	.byte 0;					\
	.popsection;					\
	.pushsection .altinstr_replacement, "ax";	\
6641:	repl;						\
6642:	.popsection

	.file "altinstr-13.c"
	.section .text.alt_user, "ax", @progbits
	.globl alt_user
	.type alt_user, @function
alt_user:
	call __fentry__
	ALT(.byte 0x90; .byte 0x90; .byte 0x90, .byte 0x66; .byte 0x90, 0x94)
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
	ALT(.byte 0x90; .byte 0x90; .byte 0x90, .byte 0x0f; .byte 0x01; .byte 0xca, 0x94)
	ret
	.size alt_user, . - alt_user

	.section .text.alt_other, "ax", @progbits
	.globl alt_other
	.type alt_other, @function
alt_other:
	call __fentry__
	ALT(.byte 0x90; .byte 0x90; .byte 0x90, .byte 0x0f; .byte 0xae; .byte 0xe8, 0x1a)
	ret
	.size alt_other, . - alt_other
	.section .note.GNU-stack, "", @progbits
