/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * klpkit-meta.h - the metadata create-diff-object writes into its output
 * object, read by the patch-module template (livepatch-patch.c) and by
 * klp-convert.  Shared by kernel and user space: fixed 64-bit layout.
 *
 * Sections of a create-diff-object output (OUT.o):
 *
 *   .klpkit.funcs     array of struct klpkit_func, one per patched function.
 *                     new_func, name and objname are absolute 64-bit
 *                     relocations (the arch's reloc_abs64, libkelf/kelf.h)
 *                     to the new function and to strings in .klpkit.strings.
 *                     sh_addralign <= 8 and a size multiple of 48, so that
 *                     the linker concatenates entries without padding (GCC
 *                     aligns a 48-byte object to 32 without __aligned(8)).
 *                     Empty in a patch of callbacks only.
 *   .klpkit.strings   NUL-terminated strings referenced by the entries.
 *   .klpkit.callbacks.pre_patch, .post_patch, .pre_unpatch, .post_unpatch
 *                     arrays of struct klpkit_callback (from the
 *                     KPATCH_*_CALLBACK macros); create-diff-object fills in
 *                     objname, the patch author leaves it NULL.
 *
 * External references.  Every relocation of OUT.o that must reach a symbol
 * of the running kernel is against an undefined symbol:
 *   - "NAME"                      a global symbol; klp-convert decides from
 *                                 Module.symvers and the target's symbol
 *                                 tables whether normal module linking
 *                                 resolves it (exported by vmlinux) or it
 *                                 becomes a livepatch relocation;
 *   - ".klp.sym.OBJ.NAME,POS"     a symbol the differ already resolved to
 *                                 object OBJ ("vmlinux" or a module name),
 *                                 position POS among same-named symbols of
 *                                 OBJ in kallsyms order (0: the name is
 *                                 unique in OBJ).  Locals (static functions
 *                                 and variables), and pointers to existing
 *                                 functions that must reach the original,
 *                                 are always written this way.
 * klp-convert turns every relocation against a ".klp.sym." symbol into a
 * livepatch relocation (.klp.rela.OBJ.SECTION, symbol st_shndx SHN_LIVEPATCH).
 *
 * Binding of those undefined symbols: STB_GLOBAL or STB_WEAK, klp-convert
 * treats both alike (a weak one must resolve too).  STB_WEAK is preferred
 * for ".klp.sym." names: kbuild's modpost ignores unresolved weak symbols,
 * so it neither warns "undefined!" nor adds a __versions entry for them.
 * (The template's Kbuild also sets KBUILD_MODPOST_WARN=1, so plain names
 * that are not vmlinux exports only warn; klp-convert is the authority.)
 * OBJ is the kernel's module name (underscores, at most 55 characters,
 * no '.'); NAME at most 511 characters and no ','; POS is decimal.
 *
 * Ignore markers (kpatch-macros.h), consumed by create-diff-object and never
 * copied to OUT.o (the template's linker script discards them anyway):
 *   .klpkit.ignore.functions  array of pointers (reloc_abs64) to functions
 *                             whose changes are to be ignored
 *                             (KPATCH_IGNORE_FUNCTION);
 *   .klpkit.ignore.sections   array of pointers (reloc_abs64) to NUL-
 *                             terminated section names whose changes are to
 *                             be ignored (KPATCH_IGNORE_SECTION).
 *
 * In the linked patch module (kmod/patch/klpkit.lds keeps the section names
 * and brackets each with symbols):
 *   __klpkit_funcs, __klpkit_funcs_end             .klpkit.funcs
 *   __klpkit_callbacks_KIND, __klpkit_callbacks_KIND_end
 *                               .klpkit.callbacks.KIND, KIND one of
 *                               pre_patch post_patch pre_unpatch post_unpatch
 * livepatch-patch.c builds one klp_object per distinct objname of
 * .klpkit.funcs and .klpkit.callbacks.* (at most one callback of each kind
 * per object).  klp-convert adds the modinfo tag
 *   klpkit_funcs=OBJ:FUNC[,POS] OBJ:FUNC[,POS] ...
 * (",POS" only when sympos > 0), read by `kpatch info`.
 */
#ifndef KLPKIT_META_H
#define KLPKIT_META_H

#define KLPKIT_FUNCS_SECTION		".klpkit.funcs"
#define KLPKIT_STRINGS_SECTION		".klpkit.strings"
#define KLPKIT_CB_PREFIX		".klpkit.callbacks."	/* + KIND */
#define KLPKIT_CB_PRE_PATCH		KLPKIT_CB_PREFIX "pre_patch"
#define KLPKIT_CB_POST_PATCH		KLPKIT_CB_PREFIX "post_patch"
#define KLPKIT_CB_PRE_UNPATCH		KLPKIT_CB_PREFIX "pre_unpatch"
#define KLPKIT_CB_POST_UNPATCH		KLPKIT_CB_PREFIX "post_unpatch"
/* the livepatch loader's names (kernel/livepatch/core.c, 6.1) */
#define KLPKIT_SYM_PREFIX		".klp.sym."	/* .klp.sym.OBJ.NAME,POS */
#define KLPKIT_RELA_PREFIX		".klp.rela."	/* .klp.rela.OBJ.SECTION */
#define KLPKIT_IGNORE_PREFIX		".klpkit.ignore."	/* + WHAT */
#define KLPKIT_IGNORE_FUNCTIONS		KLPKIT_IGNORE_PREFIX "functions"
#define KLPKIT_IGNORE_SECTIONS		KLPKIT_IGNORE_PREFIX "sections"
#define KLPKIT_MODINFO_FUNCS		"klpkit_funcs"

struct klpkit_func {
	unsigned long new_func;		/* address of the replacement */
	unsigned long name;		/* const char *: old function name */
	unsigned long objname;		/* const char *: "vmlinux" or module */
	unsigned long sympos;		/* kallsyms position, 0 = unique */
	unsigned long old_size;		/* for information */
	unsigned long new_size;
};

struct klpkit_callback {
	unsigned long fn;		/* int pre_patch(struct klp_object *) … */
	unsigned long objname;		/* const char *, set by the differ */
};

#endif
