// SPDX-License-Identifier: GPL-2.0-or-later
/* The object model: allocation, name lookups and edits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kelf.h"
#include "internal.h"

int kelf_oom(const struct kelf *k)
{
	kelf_error(k, "out of memory");
	return -1;
}

struct kelf *kelf_alloc(const char *path)
{
	struct kelf *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		free(k);
		return NULL;
	}
	k->path = strdup(path ? path : "(new object)");
	k->fd = -1;
	list_init(&k->sections);
	list_init(&k->symbols);
	if (!k->path) {
		free(k);
		return NULL;
	}
	return k;
}

struct kelf_section *kelf_section_alloc(struct kelf *k, const char *name,
					const GElf_Shdr *sh)
{
	struct kelf_section *sec = calloc(1, sizeof(*sec));

	if (!sec || !(sec->name = strdup(name))) {
		free(sec);
		kelf_oom(k);
		return NULL;
	}
	sec->kelf = k;
	sec->sh = *sh;
	sec->size = sh->sh_size;
	list_add_tail(&sec->list, &k->sections);
	if (htab_add(&k->sec_names, &sec->name_node, hash_str(name))) {
		list_del(&sec->list);
		free(sec->name);
		free(sec);
		kelf_oom(k);
		return NULL;
	}
	k->nr_sections++;
	return sec;
}

struct kelf_symbol *kelf_symbol_alloc(struct kelf *k, const char *name,
				      const GElf_Sym *sym)
{
	struct kelf_symbol *s = calloc(1, sizeof(*s));

	if (!s || !(s->name = strdup(name))) {
		free(s);
		kelf_oom(k);
		return NULL;
	}
	s->kelf = k;
	s->sym = *sym;
	s->bind = GELF_ST_BIND(sym->st_info);
	s->type = GELF_ST_TYPE(sym->st_info);
	s->vis = GELF_ST_VISIBILITY(sym->st_other);
	list_add_tail(&s->list, &k->symbols);
	if (htab_add(&k->sym_names, &s->name_node, hash_str(name))) {
		list_del(&s->list);
		free(s->name);
		free(s);
		kelf_oom(k);
		return NULL;
	}
	k->nr_symbols++;
	k->syms_valid = false;
	return s;
}

int kelf_relas_reserve(struct kelf_section *sec, size_t n)
{
	struct kelf_rela *r;
	size_t cap = sec->relas_cap ? sec->relas_cap : 16;

	if (n <= sec->relas_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	r = realloc(sec->relas, cap * sizeof(*r));
	if (!r)
		return kelf_oom(sec->kelf);
	sec->relas = r;
	sec->relas_cap = cap;
	return 0;
}

static void free_section(struct kelf_section *sec)
{
	if (sec->data_owned)
		free(sec->data);
	free(sec->relas);
	free(sec->rela_order);
	free(sec->members);
	free(sec->syms);
	free(sec->insn_starts);
	free(sec->name);
	free(sec);
}

void kelf_close(struct kelf *k)
{
	struct kelf_section *sec, *stmp;
	struct kelf_symbol *sym, *ytmp;

	if (!k)
		return;
	list_for_each_entry_safe(sec, stmp, &k->sections, list)
		free_section(sec);
	list_for_each_entry_safe(sym, ytmp, &k->symbols, list) {
		free(sym->name);
		free(sym);
	}
	htab_free(&k->sec_names);
	htab_free(&k->sym_names);
	free(k->sec_by_index);
	free(k->sym_by_index);
	if (k->elf)
		elf_end(k->elf);
	if (k->fd >= 0)
		close(k->fd);
	free(k->path);
	free(k);
}

struct kelf *kelf_new(const struct kelf *like, const char *path)
{
	struct kelf *k = kelf_alloc(path);

	if (!k)
		return NULL;
	k->ehdr = like->ehdr;
	k->arch = like->arch;
	return k;
}

struct kelf *kelf_new_arch(const struct kelf_arch *arch, const char *path)
{
	struct kelf *k = kelf_alloc(path);

	if (!k)
		return NULL;
	memcpy(k->ehdr.e_ident, ELFMAG, SELFMAG);
	k->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	k->ehdr.e_ident[EI_DATA] = arch->data;
	k->ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	k->ehdr.e_type = ET_REL;
	k->ehdr.e_machine = arch->machine;
	k->ehdr.e_version = EV_CURRENT;
	k->arch = arch;
	return k;
}

/* Lookups */

