/*
 * Dynamic debug before 5.x: the descriptors of pr_debug() are in
 * __verbose (now __dyndbg), writable data pointing at the format strings.
 */
	.file "verbose-dyndbg.c"
	.section .rodata.str1.1, "aMS", @progbits, 1
.Lmod:	.asciz "verbose_dyndbg"
.Lfunc:	.asciz "vd_user"
.Lfile:	.asciz "verbose-dyndbg.c"
.Lfmt:	.asciz "vd_user %d\n"

	.section __verbose, "aw", @progbits
	.balign 8
	.type descriptor.1, @object
descriptor.1:
	.quad .Lmod, .Lfunc, .Lfile, .Lfmt
	.long 12, 0
	.size descriptor.1, . - descriptor.1

	.section .text.vd_user, "ax", @progbits
	.globl vd_user
	.type vd_user, @function
vd_user:
	call __fentry__
	leaq descriptor.1(%rip), %rdi
	movl $1, %eax
	ret
	.size vd_user, . - vd_user
	.section .note.GNU-stack, "", @progbits
