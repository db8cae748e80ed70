// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbol tables of the target kernel (the -dbg vmlinux, the modules' .ko
 * files) and positions in kallsyms order, as 6.1 counts them in
 * klp_find_object_symbol():
 *
 * vmlinux: kallsyms_on_each_symbol() walks the table scripts/kallsyms
 *   built from `nm -n vmlinux` (scripts/mksysmap drops types a N U w and
 *   names $*, .L*, __crc_*, __kstrtab_*, __kstrtabns_*, L0; kallsyms drops
 *   absolute symbols and a few fixed names; CONFIG_KALLSYMS_ALL keeps data),
 *   sorted by address (ties: non-weak, not linker-provided, fewer leading
 *   underscores, then nm's order).  Same-named symbols count in address
 *   order.
 *
 * module: module_kallsyms_on_each_symbol() walks the module's symbol table
 *   in file order, skipping SHN_UNDEF.  Once the module is loaded that table
 *   holds only the "core" symbols (is_core_symbol(): named, in an allocated
 *   section that is not .init*, or per-CPU); while it is still loading
 *   (a patch applied from klp_module_coming()) it holds every symbol.  A
 *   position is only given if it means the same symbol in both views.
 */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

struct dir_entry {
	struct hnode node;
	char *name;
	char *path;
};

void targets_init(struct targets *tg)
{
	memset(tg, 0, sizeof(*tg));
	list_init(&tg->list);
}

static void free_dir_index(struct targets *tg)
{
	size_t i;

	for (i = 0; i < tg->dir_index.nbuckets; i++) {
		struct hnode *n = tg->dir_index.buckets[i], *next;

		for (; n; n = next) {
			struct dir_entry *e = container_of(n, struct dir_entry, node);

			next = n->next;
			free(e->name);
			free(e->path);
			free(e);
		}
	}
	htab_free(&tg->dir_index);
}

void targets_free(struct targets *tg)
{
	struct target *t, *tmp;

	list_for_each_entry_safe(t, tmp, &tg->list, list) {
		list_del(&t->list);
		kelf_close(t->kelf);
		endbr_free(t);
		free(t->name);
		free(t->path);
		free(t);
	}
	free_dir_index(tg);
}

static struct target *find_target(struct targets *tg, const char *obj)
{
	struct target *t;

	list_for_each_entry(t, &tg->list, list)
		if (!strcmp(t->name, obj))
			return t;
	return NULL;
}

static struct target *new_target(struct targets *tg, const char *obj,
				 const char *path)
{
	struct target *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->name = strdup(obj);
	t->path = strdup(path);
	if (!t->name || !t->path) {
		free(t->name);
		free(t->path);
		free(t);
		return NULL;
	}
	t->vmlinux = !strcmp(obj, VMLINUX);
	list_add_tail(&t->list, &tg->list);
	return t;
}

int targets_add_spec(struct targets *tg, const char *spec)
{
	const char *eq = strchr(spec, '='), *path, *base, *why;
	char obj[KLP_OBJNAME_MAX + 2];
	size_t len;

	if (eq) {
		len = eq - spec;
		path = eq + 1;
		if (len > KLP_OBJNAME_MAX) {
			fprintf(stderr, "klp-convert: --symbols %s: the object name is longer than %d characters\n",
				spec, KLP_OBJNAME_MAX);
			return -1;
		}
		memcpy(obj, spec, len);
		obj[len] = '\0';
	} else {
		path = spec;
		base = strrchr(spec, '/');
		base = base ? base + 1 : spec;
		len = strlen(base);
		if (!strncmp(base, "vmlinux", 7)) {
			strcpy(obj, VMLINUX);
		} else if (len > 3 && !strcmp(base + len - 3, ".ko") &&
			   len - 3 <= KLP_OBJNAME_MAX) {
			memcpy(obj, base, len - 3);
			obj[len - 3] = '\0';
		} else {
			fprintf(stderr, "klp-convert: --symbols %s: cannot tell the object from the file name; write OBJ=PATH (vmlinux=PATH or MODULE=PATH.ko)\n",
				spec);
			return -1;
		}
	}
	modname_normalize(obj);
	if (klpsym_check_obj(obj, &why)) {
		fprintf(stderr, "klp-convert: --symbols %s: %s\n", spec, why);
		return -1;
	}
	if (!*path) {
		fprintf(stderr, "klp-convert: --symbols %s: no path\n", spec);
		return -1;
	}
	if (find_target(tg, obj)) {
		fprintf(stderr, "klp-convert: --symbols %s: a table for '%s' was already given\n",
			spec, obj);
		return -1;
	}
	if (!new_target(tg, obj, path)) {
		fprintf(stderr, "klp-convert: out of memory\n");
		return -1;
	}
	return 0;
}

/* nftw() has no user argument. */
static struct targets *indexing;
static int index_failed;

static int index_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	const char *base = path + ftw->base;
	size_t len = strlen(base);
	struct dir_entry *e;

	(void)st;
	if (type != FTW_F || len <= 3 || strcmp(base + len - 3, ".ko"))
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->name = strndup(base, len - 3)) || !(e->path = strdup(path))) {
		if (e)
			free(e->name);
		free(e);
		index_failed = 1;
		return 1;
	}
	modname_normalize(e->name);
	if (htab_add(&indexing->dir_index, &e->node, hash_str(e->name))) {
		free(e->name);
		free(e->path);
		free(e);
		index_failed = 1;
		return 1;
	}
	return 0;
}

