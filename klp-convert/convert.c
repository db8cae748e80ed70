// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conversion: every relocation that ordinary module linking would not
 * resolve becomes a livepatch relocation.
 *
 *  1. Decide, for every symbol of the module that is undefined (or already
 *     a livepatch symbol), what it becomes:
 *       ".klp.sym.OBJ.NAME,POS"   livepatch symbol as named (verified
 *                                 against OBJ's table when there is one);
 *       NAME exported by vmlinux  stays undefined: the loader resolves it
 *                                 and modpost recorded its CRC;
 *       NAME exported by module M livepatch symbol of M (M may load after
 *                                 the patch, so no dependency);
 *       any other NAME            livepatch symbol of the one object that
 *                                 defines a global NAME (vmlinux or a
 *                                 module whose table was given).
 *  2. Move each relocation of an allocated section against such a symbol
 *     from .rela.SEC to .klp.rela.OBJ.SEC (SHF_ALLOC | SHF_INFO_LINK |
 *     SHF_RELA_LIVEPATCH), refusing what the 6.1 loader cannot apply.
 *  3. Rename the symbols, st_shndx = SHN_LIVEPATCH; drop the __versions
 *     entries and "depends=" modules that no longer apply; add the
 *     klpkit_funcs modinfo tag.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"
#include "klpkit-meta.h"

enum action { ACT_NONE, ACT_KEEP, ACT_KLP };

struct decision {
	enum action act;
	struct kelf_symbol *sym;
	struct kelf_symbol *owner;	/* symbol that carries the relocations */
	char obj[KLP_OBJNAME_MAX + 1];
	char *canon;			/* .klp.sym.OBJ.NAME,POS */
	char *plain;			/* NAME, when not a .klp.sym name */
	struct target *tgt;		/* where it resolved (NULL: not known) */
	struct kelf_symbol *tsym;
	bool target_looked_up;		/* tgt/tsym of a vmlinux export */
};

struct klp_sec {
	struct kelf_section *base;
	char obj[KLP_OBJNAME_MAX + 1];
	struct kelf_section *sec;
};

struct conv {
	const struct options *o;
	struct kelf *k;
	struct kelf_symvers *sv;
	struct targets *tg;
	struct kmeta meta;
	int refused;
	struct decision *dec;
	size_t ndec;
	struct klp_sec *ks;
	size_t nks, cap_ks;
	unsigned int moved;
};

static void refuse(struct conv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void refuse(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kelf_verror(c->k, fmt, ap);
	va_end(ap);
	c->refused++;
}

static void note(struct conv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->o->verbose)
		return;
	fprintf(stderr, "klp-convert: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool is_undefined(const struct kelf_symbol *s)
{
	return !s->sec && s->shndx == SHN_UNDEF && s->type != STT_SECTION &&
	       *s->name;
}

/* Load the tables to search for globals: given ones, and those of every
 * object the module names (found with --modules). */
static void preload_targets(struct conv *c)
{
	struct target *t, *tmp;
	struct kelf_symbol *s;
	struct klpsym ks;
	const char *why;
	size_t i;

	/* every table given with --symbols, then the objects named here */
	list_for_each_entry_safe(t, tmp, &c->tg->list, list)
		targets_get(c->tg, t->name);
	kelf_for_each_symbol(s, c->k)
		if (klpsym_is(s->name) && !klpsym_parse(s->name, &ks, &why))
			targets_get(c->tg, ks.obj);
	for (i = 0; i < c->meta.nr_funcs; i++)
		targets_get(c->tg, c->meta.funcs[i].objname);
	for (i = 0; i < c->meta.nr_cbs; i++)
		if (c->meta.cbs[i].objname)
			targets_get(c->tg, c->meta.cbs[i].objname);
}

static int set_klp(struct conv *c, struct decision *d, const char *obj,
		   const char *name, unsigned long pos)
{
	d->act = ACT_KLP;
	snprintf(d->obj, sizeof(d->obj), "%s", obj);
	d->canon = klpsym_format(obj, name, pos);
	if (!d->canon) {
		kelf_error(c->k, "out of memory");
		return -1;
	}
	return 0;
}

static void decide_klpsym(struct conv *c, struct decision *d)
{
	struct kelf_symbol *s = d->sym;
	struct target *t;
	const char *why;
	struct klpsym ks;

	if (s->sec) {
		refuse(c, "symbol '%s' is defined in section '%s' of the module; a .klp.sym. name must be an undefined reference to the running kernel",
		       s->name, s->sec->name);
		return;
	}
	if (klpsym_parse(s->name, &ks, &why)) {
		refuse(c, "symbol '%s': %s", s->name, why);
		return;
	}
	t = targets_get(c->tg, ks.obj);
	if (!t) {
		kelf_warn(c->k, "%s: not verified: no symbol table of '%s' (give --symbols %s=PATH%s)",
			  s->name, ks.obj, ks.obj, strcmp(ks.obj, VMLINUX) ? " or --modules DIR" : "");
	} else if ((d->tsym = target_resolve(t, ks.name, ks.pos, &why))) {
		d->tgt = t;
	} else {
		refuse(c, "symbol '%s' would not resolve when the patch loads: %s; candidates in kallsyms order:",
		       s->name, why);
		target_print_candidates(stderr, t, ks.name);
		return;
	}
	if (set_klp(c, d, ks.obj, ks.name, ks.pos))
		c->refused++;
}

/* NAME exported by module M: a livepatch symbol of M. */
static void decide_module_export(struct conv *c, struct decision *d,
				 const struct kelf_export *e)
{
	struct kelf_symbol *s = d->sym;
	struct symlist g;
	unsigned long pos;
	struct target *t;
	const char *why;

	t = targets_get(c->tg, e->module);
	if (!t) {
		refuse(c, "'%s' is exported by module %s, which may load after the patch, so it needs a livepatch relocation, and its position needs %s's symbol table: give --symbols %s=PATH.ko or --modules DIR",
		       s->name, e->module, e->module, e->module);
		return;
	}
	if (target_globals(t, s->name, &g)) {
		c->refused++;
		return;
	}
	if (g.n != 1) {
		refuse(c, "'%s' is exported by module %s (Module.symvers) but %s has %zu global symbols of that name (%s): wrong Module.symvers or module?",
		       s->name, e->module, t->path, g.n, t->name);
	} else if (target_position(t, g.v[0], &pos, &why)) {
		refuse(c, "'%s': %s", s->name, why);
	} else if (!set_klp(c, d, t->name, s->name, pos)) {
		d->tgt = t;
		d->tsym = g.v[0];
		note(c, "%s: exported by module %s -> %s", s->name, t->name, d->canon);
	} else {
		c->refused++;
	}
	symlist_free(&g);
}

static void explain_not_found(struct conv *c, struct kelf_symbol *s)
{
	struct target *t;
	struct symlist l;
	bool any = false;

	list_for_each_entry(t, &c->tg->list, list) {
		if (!t->kelf || target_candidates(t, s->name, &l))
			continue;
		if (l.n) {
			if (!any)
				fprintf(stderr, "  '%s' exists only as a local (static) symbol; reference it as .klp.sym.OBJ.%s,POS (create-diff-object does this) with one of:\n",
					s->name, s->name);
			any = true;
			target_print_candidates(stderr, t, s->name);
		}
		symlist_free(&l);
	}
	if (!any)
		fprintf(stderr, "  searched: Module.symvers, and the globals of:%s\n",
			list_empty(&c->tg->list) ? " (no --symbols given)" : "");
	if (!any)
		list_for_each_entry(t, &c->tg->list, list)
			fprintf(stderr, "    %s (%s)%s\n", t->name, t->path,
				t->kelf ? "" : " - not loaded");
}

/* Any other NAME: the one global definition among the known objects. */
static void decide_global(struct conv *c, struct decision *d)
{
	struct kelf_symbol *s = d->sym, *found = NULL;
	struct target *t, *where = NULL;
	unsigned long pos;
	const char *why;
	struct symlist g;
	size_t hits = 0;

	if (!targets_get(c->tg, VMLINUX)) {
		refuse(c, "'%s' is not exported by vmlinux (Module.symvers); to find where it is defined klp-convert needs vmlinux's symbol table: give --symbols vmlinux=PATH (the -dbg vmlinux)",
		       s->name);
		return;
	}
	list_for_each_entry(t, &c->tg->list, list) {
		if (!t->kelf)
			continue;
		if (target_globals(t, s->name, &g)) {
			c->refused++;
			return;
		}
		if (g.n) {
			hits += g.n;
			found = g.v[0];
			where = t;
		}
		symlist_free(&g);
	}
	if (!hits) {
		if (s->bind == STB_WEAK) {
			kelf_warn(c->k, "weak undefined symbol '%s' is defined nowhere in the target kernel; it stays undefined (0 at run time)",
				  s->name);
			d->act = ACT_KEEP;
			return;
		}
		refuse(c, "undefined symbol '%s' is not exported by vmlinux (Module.symvers) and is not a global symbol of any object klp-convert knows; if a module defines it, give --symbols MODULE=PATH.ko",
		       s->name);
		explain_not_found(c, s);
		return;
	}
	if (hits > 1) {
		refuse(c, "undefined symbol '%s' is a global symbol of several objects; klp-convert cannot tell which one is meant: reference it as .klp.sym.OBJ.%s,POS:",
		       s->name, s->name);
		list_for_each_entry(t, &c->tg->list, list)
			if (t->kelf)
				target_print_candidates(stderr, t, s->name);
		return;
	}
	if (target_position(where, found, &pos, &why)) {
		refuse(c, "'%s': %s", s->name, why);
		return;
	}
	if (set_klp(c, d, where->name, s->name, pos)) {
		c->refused++;
		return;
	}
	d->tgt = where;
	d->tsym = found;
	note(c, "%s: not exported, global of %s -> %s", s->name, where->name, d->canon);
}

static void decide_plain(struct conv *c, struct decision *d)
{
	struct kelf_symbol *s = d->sym;
	const struct kelf_export *e;
	const char *why;

	d->plain = strdup(s->name);
	if (!d->plain) {
		kelf_error(c->k, "out of memory");
		c->refused++;
		return;
	}
	if (!strcmp(s->name, "_GLOBAL_OFFSET_TABLE_")) {
		d->act = ACT_KEEP;
		return;
	}
	e = kelf_symvers_find(c->sv, s->name);
	if (e && !strcmp(e->module, VMLINUX)) {
		d->act = ACT_KEEP;
		return;
	}
	if (klpsym_check_name(s->name, &why)) {
		refuse(c, "undefined symbol '%s': %s", s->name, why);
		return;
	}
	if (e)
		decide_module_export(c, d, e);
	else
		decide_global(c, d);
}

static int cmp_canon(const void *a, const void *b)
{
	const struct decision *x = *(struct decision *const *)a;
	const struct decision *y = *(struct decision *const *)b;
	int r = strcmp(x->canon, y->canon);

	if (r)
		return r;
	/* the symbol already named so carries the relocations */
	r = strcmp(x->sym->name, x->canon) != 0;
	r -= strcmp(y->sym->name, y->canon) != 0;
	if (r)
		return r;
	return x->sym->index < y->sym->index ? -1 : x->sym->index > y->sym->index;
}

/* Several symbols may end up with one name: one of them carries all. */
static int pick_owners(struct conv *c)
{
	struct decision **v;
	size_t i, n = 0;

	v = calloc(c->ndec ? c->ndec : 1, sizeof(*v));
	if (!v) {
		kelf_error(c->k, "out of memory");
		return -1;
	}
	for (i = 0; i < c->ndec; i++)
		if (c->dec[i].act == ACT_KLP)
			v[n++] = &c->dec[i];
	qsort(v, n, sizeof(*v), cmp_canon);
	for (i = 0; i < n; i++)
		v[i]->owner = i && !strcmp(v[i - 1]->canon, v[i]->canon) ?
			      v[i - 1]->owner : v[i]->sym;
	free(v);
	return 0;
}

static int decide(struct conv *c)
{
	struct kelf_symbol *s;
	size_t n = 0;

	kelf_for_each_symbol(s, c->k)
		n++;
	c->dec = calloc(n ? n : 1, sizeof(*c->dec));
	if (!c->dec) {
		kelf_error(c->k, "out of memory");
		return -1;
	}
	kelf_for_each_symbol(s, c->k) {
		struct decision *d = &c->dec[c->ndec++];

		d->sym = s;
		s->priv = d;
		if (klpsym_is(s->name))
			decide_klpsym(c, d);
		else if (is_undefined(s))
			decide_plain(c, d);
		else if (!s->sec && s->shndx == SHN_LIVEPATCH)
			refuse(c, "symbol '%s' has st_shndx SHN_LIVEPATCH but is not named .klp.sym.OBJ.NAME,POS",
			       s->name);
	}
	return pick_owners(c);
}

/* Sealed ENDBR (endbr.c) */

/* The target function a symbol of the module stands for, or NULL. */
static struct kelf_symbol *target_function(struct conv *c, struct decision *d,
					   struct target **t)
{
	struct symlist g;

	if (d->act == ACT_KEEP && d->plain && !d->target_looked_up) {
		/* a vmlinux export: the one global of that name in vmlinux */
		d->target_looked_up = true;
		d->tgt = targets_get(c->tg, VMLINUX);
		if (d->tgt && !target_globals(d->tgt, d->plain, &g)) {
			d->tsym = g.n == 1 ? g.v[0] : NULL;
			symlist_free(&g);
		}
	}
	if (d->act == ACT_NONE || !d->tgt || !d->tsym || d->tsym->type != STT_FUNC)
		return NULL;
	*t = d->tgt;
	return d->tsym;
}

/* "new_fn+0x12 (.text.new_fn+0x12, in patch.c:14)" */
static void describe_site(struct conv *c, struct kelf_section *base,
			  uint64_t off, char *buf, size_t len)
{
	struct kelf_symbol *s = kelf_symbol_at(base, off);
	const char *where = NULL;
	char line[512];

	if (kelf_is_text(base))
		where = source_line(c->o->in, base, off, NULL, line, sizeof(line));
	else if (s && s->type == STT_OBJECT)
		where = source_line(c->o->in, base, off, s->name, line, sizeof(line));
	if (!where && s && s->file)
		where = s->file->name;
	if (s)
		snprintf(buf, len, "%s+0x%lx (%s+0x%lx%s%s)", s->name,
			 (unsigned long)(off - s->sym.st_value), base->name,
			 (unsigned long)off, where ? ", in " : "", where ? where : "");
	else
		snprintf(buf, len, "%s+0x%lx%s%s%s", base->name, (unsigned long)off,
			 where ? " (in " : "", where ? where : "", where ? ")" : "");
}

/*
 * Relocation @r of @relasec takes the address of a function of the target
 * kernel (not a call or jump to it): refuse it if the kernel sealed that
 * function's ENDBR or it has none.  -1 after an error.
 */
static int check_address_taken(struct conv *c, struct kelf_section *relasec,
			       const struct kelf_rela *r)
{
	struct kelf_section *base = relasec->base;
	struct decision *d = r->sym ? r->sym->priv : NULL;
	const struct kelf_reloc_type *rt;
	struct kelf_symbol *f;
	struct target *t;
	char site[1024];
	const char *why;
	int ret;

	if (!d || (kelf_is_text(base) && kelf_is_branch(relasec, r)))
		return 0;
	f = target_function(c, d, &t);
	/* the entry, not an address inside the function */
	if (!f || r->addend + kelf_target_bias(relasec, r) != 0)
		return 0;
	ret = endbr_problem(t, f, &why);
	if (ret <= 0)
		return ret;
	rt = kelf_reloc_type(c->k, r->type);
	describe_site(c, base, r->offset, site, sizeof(site));
	refuse(c, "%s takes the address of %s function '%s' (%s), %s; an indirect call through that pointer would crash with \"Missing ENDBR\" on a CPU that enforces indirect branch tracking: call %s through a wrapper function defined in the patch and take the wrapper's address (the address of a function the patch adds is fine), or use a pointer to %s that the kernel already holds",
	       site, t->name, f->name, rt ? rt->name : "?", why, f->name, f->name);
	return 0;
}

static int check_indirect_targets(struct conv *c)
{
	struct kelf_section *sec;
	struct target *t;
	size_t i;

	kelf_for_each_section(sec, c->k) {
		if (!kelf_is_rela(sec) || !sec->base ||
		    !(sec->base->sh.sh_flags & SHF_ALLOC) ||
		    kelf_endbr_exempt(sec->base))
			continue;
		for (i = 0; i < sec->nr_relas; i++)
			if (check_address_taken(c, sec, &sec->relas[i]))
				return -1;
	}
	list_for_each_entry(t, &c->tg->list, list)
		if (t->seal_read && t->ibt)
			note(c, "%s: %zu sealed ENDBR in %s (IBT)", t->name,
			     t->nr_sealed, t->kelf->arch->endbr_seal_section);
	return 0;
}

/* Moving relocations */

static struct kelf_section *klp_section(struct conv *c, struct kelf_section *base,
					const char *obj)
{
	struct kelf_section *sec;
	struct klp_sec *ks;
	char *name;
	size_t i;

	for (i = 0; i < c->nks; i++)
		if (c->ks[i].base == base && !strcmp(c->ks[i].obj, obj))
			return c->ks[i].sec;
	/* already there (a module converted before) */
	kelf_for_each_section(sec, c->k) {
		char o[KLP_OBJNAME_MAX + 1];
		const char *why;

		if (kelf_is_rela(sec) && sec->base == base &&
		    (sec->sh.sh_flags & SHF_RELA_LIVEPATCH) &&
		    !klprela_obj(sec->name, o, &why) && !strcmp(o, obj))
			goto remember;
	}
	if (asprintf(&name, KLP_RELA_PREFIX "%s.%s", obj, base->name) < 0) {
		kelf_error(c->k, "out of memory");
		return NULL;
	}
	sec = kelf_add_rela_section_named(c->k, base, name,
					  SHF_ALLOC | SHF_RELA_LIVEPATCH);
	free(name);
	if (!sec)
		return NULL;
remember:
	if (c->nks == c->cap_ks) {
		size_t cap = c->cap_ks ? c->cap_ks * 2 : 16;

		ks = realloc(c->ks, cap * sizeof(*ks));
		if (!ks) {
			kelf_error(c->k, "out of memory");
			return NULL;
		}
		c->ks = ks;
		c->cap_ks = cap;
	}
	ks = &c->ks[c->nks++];
	ks->base = base;
	snprintf(ks->obj, sizeof(ks->obj), "%s", obj);
	ks->sec = sec;
	return sec;
}

static bool field_is_zero(const struct kelf_section *base, const struct kelf_rela *r)
{
	const struct kelf_reloc_type *t = kelf_reloc_type(base->kelf, r->type);
	size_t i;

	if (!t || !base->data || r->offset + t->size > base->size)
		return false;
	for (i = 0; i < t->size; i++)
		if (base->data[r->offset + i])
			return false;
	return true;
}

/* Can relocation @r of @relasec go to .klp.rela.@secobj.* for @d? */
static bool movable(struct conv *c, struct kelf_section *relasec,
		    const struct kelf_rela *r, const struct decision *d,
		    const char *secobj)
{
	const struct kelf_reloc_type *t = kelf_reloc_type(relasec->kelf, r->type);
	struct kelf_section *base = relasec->base;
	const char *why;

	if (!kelf_reloc_klp(relasec->kelf, r->type)) {
		refuse(c, "%s+0x%lx: relocation %s to '%s': the 6.1 %s loader (apply_relocate_add) does not implement this type",
		       base->name, (unsigned long)r->offset, t ? t->name : "?",
		       d->sym->name, relasec->kelf->arch->name);
		return false;
	}
	if (strcmp(secobj, VMLINUX) && (why = late_reloc_refusal(base->name))) {
		refuse(c, "%s+0x%lx: relocation to '%s' (%s) in %s; a symbol of a module cannot be referenced from there: move the reference into a function or data, or (for jump labels and static calls) use static_key_enabled()/KPATCH_STATIC_CALL()",
		       base->name, (unsigned long)r->offset, d->sym->name,
		       d->canon, why);
		return false;
	}
	if (!field_is_zero(base, r)) {
		refuse(c, "%s+0x%lx: the relocated field of %s to '%s' is not zero; 6.1's apply_relocate_add() refuses to write over a non-zero value (was the module linked as usual?)",
		       base->name, (unsigned long)r->offset, t ? t->name : "?",
		       d->sym->name);
		return false;
	}
	return true;
}

/* Whether the patch has a klp_object called @obj (a function or callback). */
static bool patch_has_object(const struct conv *c, const char *obj)
{
	size_t i;

	for (i = 0; i < c->meta.nr_funcs; i++)
		if (!strcmp(c->meta.funcs[i].objname, obj))
			return true;
	for (i = 0; i < c->meta.nr_cbs; i++)
		if (c->meta.cbs[i].objname && !strcmp(c->meta.cbs[i].objname, obj))
			return true;
	return false;
}

/* The patch's only module object, or NULL (none, or several). */
static const char *only_module_object(const struct conv *c)
{
	const char *only = NULL;
	size_t i;

	for (i = 0; i < c->meta.nr_funcs; i++) {
		const char *o = c->meta.funcs[i].objname;

		if (!strcmp(o, VMLINUX))
			continue;
		if (only && strcmp(only, o))
			return NULL;
		only = o;
	}
	for (i = 0; i < c->meta.nr_cbs; i++) {
		const char *o = c->meta.cbs[i].objname;

		if (!o || !strcmp(o, VMLINUX))
			continue;
		if (only && strcmp(only, o))
			return NULL;
		only = o;
	}
	return only;
}

/*
 * The patched object whose code lives in @base: the object of the
 * functions (and callbacks) of the patch defined there.  Returns the
 * number of distinct objects found (0, 1, or 2 for "several").
 */
static int section_owner(const struct conv *c, const struct kelf_section *base,
			 const char **owner)
{
	size_t i;

	*owner = NULL;
	for (i = 0; i < c->meta.nr_funcs + c->meta.nr_cbs; i++) {
		const char *o;
		const struct kelf_section *sec;

		if (i < c->meta.nr_funcs) {
			o = c->meta.funcs[i].objname;
			sec = c->meta.funcs[i].new_sec;
		} else {
			o = c->meta.cbs[i - c->meta.nr_funcs].objname;
			sec = c->meta.cbs[i - c->meta.nr_funcs].fn_sec;
		}
		if (!o || sec != base)
			continue;
		if (*owner && strcmp(*owner, o))
			return 2;
		*owner = o;
	}
	return *owner ? 1 : 0;
}

/*
 * The OBJ of the .klp.rela.OBJ.SEC section for a relocation in @base to a
 * symbol of @d->obj, or NULL after a refusal.  6.1 writes a .klp.rela.OBJ
 * section when the patch's klp_object OBJ is patched (vmlinux: when the
 * patch module loads; a module: when it is or becomes loaded), and only
 * accepts vmlinux symbols in .klp.rela.vmlinux.  A symbol of module M
 * therefore goes to the section of the module whose code refers to it:
 * M itself, or the patched module M1 that uses M's export (M1 depends on
 * M, so M is loaded whenever M1 is patched).
 */
static const char *rela_object(struct conv *c, const struct kelf_section *base,
			       const struct kelf_rela *r, const struct decision *d)
{
	const char *owner, *only;
	int n;

	if (!strcmp(d->obj, VMLINUX))
		return VMLINUX;
	n = section_owner(c, base, &owner);
	if (n == 1 && !strcmp(owner, VMLINUX)) {
		refuse(c, "%s+0x%lx: code that patches vmlinux refers to '%s' of module %s; that relocation could only be written when %s loads, after the code is live: move the use into a function of %s or reach it through a pointer",
		       base->name, (unsigned long)r->offset, d->canon,
		       d->obj, d->obj, d->obj);
		return NULL;
	}
	if (n == 1) {
		if (strcmp(owner, d->obj))
			note(c, "%s: %s is used by code patching %s: .klp.rela.%s (%s must be loaded when %s is)",
			     base->name, d->canon, owner, owner, d->obj, owner);
		return owner;
	}
	if (patch_has_object(c, d->obj))
		return d->obj;
	only = only_module_object(c);
	if (only)
		return only;
	refuse(c, "%s+0x%lx: relocation to '%s': the patch patches no function of %s and klp-convert cannot tell which patched module's code '%s' is; 6.1 only writes the .klp.rela sections of the patch's own objects",
	       base->name, (unsigned long)r->offset, d->canon, d->obj, base->name);
	return NULL;
}

static int move_relas(struct conv *c, struct kelf_section *relasec)
{
	struct kelf_section *base = relasec->base;
	bool alloc = base && (base->sh.sh_flags & SHF_ALLOC);
	bool live = relasec->sh.sh_flags & SHF_RELA_LIVEPATCH;
	size_t i, kept = 0;

	for (i = 0; i < relasec->nr_relas; i++) {
		struct kelf_rela *r = &relasec->relas[i];
		struct decision *d = r->sym ? r->sym->priv : NULL;
		struct kelf_section *dest;
		const char *secobj;

		if (!d || d->act != ACT_KLP) {
			relasec->relas[kept++] = *r;
			continue;
		}
		r->sym = d->owner;
		if (!alloc || live || !(secobj = rela_object(c, base, r, d)) ||
		    !movable(c, relasec, r, d, secobj)) {
			/* debug info may refer to a livepatch symbol */
			relasec->relas[kept++] = *r;
			continue;
		}
		dest = klp_section(c, base, secobj);
		if (!dest || kelf_rela_add(dest, r->offset, r->type, d->owner, r->addend))
			return -1;
		c->moved++;
	}
	if (kept != relasec->nr_relas)
		note(c, "%s: %zu of %zu relocations moved to livepatch sections",
		     relasec->name, relasec->nr_relas - kept, relasec->nr_relas);
	relasec->nr_relas = kept;
	return 0;
}

static int move_all(struct conv *c)
{
	struct kelf_section *sec, *tmp;

	list_for_each_entry_safe(sec, tmp, &c->k->sections, list) {
		if (!kelf_is_rela(sec))
			continue;
		if (!sec->base) {
			kelf_error(c->k, "relocation section '%s' applies to no section", sec->name);
			return -1;
		}
		if (move_relas(c, sec))
			return -1;
		if (!sec->nr_relas && !(sec->sh.sh_flags & SHF_RELA_LIVEPATCH))
			kelf_remove_section(sec);
	}
	return 0;
}

static int finish_symbols(struct conv *c)
{
	size_t i;

	for (i = 0; i < c->ndec; i++) {
		struct decision *d = &c->dec[i];
		struct kelf_symbol *s = d->sym;

		if (d->act != ACT_KLP)
			continue;
		if (d->owner != s)
			continue;
		if (strcmp(s->name, d->canon) && kelf_rename_symbol(s, d->canon))
			return -1;
		s->sec = NULL;
		s->shndx = SHN_LIVEPATCH;
		if (s->bind == STB_WEAK)
			s->bind = STB_GLOBAL;
	}
	for (i = 0; i < c->ndec; i++) {
		struct decision *d = &c->dec[i];

		if (d->act == ACT_KLP && d->owner != d->sym) {
			note(c, "%s: merged into %s", d->sym->name, d->canon);
			d->sym->priv = NULL;
			kelf_remove_symbol(d->sym);
			d->sym = NULL;
		}
	}
	return 0;
}

/* __versions and depends= of what is no longer linked normally. */
static int fix_module_metadata(struct conv *c)
{
	char **names, *deps, *p, *save = NULL, *out;
	const char *old;
	size_t i, n = 0;
	int dropped;

	names = calloc(c->ndec ? c->ndec : 1, sizeof(*names));
	if (!names) {
		kelf_error(c->k, "out of memory");
		return -1;
	}
	for (i = 0; i < c->ndec; i++)
		if (c->dec[i].act == ACT_KLP && c->dec[i].plain)
			names[n++] = c->dec[i].plain;
	dropped = versions_drop(c->k, names, n);
	free(names);
	if (dropped < 0)
		return -1;
	if (dropped)
		note(c, "__versions: dropped %d entr%s of symbols now resolved by livepatch",
		     dropped, dropped == 1 ? "y" : "ies");

	old = modinfo_get(c->k, "depends");
	if (!old || !*old)
		return 0;
	deps = strdup(old);
	out = calloc(1, strlen(old) + 1);
	if (!deps || !out) {
		free(deps);
		free(out);
		kelf_error(c->k, "out of memory");
		return -1;
	}
	/* keep a module only if a symbol that stays undefined comes from it */
	for (p = strtok_r(deps, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool needed = false;

		for (i = 0; i < c->ndec && !needed; i++) {
			const struct kelf_export *e;

			if (c->dec[i].act != ACT_KEEP || !c->dec[i].sym)
				continue;
			e = kelf_symvers_find(c->sv, c->dec[i].sym->name);
			needed = e && !strcmp(e->module, p);
		}
		if (needed)
			sprintf(out + strlen(out), "%s%s", *out ? "," : "", p);
		else
			note(c, "depends: dropped %s (its symbols are resolved by livepatch)", p);
	}
	free(deps);
	if (strcmp(out, old) && modinfo_set(c->k, "depends", out)) {
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

/* The functions must resolve as klp_enable_patch() looks them up. */
static void verify_funcs(struct conv *c)
{
	size_t i;

	for (i = 0; i < c->meta.nr_funcs; i++) {
		const struct kfunc *f = &c->meta.funcs[i];
		struct target *t = targets_get(c->tg, f->objname);
		const char *why;

		if (!t || klpsym_check_obj(f->objname, &why))
			continue;
		if (!target_resolve(t, f->name, f->sympos, &why)) {
			refuse(c, "%s: patched function %s:%s,%lu would not be found by klp_enable_patch(): %s; candidates:",
			       KLPKIT_FUNCS_SECTION, f->objname, f->name, f->sympos, why);
			target_print_candidates(stderr, t, f->name);
		}
	}
}

static int add_funcs_tag(struct conv *c)
{
	const char *old = modinfo_get(c->k, KLPKIT_MODINFO_FUNCS);
	char *tag;
	int ret = 0;

	if (!c->meta.nr_funcs)
		return 0;
	tag = kmeta_funcs_tag(&c->meta);
	if (!tag) {
		kelf_error(c->k, "out of memory");
		return -1;
	}
	if (!old || strcmp(old, tag))
		ret = modinfo_set(c->k, KLPKIT_MODINFO_FUNCS, tag);
	free(tag);
	return ret;
}

static void note_pruned(void *arg, const struct kelf_load_table *lt, size_t removed)
{
	note(arg, "%s: %zu entr%s removed: the loader reads %s before livepatch relocates %s",
	     lt->name, removed, removed == 1 ? "y" : "ies",
	     removed == 1 ? "it" : "them", removed == 1 ? "it" : "them");
}

int convert_module(const struct options *o, struct targets *tg)
{
	struct conv c = { .o = o, .tg = tg };
	const char *lp;
	int ret = KC_EXIT_ERROR;
	size_t i;

	c.k = kelf_open(o->in, 0);
	if (!c.k)
		return KC_EXIT_ERROR;
	c.sv = kelf_symvers_read(o->symvers_path);
	if (!c.sv)
		goto out;
	if (kmeta_read(c.k, &c.meta))
		goto out;
	lp = modinfo_get(c.k, "livepatch");
	if (!lp || strcmp(lp, "Y"))
		refuse(&c, "no modinfo livepatch=Y: the kernel would not treat it as a livepatch module (build it from kmod/patch, which has MODULE_INFO(livepatch, \"Y\"))");
	c.refused += kmeta_check(c.k, &c.meta);
	preload_targets(&c);
	if (decide(&c))
		goto out;
	verify_funcs(&c);
	if (check_indirect_targets(&c))
		goto out;
	if (c.refused)
		goto refused;
	if (move_all(&c) || finish_symbols(&c))
		goto out;
	if (c.refused)
		goto refused;
	if (prune_load_tables(c.k, note_pruned, &c))
		goto out;
	if (fix_module_metadata(&c) || add_funcs_tag(&c))
		goto out;
	if (kelf_write(c.k, o->out))
		goto out;
	note(&c, "%s: %u relocation%s in %zu livepatch section%s", o->out, c.moved,
	     c.moved == 1 ? "" : "s", c.nks, c.nks == 1 ? "" : "s");
	ret = KC_EXIT_OK;
	goto out;
refused:
	fprintf(stderr, "%s: %d problem%s: %s not written\n", o->in, c.refused,
		c.refused == 1 ? "" : "s", o->out);
	ret = KC_EXIT_REFUSED;
out:
	for (i = 0; i < c.ndec; i++) {
		free(c.dec[i].canon);
		free(c.dec[i].plain);
	}
	free(c.dec);
	free(c.ks);
	kmeta_free(&c.meta);
	kelf_symvers_free(c.sv);
	kelf_close(c.k);
	return ret;
}
