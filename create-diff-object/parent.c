// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parent object (vmlinux or a module) as the running kernel knows it:
 * its symbol table (the ELF itself or the text of `readelf -s --wide`),
 * Module.symvers, and positions of same-named symbols in kallsyms order
 * (libkelf/sympos.c: the rule klp-convert checks too).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

struct psym {
	struct hnode node;
	char *name;
	unsigned char bind, type;
	uint64_t value, size;
	struct kelf_ksym ks;	/* what the kallsyms rule looks at */
	int file;		/* index into files[], -1 for globals */
};

struct parent_symtab {
	char *parent;
	bool vmlinux;
	struct kelf *k;		/* the ELF table (section names), if one */
	struct psym *syms;
	size_t nr, cap;
	char **files;
	size_t nr_files, cap_files;
	struct htab names;
	struct kelf_symvers *symvers;
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	q = realloc(p, n * elem);
	if (q)
		*cap = n;
	return q;
}

static int add_sym(struct parent_symtab *ps, const char *name, unsigned char bind,
		   unsigned char type, uint64_t value, uint64_t size, int *cur_file,
		   const struct kelf_ksym *ks)
{
	struct psym *s;

	if (type == STT_FILE) {
		ps->files = grow(ps->files, &ps->cap_files, ps->nr_files + 1, sizeof(char *));
		if (!ps->files)
			return -1;
		ps->files[ps->nr_files] = strdup(name);
		*cur_file = ps->nr_files++;
		return 0;
	}
	if (type == STT_SECTION || !*name)
		return 0;
	ps->syms = grow(ps->syms, &ps->cap, ps->nr + 1, sizeof(*s));
	if (!ps->syms)
		return -1;
	s = &ps->syms[ps->nr];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->bind = bind;
	s->type = type;
	s->value = value;
	s->size = size;
	s->ks = *ks;
	s->ks.name = s->name;
	s->ks.index = ps->nr++;
	s->file = bind == STB_LOCAL ? *cur_file : -1;
	return s->name ? 0 : -1;
}

/* The ELF stays open: the kallsyms rule needs its section names. */
static int read_elf_symtab(struct parent_symtab *ps, const char *path)
{
	struct kelf *k = kelf_open(path, KELF_ANY_TYPE | KELF_SYMBOLS_ONLY);
	struct kelf_symbol *s;
	struct kelf_ksym ks;
	int file = -1;

	if (!k)
		return -1;
	ps->k = k;
	kelf_for_each_symbol(s, k) {
		kelf_ksym_init(&ks, s);
		if (add_sym(ps, s->type == STT_SECTION ? "" : s->name, s->bind, s->type,
			    s->sym.st_value, s->sym.st_size, &file, &ks))
			return -1;
	}
	return 0;
}

static unsigned char parse_type(const char *t)
{
	static const char *const names[] = {
		[STT_NOTYPE] = "NOTYPE", [STT_OBJECT] = "OBJECT", [STT_FUNC] = "FUNC",
		[STT_SECTION] = "SECTION", [STT_FILE] = "FILE", [STT_TLS] = "TLS",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] && !strcmp(t, names[i]))
			return i;
	return STT_NOTYPE;
}

/*
 * readelf shows st_other bits of some machines between the visibility and
 * the section index: "DEFAULT [<localentry>: 8]    10 name" (ppc64 ELFv2),
 * "DEFAULT [VARIANT_PCS]" (aarch64).  Remove that bracketed annotation.
 */
static void drop_other_note(char *line)
{
	char *open = strstr(line, " [");
	char *close = open ? strchr(open, ']') : NULL;

	if (close)
		memmove(open, close + 1, strlen(close + 1) + 1);
}


/* readelf's Ndx column: UND, ABS, COM or a section index */
static uint32_t parse_ndx(const char *ndx)
{
	char *end;
	unsigned long v;

	if (!strcmp(ndx, "UND"))
		return SHN_UNDEF;
	if (!strcmp(ndx, "ABS"))
		return SHN_ABS;
	if (!strcmp(ndx, "COM"))
		return SHN_COMMON;
	v = strtoul(ndx, &end, 10);
	return !*end && v && v < SHN_LORESERVE ? v : 1;	/* 1: some section */
}

/*
 * "  12: ffffffff81000000   123 FUNC    LOCAL  DEFAULT    1 name"
 * Without section headers, the kallsyms rule only sees undefined and
 * absolute symbols (not .init or non-allocated sections).
 */
