// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special-section table of an object (special.h): which architecture's
 * rows apply, a row by name, and the entry size, configured (default or
 * *_STRUCT_SIZE) or shown by the object's own relocations.  This is the
 * classification layer: it depends on libkelf only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kelf.h"
#include "special.h"

/* Every table: one per architecture (special-ARCH.c). */
static const struct special_table *const tables[] = {
	&special_table_x86_64,
	&special_table_aarch64,
	&special_table_ppc64le,
	&special_table_s390x,
};

/* The one place that maps an object to its table: by its machine. */
const struct special_table *special_table_for(const struct kelf *k)
{
	size_t t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		if (tables[t]->machine == k->arch->machine)
			return tables[t];
	return NULL;
}

void special_print_size_vars(FILE *f)
{
	size_t t, i, col = 0;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (i = 0; i < tables[t]->nr_rows; i++) {
			const char *v = tables[t]->rows[i].size_env;

			if (!v)
				continue;
			if (col && col + strlen(v) + 1 > 78) {
				fputc('\n', f);
				col = 0;
			}
			col += fprintf(f, "%s%s", col ? " " : "", v);
		}
	}
	fputc('\n', f);
}

/* @name is the row's name, or starts with it when the row's ends in '*'. */
bool special_name_matches(const char *row, const char *name)
{
	size_t n = strlen(row);

	if (n && row[n - 1] == '*')
		return !strncmp(row, name, n - 1);
	return !strcmp(row, name);
}

const struct special_section *special_section_lookup(const struct kelf *k, const char *name)
{
	const struct special_table *t = special_table_for(k);
	size_t i;

	for (i = 0; t && i < t->nr_rows; i++)
		if (special_name_matches(t->rows[i].name, name))
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

/* A relocation as the layout sees it: where, what type, code or data. */
struct field {
	uint64_t off;
	uint32_t sig;
};

static int cmp_field(const void *a, const void *b)
{
	const struct field *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->sig < y->sig ? -1 : x->sig > y->sig;
}

/*
 * Type and target kind: a site in code and a key elsewhere differ (a key
 * may be defined here or not: both are "not code").
 */
static uint32_t field_sig(const struct kelf_rela *r)
{
	const struct kelf_section *t = r->sym ? r->sym->sec : NULL;

	return r->type << 1 | (t && (t->sh.sh_flags & SHF_EXECINSTR));
}

/*
 * Do all entries of @size have the same relocated fields (offset, type,
 * code or data)?  @f is sorted; every entry must have one at least.
 */
static bool regular_at(const struct field *f, size_t n, size_t secsize, size_t size)
{
	size_t first = 0, i, e, nr_entries;

	if (!size || secsize % size || secsize / size < 2)
		return false;
	while (first < n && f[first].off < size)
		first++;
	if (!first)
		return false;
	nr_entries = secsize / size;
	if (n != first * nr_entries)
		return false;
	for (e = 1; e < nr_entries; e++)
		for (i = 0; i < first; i++)
			if (f[e * first + i].off != f[i].off + e * size ||
			    f[e * first + i].sig != f[i].sig)
				return false;
	return true;
}

/* Of @cand[0..n), the one size that fits, 0 if none or several. */
static size_t only_fit(const struct field *f, size_t n, size_t secsize,
		       const size_t *cand, size_t nr_cand)
{
	size_t i, fit = 0;

	for (i = 0; i < nr_cand; i++) {
		if (!cand[i] || cand[i] == fit || !regular_at(f, n, secsize, cand[i]))
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
	struct field *f;

	if (!rs || !rs->nr_relas || !sec->size)
		return 0;
	f = malloc(rs->nr_relas * sizeof(*f));
	if (!f)
		return 0;
	for (i = 0; i < rs->nr_relas; i++) {
		f[i].off = rs->relas[i].offset;
		f[i].sig = field_sig(&rs->relas[i]);
	}
	qsort(f, rs->nr_relas, sizeof(*f), cmp_field);
	for (i = 0; i < SPECIAL_MAX_LAYOUTS && sp->layouts[i].size; i++)
		cand[nr++] = sp->layouts[i].size;
	cand[nr++] = also;
	fit = only_fit(f, rs->nr_relas, sec->size, cand, nr);
	for (i = 0; i < nr && !regular_at(f, rs->nr_relas, sec->size, cand[i]); i++)
		;
	/*
	 * No known layout fits and the configured size cannot be right (the
	 * section is no multiple of it): the smallest regular stride, a
	 * layout the table does not list yet.
	 */
	for (s = 1; i == nr && !fit && also && sec->size % also && s <= sec->size / 2; s++)
		if (regular_at(f, rs->nr_relas, sec->size, s))
			fit = s;
	free(f);
	return fit;
}
