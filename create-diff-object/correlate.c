// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Correlation: pair every symbol and section of the patched object with its
 * counterpart in the original.
 *
 *  1. symbols by exact name, then by canonical name (compiler numbering
 *     removed: foo.isra.3 ~ foo.isra.7), within the same STT_FILE block and
 *     of the same type, when the pairing is unique on both sides;
 *  2. static local variables (name.N) only through the correlated functions
 *     that reference them, never by name alone;
 *  3. names numbered by __COUNTER__ (__UNIQUE_ID_alias123, …) by content:
 *     one more counter user renumbers every later one, so equal names say
 *     nothing about equal objects;
 *  4. sections through their symbols, then by unique name.
 *
 * Special statics (__key, __warned, …) are never correlated: they are
 * always new copies.  The patched twin takes the original's name, so that
 * references resolve to the running kernel's symbol.
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

static bool is_static_local(const struct kelf_symbol *s)
{
	const char *dot = strchr(s->name, '.');

	return s->bind == STB_LOCAL && is_data_object(s) && dot &&
	       !YI(s)->special_static && strcmp(YI(s)->canon, s->name);
}

/* __UNIQUE_ID_<name><counter>: the counter is __COUNTER__, file-wide. */
static bool is_counter_named(const struct kelf_symbol *s)
{
	return !strncmp(s->name, "__UNIQUE_ID_", 12);
}

static bool correlatable(const struct kelf_symbol *s)
{
	return s->type != STT_SECTION && s->type != STT_FILE &&
	       !YI(s)->special_static && !is_static_local(s) && *s->name &&
	       !is_counter_named(s);
}

static const char *file_of(const struct kelf_symbol *s)
{
	return s->bind == STB_LOCAL && s->file ? s->file->name : "";
}

static void twin_syms(struct kelf_symbol *a, struct kelf_symbol *b)
{
	YI(a)->twin = b;
	YI(b)->twin = a;
}

static bool same_kind(const struct kelf_symbol *a, const struct kelf_symbol *b)
{
	return a->type == b->type &&
	       (a->bind == STB_LOCAL) == (b->bind == STB_LOCAL) &&
	       !strcmp(file_of(a), file_of(b));
}

/* The only uncorrelated symbol of @k with the name and kind of @s, or NULL. */
static struct kelf_symbol *unique_match(struct kelf *k, struct kelf_symbol *s)
{
	struct kelf_symbol *o, *found = NULL;

	kelf_for_each_symbol_named(o, k, s->name) {
		if (YI(o)->twin || !correlatable(o) || !same_kind(o, s))
			continue;
		if (found)
			return NULL;
		found = o;
	}
	return found;
}

/* Which symbols of @p have exactly one candidate with their canonical name? */
static int correlate_by_canon(struct cdo *c)
{
	struct kelf_symbol *s, *o;
	struct htab canon = { 0 };
	struct canon_node {
		struct hnode node;
		struct kelf_symbol *sym;
	} *nodes, *nd;
	size_t i = 0;

	nodes = calloc(c->orig->nr_symbols + 1, sizeof(*nodes));
	if (!nodes || htab_init(&canon, c->orig->nr_symbols)) {
		free(nodes);
		cdo_error(c, "out of memory");
		return -1;
	}
	kelf_for_each_symbol(o, c->orig) {
		if (YI(o)->twin || !correlatable(o))
			continue;
		nodes[i].sym = o;
		htab_add(&canon, &nodes[i].node, hash_str(YI(o)->canon));
		i++;
	}
	kelf_for_each_symbol(s, c->patched) {
		struct kelf_symbol *found = NULL;
		struct hnode *n;
		int count = 0;

		if (YI(s)->twin || !correlatable(s))
			continue;
		htab_for_each_hash(n, &canon, hash_str(YI(s)->canon)) {
			nd = container_of(n, struct canon_node, node);
			o = nd->sym;
			if (YI(o)->twin || !same_kind(o, s) ||
			    strcmp(YI(o)->canon, YI(s)->canon))
				continue;
			found = o;
			count++;
		}
		if (count == 1) {
			twin_syms(s, found);
			cdo_debug(c, "correlated %s with %s", s->name, found->name);
		}
	}
	htab_free(&canon);
	free(nodes);
	return 0;
}

static void correlate_by_name(struct cdo *c)
{
	struct kelf_symbol *s, *o;

	kelf_for_each_symbol(s, c->patched) {
		if (YI(s)->twin || !correlatable(s))
			continue;
		o = unique_match(c->orig, s);
		if (o && unique_match(c->patched, o) == s)
			twin_syms(s, o);
	}
}

