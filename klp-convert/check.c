// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --check: find, before loading, what would make the 6.1 loader or
 * klp_enable_patch() fail on a livepatch module:
 *   - every .klp.sym.OBJ.NAME,POS symbol must be SHN_LIVEPATCH and resolve
 *     to exactly one symbol of OBJ in kallsyms order;
 *   - every patched function (.klpkit.funcs) must resolve the same way;
 *   - .klp.rela.OBJ.SEC sections: flags, target section, only livepatch
 *     symbols of OBJ, supported types, zero fields, no late relocation in a
 *     special section;
 *   - no ordinary relocation of an allocated section against a livepatch
 *     symbol (the loader would write 0 + addend);
 *   - with --symvers, every undefined symbol must be a vmlinux export.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"
#include "klpkit-meta.h"

struct checker {
	const struct options *o;
	struct kelf *k;
	struct targets *tg;
	struct kelf_symvers *sv;
	const struct kmeta *meta;	/* NULL if unreadable */
	int problems;
	unsigned int nr_syms, nr_relas, nr_funcs, nr_undef;
};

static void problem(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kelf_verror(c->k, fmt, ap);
	va_end(ap);
	c->problems++;
}

static struct target *need_target(struct checker *c, const char *obj,
				  const char *what)
{
	struct target *t = targets_get(c->tg, obj);

	if (!t)
		problem(c, "%s: cannot verify: no symbol table of '%s' (give --symbols %s=PATH%s)",
			what, obj, obj, strcmp(obj, VMLINUX) ? ".ko or --modules DIR" : "");
	return t;
}

static void check_symbol(struct checker *c, struct kelf_symbol *s)
{
	struct kelf_symbol *hit;
	struct target *t;
	struct klpsym ks;
	const char *why;

	if (s->sec || s->shndx != SHN_LIVEPATCH) {
		problem(c, "symbol '%s' is not marked as a livepatch symbol (st_shndx is not SHN_LIVEPATCH): run klp-convert on the module",
			s->name);
		return;
	}
	if (klpsym_parse(s->name, &ks, &why)) {
		problem(c, "symbol '%s': %s", s->name, why);
		return;
	}
	c->nr_syms++;
	t = need_target(c, ks.obj, s->name);
	if (!t)
		return;
	hit = target_resolve(t, ks.name, ks.pos, &why);
	if (!hit) {
		problem(c, "%s: %s; the loader would fail; candidates in kallsyms order:",
			s->name, why);
		target_print_candidates(stderr, t, ks.name);
		return;
	}
	if (c->o->verbose)
		fprintf(stderr, "klp-convert: ok: %s -> %016lx %s\n", s->name,
			(unsigned long)hit->sym.st_value,
			hit->sec ? hit->sec->name : "");
}

static void check_undefined(struct checker *c, struct kelf_symbol *s)
{
	const struct kelf_export *e;

	c->nr_undef++;
	if (!c->sv || !strcmp(s->name, "_GLOBAL_OFFSET_TABLE_"))
		return;
	e = kelf_symvers_find(c->sv, s->name);
	if (!e && s->bind == STB_WEAK)
		return;	/* the loader leaves an unresolved weak symbol 0 */
	if (!e)
		problem(c, "undefined symbol '%s' is not exported by the target kernel: the loader would fail with \"Unknown symbol %s\"; run klp-convert",
			s->name, s->name);
	else if (strcmp(e->module, VMLINUX))
		problem(c, "undefined symbol '%s' is exported by module %s: the patch could not load before %s; run klp-convert to make it a livepatch relocation",
			s->name, e->module, e->module);
}

static bool has_object(const struct kmeta *m, const char *obj)
{
	size_t i;

	for (i = 0; i < m->nr_funcs; i++)
		if (!strcmp(m->funcs[i].objname, obj))
			return true;
	for (i = 0; i < m->nr_cbs; i++)
		if (m->cbs[i].objname && !strcmp(m->cbs[i].objname, obj))
			return true;
	return false;
}

