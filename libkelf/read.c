// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading an ELF object into the model, validating every index on the way. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kelf.h"
#include "internal.h"

struct reader {
	struct kelf *k;
	Elf *elf;
	size_t shnum, shstrndx;
	off_t file_size;
	Elf_Data *symdata, *shndxdata;
	size_t nsyms;
};

static const char *elf_err(void)
{
	return elf_errmsg(-1);
}

/*
 * The real section count and name table index (e_shnum 0 and e_shstrndx
 * SHN_XINDEX take them from section 0): both must fit the file.
 */
static int check_section_table(struct reader *rd)
{
	struct kelf *k = rd->k;
	uint64_t room = (uint64_t)rd->file_size - k->ehdr.e_shoff;

	if (!rd->shnum) {
		kelf_error(k, "no section header table (e_shnum 0, e_shoff 0x%lx)",
			   (unsigned long)k->ehdr.e_shoff);
		return -1;
	}
	if (k->ehdr.e_shentsize != sizeof(Elf64_Shdr)) {
		kelf_error(k, "section header entry size %u (expected %zu)",
			   k->ehdr.e_shentsize, sizeof(Elf64_Shdr));
		return -1;
	}
	if (rd->shnum > room / sizeof(Elf64_Shdr)) {
		kelf_error(k, "the section header table (%zu sections at offset 0x%lx) extends past the end of the file (0x%lx bytes): truncated?",
			   rd->shnum, (unsigned long)k->ehdr.e_shoff,
			   (unsigned long)rd->file_size);
		return -1;
	}
	if (rd->shstrndx >= rd->shnum) {
		kelf_error(k, "section name table index %zu out of range (%zu sections)",
			   rd->shstrndx, rd->shnum);
		return -1;
	}
	return 0;
}

static int check_header(struct reader *rd)
{
	struct kelf *k = rd->k;

	if (elf_kind(rd->elf) != ELF_K_ELF) {
		kelf_error(k, "not an ELF file");
		return -1;
	}
	if (gelf_getclass(rd->elf) != ELFCLASS64) {
		kelf_error(k, "not a 64-bit ELF file (klpkit supports %s)",
			   kelf_arch_names());
		return -1;
	}
	if (!gelf_getehdr(rd->elf, &k->ehdr)) {
		kelf_error(k, "cannot read the ELF header: %s", elf_err());
		return -1;
	}
	k->arch = kelf_arch_by_machine(k->ehdr.e_machine);
	if (!k->arch) {
		kelf_error(k, "wrong machine %u (%s) in the ELF header: klpkit supports %s",
			   k->ehdr.e_machine, kelf_machine_name(k->ehdr.e_machine),
			   kelf_arch_names());
		return -1;
	}
	if (k->ehdr.e_ident[EI_DATA] != k->arch->data) {
		kelf_error(k, "byte order %u in the ELF header is not %s's (%u)",
			   k->ehdr.e_ident[EI_DATA], k->arch->name, k->arch->data);
		return -1;
	}
	if (k->ehdr.e_type != ET_REL && !(k->flags & KELF_ANY_TYPE)) {
		kelf_error(k, "not a relocatable object (ELF type %u, expected ET_REL)",
			   k->ehdr.e_type);
		return -1;
	}
	if (k->ehdr.e_shoff > (uint64_t)rd->file_size ||
	    (uint64_t)rd->file_size - k->ehdr.e_shoff <
	    (uint64_t)k->ehdr.e_shentsize * (k->ehdr.e_shnum ? k->ehdr.e_shnum : 1)) {
		kelf_error(k, "the section header table (offset 0x%lx) extends past the end of the file (0x%lx bytes): truncated?",
			   (unsigned long)k->ehdr.e_shoff, (unsigned long)rd->file_size);
		return -1;
	}
	if (elf_getshdrnum(rd->elf, &rd->shnum) ||
	    elf_getshdrstrndx(rd->elf, &rd->shstrndx)) {
		kelf_error(k, "cannot read the section header table: %s", elf_err());
		return -1;
	}
	return check_section_table(rd);
}

static bool wants_data(const struct kelf *k, const GElf_Shdr *sh)
{
	if (sh->sh_type == SHT_NOBITS)
		return false;
	if (!(k->flags & KELF_SYMBOLS_ONLY))
		return true;
	return sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_STRTAB ||
	       sh->sh_type == SHT_SYMTAB_SHNDX;
}

