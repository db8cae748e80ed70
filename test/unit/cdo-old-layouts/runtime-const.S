/*
 * Linux 6.11+ x86-64 runtime constants (asm/runtime-const.h): a
 * "mov $0x0123456789abcdef, %reg" placeholder whose address is listed in
 * runtime_ptr_<NAME> (and shifts in runtime_shift_<NAME>); the kernel
 * patches the placeholders of vmlinux's own code at boot, never a module's.
 * A changed function with such a site is refused (exit 2); an unchanged
 * one is no concern.
 */
// expect: exit 2
// expect: changed rc_user
// expect: message rc_user+0xb has an entry in runtime_ptr_USER_PTR_MAX: the function uses the runtime constant USER_PTR_MAX
// expect: message patch its callers instead
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
2:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 2b - 8 - .
	.popsection
	ret
	.size rc_other, . - rc_other
	.section .note.GNU-stack, "", @progbits