static void check_klp_rela(struct checker *c, struct kelf_section *sec)
{
	const uint64_t want = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
	char obj[KLP_OBJNAME_MAX + 1];
	const char *why, *late;
	size_t i;

	if (klprela_obj(sec->name, obj, &why)) {
		problem(c, "section '%s': %s", sec->name, why);
		return;
	}
	if ((sec->sh.sh_flags & want) != want)
		problem(c, "section '%s': flags 0x%lx lack SHF_ALLOC|SHF_INFO_LINK|SHF_RELA_LIVEPATCH (0x%lx)",
			sec->name, (unsigned long)sec->sh.sh_flags, (unsigned long)want);
	if (!(sec->base->sh.sh_flags & SHF_ALLOC))
		problem(c, "section '%s' applies to '%s', which is not allocated: the loader ignores it",
			sec->name, sec->base->name);
	if (c->meta && strcmp(obj, VMLINUX) && !has_object(c->meta, obj))
		problem(c, "section '%s' would never be written: the patch has no function or callback for %s (6.1 writes .klp.rela.OBJ sections per patched object)",
			sec->name, obj);
	late = strcmp(obj, VMLINUX) ? late_reloc_refusal(sec->base->name) : NULL;
	for (i = 0; i < sec->nr_relas; i++) {
		const struct kelf_rela *r = &sec->relas[i];
		const struct kelf_reloc_type *t = kelf_reloc_type(sec->kelf, r->type);
		struct klpsym ks;
		size_t j;

		c->nr_relas++;
		if (!r->sym || r->sym->sec || r->sym->shndx != SHN_LIVEPATCH) {
			problem(c, "%s entry %zu: symbol '%s' is not a livepatch symbol (\"symbol ... is not marked as a livepatch symbol\" at load)",
				sec->name, i, r->sym ? r->sym->name : "(none)");
			continue;
		}
		if (klpsym_parse(r->sym->name, &ks, &why))
			continue;	/* reported with the symbol */
		if (strcmp(obj, VMLINUX) && !strcmp(ks.obj, VMLINUX))
			problem(c, "%s entry %zu: vmlinux symbol '%s' in a module-specific section: the loader refuses it (\"invalid access to vmlinux symbol\")",
				sec->name, i, r->sym->name);
		else if (!strcmp(obj, VMLINUX) && strcmp(ks.obj, VMLINUX))
			problem(c, "%s entry %zu: symbol '%s' of module %s in a vmlinux section: it would be resolved when the patch loads, whether or not %s is loaded",
				sec->name, i, r->sym->name, ks.obj, ks.obj);
		if (!kelf_reloc_klp(sec->kelf, r->type))
			problem(c, "%s entry %zu: relocation type %s is not implemented by 6.1's apply_relocate_add()",
				sec->name, i, t ? t->name : "?");
		if (late)
			problem(c, "%s entry %zu (%s+0x%lx): %s is %s",
				sec->name, i, sec->base->name, (unsigned long)r->offset,
				sec->base->name, late);
		if (t && sec->base->data && r->offset + t->size <= sec->base->size) {
			for (j = 0; j < t->size; j++)
				if (sec->base->data[r->offset + j])
					break;
			if (j < t->size)
				problem(c, "%s entry %zu: the field at %s+0x%lx is not zero (the loader refuses to write over it)",
					sec->name, i, sec->base->name, (unsigned long)r->offset);
		}
	}
}

static void check_ordinary_rela(struct checker *c, struct kelf_section *sec)
{
	size_t i;

	if (!(sec->base->sh.sh_flags & SHF_ALLOC))
		return;
	for (i = 0; i < sec->nr_relas; i++) {
		const struct kelf_rela *r = &sec->relas[i];

		if (!r->sym && r->type != sec->kelf->arch->reloc_none)
			problem(c, "%s+0x%lx: relocation (in %s) without a symbol: the loader would write garbage; was the module rewritten by objcopy or strip after klp-convert? (they fold .klp.rela sections into .rela ones and drop livepatch symbols)",
				sec->base->name, (unsigned long)r->offset, sec->name);
		else if (r->sym && !r->sym->sec && r->sym->shndx == SHN_LIVEPATCH)
			problem(c, "%s+0x%lx: ordinary relocation (in %s) against livepatch symbol '%s': the loader would write its address as 0; run klp-convert",
				sec->base->name, (unsigned long)r->offset, sec->name,
				r->sym->name);
	}
}

