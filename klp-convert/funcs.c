// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The patch module's own metadata (kmod/patch/klpkit-meta.h): the
 * .klpkit.funcs entries and the .klpkit.callbacks.* entries, read back from
 * the linked module through their relocations.
 */
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"
#include "klpkit-meta.h"

static const char *const cb_kinds[] = {
	"pre_patch", "post_patch", "pre_unpatch", "post_unpatch",
};

/* The relocation applying to offset @off of @relasec's base, or NULL. */
static const struct kelf_rela *rela_at(struct kelf_section *relasec, uint64_t off)
{
	return relasec ? kelf_rela_at(relasec, off) : NULL;
}

/* The NUL-terminated string an absolute 64-bit relocation points to. */
static const char *rela_string(struct kelf *k, const struct kelf_section *base,
			       const struct kelf_rela *r, const char *what)
{
	const struct kelf_symbol *s = r->sym;
	const struct kelf_section *sec;
	uint64_t off;

	if (r->type != k->arch->reloc_abs64 || !s || !s->sec || !s->sec->data) {
		kelf_error(k, "%s+0x%lx: %s is not an %s relocation to a string of this module",
			   base->name, (unsigned long)r->offset, what,
			   kelf_reloc_type(k, k->arch->reloc_abs64)->name);
		return NULL;
	}
	sec = s->sec;
	off = s->sym.st_value + r->addend;
	if (r->addend < 0 || off >= sec->size ||
	    !memchr(sec->data + off, '\0', sec->size - off)) {
		kelf_error(k, "%s+0x%lx: %s points outside '%s' or to an unterminated string",
			   base->name, (unsigned long)r->offset, what, sec->name);
		return NULL;
	}
	return (const char *)sec->data + off;
}