struct kelf_section *kelf_find_section(const struct kelf *k, const char *name)
{
	uint32_t h = hash_str(name);
	struct kelf_section *best = NULL;
	struct hnode *n;

	htab_for_each_hash(n, &k->sec_names, h) {
		struct kelf_section *s = container_of(n, struct kelf_section, name_node);

		if (!strcmp(s->name, name) && (!best || s->index < best->index))
			best = s;
	}
	return best;
}

/* Symbols of one name, in a fixed order: by index. */
static struct kelf_symbol *next_named(const struct kelf *k, const char *name,
				      const struct kelf_symbol *after)
{
	uint32_t h = hash_str(name);
	struct kelf_symbol *best = NULL;
	struct hnode *n;

	htab_for_each_hash(n, &k->sym_names, h) {
		struct kelf_symbol *s = container_of(n, struct kelf_symbol, name_node);

		if (strcmp(s->name, name))
			continue;
		if (after && (s->index < after->index ||
			      (s->index == after->index && s <= after)))
			continue;
		if (!best || s->index < best->index ||
		    (s->index == best->index && s < best))
			best = s;
	}
	return best;
}

struct kelf_symbol *kelf_find_symbol(const struct kelf *k, const char *name)
{
	return next_named(k, name, NULL);
}

struct kelf_symbol *kelf_find_next_symbol(const struct kelf_symbol *prev)
{
	return next_named(prev->kelf, prev->name, prev);
}

struct kelf_section *kelf_section_by_index(const struct kelf *k, size_t idx)
{
	return idx < k->sec_index_len ? k->sec_by_index[idx] : NULL;
}

struct kelf_symbol *kelf_symbol_by_index(const struct kelf *k, size_t idx)
{
	return idx < k->sym_index_len ? k->sym_by_index[idx] : NULL;
}

/* Edits */

struct kelf_section *kelf_add_section(struct kelf *k, const char *name,
				      const GElf_Shdr *sh, const void *data,
				      size_t size)
{
	struct kelf_section *sec = kelf_section_alloc(k, name, sh);

	if (!sec)
		return NULL;
	sec->index = 0;
	if (kelf_set_data(sec, data, size)) {
		kelf_remove_section(sec);
		return NULL;
	}
	return sec;
}

struct kelf_section *kelf_add_rela_section(struct kelf *k,
					   struct kelf_section *base)
{
	GElf_Shdr sh = {
		.sh_type = SHT_RELA,
		.sh_flags = SHF_INFO_LINK,
		.sh_entsize = sizeof(Elf64_Rela),
		.sh_addralign = 8,
	};
	struct kelf_section *sec;
	char *name;

	if (base->rela)
		return base->rela;
	if (asprintf(&name, ".rela%s", base->name) < 0) {
		kelf_oom(k);
		return NULL;
	}
	sec = kelf_section_alloc(k, name, &sh);
	free(name);
	if (!sec)
		return NULL;
	sec->base = base;
	base->rela = sec;
	return sec;
}

struct kelf_section *kelf_add_rela_section_named(struct kelf *k,
						 struct kelf_section *base,
						 const char *name,
						 uint64_t flags)
{
	GElf_Shdr sh = {
		.sh_type = SHT_RELA,
		.sh_flags = SHF_INFO_LINK | flags,
		.sh_entsize = sizeof(Elf64_Rela),
		.sh_addralign = 8,
	};
	struct kelf_section *sec = kelf_section_alloc(k, name, &sh);

	if (!sec)
		return NULL;
	sec->index = 0;
	sec->base = base;
	return sec;
}

int kelf_set_data(struct kelf_section *sec, const void *data, size_t size)
{
	unsigned char *copy = NULL;

	if (sec->sh.sh_type != SHT_NOBITS && size) {
		copy = malloc(size);
		if (!copy)
			return kelf_oom(sec->kelf);
		if (data)
			memcpy(copy, data, size);
		else
			memset(copy, 0, size);
	}
	kelf_take_data(sec, copy, size);
	return 0;
}

void kelf_take_data(struct kelf_section *sec, void *buf, size_t size)
{
	if (sec->data_owned)
		free(sec->data);
	sec->data = buf;
	sec->data_owned = buf != NULL;
	sec->size = size;
	sec->sh.sh_size = size;
}

