// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tables the module loader walks before every livepatch relocation of the
 * patch module is written (the arch's load_tables; x86-64: .call_sites,
 * whose calls module_finalize() points at the callee's call-depth thunk,
 * and .static_call_sites, whose keys the static_call module notifier
 * resolves).  6.1+ writes a .klp.rela.vmlinux.* section while the module
 * loads, before those walks, but a .klp.rela.MODULE.* section only when
 * MODULE is patched, after them.  An entry is removed when the walk would
 * read what livepatch relocates:
 *   - a call whose displacement is a .klp.rela relocation to a module
 *     (the loader would see "call the next instruction" and warn "Invalid
 *     padding area"): the call then reaches the callee directly, as calls
 *     from code without thunk accounting do;
 *   - a static call key that is a .klp.rela relocation (a symbol the
 *     kernel does not export: for a trampoline the notifier fails the load
 *     with "Failed to fixup __raw_static_call() usage"): the call then goes
 *     through the trampoline, which static_call_update() keeps current.
 * Relocations of removed entries go with them (in every relocation section
 * of the table), the others follow their entry.
 */
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

/* Is @rs a .klp.rela section livepatch writes after the loader's walks? */
static bool klp_late(const struct kelf_section *rs, bool any_object)
{
	char obj[KLP_OBJNAME_MAX + 1];
	const char *why;

	if (!kelf_is_rela(rs) || !(rs->sh.sh_flags & SHF_RELA_LIVEPATCH))
		return false;
	if (any_object)
		return true;
	return klprela_obj(rs->name, obj, &why) || strcmp(obj, VMLINUX);
}

/* Does such a section of @k relocate @sec at @off? */
static bool klp_relocated(struct kelf *k, struct kelf_section *sec, uint64_t off,
			  bool any_object)
{
	struct kelf_section *rs;

	kelf_for_each_section(rs, k)
		if (rs->base == sec && klp_late(rs, any_object) && kelf_rela_at(rs, off))
			return true;
	return false;
}

/* The instruction the entry's relocation @r points to: section and offset. */
static struct kelf_section *insn_of(struct kelf_section *relasec,
				    const struct kelf_rela *r, uint64_t *off)
{
	int64_t o = 0;
	struct kelf_symbol *t = kelf_rela_target(relasec, r, &o);

	if (!t || !t->sec)
		return NULL;
	o += t->type == STT_SECTION ? 0 : (int64_t)t->sym.st_value;
	if (o < 0)
		return NULL;
	*off = o;
	return t->sec;
}

static bool entry_goes(struct kelf *k, const struct kelf_load_table *lt,
		       struct kelf_section *tab, uint64_t entry)
{
	uint64_t at = entry + lt->field, off;
	struct kelf_section *sec;
	struct kelf_rela *r;

	if (lt->insn_disp < 0)
		return klp_relocated(k, tab, at, true);
	r = tab->rela ? kelf_rela_at(tab->rela, at) : NULL;
	return r && (sec = insn_of(tab->rela, r, &off)) &&
	       klp_relocated(k, sec, off + lt->insn_disp, false);
}

/* Drops the relocations of removed entries of every relocation section of @tab. */
static void remap_relas(struct kelf *k, struct kelf_section *tab, const bool *gone,
			size_t n, size_t esz)
{
	struct kelf_section *rs;
	size_t *newpos = calloc(n + 1, sizeof(*newpos)), i, m = 0;

	for (i = 0; newpos && i < n; i++) {
		newpos[i] = m;
		m += !gone[i];
	}
	kelf_for_each_section(rs, k) {
		size_t kept = 0;

		if (!kelf_is_rela(rs) || rs->base != tab)
			continue;
		for (i = 0; i < rs->nr_relas; i++) {
			struct kelf_rela r = rs->relas[i];
			size_t e = r.offset / esz;

			if (e >= n || gone[e])
				continue;
			r.offset = newpos[e] * esz + r.offset % esz;
			rs->relas[kept++] = r;
		}
		rs->nr_relas = kept;
		kelf_invalidate_relas(rs);
	}
	free(newpos);
}

static int prune_table(struct kelf *k, const struct kelf_load_table *lt, size_t *removed)
{
	struct kelf_section *tab = kelf_find_section(k, lt->name);
	unsigned char *data;
	bool *gone;
	size_t i, n, kept = 0, esz = lt->entry_size;
	int ret = -1;

	if (!tab || !tab->data || !esz || tab->size % esz)
		return 0;
	n = tab->size / esz;
	data = malloc(tab->size ? tab->size : 1);
	gone = calloc(n ? n : 1, sizeof(*gone));
	if (!data || !gone) {
		kelf_error(k, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((gone[i] = entry_goes(k, lt, tab, i * esz))) {
			(*removed)++;
			continue;
		}
		memcpy(data + kept++ * esz, tab->data + i * esz, esz);
	}
	if (kept < n) {
		remap_relas(k, tab, gone, n, esz);
		if (kelf_set_data(tab, data, kept * esz))
			goto out;
	}
	ret = 0;
out:
	free(data);
	free(gone);
	return ret;
}

int prune_load_tables(struct kelf *k, prune_note_fn note, void *arg)
{
	const struct kelf_load_table *lt;

	for (lt = k->arch->load_tables; lt && lt->name; lt++) {
		size_t removed = 0;

		if (prune_table(k, lt, &removed))
			return -1;
		if (removed && note)
			note(arg, lt, removed);
	}
	return 0;
}