static int read_text_symtab(struct parent_symtab *ps, FILE *f)
{
	char line[4096], type[32], bind[32], vis[32], ndx[32], name[2048];
	unsigned long long value;
	unsigned long size;
	int file = -1;

	while (fgets(line, sizeof(line), f)) {
		struct kelf_ksym ks;
		unsigned num;

		name[0] = '\0';
		drop_other_note(line);
		if (sscanf(line, " %u: %llx %lu %31s %31s %31s %31s %2047s", &num, &value,
			   &size, type, bind, vis, ndx, name) < 7)
			continue;
		ks = (struct kelf_ksym){ .value = value, .shndx = parse_ndx(ndx),
					 .named = name[0] != '\0', .type = parse_type(type),
					 .bind = !strcmp(bind, "LOCAL") ? STB_LOCAL :
						 !strcmp(bind, "WEAK") ? STB_WEAK : STB_GLOBAL };
		if (add_sym(ps, name, ks.bind, ks.type, value, size, &file, &ks))
			return -1;
	}
	return 0;
}

static int read_symtab(struct parent_symtab *ps, const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		fprintf(stderr, "%s: error: cannot open the parent symbol table: %m\n", path);
		return -1;
	}
	if (fread(magic, 1, 4, f) == 4 && !memcmp(magic, ELFMAG, SELFMAG)) {
		fclose(f);
		return read_elf_symtab(ps, path);
	}
	rewind(f);
	ret = read_text_symtab(ps, f);
	fclose(f);
	if (!ret && !ps->nr) {
		fprintf(stderr, "%s: error: no symbols found (expected an ELF file or the output of readelf -s --wide)\n",
			path);
		return -1;
	}
	return ret;
}

static int index_names(struct parent_symtab *ps)
{
	size_t i;

	if (htab_init(&ps->names, ps->nr))
		return -1;
	for (i = 0; i < ps->nr; i++)
		htab_add(&ps->names, &ps->syms[i].node, hash_str(ps->syms[i].name));
	return 0;
}

struct parent_symtab *parent_open(const char *parent, const char *symtab,
				  const char *symvers)
{
	struct parent_symtab *ps = calloc(1, sizeof(*ps));
	char *p;

	if (!ps)
		return NULL;
	ps->parent = strdup(parent);
	for (p = ps->parent; p && *p; p++)
		if (*p == '-')
			*p = '_';
	ps->vmlinux = !strcmp(parent, "vmlinux");
	if (!ps->parent || read_symtab(ps, symtab) || !(ps->symvers = kelf_symvers_read(symvers)) ||
	    index_names(ps)) {
		parent_close(ps);
		return NULL;
	}
	return ps;
}

void parent_close(struct parent_symtab *ps)
{
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->nr; i++)
		free(ps->syms[i].name);
	for (i = 0; i < ps->nr_files; i++)
		free(ps->files[i]);
	htab_free(&ps->names);
	free(ps->syms);
	free(ps->files);
	kelf_symvers_free(ps->symvers);
	free(ps->parent);
	kelf_close(ps->k);
	free(ps);
}

bool parent_is_vmlinux(const struct parent_symtab *ps)
{
	return ps->vmlinux;
}

/* Exported by vmlinux (Module.symvers). */
bool parent_is_exported(struct parent_symtab *ps, const char *name)
{
	const struct kelf_export *e = kelf_symvers_find(ps->symvers, name);

	return e && !strcmp(e->module, "vmlinux");
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool same_file(const char *a, const char *b)
{
	return !strcmp(a, b) || !strcmp(base_name(a), base_name(b));
}

/* How many locals of @k's file block also appear in block @file of the parent. */
static int block_score(struct parent_symtab *ps, struct kelf *k, int file)
{
	struct kelf_symbol *s;
	int score = 0;

	kelf_for_each_symbol(s, k) {
		struct hnode *n;

		if (s->bind != STB_LOCAL || !(is_function(s) || is_data_object(s)))
			continue;
		htab_for_each_hash(n, &ps->names, hash_str(s->name)) {
			struct psym *p = container_of(n, struct psym, node);

			if (p->file == file && !strcmp(p->name, s->name)) {
				score++;
				break;
			}
		}
	}
	return score;
}

static int cmp_vmlinux(const void *a, const void *b)
{
	const struct psym *x = *(struct psym *const *)a, *y = *(struct psym *const *)b;

	return kelf_ksym_cmp(&x->ks, &y->ks, KELF_KSYMS_VMLINUX);
}

static int cmp_module(const void *a, const void *b)
{
	const struct psym *x = *(struct psym *const *)a, *y = *(struct psym *const *)b;

	return kelf_ksym_cmp(&x->ks, &y->ks, KELF_KSYMS_MODULE);
}

static void list_candidates(struct cdo *c, struct psym **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "  candidate %zu: %s %s in %s at 0x%llx, size %llu\n", i + 1,
			v[i]->bind == STB_LOCAL ? "local" : "global", v[i]->name,
			v[i]->file >= 0 ? c->ps->files[v[i]->file] : "(no STT_FILE)",
			(unsigned long long)v[i]->value, (unsigned long long)v[i]->size);
}