/* Sections kelf_write() regenerates from the model (besides relocations). */
static bool is_regenerated_table(const GElf_Shdr *sh)
{
	return sh->sh_type == SHT_SYMTAB || sh->sh_type == SHT_STRTAB ||
	       sh->sh_type == SHT_SYMTAB_SHNDX || sh->sh_type == SHT_GROUP;
}

/* What the data, size, alignment and links of section [i] may be. */
static int check_section_header(struct reader *rd, size_t i, const char *name,
				const GElf_Shdr *sh)
{
	struct kelf *k = rd->k;

	if (sh->sh_type != SHT_NOBITS &&
	    (sh->sh_offset > (uint64_t)rd->file_size ||
	     sh->sh_size > (uint64_t)rd->file_size - sh->sh_offset)) {
		kelf_error(k, "section [%zu] '%s': its data (offset 0x%lx, size 0x%lx) extends past the end of the file (0x%lx bytes): truncated?",
			   i, name, (unsigned long)sh->sh_offset,
			   (unsigned long)sh->sh_size, (unsigned long)rd->file_size);
		return -1;
	}
	if (sh->sh_type == SHT_NOBITS && sh->sh_size > KELF_MAX_NOBITS) {
		kelf_error(k, "section [%zu] '%s': implausible size 0x%lx (more than 0x%lx)",
			   i, name, (unsigned long)sh->sh_size, (unsigned long)KELF_MAX_NOBITS);
		return -1;
	}
	if ((sh->sh_flags & SHF_ALLOC) && (sh->sh_flags & SHF_COMPRESSED)) {
		kelf_error(k, "section [%zu] '%s': SHF_COMPRESSED on an allocated section",
			   i, name);
		return -1;
	}
	if (sh->sh_addralign & (sh->sh_addralign - 1) ||
	    sh->sh_addralign > KELF_MAX_ALIGN) {
		kelf_error(k, "section [%zu] '%s': alignment 0x%lx is not a power of two up to 0x%x",
			   i, name, (unsigned long)sh->sh_addralign, KELF_MAX_ALIGN);
		return -1;
	}
	if (sh->sh_link >= rd->shnum) {
		kelf_error(k, "section [%zu] '%s': sh_link %u out of range (%zu sections)",
			   i, name, sh->sh_link, rd->shnum);
		return -1;
	}
	return 0;
}

static int read_one_section(struct reader *rd, size_t i)
{
	struct kelf *k = rd->k;
	Elf_Scn *scn = elf_getscn(rd->elf, i);
	struct kelf_section *sec;
	const char *name;
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh)) {
		kelf_error(k, "section [%zu]: cannot read its header: %s", i, elf_err());
		return -1;
	}
	name = elf_strptr(rd->elf, rd->shstrndx, sh.sh_name);
	if (!name) {
		kelf_error(k, "section [%zu]: name offset %u is not in the section name table",
			   i, sh.sh_name);
		return -1;
	}
	if (check_section_header(rd, i, name, &sh))
		return -1;
	sec = kelf_section_alloc(k, name, &sh);
	if (!sec)
		return -1;
	sec->index = i;
	k->sec_by_index[i] = sec;
	if (wants_data(k, &sh) && sh.sh_size) {
		Elf_Data *d = elf_rawdata(scn, NULL);

		if (!d || d->d_size != sh.sh_size) {
			kelf_error(k, "section [%zu] '%s': cannot read its data: %s",
				   i, name, elf_err());
			return -1;
		}
		sec->data = d->d_buf;
	}
	return 0;
}

static int read_sections(struct reader *rd)
{
	struct kelf *k = rd->k;
	size_t i;

	k->sec_by_index = calloc(rd->shnum ? rd->shnum : 1, sizeof(*k->sec_by_index));
	if (!k->sec_by_index || htab_init(&k->sec_names, rd->shnum))
		return kelf_oom(k);
	k->sec_index_len = rd->shnum;
	for (i = 1; i < rd->shnum; i++)
		if (read_one_section(rd, i))
			return -1;
	if (rd->shstrndx)
		k->shstrtab = k->sec_by_index[rd->shstrndx];
	return 0;
}

