// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which symbol covers an offset, where a relocation really points, and
 * which relocation applies at an offset.
 */
#include <stdint.h>
#include <stdlib.h>
#include "kelf.h"
#include "internal.h"

static bool covers_code_or_data(const struct kelf_symbol *s)
{
	return (s->type == STT_FUNC || s->type == STT_OBJECT ||
		s->type == STT_NOTYPE || s->type == STT_TLS) &&
	       !kelf_is_mapping_symbol(s);
}

static int cmp_value(const void *a, const void *b)
{
	const struct kelf_symbol *x = *(struct kelf_symbol *const *)a;
	const struct kelf_symbol *y = *(struct kelf_symbol *const *)b;

	if (x->sym.st_value != y->sym.st_value)
		return x->sym.st_value < y->sym.st_value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void kelf_build_section_syms(struct kelf *k)
{
	struct kelf_section *sec;
	struct kelf_symbol *s;

	kelf_for_each_section(sec, k) {
		free(sec->syms);
		sec->syms = NULL;
		sec->nr_syms = 0;
	}
	kelf_for_each_symbol(s, k)
		if (s->sec && covers_code_or_data(s))
			s->sec->nr_syms++;
	kelf_for_each_section(sec, k) {
		if (sec->nr_syms)
			sec->syms = malloc(sec->nr_syms * sizeof(*sec->syms));
		if (sec->nr_syms && !sec->syms) {
			kelf_oom(k);
			sec->nr_syms = 0;
		}
		sec->syms_sorted = false;
		sec->nr_syms = 0;
		sec->max_sym_size = 0;
	}
	kelf_for_each_symbol(s, k)
		if (s->sec && s->sec->syms && covers_code_or_data(s)) {
			s->sec->syms[s->sec->nr_syms++] = s;
			if (s->sym.st_size > s->sec->max_sym_size)
				s->sec->max_sym_size = s->sym.st_size;
		}
	kelf_for_each_section(sec, k)
		if (sec->nr_syms)
			qsort(sec->syms, sec->nr_syms, sizeof(*sec->syms), cmp_value);
	k->syms_valid = true;
}

/* Rank of a candidate: an exact sized cover beats a zero-size label. */
static int rank(const struct kelf_symbol *s, uint64_t off)
{
	uint64_t v = s->sym.st_value, sz = s->sym.st_size;

	if (sz && off >= v && off - v < sz)
		return s->type == STT_NOTYPE ? 2 : 3;
	if (!sz && off == v)
		return 1;
	return 0;
}

/* The index in @sec->syms of the first symbol that starts above @offset. */
static size_t first_above(struct kelf_section *sec, uint64_t offset)
{
	size_t lo = 0, hi;

	if (!sec->kelf->syms_valid)
		kelf_build_section_syms(sec->kelf);
	hi = sec->nr_syms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->syms[mid]->sym.st_value <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct kelf_symbol *kelf_symbol_at(struct kelf_section *sec, uint64_t offset)
{
	struct kelf_symbol *best = NULL;
	size_t lo = first_above(sec, offset), i;
	int best_rank = 0;

	/* Walk back: the innermost (highest start) best-ranked cover wins. */
	for (i = lo; i-- > 0;) {
		struct kelf_symbol *s = sec->syms[i];
		int r = rank(s, offset);

		if (r > best_rank) {
			best = s;
			best_rank = r;
		}
		if (best_rank == 3 && best->sym.st_value > s->sym.st_value)
			break;
	}
	return best;
}

struct kelf_symbol *kelf_prefix_owner(struct kelf_section *sec, uint64_t offset)
{
	size_t lo = first_above(sec, offset), i;

	/* the symbols that start there: one of them may own the bytes before */
	for (i = lo; i < sec->nr_syms; i++) {
		struct kelf_symbol *f = sec->syms[i];

		if (f->sym.st_value != sec->syms[lo]->sym.st_value)
			break;
		if (f->type == STT_FUNC && f->sym.st_value - offset <= kelf_entry_prefix(f))
			return f;
	}
	return NULL;
}

struct kelf_symbol *kelf_symbol_ending_at(struct kelf_section *sec, uint64_t offset,
					  bool (*want)(const struct kelf_symbol *s))
{
	struct kelf_symbol *found = NULL;
	size_t i;

	if (!offset)
		return NULL;
	/* those starting below @offset, back to the largest size's reach */
	for (i = first_above(sec, offset - 1); i-- > 0;) {
		struct kelf_symbol *s = sec->syms[i];

		if (offset - s->sym.st_value > sec->max_sym_size)
			break;
		if (s->sym.st_size && s->sym.st_value + s->sym.st_size == offset &&
		    (!want || want(s)))
			found = s;
	}
	return found;
}

struct kelf_symbol *kelf_rela_target(const struct kelf_section *relasec,
				     const struct kelf_rela *r, int64_t *off)
{
	struct kelf_symbol *s = r->sym, *t;
	int64_t target, rel;

	*off = r->addend;
	if (!s || s->type != STT_SECTION || !s->sec)
		return s;
	/* Any addend is possible: one that overflows points at nothing. */
	if (__builtin_add_overflow(r->addend, kelf_target_bias(relasec, r), &target) ||
	    target < 0)
		return s;
	t = kelf_symbol_at(s->sec, (uint64_t)target);
	if (!t || t->sym.st_value > INT64_MAX ||
	    __builtin_sub_overflow(r->addend, (int64_t)t->sym.st_value, &rel))
		return s;
	*off = rel;
	return t;
}

void kelf_invalidate_relas(struct kelf_section *relasec)
{
	free(relasec->rela_order);
	relasec->rela_order = NULL;
	relasec->rela_order_len = 0;
	relasec->rela_order_of = NULL;
}

/* By offset, then file order: the first one at an offset comes first. */
static int cmp_rela_pos(const void *a, const void *b, void *relas)
{
	const struct kelf_rela *base = relas;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t ox = base[x].offset, oy = base[y].offset;

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x < y ? -1 : x > y;
}

static bool rela_order_valid(const struct kelf_section *rs)
{
	return rs->rela_order && rs->rela_order_len == rs->nr_relas &&
	       rs->rela_order_of == rs->relas;
}

static int build_rela_order(struct kelf_section *rs)
{
	size_t i;

	kelf_invalidate_relas(rs);
	rs->rela_order = malloc((rs->nr_relas ? rs->nr_relas : 1) * sizeof(*rs->rela_order));
	if (!rs->rela_order)
		return kelf_oom(rs->kelf);
	for (i = 0; i < rs->nr_relas; i++)
		rs->rela_order[i] = i;
	qsort_r(rs->rela_order, rs->nr_relas, sizeof(*rs->rela_order), cmp_rela_pos,
		rs->relas);
	rs->rela_order_len = rs->nr_relas;
	rs->rela_order_of = rs->relas;
	return 0;
}

/* Position in the sorted index of the first relocation at or after @offset. */
static bool rela_lower_bound(struct kelf_section *rs, uint64_t offset, size_t *pos)
{
	size_t lo = 0, hi;

	if (!rela_order_valid(rs) && build_rela_order(rs))
		return false;
	hi = rs->rela_order_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->relas[rs->rela_order[mid]].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return true;
}

struct kelf_rela *kelf_rela_at(struct kelf_section *relasec, uint64_t offset)
{
	size_t pos;

	if (!rela_lower_bound(relasec, offset, &pos) || pos >= relasec->rela_order_len ||
	    relasec->relas[relasec->rela_order[pos]].offset != offset)
		return NULL;
	return &relasec->relas[relasec->rela_order[pos]];
}

struct kelf_rela *kelf_rela_next_in(struct kelf_section *relasec, uint64_t end, size_t *pos)
{
	struct kelf_rela *r;

	if (!rela_order_valid(relasec) || *pos >= relasec->rela_order_len)
		return NULL;
	r = &relasec->relas[relasec->rela_order[*pos]];
	if (r->offset >= end)
		return NULL;
	(*pos)++;
	return r;
}

struct kelf_rela *kelf_rela_first_in(struct kelf_section *relasec, uint64_t start,
				     uint64_t end, size_t *pos)
{
	if (!relasec || !rela_lower_bound(relasec, start, pos))
		return NULL;
	return kelf_rela_next_in(relasec, end, pos);
}