struct kelf_symbol *kelf_add_symbol(struct kelf *k, const char *name,
				    unsigned char bind, unsigned char type,
				    struct kelf_section *sec, uint64_t value,
				    uint64_t size)
{
	GElf_Sym sym = {
		.st_info = GELF_ST_INFO(bind, type),
		.st_value = value,
		.st_size = size,
	};
	struct kelf_symbol *s = kelf_symbol_alloc(k, name, &sym);

	if (!s)
		return NULL;
	s->index = 0;
	s->sec = sec;
	s->shndx = sec ? 0 : SHN_UNDEF;
	if (sec && type == STT_SECTION && !sec->secsym)
		sec->secsym = s;
	return s;
}

int kelf_rela_add(struct kelf_section *relasec, uint64_t offset,
		  uint32_t type, struct kelf_symbol *sym, int64_t addend)
{
	struct kelf_rela *r;

	if (kelf_relas_reserve(relasec, relasec->nr_relas + 1))
		return -1;
	kelf_invalidate_relas(relasec);
	r = &relasec->relas[relasec->nr_relas++];
	r->offset = offset;
	r->type = type;
	r->sym = sym;
	r->addend = addend;
	return 0;
}

int kelf_rename_symbol(struct kelf_symbol *s, const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return kelf_oom(s->kelf);
	htab_del(&s->kelf->sym_names, &s->name_node);
	free(s->name);
	s->name = copy;
	return htab_add(&s->kelf->sym_names, &s->name_node, hash_str(copy));
}

int kelf_rename_section(struct kelf_section *s, const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return kelf_oom(s->kelf);
	htab_del(&s->kelf->sec_names, &s->name_node);
	free(s->name);
	s->name = copy;
	return htab_add(&s->kelf->sec_names, &s->name_node, hash_str(copy));
}

/* No other section may keep a pointer to @sec once it is freed. */
static void forget_section(struct kelf_section *sec)
{
	struct kelf_section *other;
	struct kelf_symbol *s;

	/* kelf_write() reports a symbol left in a removed section. */
	kelf_for_each_symbol(s, sec->kelf) {
		if (s->sec == sec) {
			s->sec = NULL;
			s->sec_removed = true;
		}
	}

	kelf_for_each_section(other, sec->kelf) {
		/* Extra relocation sections (kelf_add_rela_section_named). */
		if (other->base == sec)
			other->base = NULL;
		if (other->rela == sec)
			other->rela = NULL;
		if (other->link == sec)
			other->link = NULL;
		if (other->info == sec)
			other->info = NULL;
	}
}

void kelf_remove_section(struct kelf_section *sec)
{
	struct kelf *k = sec->kelf;
	size_t i;

	if (sec->rela)
		sec->rela->base = NULL;
	forget_section(sec);
	if (sec->base && sec->base->rela == sec)
		sec->base->rela = NULL;
	if (sec->group)
		for (i = 0; i < sec->group->nr_members; i++)
			if (sec->group->members[i] == sec)
				sec->group->members[i] = NULL;
	for (i = 0; i < sec->nr_members; i++)
		if (sec->members[i])
			sec->members[i]->group = NULL;
	if (sec->index < k->sec_index_len && k->sec_by_index[sec->index] == sec)
		k->sec_by_index[sec->index] = NULL;
	if (k->symtab == sec)
		k->symtab = NULL;
	if (k->strtab == sec)
		k->strtab = NULL;
	if (k->shstrtab == sec)
		k->shstrtab = NULL;
	if (k->symtab_shndx == sec)
		k->symtab_shndx = NULL;
	htab_del(&k->sec_names, &sec->name_node);
	list_del(&sec->list);
	k->nr_sections--;
	k->syms_valid = false;
	free_section(sec);
}

void kelf_remove_symbol(struct kelf_symbol *sym)
{
	struct kelf *k = sym->kelf;

	if (sym->sec && sym->sec->secsym == sym)
		sym->sec->secsym = NULL;
	if (sym->index < k->sym_index_len && k->sym_by_index[sym->index] == sym)
		k->sym_by_index[sym->index] = NULL;
	htab_del(&k->sym_names, &sym->name_node);
	list_del(&sym->list);
	k->nr_symbols--;
	k->syms_valid = false;
	free(sym->name);
	free(sym);
}

void kelf_invalidate_syms(struct kelf_section *sec)
{
	sec->kelf->syms_valid = false;
}