/* At most one SHT_SYMTAB_SHNDX, for the symbol table, one entry a symbol. */
static int find_symtab_shndx(struct reader *rd)
{
	struct kelf *k = rd->k;
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		if (sec->sh.sh_type != SHT_SYMTAB_SHNDX)
			continue;
		if (k->symtab_shndx || sec->sh.sh_link != k->symtab->index ||
		    sec->size / 4 != k->symtab->size / sizeof(Elf64_Sym)) {
			kelf_error(k, "section '%s': extended section indexes (SHT_SYMTAB_SHNDX) that do not match symbol table '%s'",
				   sec->name, k->symtab->name);
			return -1;
		}
		k->symtab_shndx = sec;
	}
	return 0;
}

static int find_symtab(struct reader *rd)
{
	struct kelf *k = rd->k;
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		if (sec->sh.sh_type == SHT_SYMTAB) {
			if (k->symtab) {
				kelf_error(k, "more than one symbol table");
				return -1;
			}
			k->symtab = sec;
		}
	}
	if (!k->symtab) {
		kelf_for_each_section(sec, k) {
			if (sec->sh.sh_type == SHT_SYMTAB_SHNDX) {
				kelf_error(k, "section '%s': extended section indexes without a symbol table",
					   sec->name);
				return -1;
			}
		}
		return 0;
	}
	if (k->symtab->sh.sh_entsize != sizeof(Elf64_Sym) ||
	    k->symtab->size % sizeof(Elf64_Sym)) {
		kelf_error(k, "section '%s': bad symbol entry size %lu",
			   k->symtab->name, (unsigned long)k->symtab->sh.sh_entsize);
		return -1;
	}
	k->strtab = k->sec_by_index[k->symtab->sh.sh_link];
	if (!k->strtab || k->strtab->sh.sh_type != SHT_STRTAB) {
		kelf_error(k, "section '%s': sh_link does not name a string table",
			   k->symtab->name);
		return -1;
	}
	if (find_symtab_shndx(rd))
		return -1;
	rd->symdata = elf_getdata(elf_getscn(rd->elf, k->symtab->index), NULL);
	if (k->symtab_shndx)
		rd->shndxdata = elf_getdata(elf_getscn(rd->elf, k->symtab_shndx->index), NULL);
	if (!rd->symdata || (k->symtab_shndx && !rd->shndxdata)) {
		kelf_error(k, "cannot read the symbol table: %s", elf_err());
		return -1;
	}
	rd->nsyms = k->symtab->size / sizeof(Elf64_Sym);
	return 0;
}

/*
 * In a relocatable object a symbol's value is an offset in its section:
 * the symbol must lie inside it (an end marker may sit just past it).
 */
static int check_symbol_bounds(struct reader *rd, const struct kelf_symbol *s,
			       size_t i)
{
	uint64_t v = s->sym.st_value, sz = s->sym.st_size, size = s->sec->size;

	if (s->sec->sh.sh_type == SHT_RELA || s->sec->sh.sh_type == SHT_REL) {
		kelf_error(rd->k, "symbol %zu '%s': defined in relocation section '%s'",
			   i, s->name, s->sec->name);
		return -1;
	}
	/* the writer rebuilds these: a symbol inside one would point anywhere */
	if (is_regenerated_table(&s->sec->sh)) {
		kelf_error(rd->k, "symbol %zu '%s': defined in section '%s', a table libkelf regenerates",
			   i, s->name, s->sec->name);
		return -1;
	}
	/* (in a compressed section: inside the compressed data, as tools see it) */
	if (rd->k->ehdr.e_type != ET_REL)
		return 0;
	if (v > size || sz > size - v) {
		kelf_error(rd->k, "symbol %zu '%s': value 0x%lx size 0x%lx runs past the end of section '%s' (size 0x%lx)",
			   i, s->name, (unsigned long)v, (unsigned long)sz,
			   s->sec->name, (unsigned long)size);
		return -1;
	}
	return 0;
}

static int resolve_symbol_section(struct reader *rd, struct kelf_symbol *s,
				  uint32_t shndx, size_t i)
{
	struct kelf *k = rd->k;

	if (shndx == SHN_UNDEF || shndx == SHN_ABS || shndx == SHN_COMMON ||
	    shndx == SHN_LIVEPATCH ||
	    (shndx >= SHN_LORESERVE && shndx <= SHN_HIRESERVE && !rd->shndxdata)) {
		s->shndx = shndx;
		return 0;
	}
	if (shndx >= rd->shnum || !k->sec_by_index[shndx]) {
		kelf_error(k, "symbol %zu '%s': section index %u out of range (%zu sections)",
			   i, s->name, shndx, rd->shnum);
		return -1;
	}
	s->sec = k->sec_by_index[shndx];
	if (s->type == STT_SECTION && !s->sec->secsym)
		s->sec->secsym = s;
	return check_symbol_bounds(rd, s, i);
}