static int read_funcs(struct kelf *k, struct kmeta *m)
{
	struct kelf_section *sec = kelf_find_section(k, KLPKIT_FUNCS_SECTION);
	size_t i, n;

	/* empty (the template's own array) in a patch of callbacks only */
	if (!sec || !sec->size)
		return 0;
	if (sec->size % sizeof(struct klpkit_func) || !sec->data) {
		kelf_error(k, "section '%s': size 0x%zx is not a multiple of %zu (struct klpkit_func); was the module built from create-diff-object output?",
			   sec->name, sec->size, sizeof(struct klpkit_func));
		return -1;
	}
	n = sec->size / sizeof(struct klpkit_func);
	m->funcs = calloc(n ? n : 1, sizeof(*m->funcs));
	if (!m->funcs) {
		kelf_error(k, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t base = i * sizeof(struct klpkit_func);
		struct kfunc *f = &m->funcs[i];
		const struct kelf_rela *r;
		struct klpkit_func raw;
		struct kelf_symbol *t;
		int64_t off;

		memcpy(&raw, sec->data + base, sizeof(raw));
		f->sympos = raw.sympos;
		r = rela_at(sec->rela, base + offsetof(struct klpkit_func, name));
		if (!r) {
			kelf_error(k, "%s entry %zu: no relocation for the function name", sec->name, i);
			return -1;
		}
		if (!(f->name = rela_string(k, sec, r, "the function name")))
			return -1;
		r = rela_at(sec->rela, base + offsetof(struct klpkit_func, objname));
		if (!r) {
			kelf_error(k, "%s entry %zu (%s): no relocation for the object name",
				   sec->name, i, f->name);
			return -1;
		}
		if (!(f->objname = rela_string(k, sec, r, "the object name")))
			return -1;
		r = rela_at(sec->rela, base + offsetof(struct klpkit_func, new_func));
		if (!r || !r->sym) {
			kelf_error(k, "%s entry %zu (%s:%s): no relocation for the new function",
				   sec->name, i, f->objname, f->name);
			return -1;
		}
		t = kelf_rela_target(sec->rela, r, &off);
		f->new_name = t ? t->name : "?";
		f->new_sec = t ? t->sec : NULL;
		m->nr_funcs++;
	}
	return 0;
}

static int read_callbacks(struct kelf *k, struct kmeta *m)
{
	size_t kind, i, n, total = 0;
	char name[64];

	for (kind = 0; kind < 4; kind++) {
		struct kelf_section *sec;

		snprintf(name, sizeof(name), KLPKIT_CB_PREFIX "%s", cb_kinds[kind]);
		sec = kelf_find_section(k, name);
		if (!sec)
			continue;
		if (sec->size % sizeof(struct klpkit_callback)) {
			kelf_error(k, "section '%s': size 0x%zx is not a multiple of %zu (struct klpkit_callback)",
				   sec->name, sec->size, sizeof(struct klpkit_callback));
			return -1;
		}
		n = sec->size / sizeof(struct klpkit_callback);
		if (n) {
			struct kcallback *v = realloc(m->cbs, (total + n) * sizeof(*v));

			if (!v) {
				kelf_error(k, "out of memory");
				return -1;
			}
			m->cbs = v;
		}
		for (i = 0; i < n; i++) {
			uint64_t base = i * sizeof(struct klpkit_callback);
			struct kcallback *c = &m->cbs[total];
			const struct kelf_rela *r;
			struct kelf_symbol *t;
			int64_t off;

			memset(c, 0, sizeof(*c));
			c->kind = cb_kinds[kind];
			r = rela_at(sec->rela, base + offsetof(struct klpkit_callback, fn));
			if (!r || !r->sym) {
				/* all-zero padding entries are not callbacks */
				continue;
			}
			t = kelf_rela_target(sec->rela, r, &off);
			c->fn_name = t ? t->name : "?";
			c->fn_sec = t ? t->sec : NULL;
			r = rela_at(sec->rela, base + offsetof(struct klpkit_callback, objname));
			if (r && !(c->objname = rela_string(k, sec, r, "the object name")))
				return -1;
			total++;
		}
		m->nr_cbs = total;
	}
	return 0;
}

int kmeta_read(struct kelf *k, struct kmeta *m)
{
	memset(m, 0, sizeof(*m));
	if (read_funcs(k, m) || read_callbacks(k, m)) {
		kmeta_free(m);
		return -1;
	}
	return 0;
}

void kmeta_free(struct kmeta *m)
{
	free(m->funcs);
	free(m->cbs);
	memset(m, 0, sizeof(*m));
}

int kmeta_check(struct kelf *k, const struct kmeta *m)
{
	const char *why;
	int bad = 0;
	size_t i, j;

	for (i = 0; i < m->nr_funcs; i++) {
		const struct kfunc *f = &m->funcs[i];

		if (klpsym_check_obj(f->objname, &why)) {
			kelf_error(k, "%s entry %zu (%s:%s): %s",
				   KLPKIT_FUNCS_SECTION, i, f->objname, f->name, why);
			bad++;
		}
		if (klpsym_check_name(f->name, &why)) {
			kelf_error(k, "%s entry %zu (%s:%s): %s",
				   KLPKIT_FUNCS_SECTION, i, f->objname, f->name, why);
			bad++;
		}
		for (j = 0; j < i; j++) {
			const struct kfunc *g = &m->funcs[j];

			if (!strcmp(f->objname, g->objname) && !strcmp(f->name, g->name) &&
			    (f->sympos ? f->sympos : 1) == (g->sympos ? g->sympos : 1)) {
				kelf_error(k, "%s: %s:%s,%lu is patched twice (by %s and by %s): klp_enable_patch() would fail; each function may be replaced once per patch",
					   KLPKIT_FUNCS_SECTION, f->objname, f->name,
					   f->sympos ? f->sympos : 1, g->new_name, f->new_name);
				bad++;
			}
		}
	}
	for (i = 0; i < m->nr_cbs; i++) {
		const struct kcallback *c = &m->cbs[i];

		if (!c->objname) {
			kelf_error(k, KLPKIT_CB_PREFIX "%s: callback %s has no object name: create-diff-object fills it in; was this object built by it?",
				   c->kind, c->fn_name);
			bad++;
			continue;
		}
		if (klpsym_check_obj(c->objname, &why)) {
			kelf_error(k, KLPKIT_CB_PREFIX "%s: callback %s: object '%s': %s",
				   c->kind, c->fn_name, c->objname, why);
			bad++;
		}
		for (j = 0; j < i; j++) {
			const struct kcallback *d = &m->cbs[j];

			if (d->objname && !strcmp(c->kind, d->kind) &&
			    !strcmp(c->objname, d->objname)) {
				kelf_error(k, KLPKIT_CB_PREFIX "%s: object %s has two %s callbacks (%s and %s); livepatch allows one per object: merge them into one function",
					   c->kind, c->objname, c->kind, d->fn_name, c->fn_name);
				bad++;
			}
		}
	}
	return bad;
}
