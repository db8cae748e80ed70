/*
 * Linux 6.11+ x86-64 runtime constants (asm/runtime-const.h): a
 * "movabs $0x0123456789abcdef, %reg" placeholder whose imm64 is listed in
 * runtime_ptr_<NAME>; the kernel patches the placeholders of vmlinux's own
 * code at boot, never a module's.  create-diff-object rewrites every such
 * site, in both objects, into "mov NAME(%rip), %reg" + a 3-byte NOP (what a
 * module build of the source emits), so a changed function reads the
 * variable: no runtime_ptr_ table in the output, a PC32 relocation to the
 * variable instead.  rc_user's second site uses %r10 (REX.B → REX.R).
 */
// expect: exit 0
// expect: changed rc_user
// expect: nosection runtime_ptr_USER_PTR_MAX
// expect: rela .text.rc_user USER_PTR_MAX
// expect: insn .text.rc_user 9: 48 8b 05 00 00 00 00 mov 0x0(%rip),%rax
// expect: insn .text.rc_user 10: 0f 1f 00 nopl (%rax)
// expect: insn .text.rc_user 13: 4c 8b 15 00 00 00 00 mov 0x0(%rip),%r10
// expect: insn .text.rc_user c: R_X86_64_PC32 USER_PTR_MAX-0x4
// expect: insn .text.rc_user 16: R_X86_64_PC32 USER_PTR_MAX-0x4
	.file "runtime-const.c"
	.section .text.rc_user, "ax", @progbits
	.globl rc_user
	.type rc_user, @function
rc_user:
	call __fentry__
	nop
	nop
	nop
	nop
	movabsq $0x0123456789abcdef, %rax
1:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 1b - 8 - .
	.popsection
	movabsq $0x0123456789abcdef, %r10
2:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 2b - 8 - .
	.popsection
#ifdef PATCHED
	addq $2, %rax
#else
	addq $1, %rax
#endif
	ret
	.size rc_user, . - rc_user

	.section .text.rc_other, "ax", @progbits
	.globl rc_other
	.type rc_other, @function
rc_other:
	call __fentry__
	movabsq $0x0123456789abcdef, %rax
3:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 3b - 8 - .
	.popsection
	ret
	.size rc_other, . - rc_other
	.section .note.GNU-stack, "", @progbits