/*
 * Can candidate @p be @sym?  The kind must agree, and so must the size when
 * both are known (the original's size: a changed function may have grown).
 * Debian's shipped modules have no STT_FILE symbols, so for two statics of
 * one name in a module this is often the only discriminator.
 */
static bool plausible(struct cdo *c, const struct kelf_symbol *sym, const struct psym *p,
		      bool by_size)
{
	/* the original's copy: a patched function may have grown */
	const struct kelf_symbol *o = sym->kelf == c->patched && YI(sym) ? YI(sym)->twin : sym;

	if ((sym->bind == STB_LOCAL) != (p->bind == STB_LOCAL))
		return false;
	if ((sym->type == STT_FUNC || sym->type == STT_OBJECT) &&
	    (p->type == STT_FUNC || p->type == STT_OBJECT) && sym->type != p->type)
		return false;
	/* no original (new in the patch) or a size unknown on either side */
	if (!by_size || !o || !o->sec || !o->sym.st_size || !p->size)
		return true;
	return o->sym.st_size == p->size;
}

static struct psym *pick_pass(struct cdo *c, const struct kelf_symbol *sym,
			      struct psym **v, size_t n, bool by_size, int *ties)
{
	const char *file = sym->file ? sym->file->name : NULL;
	struct psym *best = NULL;
	int best_score = -1;
	size_t i;

	*ties = 0;
	for (i = 0; i < n; i++) {
		int score;

		if (!plausible(c, sym, v[i], by_size))
			continue;
		if (sym->bind != STB_LOCAL)
			return v[i];
		if (file && v[i]->file >= 0 && !same_file(file, c->ps->files[v[i]->file]))
			continue;
		score = n == 1 ? 0 : block_score(c->ps, sym->kelf, v[i]->file);
		if (score > best_score) {
			best = v[i];
			best_score = score;
			*ties = 0;
		} else if (score == best_score) {
			(*ties)++;
		}
	}
	return *ties ? NULL : best;
}

/*
 * The parent's symbol @sym stands for: the kind must agree, the STT_FILE
 * block when the parent has them, then the block sharing most locals.  Sizes
 * tell same-named statics apart where the parent has no STT_FILE symbols
 * (Debian's shipped modules); they are dropped again if no candidate has
 * the original's size.
 */
static struct psym *pick(struct cdo *c, const struct kelf_symbol *sym,
			 struct psym **v, size_t n)
{
	struct psym *p;
	int ties;

	p = pick_pass(c, sym, v, n, true, &ties);
	if (!p && !ties)
		p = pick_pass(c, sym, v, n, false, &ties);
	return p;
}

/*
 * Every symbol of the parent called @name (*all), and those kallsyms can
 * show at some time (*v: vmlinux's, or a module's while it loads), in
 * kallsyms order.
 */
static int candidates(struct parent_symtab *ps, const char *name,
		      struct psym ***all, size_t *nr_all, struct psym ***v, size_t *n)
{
	enum kelf_ksyms_view view = ps->vmlinux ? KELF_KSYMS_VMLINUX :
				    KELF_KSYMS_MODULE_LOADING;
	size_t cap = 0, cap_all = 0;
	struct hnode *hn;

	*all = *v = NULL;
	*n = *nr_all = 0;
	htab_for_each_hash(hn, &ps->names, hash_str(name)) {
		struct psym *p = container_of(hn, struct psym, node);

		if (strcmp(p->name, name))
			continue;
		*all = grow(*all, &cap_all, *nr_all + 1, sizeof(**all));
		if (!*all)
			return -1;
		(*all)[(*nr_all)++] = p;
		if (!kelf_ksym_visible(&p->ks, view))
			continue;
		*v = grow(*v, &cap, *n + 1, sizeof(**v));
		if (!*v)
			return -1;
		(*v)[(*n)++] = p;
	}
	if (*n)
		qsort(*v, *n, sizeof(**v), ps->vmlinux ? cmp_vmlinux : cmp_module);
	return 0;
}

