/*
 * Runtime constants create-diff-object cannot rewrite: a shift
 * (runtime_shift_<NAME>: "shr $imm8, %reg", no register to load the
 * variable into) and a runtime_ptr_ site that is not the "movabs
 * $0x0123456789abcdef, %reg" placeholder.  A changed function with such
 * a site is refused (exit 2) with the remedy; the rewritable site of
 * rc_mixed is rewritten all the same.
 */
// expect: exit 2
// expect: changed rc_shift
// expect: changed rc_mixed
// expect: message rc_shift+0x8 has an entry in runtime_shift_d_hash_shift: the function uses the runtime constant d_hash_shift
// expect: message rc_mixed+0x11 has an entry in runtime_ptr_USER_PTR_MAX: the function uses the runtime constant USER_PTR_MAX
// expect: message patch its callers instead
	.file "runtime-const-refused.c"
	.section .text.rc_shift, "ax", @progbits
	.globl rc_shift
	.type rc_shift, @function
rc_shift:
	call __fentry__
	nop
	shrl $12, %eax
1:	.pushsection runtime_shift_d_hash_shift, "a"
	.long 1b - 1 - .
	.popsection
#ifdef PATCHED
	addq $2, %rax
#else
	addq $1, %rax
#endif
	ret
	.size rc_shift, . - rc_shift

	.section .text.rc_mixed, "ax", @progbits
	.globl rc_mixed
	.type rc_mixed, @function
rc_mixed:
	call __fentry__
	movabsq $0x0123456789abcdef, %rax
2:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 2b - 8 - .
	.popsection
	movabsq $0x1111111111111111, %rcx
3:	.pushsection runtime_ptr_USER_PTR_MAX, "a"
	.long 3b - 8 - .
	.popsection
#ifdef PATCHED
	addq $2, %rax
#else
	addq $1, %rax
#endif
	ret
	.size rc_mixed, . - rc_mixed
	.section .note.GNU-stack, "", @progbits