static int index_modules_dir(struct targets *tg)
{
	if (tg->dir_indexed)
		return 0;
	tg->dir_indexed = true;
	if (htab_init(&tg->dir_index, 8192))
		return -1;
	indexing = tg;
	index_failed = 0;
	if (nftw(tg->modules_dir, index_one, 32, FTW_PHYS) < 0 && !index_failed) {
		fprintf(stderr, "%s: error: cannot read the modules directory: %s\n",
			tg->modules_dir, strerror(errno));
		return -1;
	}
	if (index_failed) {
		fprintf(stderr, "klp-convert: out of memory\n");
		return -1;
	}
	return 0;
}

static const char *dir_lookup(struct targets *tg, const char *obj)
{
	uint32_t h = hash_str(obj);
	struct hnode *n;

	if (!tg->modules_dir || index_modules_dir(tg))
		return NULL;
	htab_for_each_hash(n, &tg->dir_index, h) {
		struct dir_entry *e = container_of(n, struct dir_entry, node);

		if (!strcmp(e->name, obj))
			return e->path;
	}
	return NULL;
}

bool targets_known(struct targets *tg, const char *obj)
{
	return find_target(tg, obj) ||
	       (strcmp(obj, VMLINUX) && dir_lookup(tg, obj));
}

struct target *targets_get(struct targets *tg, const char *obj)
{
	struct target *t = find_target(tg, obj);
	const char *path;

	if (!t) {
		if (!strcmp(obj, VMLINUX) || !(path = dir_lookup(tg, obj)))
			return NULL;
		t = new_target(tg, obj, path);
		if (!t) {
			fprintf(stderr, "klp-convert: out of memory\n");
			return NULL;
		}
	}
	if (t->kelf || t->failed)
		return t->kelf ? t : NULL;
	t->kelf = kelf_open(t->path, KELF_ANY_TYPE | KELF_SYMBOLS_ONLY);
	if (!t->kelf) {
		t->failed = true;
		return NULL;
	}
	if (t->vmlinux != (t->kelf->ehdr.e_type != ET_REL)) {
		kelf_error(t->kelf, "given as the table of '%s' but it is %s",
			   t->name, t->vmlinux ? "a relocatable object, not vmlinux" :
			   "not a relocatable module (.ko)");
		kelf_close(t->kelf);
		t->kelf = NULL;
		t->failed = true;
		return NULL;
	}
	return t;
}

/* Visibility to kallsyms and order: libkelf/sympos.c */

enum view { VIEW_VMLINUX, VIEW_LOADED, VIEW_LOADING };

static const enum kelf_ksyms_view ksyms_view[] = {
	[VIEW_VMLINUX] = KELF_KSYMS_VMLINUX,
	[VIEW_LOADED] = KELF_KSYMS_MODULE,
	[VIEW_LOADING] = KELF_KSYMS_MODULE_LOADING,
};

static bool in_view(const struct kelf_symbol *s, enum view v)
{
	struct kelf_ksym k;

	kelf_ksym_init(&k, s);
	return kelf_ksym_visible(&k, ksyms_view[v]);
}

static int cmp_kallsyms(const void *a, const void *b)
{
	struct kelf_ksym x, y;

	kelf_ksym_init(&x, *(struct kelf_symbol *const *)a);
	kelf_ksym_init(&y, *(struct kelf_symbol *const *)b);
	return kelf_ksym_cmp(&x, &y, KELF_KSYMS_VMLINUX);
}

