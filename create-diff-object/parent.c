// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parent object (vmlinux or a module) as the running kernel knows it:
 * its symbol table (the ELF itself or the text of `readelf -s --wide`),
 * Module.symvers, and positions of same-named symbols in kallsyms order
 * (vmlinux: by address; a module: by symbol table order).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

struct psym {
	struct hnode node;
	char *name;
	unsigned char bind, type;
	uint64_t value, size;
	size_t index;
	int file;		/* index into files[], -1 for globals */
};

struct parent_symtab {
	char *parent;
	bool vmlinux;
	struct psym *syms;
	size_t nr, cap;
	char **files;
	size_t nr_files, cap_files;
	struct htab names;
	struct htab exports;	/* struct psym used as a name node */
	struct psym *exp;
	size_t nr_exp, cap_exp;
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
		   unsigned char type, uint64_t value, uint64_t size, int *cur_file)
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
	s->index = ps->nr++;
	s->file = bind == STB_LOCAL ? *cur_file : -1;
	return s->name ? 0 : -1;
}

static int read_elf_symtab(struct parent_symtab *ps, const char *path)
{
	struct kelf *k = kelf_open(path, KELF_ANY_TYPE | KELF_SYMBOLS_ONLY);
	struct kelf_symbol *s;
	int file = -1;

	if (!k)
		return -1;
	kelf_for_each_symbol(s, k)
		if (add_sym(ps, s->type == STT_SECTION ? "" : s->name, s->bind, s->type,
			    s->sym.st_value, s->sym.st_size, &file))
			break;
	kelf_close(k);
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

/* "  12: ffffffff81000000   123 FUNC    LOCAL  DEFAULT    1 name" */
static int read_text_symtab(struct parent_symtab *ps, FILE *f)
{
	char line[4096], type[32], bind[32], vis[32], ndx[32], name[2048];
	unsigned long long value;
	unsigned long size;
	int file = -1;

	while (fgets(line, sizeof(line), f)) {
		unsigned num;

		name[0] = '\0';
		drop_other_note(line);
		if (sscanf(line, " %u: %llx %lu %31s %31s %31s %31s %2047s", &num, &value,
			   &size, type, bind, vis, ndx, name) < 7)
			continue;
		if (add_sym(ps, name, !strcmp(bind, "LOCAL") ? STB_LOCAL :
			    !strcmp(bind, "WEAK") ? STB_WEAK : STB_GLOBAL,
			    parse_type(type), value, size, &file))
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

/* Module.symvers: "CRC\tNAME\tMODULE\tEXPORT_TYPE[\tNAMESPACE]" */
static int read_symvers(struct parent_symtab *ps, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s: error: cannot open Module.symvers: %m\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *crc = strtok(line, "\t\n"), *name = strtok(NULL, "\t\n");
		char *mod = strtok(NULL, "\t\n");
		struct psym *e;

		if (!crc || !name || !mod || strcmp(mod, "vmlinux"))
			continue;
		ps->exp = grow(ps->exp, &ps->cap_exp, ps->nr_exp + 1, sizeof(*e));
		if (!ps->exp) {
			fclose(f);
			return -1;
		}
		e = &ps->exp[ps->nr_exp++];
		memset(e, 0, sizeof(*e));
		e->name = strdup(name);
	}
	fclose(f);
	return 0;
}

static int index_names(struct parent_symtab *ps)
{
	size_t i;

	if (htab_init(&ps->names, ps->nr) || htab_init(&ps->exports, ps->nr_exp))
		return -1;
	for (i = 0; i < ps->nr; i++)
		htab_add(&ps->names, &ps->syms[i].node, hash_str(ps->syms[i].name));
	for (i = 0; i < ps->nr_exp; i++)
		htab_add(&ps->exports, &ps->exp[i].node, hash_str(ps->exp[i].name));
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
	if (!ps->parent || read_symtab(ps, symtab) || read_symvers(ps, symvers) ||
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
	for (i = 0; i < ps->nr_exp; i++)
		free(ps->exp[i].name);
	htab_free(&ps->names);
	htab_free(&ps->exports);
	free(ps->syms);
	free(ps->files);
	free(ps->exp);
	free(ps->parent);
	free(ps);
}

bool parent_is_vmlinux(const struct parent_symtab *ps)
{
	return ps->vmlinux;
}

bool parent_is_exported(struct parent_symtab *ps, const char *name)
{
	struct hnode *n;

	htab_for_each_hash(n, &ps->exports, hash_str(name))
		if (!strcmp(container_of(n, struct psym, node)->name, name))
			return true;
	return false;
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

static int cmp_kallsyms(const void *a, const void *b)
{
	const struct psym *x = *(struct psym *const *)a, *y = *(struct psym *const *)b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_index(const void *a, const void *b)
{
	const struct psym *x = *(struct psym *const *)a, *y = *(struct psym *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
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

int parent_sympos(struct cdo *c, const struct kelf_symbol *sym, long *pos)
{
	struct parent_symtab *ps = c->ps;
	struct psym **v = NULL, *match;
	size_t n = 0, cap = 0, i;
	struct hnode *hn;

	htab_for_each_hash(hn, &ps->names, hash_str(sym->name)) {
		struct psym *p = container_of(hn, struct psym, node);

		if (strcmp(p->name, sym->name))
			continue;
		v = grow(v, &cap, n + 1, sizeof(*v));
		if (!v)
			return -1;
		v[n++] = p;
	}
	/* kallsyms order: vmlinux sorted by address, a module in symtab order */
	if (n)
		qsort(v, n, sizeof(*v), ps->vmlinux ? cmp_kallsyms : cmp_index);
	match = n ? pick(c, sym, v, n) : NULL;
	if (!match) {
		cdo_error(c, "cannot place %s symbol '%s'%s%s in %s's symbol table: %s",
			  sym->bind == STB_LOCAL ? "local" : "global", sym->name,
			  sym->file ? " of " : "", sym->file ? sym->file->name : "",
			  ps->parent, n ? "several candidates match equally" : "no such symbol (is the symbol table that of the target kernel?)");
		list_candidates(c, v, n);
		free(v);
		return -1;
	}
	*pos = 0;
	if (n > 1)
		for (i = 0; i < n; i++)
			if (v[i] == match)
				*pos = i + 1;
	free(v);
	return 0;
}
