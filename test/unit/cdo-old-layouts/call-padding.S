/*
 * Linux 6.2+ x86-64 with CONFIG_CALL_PADDING and IBT (Debian's 6.12):
 * gcc's -fpatchable-function-entry=16,16 puts 16 one-byte NOPs in front of
 * every function, in its section (recorded in __patchable_function_entries);
 * the function starts with endbr64, then the __fentry__ call.  objtool names
 * the padding __pfx_<function>, with the function's binding, where it ran
 * (module objects).  A changed
 * function keeps its padding in the output (the kernel writes call-depth
 * thunks there); the unchanged one stays behind.  A new global function
 * with a __pfx_ symbol is one new function, its padding with it (6.12
 * cdo-cases new-global-only reported __pfx_klpkit_new_helper as well).
 */
// expect: exit 0
// expect: changed pad_user
// expect: changed pfx_user
// expect: new new_pfx
// expect: symbol new_pfx 16
// expect: nops .text.new_pfx 16
// expect: size .text.pad_user 31
// expect: symbol pad_user 16
// expect: nops .text.pad_user 16
// expect: size .text.pfx_user 31
// expect: symbol pfx_user 16
// expect: nops .text.pfx_user 16
#ifdef PATCHED
#define VALUE 2
#else
#define VALUE 1
#endif
#define PADDED(name, pfx)					\
	.section .text.name, "ax", @progbits;			\
	.p2align 4;						\
pfx;								\
1:	.rept 16; nop; .endr;					\
	.section __patchable_function_entries, "awo", @progbits, .text.name; \
	.p2align 3;						\
	.quad 1b;						\
	.section .text.name, "ax", @progbits;			\
	.globl name;						\
	.type name, @function;					\
name:	endbr64;						\
	call __fentry__;					\
	movl $VALUE, %eax;					\
	ret;							\
	.size name, . - name

#define NO_PFX
#define PFX(name) .globl __pfx_##name; .type __pfx_##name, @function; __pfx_##name: ; .size __pfx_##name, 16

	.file "call-padding.c"
	PADDED(pad_user, NO_PFX)
	PADDED(pfx_user, PFX(pfx_user))
#ifdef PATCHED
	PADDED(new_pfx, PFX(new_pfx))
#endif

	.section .text.pad_other, "ax", @progbits
	.p2align 4
2:	.rept 16; nop; .endr
	.section __patchable_function_entries, "awo", @progbits, .text.pad_other
	.p2align 3
	.quad 2b
	.section .text.pad_other, "ax", @progbits
	.globl pad_other
	.type pad_other, @function
pad_other:
	endbr64
	call __fentry__
	ret
	.size pad_other, . - pad_other
	.section .note.GNU-stack, "", @progbits