/* Lists */

void symlist_free(struct symlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int symlist_add(struct symlist *l, struct kelf_symbol *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct kelf_symbol **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			fprintf(stderr, "klp-convert: out of memory\n");
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

/* Same-named symbols in one view, in that view's kallsyms order. */
static int collect(struct target *t, const char *name, enum view v,
		   struct symlist *out)
{
	struct kelf_symbol *s;

	memset(out, 0, sizeof(*out));
	/* by symbol table index: the module order */
	kelf_for_each_symbol_named(s, t->kelf, name)
		if (in_view(s, v) && symlist_add(out, s))
			return -1;
	if (v == VIEW_VMLINUX && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_kallsyms);
	return 0;
}

int target_candidates(struct target *t, const char *name, struct symlist *out)
{
	return collect(t, name, t->vmlinux ? VIEW_VMLINUX : VIEW_LOADED, out);
}

int target_globals(struct target *t, const char *name, struct symlist *out)
{
	struct symlist all;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (target_candidates(t, name, &all))
		return -1;
	for (i = 0; i < all.n; i++)
		if (all.v[i]->bind != STB_LOCAL && symlist_add(out, all.v[i])) {
			symlist_free(&all);
			return -1;
		}
	symlist_free(&all);
	return 0;
}

static char why_buf[2048];

/* The kernel's answer for NAME,POS in one view. */
static struct kelf_symbol *pick(const struct symlist *l, unsigned long pos,
				const char *name, const char *obj,
				const char **why)
{
	if (!l->n) {
		snprintf(why_buf, sizeof(why_buf), "'%s' is not in the kallsyms of %s",
			 name, obj);
	} else if (!pos && l->n > 1) {
		snprintf(why_buf, sizeof(why_buf),
			 "'%s' is ambiguous in %s: %zu symbols share the name, a position 1..%zu is needed",
			 name, obj, l->n, l->n);
	} else if (pos > l->n) {
		snprintf(why_buf, sizeof(why_buf),
			 "position %lu of '%s' does not exist in %s: there %s only %zu",
			 pos, name, obj, l->n == 1 ? "is" : "are", l->n);
	} else {
		return l->v[pos ? pos - 1 : 0];
	}
	*why = why_buf;
	return NULL;
}

struct kelf_symbol *target_resolve(struct target *t, const char *name,
				   unsigned long pos, const char **why)
{
	struct symlist loaded, loading;
	struct kelf_symbol *a, *b = NULL;
	char first[sizeof(why_buf)];

	if (t->vmlinux) {
		if (collect(t, name, VIEW_VMLINUX, &loaded))
			goto oom;
		a = pick(&loaded, pos, name, t->name, why);
		symlist_free(&loaded);
		return a;
	}
	if (collect(t, name, VIEW_LOADED, &loaded))
		goto oom;
	if (collect(t, name, VIEW_LOADING, &loading)) {
		symlist_free(&loaded);
		goto oom;
	}
	a = pick(&loaded, pos, name, t->name, why);
	if (a)
		b = pick(&loading, pos, name, t->name, why);
	if (a && !b) {
		snprintf(first, sizeof(first), "%s", *why);
		snprintf(why_buf, sizeof(why_buf),
			 "%.1500s while %.60s is still loading (a patch applied when the module loads also sees its init symbols)",
			 first, t->name);
		*why = why_buf;
		a = NULL;
	} else if (a && a != b) {
		snprintf(why_buf, sizeof(why_buf),
			 "'%s',%lu is a different symbol while %s is loading (its init symbols count too) than once it is loaded",
			 name, pos, t->name);
		*why = why_buf;
		a = NULL;
	}
	symlist_free(&loaded);
	symlist_free(&loading);
	return a;
oom:
	*why = "out of memory";
	return NULL;
}

/* Every symbol of @t called like @sym, as libkelf's kallsyms rule sees them. */
static int same_named(struct target *t, const struct kelf_symbol *sym,
		      struct kelf_ksym **ks, const struct kelf_ksym ***v,
		      size_t *n, const struct kelf_ksym **self)
{
	struct kelf_symbol *s;
	size_t i = 0;

	*n = 0;
	kelf_for_each_symbol_named(s, t->kelf, sym->name)
		(*n)++;
	*ks = calloc(*n ? *n : 1, sizeof(**ks));
	*v = calloc(*n ? *n : 1, sizeof(**v));
	if (!*ks || !*v)
		return -1;
	*self = NULL;
	kelf_for_each_symbol_named(s, t->kelf, sym->name) {
		kelf_ksym_init(&(*ks)[i], s);
		(*v)[i] = &(*ks)[i];
		if (s == sym)
			*self = &(*ks)[i];
		i++;
	}
	return 0;
}

int target_position(struct target *t, struct kelf_symbol *sym,
		    unsigned long *pos, const char **why)
{
	const struct kelf_ksym **v = NULL, *self = NULL;
	struct kelf_ksym *ks = NULL;
	struct kelf_sympos sp;
	size_t n;
	int ret = -1;

	if (same_named(t, sym, &ks, &v, &n, &self)) {
		*why = "out of memory";
		goto out;
	}
	if (self && !kelf_sympos(v, n, self, t->vmlinux, &sp)) {
		*pos = sp.pos;
		ret = 0;
	} else if (!self || sp.result == KELF_SYMPOS_HIDDEN) {
		snprintf(why_buf, sizeof(why_buf),
			 "'%s' of %s is not visible to kallsyms (%s)", sym->name,
			 t->name, t->vmlinux ? "absolute, non-allocated or filtered name" :
			 "an init, non-allocated or unnamed symbol");
		*why = why_buf;
	} else {
		snprintf(why_buf, sizeof(why_buf),
			 "'%s' of %s has no stable position: it is number %ld among the %zu loaded symbols of that name but number %ld while the module is loading (init symbols of the same name come first)",
			 sym->name, t->name, sp.index + 1, sp.nr, sp.index_loading + 1);
		*why = why_buf;
	}
out:
	free(ks);
	free(v);
	return ret;
}

static char nm_type(const struct kelf_symbol *s)
{
	char c = '?';

	if (!s->sec)
		c = s->shndx == SHN_ABS ? 'a' : 'u';
	else if (s->sec->sh.sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (s->sec->sh.sh_type == SHT_NOBITS)
		c = 'b';
	else if (s->sec->sh.sh_flags & SHF_WRITE)
		c = 'd';
	else if (s->sec->sh.sh_flags & SHF_ALLOC)
		c = 'r';
	if (s->bind == STB_WEAK)
		return s->type == STT_OBJECT ? 'V' : 'W';
	return s->bind == STB_LOCAL ? c : c - 'a' + 'A';
}

void target_print_candidates(FILE *f, struct target *t, const char *name)
{
	struct symlist l;
	size_t i;

	if (target_candidates(t, name, &l))
		return;
	if (!l.n)
		fprintf(f, "  (no symbol '%s' in the kallsyms of %s)\n", name, t->name);
	for (i = 0; i < l.n; i++) {
		const struct kelf_symbol *s = l.v[i];

		fprintf(f, "  " KLP_SYM_PREFIX "%s.%s,%zu  %016lx %c %s%s%s%s\n",
			t->name, name, i + 1, (unsigned long)s->sym.st_value,
			nm_type(s), s->sec ? s->sec->name : "",
			s->bind == STB_LOCAL && s->file ? "  (in " : "",
			s->bind == STB_LOCAL && s->file ? s->file->name : "",
			s->bind == STB_LOCAL && s->file ? ")" : "");
	}
	symlist_free(&l);
}

int target_dump(FILE *f, struct target *t)
{
	struct symlist l = { 0 };
	struct kelf_symbol *s;
	size_t i;

	kelf_for_each_symbol(s, t->kelf) {
		if (in_view(s, t->vmlinux ? VIEW_VMLINUX : VIEW_LOADED) &&
		    symlist_add(&l, s)) {
			symlist_free(&l);
			return -1;
		}
	}
	if (t->vmlinux && l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), cmp_kallsyms);
	for (i = 0; i < l.n; i++) {
		unsigned long pos;
		const char *why;

		fprintf(f, "%016lx %c %s ", (unsigned long)l.v[i]->sym.st_value,
			nm_type(l.v[i]), l.v[i]->name);
		if (target_position(t, l.v[i], &pos, &why))
			fprintf(f, "?\n");	/* no position that holds while loading */
		else
			fprintf(f, "%lu\n", pos);
	}
	symlist_free(&l);
	return 0;
}