static int read_one_symbol(struct reader *rd, size_t i, struct kelf_symbol **file)
{
	struct kelf *k = rd->k;
	struct kelf_symbol *s;
	Elf32_Word xndx = 0;
	const char *name;
	uint32_t shndx;
	GElf_Sym sym;

	if (!gelf_getsymshndx(rd->symdata, rd->shndxdata, i, &sym, &xndx)) {
		kelf_error(k, "symbol %zu: cannot read it: %s", i, elf_err());
		return -1;
	}
	name = elf_strptr(rd->elf, k->strtab->index, sym.st_name);
	if (!name) {
		kelf_error(k, "symbol %zu: name offset %u is not in '%s'",
			   i, sym.st_name, k->strtab->name);
		return -1;
	}
	shndx = sym.st_shndx == SHN_XINDEX ? xndx : sym.st_shndx;
	if (GELF_ST_TYPE(sym.st_info) == STT_SECTION && !*name &&
	    shndx < rd->shnum && k->sec_by_index[shndx])
		name = k->sec_by_index[shndx]->name;
	s = kelf_symbol_alloc(k, name, &sym);
	if (!s)
		return -1;
	s->index = i;
	k->sym_by_index[i] = s;
	if (s->type == STT_FILE)
		*file = s;
	else if (s->bind == STB_LOCAL)
		s->file = *file;
	return resolve_symbol_section(rd, s, shndx, i);
}

static int read_symbols(struct reader *rd)
{
	struct kelf *k = rd->k;
	struct kelf_symbol *file = NULL;
	size_t i;

	if (find_symtab(rd))
		return -1;
	k->sym_by_index = calloc(rd->nsyms ? rd->nsyms : 1, sizeof(*k->sym_by_index));
	if (!k->sym_by_index || htab_init(&k->sym_names, rd->nsyms))
		return kelf_oom(k);
	k->sym_index_len = rd->nsyms;
	for (i = 1; i < rd->nsyms; i++)
		if (read_one_symbol(rd, i, &file))
			return -1;
	return 0;
}

/*
 * Relocations of a compressed (debug) section apply to its inflated
 * contents (kelf_uncompress()).
 */
static uint64_t inflated_size(const struct kelf_section *sec)
{
	Elf64_Chdr ch;

	if (!(sec->sh.sh_flags & SHF_COMPRESSED) || !sec->data || sec->size < sizeof(ch))
		return sec->size;
	memcpy(&ch, sec->data, sizeof(ch));
	return kelf_host_order(sec->kelf) ? ch.ch_size : __builtin_bswap64(ch.ch_size);
}

static int check_rela(struct reader *rd, struct kelf_section *sec, size_t i,
		      const struct kelf_rela *r)
{
	struct kelf *k = rd->k;
	const struct kelf_reloc_type *t = kelf_reloc_type(k, r->type);
	uint64_t size;

	if (!t) {
		kelf_error(k, "section '%s' entry %zu: unsupported relocation type %u",
			   sec->name, i, r->type);
		return -1;
	}
	if (r->addend > KELF_MAX_ADDEND || r->addend < -KELF_MAX_ADDEND) {
		kelf_error(k, "section '%s' entry %zu: addend %+ld points outside the address space",
			   sec->name, i, (long)r->addend);
		return -1;
	}
	size = inflated_size(sec->base);
	if (sec->base->sh.sh_type == SHT_NOBITS || r->offset > size ||
	    t->size > size - r->offset) {
		kelf_error(k, "section '%s' entry %zu: %s at offset 0x%lx points past the end of '%s' (size 0x%lx)",
			   sec->name, i, t->name, (unsigned long)r->offset,
			   sec->base->name, (unsigned long)size);
		return -1;
	}
	return 0;
}

