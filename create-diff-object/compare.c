// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Change detection, function by function and object by object: the bytes
 * (relocated fields masked) and every relocation (type, offset, target and
 * addend, strings by content), exactly: kpatch-build keeps line numbers
 * stable (kpatch-build/fix-lines puts a #line directive after every hunk),
 * so a changed immediate is a changed function, never guessed to be a
 * __LINE__ value.  Ignored: .altinstr_aux offsets and the special sections
 * (regenerated anyway).
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
	int64_t oa = (int64_t)a->sym->sym.st_value + a->addend + kelf_target_bias(ra, a);
	int64_t ob = (int64_t)b->sym->sym.st_value + b->addend + kelf_target_bias(rb, b);
	const char *sa = string_at(a->sym->sec, oa), *sb = string_at(b->sym->sec, ob);

	/*
	 * An address computed from an anchor in the strings (ppc64's section
	 * anchors: ".LC47+0x38" past the end) is no string: same place.
	 */
	if (!sa || !sb)
		return !sa && !sb && oa == ob && !strcmp(a->sym->sec->name, b->sym->sec->name);
	return !strcmp(sa, sb);
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

	struct kelf_section *ea_sec, *eb_sec;
	const struct kelf_rela *ea, *eb;

	if (a->type != b->type)
		return false;
	if (!a->sym || !b->sym)
		return a->sym == b->sym && a->addend == b->addend;
	/* ppc64 .toc + N: what entry N points to, wherever the entry moved */
	ea = kelf_pointer_entry(ra, a, &ea_sec);
	eb = kelf_pointer_entry(rb, b, &eb_sec);
	if (ea || eb)
		return ea && eb && rela_targets_equal(ea_sec, ea, eb_sec, eb);
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
	struct kelf_rela **v, *r;
	size_t pos, n = 0;

	*out = NULL;
	if (!relasec || !relasec->nr_relas)
		return 0;
	v = malloc(relasec->nr_relas * sizeof(*v));
	if (!v)
		return 0;
	kelf_for_each_rela_in(r, relasec, start, start + len, pos)
		v[n++] = r;
	*out = v;
	return n;
}

/*
 * Is byte @i of the range covered by a relocated field?  A field that is
 * bits of an instruction word is not masked: the assembler leaves it zero
 * and the rest of the word (opcode, registers) must still match.
 */
static bool masked(const struct kelf *kelf, struct kelf_rela **v, size_t n,
		   uint64_t start, uint64_t i)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const struct kelf_reloc_type *t = kelf_reloc_type(kelf, v[k]->type);
		uint64_t o = v[k]->offset - start;

		if (t && !t->insn && i >= o && i < o + t->size)
			return true;
	}
	return false;
}

static const char *compare_bytes(struct kelf_symbol *o, struct kelf_symbol *p,
				 struct kelf_rela **vp, size_t np)
{
	const unsigned char *a, *b;
	uint64_t i, len = p->sym.st_size;

	if (p->sec->sh.sh_type == SHT_NOBITS || o->sec->sh.sh_type == SHT_NOBITS)
		return p->sec->sh.sh_type == o->sec->sh.sh_type ? NULL : "section type changed";
	a = o->sec->data + o->sym.st_value;
	b = p->sec->data + p->sym.st_value;
	for (i = 0; i < len; i++)
		if (a[i] != b[i] && !masked(p->kelf, vp, np, p->sym.st_value, i))
			return "code or data bytes differ";
	return NULL;
}

/* Why @p (patched) differs from its twin @o, or NULL if it does not. */
const char *element_diff(struct kelf_symbol *o, struct kelf_symbol *p)
{
	struct kelf_rela **vo, **vp;
	const char *why = NULL;
	size_t no, np, i;

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
		why = compare_bytes(o, p, vp, np);
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
