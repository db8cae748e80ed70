// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Change detection, function by function and object by object: the bytes
 * (relocated fields masked) and every relocation (type, offset, target and
 * addend, strings by content).  Noise that is not a functional change is
 * ignored: __LINE__ immediates passed to WARN/printk/might_sleep helpers,
 * .altinstr_aux offsets, and the special sections (regenerated anyway).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

static const char *string_at(struct kelf_section *sec, int64_t off)
{
	if (!sec->data || off < 0 || (uint64_t)off >= sec->size)
		return NULL;
	if (!memchr(sec->data + off, '\0', sec->size - off))
		return NULL;
	return (const char *)sec->data + off;
}

static bool strings_equal(struct kelf_section *ra, const struct kelf_rela *a,
			  struct kelf_section *rb, const struct kelf_rela *b)
{
	const char *sa = string_at(a->sym->sec, (int64_t)a->sym->sym.st_value + a->addend +
				   kelf_target_bias(ra, a));
	const char *sb = string_at(b->sym->sec, (int64_t)b->sym->sym.st_value + b->addend +
				   kelf_target_bias(rb, b));

	return sa && sb && !strcmp(sa, sb);
}

static bool in_strings(const struct kelf_symbol *s)
{
	return s->sec && SI(s->sec)->kind == SK_STRINGS;
}

/* Mergeable constants (.rodata.cst16 …): the linker dedups them by value. */
static bool in_merge_consts(const struct kelf_symbol *s)
{
	return s->sec && (s->sec->sh.sh_flags & SHF_MERGE) &&
	       !(s->sec->sh.sh_flags & SHF_STRINGS) && s->sec->sh.sh_entsize;
}

static bool consts_equal(struct kelf_section *ra, const struct kelf_rela *a,
			 struct kelf_section *rb, const struct kelf_rela *b)
{
	struct kelf_section *sa = a->sym->sec, *sb = b->sym->sec;
	int64_t oa = (int64_t)a->sym->sym.st_value + a->addend + kelf_target_bias(ra, a);
	int64_t ob = (int64_t)b->sym->sym.st_value + b->addend + kelf_target_bias(rb, b);
	uint64_t n = sa->sh.sh_entsize;

	if (n != sb->sh.sh_entsize || !sa->data || !sb->data || oa < 0 || ob < 0 ||
	    (uint64_t)oa + n > sa->size || (uint64_t)ob + n > sb->size)
		return false;
	return !memcmp(sa->data + oa, sb->data + ob, n);
}

bool rela_targets_equal(struct kelf_section *ra, const struct kelf_rela *a,
			struct kelf_section *rb, const struct kelf_rela *b)
{
	struct kelf_symbol *ta, *tb;
	int64_t oa, ob;

	if (a->type != b->type)
		return false;
	if (!a->sym || !b->sym)
		return a->sym == b->sym && a->addend == b->addend;
	if (in_strings(a->sym) || in_strings(b->sym))
		return in_strings(a->sym) && in_strings(b->sym) && strings_equal(ra, a, rb, b);
	if (in_merge_consts(a->sym) || in_merge_consts(b->sym))
		return in_merge_consts(a->sym) && in_merge_consts(b->sym) &&
		       consts_equal(ra, a, rb, b);
	ta = kelf_rela_target(ra, a, &oa);
	tb = kelf_rela_target(rb, b, &ob);
	if (ta->sec && tb->sec && !strcmp(ta->sec->name, ".altinstr_aux") &&
	    !strcmp(tb->sec->name, ".altinstr_aux"))
		return true;
	if (oa != ob)
		return false;
	if (YI(ta)->special_static || YI(tb)->special_static)
		return YI(ta)->special_static && YI(tb)->special_static &&
		       !strcmp(YI(ta)->canon, YI(tb)->canon);
	if (!ta->sec && !tb->sec)	/* both external */
		return !strcmp(ta->name, tb->name);
	if (YI(ta)->twin != tb)
		return false;
	/* Same read-only object, but is its content the same? */
	return YI(ta)->status != ST_CHANGED || is_function(ta);
}

/* Relocations of @relasec inside [start, start + len), in offset order. */
static size_t relas_in(struct kelf_section *relasec, uint64_t start, uint64_t len,
		       struct kelf_rela ***out)
{
	struct kelf_rela **v;
	size_t i, n = 0;

	*out = NULL;
	if (!relasec || !relasec->nr_relas)
		return 0;
	v = malloc(relasec->nr_relas * sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < relasec->nr_relas; i++)
		if (relasec->relas[i].offset >= start &&
		    relasec->relas[i].offset < start + len)
			v[n++] = &relasec->relas[i];
	*out = v;
	return n;
}

/* Is byte @i of the range covered by a relocated field? */
static bool masked(struct kelf_rela **v, size_t n, uint64_t start, uint64_t i)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const struct kelf_reloc_type *t = kelf_reloc_type(v[k]->type);
		uint64_t o = v[k]->offset - start;

		if (t && i >= o && i < o + t->size)
			return true;
	}
	return false;
}

