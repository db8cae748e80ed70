// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special-section table of an object (special.h): which architecture's
 * rows apply, a row by name, and the entry size, configured (default or
 * *_STRUCT_SIZE) or shown by the object's own relocations.  This is the
 * classification layer: it depends on libkelf only.
 */
#include <stdlib.h>
#include <string.h>
#include "kelf.h"
#include "special.h"

/* The one place that maps an object to its table (e_machine today). */
const struct special_table *special_table_for(const struct kelf *k)
{
	switch (k->ehdr.e_machine) {
	case EM_X86_64:
		return &special_table_x86_64;
	default:
		return NULL;
	}
}

const struct special_section *special_section_lookup(const struct kelf *k, const char *name)
{
	const struct special_table *t = special_table_for(k);
	size_t i;

	for (i = 0; t && i < t->nr_rows; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

size_t special_configured_size(const struct special_section *sp)
{
	const char *v = sp->size_env ? getenv(sp->size_env) : NULL;
	char *end;
	unsigned long n;

	if (v && *v) {
		n = strtoul(v, &end, 0);
		if (!*end && n)
			return n;
	}
	return sp->layouts[0].size;
}

struct special_layout special_layout_for(const struct special_section *sp, size_t size)
{
	struct special_layout l = sp->layouts[0];
	size_t i;

	for (i = 0; i < SPECIAL_MAX_LAYOUTS && sp->layouts[i].size; i++)
		if (sp->layouts[i].size == size)
			return sp->layouts[i];
	l.size = size;
	return l;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Do entries of @size all have relocations at the same offsets?  @off is
 * sorted; every entry must have at least one relocation.
 */
static bool regular_at(const uint64_t *off, size_t n, size_t secsize, size_t size)
{
	size_t first = 0, i, e, nr_entries;

	if (!size || secsize % size || secsize / size < 2)
		return false;
	while (first < n && off[first] < size)
		first++;
	if (!first)
		return false;
	nr_entries = secsize / size;
	if (n != first * nr_entries)
		return false;
	for (e = 1; e < nr_entries; e++)
		for (i = 0; i < first; i++)
			if (off[e * first + i] != off[i] + e * size)
				return false;
	return true;
}

/* Of @cand[0..n), the one size that fits, 0 if none or several. */
static size_t only_fit(const uint64_t *off, size_t n, size_t secsize,
		       const size_t *cand, size_t nr_cand)
{
	size_t i, fit = 0;

	for (i = 0; i < nr_cand; i++) {
		if (!cand[i] || cand[i] == fit || !regular_at(off, n, secsize, cand[i]))
			continue;
		if (fit)
			return 0;
		fit = cand[i];
	}
	return fit;
}

size_t special_measured_size(const struct special_section *sp,
			     const struct kelf_section *sec, size_t also)
{
	const struct kelf_section *rs = sec->rela;
	size_t cand[SPECIAL_MAX_LAYOUTS + 1], nr = 0, i, fit = 0, s;
	uint64_t *off;

	if (!rs || !rs->nr_relas || !sec->size)
		return 0;
	off = malloc(rs->nr_relas * sizeof(*off));
	if (!off)
		return 0;
	for (i = 0; i < rs->nr_relas; i++)
		off[i] = rs->relas[i].offset;
	qsort(off, rs->nr_relas, sizeof(*off), cmp_u64);
	for (i = 0; i < SPECIAL_MAX_LAYOUTS && sp->layouts[i].size; i++)
		cand[nr++] = sp->layouts[i].size;
	cand[nr++] = also;
	fit = only_fit(off, rs->nr_relas, sec->size, cand, nr);
	for (i = 0; i < nr && !regular_at(off, rs->nr_relas, sec->size, cand[i]); i++)
		;
	/* No known layout fits: the smallest regular stride (a layout not listed yet). */
	for (s = 1; i == nr && !fit && s <= sec->size / 2; s++)
		if (regular_at(off, rs->nr_relas, sec->size, s))
			fit = s;
	free(off);
	return fit;
}