/* The kallsyms position of @match among @all (libkelf's rule); -1 if out of memory. */
static int sympos_of(const struct parent_symtab *ps, const struct psym *match,
		     struct psym **all, size_t n, struct kelf_sympos *sp)
{
	const struct kelf_ksym **ks = calloc(n ? n : 1, sizeof(*ks));
	size_t i;

	if (!ks)
		return -1;
	for (i = 0; i < n; i++)
		ks[i] = &all[i]->ks;
	kelf_sympos(ks, n, &match->ks, ps->vmlinux, sp);
	free(ks);
	return 0;
}

/* A symbol without a valid position is a refusal: the kernel could not find it. */
static int position(struct cdo *c, const struct kelf_symbol *sym, struct psym *match,
		    struct psym **all, size_t n, long *pos)
{
	struct kelf_sympos sp;

	if (sympos_of(c->ps, match, all, n, &sp))
		return -1;
	if (sp.result == KELF_SYMPOS_OK) {
		*pos = sp.pos;
		return 0;
	}
	if (sp.result == KELF_SYMPOS_HIDDEN)
		cdo_refuse(c, sym, "'%s' of %s is not in the kallsyms of the loaded module (an init, non-allocated or unnamed symbol); change the patch so the new code does not refer to it",
			  match->name, c->ps->parent);
	else
		cdo_refuse(c, sym, "'%s' of %s has no stable kallsyms position: it is number %ld among the %zu symbols of that name of the loaded module but number %ld while the module is loading (init symbols of the same name count then); change the patch so the new code does not refer to it",
			  match->name, c->ps->parent, sp.index + 1, sp.nr,
			  sp.index_loading + 1);
	return -1;
}

int parent_sympos(struct cdo *c, const struct kelf_symbol *sym, long *pos)
{
	struct parent_symtab *ps = c->ps;
	struct psym **v, **all, *match;
	size_t n, nr_all;
	int ret = -1;

	if (candidates(ps, sym->name, &all, &nr_all, &v, &n))
		goto out;
	match = n ? pick(c, sym, v, n) : NULL;
	if (!match) {
		cdo_error(c, "cannot place %s symbol '%s'%s%s in %s's symbol table: %s",
			  sym->bind == STB_LOCAL ? "local" : "global", sym->name,
			  sym->file ? " of " : "", sym->file ? sym->file->name : "",
			  ps->parent, n ? "several candidates match equally" : "no such symbol in its kallsyms (is the symbol table that of the target kernel?)");
		list_candidates(c, v, n);
		goto out;
	}
	ret = position(c, sym, match, all, nr_all, pos);
out:
	free(v);
	free(all);
	return ret;
}

/*
 * Every symbol of the parent in kallsyms (a module: once loaded), in
 * kallsyms order, with the position a .klp.sym name or old_sympos gives it
 * ("?": none that holds both while the module loads and once it is loaded):
 * "ADDRESS NAME POSITION" (--list-sympos).
 */
int parent_list(struct parent_symtab *ps, FILE *f)
{
	enum kelf_ksyms_view view = ps->vmlinux ? KELF_KSYMS_VMLINUX : KELF_KSYMS_MODULE;
	struct psym **v = calloc(ps->nr ? ps->nr : 1, sizeof(*v));
	size_t i, n = 0;
	int ret = 0;

	if (!v)
		return -1;
	for (i = 0; i < ps->nr; i++)
		if (kelf_ksym_visible(&ps->syms[i].ks, view))
			v[n++] = &ps->syms[i];
	if (n)
		qsort(v, n, sizeof(*v), ps->vmlinux ? cmp_vmlinux : cmp_module);
	for (i = 0; i < n && !ret; i++) {
		struct psym **all, **cand;
		size_t nr_all, nr_cand;
		struct kelf_sympos sp;

		ret = candidates(ps, v[i]->name, &all, &nr_all, &cand, &nr_cand) ||
		      sympos_of(ps, v[i], all, nr_all, &sp) ? -1 : 0;
		if (!ret && sp.result == KELF_SYMPOS_OK)
			fprintf(f, "%016llx %s %lu\n", (unsigned long long)v[i]->value,
				v[i]->name, sp.pos);
		else if (!ret)
			fprintf(f, "%016llx %s ?\n", (unsigned long long)v[i]->value,
				v[i]->name);
		free(all);
		free(cand);
	}
	free(v);
	return ret;
}
