// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kallsyms position rule: which symbols of vmlinux or of a module the
 * livepatch core counts, in which order, when it resolves NAME,POS (a
 * klp_func's old_sympos, a ".klp.sym.OBJ.NAME,POS" relocation symbol).
 * create-diff-object and klp-convert both use it, so a position one of
 * them writes is the position the other checks and the kernel finds.
 *
 * Linux 6.1, kernel/livepatch/core.c klp_find_object_symbol() counts, with
 * klp_find_callback(), the symbols called NAME in the order of
 *
 * vmlinux: kallsyms_on_each_symbol(), i.e. the table scripts/kallsyms built
 *   at link time from scripts/mksysmap's `nm -n vmlinux`:
 *   - mksysmap drops nm types a, N, U, w (absolute, debugging, undefined,
 *     weak undefined) and names $*, .L*, __crc_*, __kstrtab_*,
 *     __kstrtabns_*, L0;
 *   - kallsyms.c is_ignored_symbol() drops a fixed list of names (the
 *     kallsyms_* tables, arch stubs and thunks: vmlinux_name_ignored()),
 *     undefined, debugging and absolute symbols, and read_symbol() names
 *     of KSYM_NAME_LEN (512) characters or more;
 *   - CONFIG_KALLSYMS_ALL (--all-symbols, Debian) keeps data symbols;
 *   - compare_symbols() sorts by address, then non-weak first, then not
 *     linker-provided first, then fewer leading underscores, then nm's
 *     order (by name).
 *   In ELF terms: a named symbol, not STT_SECTION/STT_FILE, defined in an
 *   SHF_ALLOC section (nm gives other sections 'n'/'N'), name not filtered.
 *
 * module: module_kallsyms_on_each_symbol() walks mod->kallsyms in symbol
 *   table order and skips SHN_UNDEF.  Which table that is depends on when
 *   the patch resolves the symbol:
 *   - loaded module (kernel/module/kallsyms.c add_kallsyms()): the "core"
 *     symbols only, is_core_symbol(): st_name != 0, st_shndx neither
 *     SHN_UNDEF nor >= e_shnum (so not SHN_ABS/SHN_COMMON), and either the
 *     per-CPU section (CONFIG_KALLSYMS_ALL) or a section that is SHF_ALLOC
 *     at load time (the loader clears it on .modinfo and __versions) and
 *     not laid out as init: module_init_layout_section(), i.e. .init*
 *     (and .exit* without CONFIG_MODULE_UNLOAD; Debian has it);
 *   - a module still loading (klp_module_coming(), a patch that was loaded
 *     first): the whole symbol table, every entry but SHN_UNDEF (an entry
 *     with st_name 0 is called "" and matches no name).
 *   A module position is only valid if it is the same in both views.
 *
 * A symbol table read from `readelf -s` text has no section headers: its
 * symbols are then judged by st_shndx alone (sec_known false).
 */
#include <string.h>
#include "kelf.h"

/* Kernel build options the rule depends on (Debian 6.1 amd64). */
#define KSYM_NAME_LEN		512	/* include/linux/kallsyms.h */
#define KALLSYMS_ALL		1	/* CONFIG_KALLSYMS_ALL=y */
#define MODULE_UNLOAD		1	/* CONFIG_MODULE_UNLOAD=y */

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool ends(const char *s, const char *p)
{
	size_t ls = strlen(s), lp = strlen(p);

	return ls >= lp && !strcmp(s + ls - lp, p);
}

/* scripts/mksysmap and scripts/kallsyms.c is_ignored_symbol() */
static bool vmlinux_name_ignored(const char *name)
{
	static const char *const exact[] = {
		"kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
		"kallsyms_token_table", "kallsyms_token_index",
		"kallsyms_seqs_of_names", "_SDA_BASE_", "_SDA2_BASE_", "L0", NULL,
	};
	static const char *const prefixes[] = {
		"$", ".L", "__crc_", "__kstrtab_", "__kstrtabns_", "__efistub_",
		"__kvm_nvhe_$", "__kvm_nvhe_.L", "__AArch64ADRPThunk_",
		"__ARMV5PILongThunk_", "__ARMV7PILongThunk_",
		"__ThumbV7PILongThunk_", "__LA25Thunk_", "__microLA25Thunk_",
		"__kcfi_typeid_", NULL,
	};
	static const char *const suffixes[] = {
		"_from_arm", "_from_thumb", "_veneer", NULL,
	};
	const char *const *p;

	for (p = exact; *p; p++)
		if (!strcmp(name, *p))
			return true;
	for (p = prefixes; *p; p++)
		if (starts(name, *p))
			return true;
	for (p = suffixes; *p; p++)
		if (ends(name, *p))
			return true;
	return strstr(name, ".long_branch.") || strstr(name, ".plt_branch.") ||
	       strlen(name) >= KSYM_NAME_LEN;
}

static bool defined_in_section(const struct kelf_ksym *k)
{
	return k->shndx != SHN_UNDEF && k->shndx < SHN_LORESERVE;
}

static bool vmlinux_visible(const struct kelf_ksym *k)
{
	if (k->type == STT_SECTION || k->type == STT_FILE || !k->named || !*k->name)
		return false;
	/* undefined, absolute ('a'), common: not in kallsyms */
	if (!defined_in_section(k))
		return false;
	if (k->sec_known && !(k->secflags & SHF_ALLOC))
		return false;	/* nm: 'n' or 'N' */
	return !vmlinux_name_ignored(k->name);
}

/* kernel/module/main.c module_init_layout_section() */
static bool module_init_layout(const char *secname)
{
	if (!MODULE_UNLOAD && starts(secname, ".exit"))
		return true;
	return starts(secname, ".init");
}

/* kernel/module/kallsyms.c is_core_symbol() */
static bool module_core(const struct kelf_ksym *k)
{
	if (!k->named || !defined_in_section(k))
		return false;
	if (!k->sec_known)
		return true;
	if (KALLSYMS_ALL && !strcmp(k->secname, ".data..percpu"))
		return true;
	/* layout_and_allocate() clears SHF_ALLOC of these before layout */
	if (!strcmp(k->secname, ".modinfo") || !strcmp(k->secname, "__versions"))
		return false;
	if (!(k->secflags & SHF_ALLOC) ||
	    (!KALLSYMS_ALL && !(k->secflags & SHF_EXECINSTR)))
		return false;
	return !module_init_layout(k->secname);
}

bool kelf_ksym_visible(const struct kelf_ksym *k, enum kelf_ksyms_view v)
{
	switch (v) {
	case KELF_KSYMS_VMLINUX:
		return vmlinux_visible(k);
	case KELF_KSYMS_MODULE:
		return module_core(k);
	case KELF_KSYMS_MODULE_LOADING:
		/* st_name 0 is "" to the kernel: it matches no name */
		return k->named && k->shndx != SHN_UNDEF;
	}
	return false;
}

void kelf_ksym_init(struct kelf_ksym *k, const struct kelf_symbol *s)
{
	memset(k, 0, sizeof(*k));
	k->name = s->name;
	k->value = s->sym.st_value;
	k->index = s->index;
	k->bind = s->bind;
	k->type = s->type;
	/* libkelf names section symbols after their section; the kernel does not */
	k->named = s->sym.st_name != 0;
	if (s->sec) {
		/* the section index itself does not matter, only that it is one */
		k->shndx = s->sec->index ? s->sec->index : 1;
		k->sec_known = true;
		k->secname = s->sec->name;
		k->secflags = s->sec->sh.sh_flags;
	} else {
		k->shndx = s->shndx;
	}
}

static bool nm_weak(const struct kelf_ksym *k)
{
	return k->bind == STB_WEAK && k->type != STT_OBJECT;
}

/* scripts/kallsyms.c may_be_linker_script_provide_symbol() */
static bool linker_provided(const char *n)
{
	size_t len = strlen(n);

	if (len < 8 || n[0] != '_' || n[1] != '_')
		return false;
	return starts(n + 2, "start_") || starts(n + 2, "stop_") ||
	       starts(n + 2, "end_") || ends(n, "_start") || ends(n, "_end");
}

/* scripts/kallsyms.c compare_symbols(), with nm -n's order (name) as the tail. */
static int cmp_vmlinux(const struct kelf_ksym *x, const struct kelf_ksym *y)
{
	int wx, wy, c;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	wx = nm_weak(x);
	wy = nm_weak(y);
	if (wx != wy)
		return wx - wy;
	wx = linker_provided(x->name);
	wy = linker_provided(y->name);
	if (wx != wy)
		return wx - wy;
	wx = strspn(x->name, "_");
	wy = strspn(y->name, "_");
	if (wx != wy)
		return wx - wy;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

int kelf_ksym_cmp(const struct kelf_ksym *a, const struct kelf_ksym *b,
		  enum kelf_ksyms_view v)
{
	if (v == KELF_KSYMS_VMLINUX)
		return cmp_vmlinux(a, b);
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Index of @sym among the symbols of @same visible in @v; -1 if hidden. */
static long index_in_view(const struct kelf_ksym *const *same, size_t n,
			  const struct kelf_ksym *sym, enum kelf_ksyms_view v,
			  size_t *nr)
{
	size_t i, before = 0;

	*nr = 0;
	for (i = 0; i < n; i++) {
		if (!kelf_ksym_visible(same[i], v))
			continue;
		(*nr)++;
		if (same[i] != sym && kelf_ksym_cmp(same[i], sym, v) < 0)
			before++;
	}
	return kelf_ksym_visible(sym, v) ? (long)before : -1;
}

int kelf_sympos(const struct kelf_ksym *const *same, size_t n,
		const struct kelf_ksym *sym, bool vmlinux, struct kelf_sympos *out)
{
	memset(out, 0, sizeof(*out));
	if (vmlinux) {
		out->index = index_in_view(same, n, sym, KELF_KSYMS_VMLINUX, &out->nr);
		out->index_loading = out->index;
		out->nr_loading = out->nr;
	} else {
		out->index = index_in_view(same, n, sym, KELF_KSYMS_MODULE, &out->nr);
		out->index_loading = index_in_view(same, n, sym,
						   KELF_KSYMS_MODULE_LOADING,
						   &out->nr_loading);
	}
	if (out->index < 0) {
		out->result = KELF_SYMPOS_HIDDEN;
		return -1;
	}
	if (out->nr == 1 && out->nr_loading == 1) {
		out->pos = 0;
	} else if (out->index == out->index_loading) {
		out->pos = out->index + 1;
	} else {
		out->result = KELF_SYMPOS_UNSTABLE;
		return -1;
	}
	out->result = KELF_SYMPOS_OK;
	return 0;
}
