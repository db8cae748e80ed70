// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing the model as a fresh relocatable object: the symbol table,
 * string tables, relocation and group sections are regenerated from the
 * model, every index is recomputed and libelf lays out the file.  The
 * output appears atomically (outfile.c: temporary file + rename, removed
 * on failure and on a fatal signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kelf.h"
#include "internal.h"

struct strbuf {
	char *buf;
	size_t len, cap;
};

static int strbuf_add(struct strbuf *sb, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (sb->len + n > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 4096;
		char *b;

		while (cap < sb->len + n)
			cap *= 2;
		b = realloc(sb->buf, cap);
		if (!b)
			return -1;
		sb->buf = b;
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, s, n);
	*off = sb->len;
	sb->len += n;
	return 0;
}

static struct kelf_section *ensure_table(struct kelf *k, const char *name,
					 uint32_t type, size_t entsize,
					 size_t align)
{
	GElf_Shdr sh = {
		.sh_type = type,
		.sh_entsize = entsize,
		.sh_addralign = align,
	};

	return kelf_add_section(k, name, &sh, NULL, 0);
}

static int ensure_tables(struct kelf *k)
{
	bool need_shndx;

	if (!k->symtab && !(k->symtab = ensure_table(k, ".symtab", SHT_SYMTAB,
						      sizeof(Elf64_Sym), 8)))
		return -1;
	/* one table for symbol and section names (valid ELF): two on output */
	if (k->strtab && k->strtab == k->shstrtab)
		k->strtab = NULL;
	if (!k->strtab && !(k->strtab = ensure_table(k, ".strtab", SHT_STRTAB, 0, 1)))
		return -1;
	if (!k->shstrtab &&
	    !(k->shstrtab = ensure_table(k, ".shstrtab", SHT_STRTAB, 0, 1)))
		return -1;
	/* Index 0 plus every section, counting a possible extra table. */
	need_shndx = k->nr_sections + 2 > SHN_LORESERVE;
	if (need_shndx && !k->symtab_shndx &&
	    !(k->symtab_shndx = ensure_table(k, ".symtab_shndx", SHT_SYMTAB_SHNDX,
					     4, 4)))
		return -1;
	if (!need_shndx && k->symtab_shndx)
		kelf_remove_section(k->symtab_shndx);
	return 0;
}

static int number_sections(struct kelf *k)
{
	struct kelf_section *sec, **map;
	size_t i = 1;

	map = calloc(k->nr_sections + 1, sizeof(*map));
	if (!map)
		return kelf_oom(k);
	kelf_for_each_section(sec, k) {
		sec->index = i;
		map[i++] = sec;
	}
	free(k->sec_by_index);
	k->sec_by_index = map;
	k->sec_index_len = i;
	return 0;
}

/* Locals first (ELF requires it), each group in model order. */
static int number_symbols(struct kelf *k, size_t *first_global)
{
	struct kelf_symbol *s, *tmp, **map;
	struct list_head globals;
	size_t i = 1;

	map = calloc(k->nr_symbols + 1, sizeof(*map));
	if (!map)
		return kelf_oom(k);
	list_init(&globals);
	list_for_each_entry_safe(s, tmp, &k->symbols, list) {
		if (s->bind != STB_LOCAL) {
			list_del(&s->list);
			list_add_tail(&s->list, &globals);
		}
	}
	kelf_for_each_symbol(s, k) {
		s->index = i;
		map[i++] = s;
	}
	*first_global = i;
	list_for_each_entry_safe(s, tmp, &globals, list) {
		list_del(&s->list);
		list_add_tail(&s->list, &k->symbols);
		s->index = i;
		map[i++] = s;
	}
	free(k->sym_by_index);
	k->sym_by_index = map;
	k->sym_index_len = i;
	return 0;
}

static uint32_t shndx_of(const struct kelf_symbol *s, Elf32_Word *xndx)
{
	*xndx = 0;
	if (!s->sec)
		return s->shndx;
	if (s->sec->index >= SHN_LORESERVE) {
		*xndx = s->sec->index;
		return SHN_XINDEX;
	}
	return s->sec->index;
}

static int check_symbol(const struct kelf *k, const struct kelf_symbol *s)
{
	if (s->sec_removed || (s->sec && (s->sec->index >= k->sec_index_len ||
					  k->sec_by_index[s->sec->index] != s->sec))) {
		kelf_error(k, "symbol '%s' is defined in a section that was removed",
			   s->name);
		return -1;
	}
	return 0;
}

static int build_symtab(struct kelf *k, size_t first_global)
{
	size_t n = k->sym_index_len, i, off;
	struct strbuf names = { 0 };
	Elf32_Word *xndx = NULL;
	Elf64_Sym *syms;

	syms = calloc(n, sizeof(*syms));
	if (k->symtab_shndx)
		xndx = calloc(n, sizeof(*xndx));
	if (!syms || (k->symtab_shndx && !xndx) || strbuf_add(&names, "", &off))
		goto oom;
	for (i = 1; i < n; i++) {
		struct kelf_symbol *s = k->sym_by_index[i];
		Elf32_Word x;

		if (check_symbol(k, s))
			goto fail;
		off = 0;
		if (s->type != STT_SECTION && *s->name && strbuf_add(&names, s->name, &off))
			goto oom;
		syms[i].st_name = off;
		syms[i].st_info = GELF_ST_INFO(s->bind, s->type);
		syms[i].st_other = s->sym.st_other;
		syms[i].st_shndx = shndx_of(s, &x);
		syms[i].st_value = s->sym.st_value;
		syms[i].st_size = s->sym.st_size;
		s->sym = *(GElf_Sym *)&syms[i];
		if (xndx)
			xndx[i] = x;
	}
	kelf_take_data(k->symtab, syms, n * sizeof(*syms));
	k->symtab->sh.sh_info = first_global;
	k->symtab->sh.sh_entsize = sizeof(Elf64_Sym);
	kelf_take_data(k->strtab, names.buf, names.len);
	if (xndx)
		kelf_take_data(k->symtab_shndx, xndx, n * sizeof(*xndx));
	return 0;
oom:
	kelf_oom(k);
fail:
	free(syms);
	free(xndx);
	free(names.buf);
	return -1;
}

static bool symbol_is_live(const struct kelf *k, const struct kelf_symbol *s)
{
	return s->index < k->sym_index_len && k->sym_by_index[s->index] == s;
}

static int build_rela(struct kelf *k, struct kelf_section *sec)
{
	Elf64_Rela *out;
	size_t i;

	if (!sec->base || sec->base->index >= k->sec_index_len ||
	    k->sec_by_index[sec->base->index] != sec->base) {
		kelf_error(k, "relocation section '%s' has no section to apply to",
			   sec->name);
		return -1;
	}
	out = calloc(sec->nr_relas ? sec->nr_relas : 1, sizeof(*out));
	if (!out)
		return kelf_oom(k);
	for (i = 0; i < sec->nr_relas; i++) {
		const struct kelf_rela *r = &sec->relas[i];

		if (r->sym && !symbol_is_live(k, r->sym)) {
			kelf_error(k, "section '%s' entry %zu refers to a removed symbol",
				   sec->name, i);
			free(out);
			return -1;
		}
		out[i].r_offset = r->offset;
		out[i].r_info = ELF64_R_INFO(r->sym ? r->sym->index : 0, r->type);
		out[i].r_addend = r->addend;
	}
	if (!sec->nr_relas) {
		free(out);
		out = NULL;
	}
	kelf_take_data(sec, out, sec->nr_relas * sizeof(*out));
	sec->sh.sh_entsize = sizeof(Elf64_Rela);
	sec->sh.sh_link = k->symtab->index;
	sec->sh.sh_info = sec->base->index;
	sec->sh.sh_flags |= SHF_INFO_LINK;
	return 0;
}

static int build_group(struct kelf *k, struct kelf_section *sec)
{
	uint32_t *w;
	size_t i, n = 1;

	w = calloc(sec->nr_members + 1, sizeof(*w));
	if (!w)
		return kelf_oom(k);
	w[0] = sec->group_flags;
	for (i = 0; i < sec->nr_members; i++)
		if (sec->members[i])
			w[n++] = sec->members[i]->index;
	if (!sec->group_sym || !symbol_is_live(k, sec->group_sym)) {
		kelf_error(k, "section group '%s' has no signature symbol", sec->name);
		free(w);
		return -1;
	}
	kelf_take_data(sec, w, n * sizeof(*w));
	sec->sh.sh_entsize = 4;
	sec->sh.sh_link = k->symtab->index;
	sec->sh.sh_info = sec->group_sym->index;
	return 0;
}

static int build_shstrtab(struct kelf *k)
{
	struct strbuf names = { 0 };
	struct kelf_section *sec;
	size_t off;

	if (strbuf_add(&names, "", &off))
		return kelf_oom(k);
	kelf_for_each_section(sec, k) {
		if (strbuf_add(&names, sec->name, &off)) {
			free(names.buf);
			return kelf_oom(k);
		}
		sec->sh.sh_name = off;
	}
	kelf_take_data(k->shstrtab, names.buf, names.len);
	return 0;
}

static int fix_links(struct kelf *k)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		switch (sec->sh.sh_type) {
		case SHT_RELA:
			if (build_rela(k, sec))
				return -1;
			continue;
		case SHT_GROUP:
			if (build_group(k, sec))
				return -1;
			continue;
		case SHT_SYMTAB:
			sec->sh.sh_link = k->strtab->index;
			continue;
		case SHT_SYMTAB_SHNDX:
			sec->sh.sh_link = k->symtab->index;
			continue;
		}
		sec->sh.sh_link = sec->link ? sec->link->index : 0;
		if (sec->sh.sh_flags & SHF_INFO_LINK)
			sec->sh.sh_info = sec->info ? sec->info->index : 0;
	}
	return 0;
}