/* The static local that relocation @r of @relasec refers to, if any. */
static struct kelf_symbol *static_target(struct kelf_section *relasec,
					 const struct kelf_rela *r)
{
	int64_t off;
	struct kelf_symbol *t = kelf_rela_target(relasec, r, &off);

	return t && t->priv && is_static_local(t) ? t : NULL;
}

/* Relocations of @relasec that fall inside function @f. */
#define for_each_rela_in(r, relasec, f, pos)					\
	kelf_for_each_rela_in(r, relasec, (f)->sym.st_value,			\
			      (f)->sym.st_value + (f)->sym.st_size, pos)

static struct kelf_symbol *find_static_twin(struct kelf_symbol *pf,
					    struct kelf_symbol *ov)
{
	struct kelf_section *relasec = pf->sec->rela;
	struct kelf_rela *r;
	size_t pos;

	for_each_rela_in(r, relasec, pf, pos) {
		struct kelf_symbol *pv = static_target(relasec, r);

		if (pv && !strcmp(YI(pv)->canon, YI(ov)->canon) &&
		    (!YI(pv)->twin || YI(pv)->twin == ov))
			return pv;
	}
	return NULL;
}

/*
 * Aliases: gcc folds identical read-only statics of several functions into
 * one (-fipa-icf: types.69 and types.71 at the same place), and a reference
 * names only one of them.  The others at the same place pair up by name.
 */
static void twin_static_aliases(struct cdo *c, struct kelf_symbol *ov,
				struct kelf_symbol *pv)
{
	struct kelf_section *os = ov->sec, *ps = pv->sec;

	kelf_symbol_at(os, 0);	/* sorts both sections' symbols */
	kelf_symbol_at(ps, 0);
	for (size_t i = 0; i < os->nr_syms; i++) {
		struct kelf_symbol *o = os->syms[i];

		if (o == ov || YI(o)->twin || !is_static_local(o) ||
		    o->sym.st_value != ov->sym.st_value)
			continue;
		for (size_t j = 0; j < ps->nr_syms; j++) {
			struct kelf_symbol *p = ps->syms[j];

			if (YI(p)->twin || !is_static_local(p) ||
			    p->sym.st_value != pv->sym.st_value ||
			    p->sym.st_size != o->sym.st_size ||
			    strcmp(YI(p)->canon, YI(o)->canon))
				continue;
			twin_syms(p, o);
			cdo_debug(c, "static local %s correlated with %s (an alias of %s)",
				  p->name, o->name, ov->name);
			break;
		}
	}
}

/*
 * The static locals that correlated symbol @of refers to (and @pf, its
 * twin, should).  With @refuse, a function that lost the reference is
 * refused (a static object that did changed, which the comparison
 * reports).  Returns how many pairs it made.
 */
static int statics_through(struct cdo *c, struct kelf_symbol *of, struct kelf_symbol *pf,
			   bool refuse)
{
	struct kelf_section *relasec = of->sec->rela;
	struct kelf_symbol *refused = NULL;
	struct kelf_rela *r;
	size_t pos;
	int n = 0;

	for_each_rela_in(r, relasec, of, pos) {
		struct kelf_symbol *ov = static_target(relasec, r), *pv;

		if (!ov || YI(ov)->twin || ov == refused)
			continue;
		pv = find_static_twin(pf, ov);
		if (pv && !YI(pv)->twin) {
			twin_syms(pv, ov);
			twin_static_aliases(c, ov, pv);
			cdo_debug(c, "static local %s correlated with %s through %s",
				  pv->name, ov->name, of->name);
			n++;
		} else if (!pv && refuse && is_function(of)) {
			refused = ov;	/* once, however often it was used */
			cdo_refuse(c, pf, "%s no longer refers to the static local variable '%s': its value would be lost (the running kernel keeps using the old variable). Keep a reference to it, or move the state into a shadow variable (klp_shadow_*)",
				   pf->name, ov->name);
		}
	}
	return n;
}

/*
 * Static locals: through the references of correlated functions, then of
 * the statics so paired (a static that only another static points to:
 * fake_pinfo in fake_sk = { .pinet6 = &fake_pinfo }), until no pair is new.
 */
