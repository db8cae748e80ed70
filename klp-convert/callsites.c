// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call sites the module loader rewrites before livepatch relocates
 * (the arch's load_patched_calls table; x86-64: .call_sites, which
 * module_finalize() uses to point each call at its callee's call-depth
 * thunk).  A call whose displacement is a .klp.rela relocation is not
 * relocated yet at that time: the loader would see "call the next
 * instruction", find no padding there and warn "Invalid padding area".
 * Such entries are removed; those calls reach the callee directly, as
 * calls from code without thunk accounting do.
 */
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

#define ENTRY_SIZE	4	/* s32: the call instruction - the entry */
#define CALL_DISP	1	/* the displacement follows the 0xe8 opcode */

/* Does a livepatch relocation section of @k patch @sec at @off? */
static bool klp_relocated(struct kelf *k, struct kelf_section *sec, uint64_t off)
{
	struct kelf_section *rs;

	kelf_for_each_section(rs, k)
		if (kelf_is_rela(rs) && rs->base == sec &&
		    (rs->sh.sh_flags & SHF_RELA_LIVEPATCH) && kelf_rela_at(rs, off))
			return true;
	return false;
}

/* The call instruction entry @r points to: its section and offset. */
static struct kelf_section *call_of(struct kelf_section *relasec,
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

int prune_load_patched_calls(struct kelf *k, size_t *removed)
{
	const char *name = k->arch->load_patched_calls;
	struct kelf_section *tab = name ? kelf_find_section(k, name) : NULL;
	struct kelf_section *rs = tab ? tab->rela : NULL;
	unsigned char *data = NULL;
	struct kelf_rela *relas = NULL;
	size_t i, n, kept = 0, nr = 0;
	int ret = -1;

	*removed = 0;
	if (!rs || !tab->data || tab->size % ENTRY_SIZE)
		return 0;
	n = tab->size / ENTRY_SIZE;
	data = malloc(tab->size ? tab->size : 1);
	relas = malloc((rs->nr_relas ? rs->nr_relas : 1) * sizeof(*relas));
	if (!data || !relas) {
		kelf_error(k, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct kelf_rela *r = kelf_rela_at(rs, i * ENTRY_SIZE);
		struct kelf_section *sec;
		uint64_t off;

		if (r && (sec = call_of(rs, r, &off)) &&
		    klp_relocated(k, sec, off + CALL_DISP)) {
			(*removed)++;
			continue;
		}
		memcpy(data + kept * ENTRY_SIZE, tab->data + i * ENTRY_SIZE, ENTRY_SIZE);
		if (r && nr < rs->nr_relas) {
			relas[nr] = *r;
			relas[nr++].offset = kept * ENTRY_SIZE;
		}
		kept++;
	}
	if (*removed) {
		memcpy(rs->relas, relas, nr * sizeof(*relas));
		rs->nr_relas = nr;
		kelf_invalidate_relas(rs);
		if (kelf_set_data(tab, data, kept * ENTRY_SIZE))
			goto out;
	}
	ret = 0;
out:
	free(data);
	free(relas);
	return ret;
}