/*
 * The tables the writer rebuilds are in host order: libelf converts them to
 * the object's byte order (a big-endian s390x object on an x86-64 host).
 */
static Elf_Type data_type(const struct kelf_section *sec)
{
	switch (sec->sh.sh_type) {
	case SHT_SYMTAB:
		return ELF_T_SYM;
	case SHT_RELA:
		return ELF_T_RELA;
	case SHT_GROUP:
	case SHT_SYMTAB_SHNDX:
		return ELF_T_WORD;
	}
	return ELF_T_BYTE;
}

static int emit_section(struct kelf *k, Elf *elf, struct kelf_section *sec)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *d;
	GElf_Shdr sh;

	if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		goto err;
	d->d_type = data_type(sec);
	d->d_buf = sec->sh.sh_type == SHT_NOBITS ? NULL : sec->data;
	d->d_size = sec->size;
	d->d_align = sec->sh.sh_addralign ? sec->sh.sh_addralign : 1;
	d->d_version = EV_CURRENT;
	sh = sec->sh;
	sh.sh_offset = 0;
	sh.sh_size = sec->size;
	if (!gelf_update_shdr(scn, &sh))
		goto err;
	return 0;
err:
	kelf_error(k, "section '%s': cannot write it: %s", sec->name, elf_errmsg(-1));
	return -1;
}