static int read_one_rela(struct reader *rd, struct kelf_section *sec,
			 Elf_Data *d, size_t i)
{
	struct kelf *k = rd->k;
	struct kelf_rela *r = &sec->relas[i];
	size_t symidx;
	GElf_Rela ra;

	if (!gelf_getrela(d, i, &ra)) {
		kelf_error(k, "section '%s' entry %zu: cannot read it: %s",
			   sec->name, i, elf_err());
		return -1;
	}
	symidx = GELF_R_SYM(ra.r_info);
	if (symidx >= k->sym_index_len || (symidx && !k->sym_by_index[symidx])) {
		kelf_error(k, "section '%s' entry %zu: symbol index %zu out of range (%zu symbols)",
			   sec->name, i, symidx, k->sym_index_len);
		return -1;
	}
	r->offset = ra.r_offset;
	r->type = GELF_R_TYPE(ra.r_info);
	r->addend = ra.r_addend;
	r->sym = symidx ? k->sym_by_index[symidx] : NULL;
	return check_rela(rd, sec, i, r);
}

static bool is_relocation(const struct kelf_section *sec)
{
	return sec && (sec->sh.sh_type == SHT_RELA || sec->sh.sh_type == SHT_REL);
}

static int read_relas_of(struct reader *rd, struct kelf_section *sec)
{
	struct kelf *k = rd->k;
	Elf_Data *d;
	size_t i, n;

	if (!sec->sh.sh_info || sec->sh.sh_info >= rd->shnum) {
		kelf_error(k, "section '%s': sh_info %u does not name a section",
			   sec->name, sec->sh.sh_info);
		return -1;
	}
	if (sec->sh.sh_entsize != sizeof(Elf64_Rela) || sec->size % sizeof(Elf64_Rela)) {
		kelf_error(k, "section '%s': bad relocation entry size %lu",
			   sec->name, (unsigned long)sec->sh.sh_entsize);
		return -1;
	}
	if (!k->symtab || sec->sh.sh_link != k->symtab->index) {
		kelf_error(k, "section '%s': sh_link does not name the symbol table",
			   sec->name);
		return -1;
	}
	sec->base = k->sec_by_index[sec->sh.sh_info];
	if (is_relocation(sec->base) || is_regenerated_table(&sec->base->sh)) {
		kelf_error(k, "section '%s' relocates '%s', a table libkelf regenerates",
			   sec->name, sec->base->name);
		return -1;
	}
	if (!(sec->sh.sh_flags & SHF_RELA_LIVEPATCH))
		sec->base->rela = sec;
	n = sec->size / sizeof(Elf64_Rela);
	if (kelf_relas_reserve(sec, n))
		return -1;
	d = elf_getdata(elf_getscn(rd->elf, sec->index), NULL);
	if (n && !d) {
		kelf_error(k, "section '%s': cannot read its data: %s", sec->name, elf_err());
		return -1;
	}
	for (i = 0; i < n; i++)
		if (read_one_rela(rd, sec, d, i))
			return -1;
	sec->nr_relas = n;
	return 0;
}

/* A 32-bit word of raw section data in host order. */
static uint32_t file_word(const struct kelf *k, uint32_t w)
{
	return kelf_host_order(k) ? w : __builtin_bswap32(w);
}

static int read_group(struct reader *rd, struct kelf_section *sec)
{
	struct kelf *k = rd->k;
	size_t n = sec->size / 4, i;
	uint32_t w0, wi;

	if (!n || sec->size % 4 || !sec->data) {
		kelf_error(k, "section group '%s': bad size 0x%zx", sec->name, sec->size);
		return -1;
	}
	if (sec->sh.sh_info >= k->sym_index_len || !k->sym_by_index[sec->sh.sh_info]) {
		kelf_error(k, "section group '%s': signature symbol %u out of range",
			   sec->name, sec->sh.sh_info);
		return -1;
	}
	sec->group_sym = k->sym_by_index[sec->sh.sh_info];
	memcpy(&w0, sec->data, 4);	/* the data may be unaligned */
	sec->group_flags = file_word(k, w0);
	sec->members = calloc(n, sizeof(*sec->members));
	if (!sec->members)
		return kelf_oom(k);
	for (i = 1; i < n; i++) {
		memcpy(&wi, sec->data + 4 * i, 4);
		wi = file_word(k, wi);
		if (!wi || wi >= rd->shnum) {
			kelf_error(k, "section group '%s': member %zu has section index %u out of range",
				   sec->name, i, wi);
			return -1;
		}
		sec->members[sec->nr_members++] = k->sec_by_index[wi];
		k->sec_by_index[wi]->group = sec;
	}
	return 0;
}