static void check_funcs(struct checker *c)
{
	const struct kmeta *m = c->meta;
	const char *why;
	size_t i;

	if (!m)
		return;
	c->problems += kmeta_check(c->k, m);
	for (i = 0; i < m->nr_funcs; i++) {
		const struct kfunc *f = &m->funcs[i];
		struct kelf_symbol *hit;
		struct target *t;
		char what[600];

		if (klpsym_check_obj(f->objname, &why))
			continue;
		c->nr_funcs++;
		snprintf(what, sizeof(what), "patched function %s:%s,%lu", f->objname,
			 f->name, f->sympos);
		t = need_target(c, f->objname, what);
		if (!t)
			continue;
		hit = target_resolve(t, f->name, f->sympos, &why);
		if (!hit) {
			problem(c, "%s: %s; klp_enable_patch() would fail; candidates:",
				what, why);
			target_print_candidates(stderr, t, f->name);
		} else if (hit->type != STT_FUNC) {
			problem(c, "%s resolves to '%s', which is not a function", what, hit->name);
		}
	}
}

int check_module(const struct options *o, struct targets *tg)
{
	struct checker c = { .o = o, .tg = tg };
	struct kelf_section *sec;
	struct kelf_symbol *s;
	struct target *t;
	struct kmeta meta;
	const char *lp;
	bool first = true;
	int ret = KC_EXIT_ERROR;

	c.k = kelf_open(o->in, 0);
	if (!c.k)
		return KC_EXIT_ERROR;
	if (o->symvers_path && !(c.sv = kelf_symvers_read(o->symvers_path)))
		goto out;
	lp = modinfo_get(c.k, "livepatch");
	if (!lp || strcmp(lp, "Y"))
		problem(&c, "no modinfo livepatch=Y: klp_enable_patch() refuses modules not marked as livepatch modules");
	if (!kmeta_read(c.k, &meta))
		c.meta = &meta;
	else
		c.problems++;
	kelf_for_each_symbol(s, c.k) {
		if (klpsym_is(s->name) || (!s->sec && s->shndx == SHN_LIVEPATCH))
			check_symbol(&c, s);
		else if (!s->sec && s->shndx == SHN_UNDEF && s->type != STT_SECTION && *s->name)
			check_undefined(&c, s);
	}
	kelf_for_each_section(sec, c.k) {
		if (!kelf_is_rela(sec) || !sec->base)
			continue;
		if ((sec->sh.sh_flags & SHF_RELA_LIVEPATCH) ||
		    !strncmp(sec->name, KLP_RELA_PREFIX, strlen(KLP_RELA_PREFIX)))
			check_klp_rela(&c, sec);
		else
			check_ordinary_rela(&c, sec);
	}
	check_funcs(&c);
	if (c.problems) {
		fprintf(stderr, "%s: check failed: %d problem%s\n", o->in, c.problems,
			c.problems == 1 ? "" : "s");
		ret = KC_EXIT_CHECK;
		goto out;
	}
	printf("%s: ok: %u livepatch symbol%s (%u relocation%s) and %u patched function%s resolve uniquely",
	       o->in, c.nr_syms, c.nr_syms == 1 ? "" : "s", c.nr_relas,
	       c.nr_relas == 1 ? "" : "s", c.nr_funcs, c.nr_funcs == 1 ? "" : "s");
	list_for_each_entry(t, &tg->list, list)
		if (t->kelf) {
			printf("%s %s", first ? " in" : ",", t->name);
			first = false;
		}
	printf("; %u undefined symbol%s%s\n", c.nr_undef, c.nr_undef == 1 ? "" : "s",
	       c.sv ? " exported by vmlinux" : " not checked (no --symvers)");
	ret = KC_EXIT_OK;
out:
	if (c.meta)
		kmeta_free(&meta);
	kelf_symvers_free(c.sv);
	kelf_close(c.k);
	return ret;
}