static int emit_header(struct kelf *k, Elf *elf)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return -1;
	memcpy(eh.e_ident, k->ehdr.e_ident, EI_NIDENT);
	eh.e_type = k->ehdr.e_type;
	eh.e_machine = k->ehdr.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_flags = k->ehdr.e_flags;
	eh.e_entry = 0;
	eh.e_phoff = 0;
	if (k->shstrtab->index < SHN_LORESERVE) {
		eh.e_shstrndx = k->shstrtab->index;
	} else {
		Elf_Scn *zero = elf_getscn(elf, 0);
		GElf_Shdr sh;

		if (!zero || !gelf_getshdr(zero, &sh))
			return -1;
		sh.sh_link = k->shstrtab->index;
		if (!gelf_update_shdr(zero, &sh))
			return -1;
		eh.e_shstrndx = SHN_XINDEX;
	}
	return gelf_update_ehdr(elf, &eh) ? 0 : -1;
}

static int emit_file(struct kelf *k, int fd)
{
	struct kelf_section *sec;
	Elf *elf = elf_begin(fd, ELF_C_WRITE, NULL);
	int ret = -1;

	if (!elf) {
		kelf_error(k, "cannot create ELF output: %s", elf_errmsg(-1));
		return -1;
	}
	if (!gelf_newehdr(elf, ELFCLASS64))
		goto out;
	kelf_for_each_section(sec, k)
		if (emit_section(k, elf, sec))
			goto out_quiet;
	if (emit_header(k, elf) || elf_update(elf, ELF_C_WRITE) < 0)
		goto out;
	ret = 0;
	goto out_quiet;
out:
	kelf_error(k, "cannot write the object: %s", elf_errmsg(-1));
out_quiet:
	elf_end(elf);
	return ret;
}

static int build_model(struct kelf *k)
{
	size_t first_global = 0;

	if (ensure_tables(k) || number_sections(k) ||
	    number_symbols(k, &first_global) ||
	    build_symtab(k, first_global) || fix_links(k) || build_shstrtab(k))
		return -1;
	k->syms_valid = false;
	return 0;
}

int kelf_write(struct kelf *k, const char *path)
{
	struct kelf_outfile o;

	if (build_model(k) || kelf_outfile_open(&o, path))
		return -1;
	if (emit_file(k, o.fd)) {
		kelf_outfile_abort(&o);
		return -1;
	}
	return kelf_outfile_commit(&o);
}