static int statics_pass(struct cdo *c, bool refuse)
{
	struct kelf_symbol *of;
	int n = 0;

	kelf_for_each_symbol(of, c->orig) {
		struct kelf_symbol *pf = YI(of)->twin;

		if (!pf || !pf->sec || !of->sec ||
		    !(is_function(of) || is_static_local(of)))
			continue;
		n += statics_through(c, of, pf, refuse);
	}
	return n;
}

static void correlate_static_locals(struct cdo *c)
{
	while (statics_pass(c, false))
		;
	statics_pass(c, true);	/* what is still unpaired: refused once */
}

static bool same_content(struct kelf_symbol *o, struct kelf_symbol *p)
{
	if (!o->sec || !p->sec || !same_kind(o, p) ||
	    SI(o->sec)->kind != SI(p->sec)->kind)
		return false;
	return !element_diff(o, p);
}

/*
 * __UNIQUE_ID_* symbols: the first uncorrelated one of equal content (only
 * the counter-named symbols of the original are searched).
 */
static int correlate_counter_named(struct cdo *c)
{
	struct kelf_symbol *s, *o, **cand;
	size_t n = 0, i;

	cand = calloc(c->orig->nr_symbols + 1, sizeof(*cand));
	if (!cand) {
		cdo_error(c, "out of memory");
		return -1;
	}
	kelf_for_each_symbol(o, c->orig)
		if (!YI(o)->twin && is_counter_named(o) && o->sec)
			cand[n++] = o;
	kelf_for_each_symbol(s, c->patched) {
		if (YI(s)->twin || !is_counter_named(s) || !s->sec)
			continue;
		for (i = 0; i < n; i++) {
			o = cand[i];
			if (YI(o)->twin || strcmp(YI(o)->canon, YI(s)->canon) ||
			    !same_content(o, s))
				continue;
			twin_syms(s, o);
			cdo_debug(c, "%s correlated with %s by content", s->name, o->name);
			break;
		}
	}
	free(cand);
	return 0;
}

static struct kelf_symbol *primary_symbol(struct kelf_section *sec)
{
	struct kelf_symbol *s;
	size_t nl = strlen(sec->name);

	/* The function or object a -ffunction/-fdata-sections section is named after. */
	if (!sec->kelf->syms_valid)
		kelf_symbol_at(sec, 0);
	for (size_t i = 0; i < sec->nr_syms; i++) {
		size_t sl;

		s = sec->syms[i];
		sl = strlen(s->name);
		if ((is_function(s) || is_data_object(s)) && nl > sl &&
		    sec->name[nl - sl - 1] == '.' && !strcmp(sec->name + nl - sl, s->name))
			return s;
	}
	return NULL;
}

static void twin_secs(struct kelf_section *a, struct kelf_section *b)
{
	SI(a)->twin = b;
	SI(b)->twin = a;
	if (a->rela && b->rela) {
		SI(a->rela)->twin = b->rela;
		SI(b->rela)->twin = a->rela;
	}
	if (a->secsym && b->secsym)
		twin_syms(a->secsym, b->secsym);
}

static void correlate_sections(struct cdo *c)
{
	struct kelf_section *ps, *os;

	kelf_for_each_section(ps, c->patched) {
		struct kelf_symbol *p = NULL, *o;

		if (kelf_is_rela(ps) || SI(ps)->twin)
			continue;
		if (SI(ps)->kind == SK_TEXT || SI(ps)->kind == SK_DATA ||
		    SI(ps)->kind == SK_RODATA || SI(ps)->kind == SK_BSS)
			p = primary_symbol(ps);
		if (p) {
			o = YI(p)->twin;
			if (o && o->sec && !SI(o->sec)->twin && primary_symbol(o->sec) == o)
				twin_secs(ps, o->sec);
			continue;
		}
		os = kelf_find_section(c->orig, ps->name);
		if (os && !SI(os)->twin && !primary_symbol(os) &&
		    kelf_find_section(c->patched, ps->name) == ps)
			twin_secs(ps, os);
	}
}

int correlate(struct cdo *c)
{
	struct kelf_symbol *s;

	correlate_by_name(c);
	if (correlate_by_canon(c))
		return -1;
	correlate_static_locals(c);
	if (correlate_counter_named(c))
		return -1;
	correlate_sections(c);
	/* The patched twin takes the original's name (foo.isra.7 → foo.isra.3). */
	kelf_for_each_symbol(s, c->patched) {
		struct kelf_symbol *o = YI(s)->twin;

		if (o && s->type != STT_SECTION && strcmp(o->name, s->name) &&
		    kelf_rename_symbol(s, o->name))
			return -1;
	}
	return c->refusals ? -1 : 0;
}