/* Functions that take a line number in a register (__LINE__ noise). */
static bool takes_line(const char *name)
{
	static const char *const fns[] = {
		"__might_sleep", "__might_fault", "__might_resched", "_printk",
		"__warn_printk", "lockdep_rcu_suspicious", "__dynamic_pr_debug",
		"printk", "warn_slowpath_fmt", "__might_sleep_precision",
		"rcu_read_lock_held_common", "__cant_sleep", "__cant_migrate",
		"__kasan_check_read", "dump_stack",
	};
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(name, fns[i]))
			return true;
	return false;
}

static bool calls_line_taker(struct kelf_rela **v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (v[k]->sym && takes_line(v[k]->sym->name))
			return true;
	return false;
}

/*
 * A difference at @i that lies in the imm32 of "mov $imm32, %reg"
 * (b8+r, optionally REX 41) with small values on both sides: a line number.
 */
static bool line_number_diff(const unsigned char *a, const unsigned char *b,
			     uint64_t i, uint64_t len)
{
	uint64_t op;

	for (op = i >= 5 ? i - 4 : 0; op < i && op + 5 <= len; op++) {
		uint32_t va, vb;

		if (a[op] < 0xb8 || a[op] > 0xbf || a[op] != b[op])
			continue;
		if (i < op + 1 || i >= op + 5)
			continue;
		memcpy(&va, a + op + 1, 4);
		memcpy(&vb, b + op + 1, 4);
		if (va < 100000 && vb < 100000)
			return true;
	}
	return false;
}

static const char *compare_bytes(struct kelf_symbol *o, struct kelf_symbol *p,
				 struct kelf_rela **vp, size_t np, bool *line_only)
{
	const unsigned char *a, *b;
	uint64_t i, len = p->sym.st_size;
	bool line_noise = false;

	*line_only = false;
	if (p->sec->sh.sh_type == SHT_NOBITS || o->sec->sh.sh_type == SHT_NOBITS)
		return p->sec->sh.sh_type == o->sec->sh.sh_type ? NULL : "section type changed";
	a = o->sec->data + o->sym.st_value;
	b = p->sec->data + p->sym.st_value;
	for (i = 0; i < len; i++) {
		if (a[i] == b[i] || masked(vp, np, p->sym.st_value, i))
			continue;
		if (is_function(p) && line_number_diff(a, b, i, len)) {
			line_noise = true;
			continue;
		}
		return "code or data bytes differ";
	}
	*line_only = line_noise;
	return NULL;
}

/* Why @p (patched) differs from its twin @o, or NULL if it does not. */
static const char *element_diff(struct kelf_symbol *o, struct kelf_symbol *p)
{
	struct kelf_rela **vo, **vp;
	const char *why = NULL;
	size_t no, np, i;
	bool line_only;

	if (o->sym.st_size != p->sym.st_size)
		return "size changed";
	if (!o->sec->data != !p->sec->data && o->sec->sh.sh_type != SHT_NOBITS)
		return "contents changed";
	no = relas_in(o->sec->rela, o->sym.st_value, o->sym.st_size, &vo);
	np = relas_in(p->sec->rela, p->sym.st_value, p->sym.st_size, &vp);
	if (no != np) {
		why = "relocations changed";
		goto out;
	}
	for (i = 0; i < np && !why; i++) {
		if (vo[i]->offset - o->sym.st_value != vp[i]->offset - p->sym.st_value ||
		    !rela_targets_equal(o->sec->rela, vo[i], p->sec->rela, vp[i]))
			why = "a reference changed (call, data, string or addend)";
	}
	if (!why)
		why = compare_bytes(o, p, vp, np, &line_only);
	if (!why && line_only && !calls_line_taker(vp, np))
		why = "an immediate operand changed";
out:
	free(vo);
	free(vp);
	return why;
}

static void compare_element(struct cdo *c, struct kelf_symbol *p)
{
	struct kelf_symbol *o = YI(p)->twin;
	const char *why;

	if (!o) {
		YI(p)->status = ST_NEW;
		return;
	}
	why = YI(p)->ignored || SI(p->sec)->ignored ? NULL : element_diff(o, p);
	YI(p)->status = YI(o)->status = why ? ST_CHANGED : ST_SAME;
	YI(p)->reason = why;
	if (why)
		cdo_debug(c, "%s changed: %s", p->name, why);
}

/* A changed .cold/.part piece means its parent must be replaced too. */
static void propagate_children(struct kelf *k)
{
	struct kelf_symbol *s;

	kelf_for_each_symbol(s, k) {
		struct kelf_symbol *parent = YI(s)->parent;

		if (parent && YI(s)->status != ST_SAME && YI(parent)->status == ST_SAME) {
			YI(parent)->status = ST_CHANGED;
			YI(parent)->reason = "its .cold/.part subfunction changed";
		}
	}
}

int compare(struct cdo *c)
{
	struct kelf_symbol *s;

	/* Data first: a function referring to changed read-only data changed. */
	kelf_for_each_symbol(s, c->patched)
		if (is_data_object(s))
			compare_element(c, s);
	kelf_for_each_symbol(s, c->patched)
		if (is_function(s))
			compare_element(c, s);
	propagate_children(c->patched);
	return 0;
}
