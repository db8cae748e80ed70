/*
 * An object built with kpatch's own kpatch-macros.h: callbacks in
 * .kpatch.callbacks.KIND ({ fn, objname }, klpkit's layout) and ignore
 * markers in .kpatch.ignore.functions / .kpatch.ignore.sections.  They
 * mean what klpkit's .klpkit.* sections mean: km_ignored's change is
 * ignored, km_user's reported, and the callback the patch adds is new
 * code (so the patched object alone is a patch: exit 0).
 */
// expect: exit 0
// expect: changed km_user
// expect: new km_pre_patch
// expect: self patched 0
	.file "kpatch-macros.c"
	.section .text.km_user, "ax", @progbits
	.globl km_user
	.type km_user, @function
km_user:
	call __fentry__
#ifdef PATCHED
	movl $2, %eax
#else
	movl $1, %eax
#endif
	ret
	.size km_user, . - km_user

	.section .text.km_ignored, "ax", @progbits
	.globl km_ignored
	.type km_ignored, @function
km_ignored:
	call __fentry__
#ifdef PATCHED
	movl $20, %eax
#else
	movl $10, %eax
#endif
	ret
	.size km_ignored, . - km_ignored

#ifdef PATCHED
	.section .text.km_pre_patch, "ax", @progbits
	.type km_pre_patch, @function
km_pre_patch:
	call __fentry__
	xorl %eax, %eax
	ret
	.size km_pre_patch, . - km_pre_patch

	.section .kpatch.callbacks.pre_patch, "aw", @progbits
	.balign 8
	.type __UNIQUE_ID_kpatch_pre_patch_1, @object
__UNIQUE_ID_kpatch_pre_patch_1:
	.quad km_pre_patch, 0
	.size __UNIQUE_ID_kpatch_pre_patch_1, 16
#endif

	.section .kpatch.ignore.functions, "a", @progbits
	.balign 8
	.type __UNIQUE_ID_kpatch_ignore_func_2, @object
__UNIQUE_ID_kpatch_ignore_func_2:
	.quad km_ignored
	.size __UNIQUE_ID_kpatch_ignore_func_2, 8

	.section .rodata.str1.1, "aMS", @progbits, 1
.Lsec:	.asciz ".text.unused"
	.section .kpatch.ignore.sections, "a", @progbits
	.balign 8
	.type __UNIQUE_ID_kpatch_ignore_section_3, @object
__UNIQUE_ID_kpatch_ignore_section_3:
	.quad .Lsec
	.size __UNIQUE_ID_kpatch_ignore_section_3, 8
	.section .note.GNU-stack, "", @progbits