/* sh_link/sh_info of any other section: never a relocation section. */
static int link_other(struct reader *rd, struct kelf_section *sec)
{
	struct kelf *k = rd->k;

	if (sec->sh.sh_link)
		sec->link = k->sec_by_index[sec->sh.sh_link];
	if ((sec->sh.sh_flags & SHF_INFO_LINK) && sec->sh.sh_info) {
		if (sec->sh.sh_info >= rd->shnum) {
			kelf_error(k, "section '%s': sh_info %u out of range",
				   sec->name, sec->sh.sh_info);
			return -1;
		}
		sec->info = k->sec_by_index[sec->sh.sh_info];
	}
	if (is_relocation(sec->link) || is_relocation(sec->info)) {
		kelf_error(k, "section '%s': sh_%s %u names relocation section '%s'",
			   sec->name, is_relocation(sec->link) ? "link" : "info",
			   is_relocation(sec->link) ? sec->sh.sh_link : sec->sh.sh_info,
			   is_relocation(sec->link) ? sec->link->name : sec->info->name);
		return -1;
	}
	return 0;
}

static int link_sections(struct reader *rd)
{
	struct kelf *k = rd->k;
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		switch (sec->sh.sh_type) {
		case SHT_RELA:
			if (!(k->flags & KELF_SYMBOLS_ONLY) && read_relas_of(rd, sec))
				return -1;
			continue;
		case SHT_REL:
			if (k->flags & KELF_SYMBOLS_ONLY)
				continue;
			kelf_error(k, "section '%s': SHT_REL relocations are not used on %s",
				   sec->name, k->arch->name);
			return -1;
		case SHT_GROUP:
			if (!(k->flags & KELF_SYMBOLS_ONLY) && read_group(rd, sec))
				return -1;
			continue;
		case SHT_SYMTAB:
		case SHT_SYMTAB_SHNDX:
			continue;
		}
		if (link_other(rd, sec))
			return -1;
	}
	return 0;
}

static int read_object(struct reader *rd)
{
	if (check_header(rd) || read_sections(rd) || read_symbols(rd) ||
	    link_sections(rd))
		return -1;
	return 0;
}

struct kelf *kelf_open(const char *path, unsigned int flags)
{
	struct reader rd = { 0 };
	struct kelf *k;
	struct stat st;

	k = kelf_alloc(path);
	if (!k)
		return NULL;
	k->flags = flags;
	rd.k = k;
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		kelf_error(k, "cannot open: %s", strerror(errno));
		goto fail;
	}
	if (fstat(k->fd, &st) || !S_ISREG(st.st_mode)) {
		kelf_error(k, "not a regular file");
		goto fail;
	}
	rd.file_size = st.st_size;
	k->elf = elf_begin(k->fd, ELF_C_READ_MMAP, NULL);
	if (!k->elf) {
		kelf_error(k, "cannot read as ELF: %s", elf_err());
		goto fail;
	}
	rd.elf = k->elf;
	if (read_object(&rd))
		goto fail;
	return k;
fail:
	kelf_close(k);
	return NULL;
}

int kelf_read_bytes(const struct kelf_section *sec, uint64_t off, void *buf,
		    size_t len)
{
	const struct kelf *k = sec->kelf;
	ssize_t n;

	if (off > sec->size || len > sec->size - off ||
	    sec->sh.sh_type == SHT_NOBITS) {
		kelf_error(k, "section '%s': %zu bytes at 0x%lx are outside its data",
			   sec->name, len, (unsigned long)off);
		return -1;
	}
	if (sec->data) {
		memcpy(buf, sec->data + off, len);
		return 0;
	}
	if ((sec->sh.sh_flags & SHF_COMPRESSED) || k->fd < 0) {
		kelf_error(k, "section '%s': its data was not loaded%s", sec->name,
			   k->fd < 0 ? " and the object has no file to read from" :
			   " (compressed)");
		return -1;
	}
	n = pread(k->fd, buf, len, (off_t)(sec->sh.sh_offset + off));
	if (n != (ssize_t)len) {
		kelf_error(k, "section '%s': cannot read %zu bytes at 0x%lx: %s",
			   sec->name, len, (unsigned long)off,
			   n < 0 ? strerror(errno) : "the file is shorter");
		return -1;
	}
	return 0;
}
