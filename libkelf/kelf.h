/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkelf: the ELF object model shared by create-diff-object and klp-convert.
 *
 * An object is read into sections, symbols and relocations that point at
 * each other (no raw indices survive the read), indexed by name in hash
 * tables.  Tools edit the model (add/remove sections, symbols, relocations)
 * and kelf_write() lays out a fresh relocatable object: string tables are
 * rebuilt, symbols are ordered locals first, every index is recomputed.
 *
 * Errors are printed as "FILE: error: ELEMENT: what" on stderr; functions
 * return NULL or -1 and never abort on malformed input.
 */
#ifndef KELF_H
#define KELF_H

#include <gelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hash.h"
#include "list.h"

#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif

/*
 * Largest section alignment accepted on read: 8 times the largest one in
 * Debian 6.1's vmlinux and modules (8 KiB, the init stack).  An absurd
 * alignment would make the writer pad the output to gigabytes.
 */
#define KELF_MAX_ALIGN		0x10000
/* Largest SHT_NOBITS section accepted on read (a .bss of 4 GiB). */
#define KELF_MAX_NOBITS		0x100000000UL
/*
 * Largest relocation addend accepted on read, either sign: x86-64 has 48
 * address bits, so no target lies further from a symbol.  With offsets and
 * sizes bounded by the file or KELF_MAX_NOBITS, "value + addend + bias"
 * never overflows.
 */
#define KELF_MAX_ADDEND		(1L << 47)

struct kelf;
struct kelf_arch;
struct kelf_section;
struct kelf_symbol;

struct kelf_rela {
	uint64_t offset;		/* in the base section */
	uint32_t type;			/* the arch's, e.g. R_X86_64_PC32 */
	int64_t addend;
	struct kelf_symbol *sym;
};

struct kelf_section {
	struct list_head list;
	struct hnode name_node;
	struct kelf *kelf;
	unsigned int index;		/* valid after read and after write */
	char *name;
	GElf_Shdr sh;			/* sh_name/offset/link/info: see below */
	unsigned char *data;		/* NULL for SHT_NOBITS */
	size_t size;			/* == sh.sh_size */
	bool data_owned;

	/* Resolved cross references (the raw sh_link/sh_info are ignored on write). */
	struct kelf_section *base;	/* SHT_RELA: the section relocated */
	struct kelf_section *rela;	/* the SHT_RELA applying to this one */
	struct kelf_section *link;	/* other sh_link targets (SHF_LINK_ORDER…) */
	struct kelf_section *info;	/* SHF_INFO_LINK target of a non-rela */
	struct kelf_symbol *secsym;	/* its STT_SECTION symbol, if any */

	/* SHT_RELA */
	struct kelf_rela *relas;
	size_t nr_relas, relas_cap;
	/* relas[] positions sorted by offset (kelf_rela_at, built on demand) */
	size_t *rela_order;
	size_t rela_order_len;
	const struct kelf_rela *rela_order_of;

	/* SHT_GROUP */
	struct kelf_symbol *group_sym;	/* signature */
	uint32_t group_flags;		/* GRP_COMDAT */
	struct kelf_section **members;
	size_t nr_members;
	struct kelf_section *group;	/* member of this group */

	/* Instruction starts of a code section (decoded on demand). */
	uint32_t *insn_starts;
	size_t nr_insns;
	bool insns_decoded, insns_ok;

	/* Symbols defined here, sorted by value (built on demand). */
	struct kelf_symbol **syms;
	size_t nr_syms;
	uint64_t max_sym_size;		/* the largest st_size among them */
	bool syms_sorted;

	void *priv;			/* for the tool */
};

struct kelf_symbol {
	struct list_head list;
	struct hnode name_node;
	struct kelf *kelf;
	unsigned int index;		/* valid after read and after write */
	char *name;
	GElf_Sym sym;			/* st_name/st_shndx are recomputed on write */
	unsigned char bind, type, vis;
	struct kelf_section *sec;	/* NULL: see shndx */
	uint32_t shndx;			/* SHN_UNDEF/ABS/COMMON/LIVEPATCH if !sec */
	bool sec_removed;		/* its section was removed (an error to write) */
	struct kelf_symbol *file;	/* STT_FILE block a local belongs to */
	void *priv;			/* for the tool */
};

struct kelf {
	char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	const struct kelf_arch *arch;	/* from e_machine (never NULL) */
	struct list_head sections;	/* file order */
	struct list_head symbols;	/* file order; null symbol excluded */
	size_t nr_sections, nr_symbols;	/* live counts, excluding index 0 */
	struct htab sec_names, sym_names;
	/* Index maps, valid after read and after write. */
	struct kelf_section **sec_by_index;
	size_t sec_index_len;
	struct kelf_symbol **sym_by_index;
	size_t sym_index_len;
	struct kelf_section *symtab, *strtab, *shstrtab, *symtab_shndx;
	unsigned int flags;
	bool syms_valid;		/* per-section sorted symbol arrays */
};

/* kelf_open() flags */
#define KELF_ANY_TYPE		0x1	/* accept ET_EXEC/ET_DYN (vmlinux) too */
#define KELF_SYMBOLS_ONLY	0x2	/* skip relocations and section data */

/*
 * kelf_open() refuses an object whose e_machine has no kelf_arch.
 * kelf_new() makes an empty object with the ELF header and arch of @like;
 * kelf_new_arch() an empty relocatable object for @arch.
 */
struct kelf *kelf_open(const char *path, unsigned int flags);
struct kelf *kelf_new(const struct kelf *like, const char *path);
struct kelf *kelf_new_arch(const struct kelf_arch *arch, const char *path);
void kelf_close(struct kelf *k);
int kelf_write(struct kelf *k, const char *path);

/*
 * An output file that appears atomically (kelf_write() uses one): write
 * to ->fd, then commit (close, rename over @path) or abort (remove).  A
 * fatal signal (SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGXFSZ) while it is open
 * removes the temporary file before the process ends.  Errors are printed
 * as "PATH: error: ...".
 */
struct kelf_outfile {
	const char *path;
	char *tmp;
	int fd;			/* -1 once closed by the caller (fdopen+fclose) */
	int slot;
};
int kelf_outfile_open(struct kelf_outfile *o, const char *path);
int kelf_outfile_commit(struct kelf_outfile *o);
void kelf_outfile_abort(struct kelf_outfile *o);

/* Messages: "PATH: error: ...", "PATH: warning: ..." */
void kelf_error(const struct kelf *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kelf_verror(const struct kelf *k, const char *fmt, va_list ap);
void kelf_warn(const struct kelf *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Lookups */
struct kelf_section *kelf_find_section(const struct kelf *k, const char *name);
struct kelf_symbol *kelf_find_symbol(const struct kelf *k, const char *name);
struct kelf_symbol *kelf_find_next_symbol(const struct kelf_symbol *prev);
struct kelf_section *kelf_section_by_index(const struct kelf *k, size_t idx);
struct kelf_symbol *kelf_symbol_by_index(const struct kelf *k, size_t idx);

/* Iterate over every symbol called @nm (names are not unique). */
#define kelf_for_each_symbol_named(s, k, nm) \
	for (s = kelf_find_symbol(k, nm); s; s = kelf_find_next_symbol(s))

#define kelf_for_each_section(s, k) list_for_each_entry(s, &(k)->sections, list)
#define kelf_for_each_symbol(s, k) list_for_each_entry(s, &(k)->symbols, list)

/* The FUNC/OBJECT symbol of @sec covering @offset (NULL if none). */
struct kelf_symbol *kelf_symbol_at(struct kelf_section *sec, uint64_t offset);
/*
 * The function whose entry prefix (kelf_entry_prefix(): bytes in front of
 * it that belong to it) holds @offset of @sec, or NULL.
 */
struct kelf_symbol *kelf_prefix_owner(struct kelf_section *sec, uint64_t offset);
/*
 * The first (by start, then index) sized symbol of @sec that ends exactly
 * at @offset and that @want accepts (NULL: any), or NULL.
 */
struct kelf_symbol *kelf_symbol_ending_at(struct kelf_section *sec, uint64_t offset,
					  bool (*want)(const struct kelf_symbol *s));
/*
 * Where a relocation really points: a section symbol plus addend is
 * resolved to the symbol covering the target and the offset inside it.
 * Returns the symbol (possibly the section symbol when nothing covers the
 * target, or the original symbol) and stores the offset from its start.
 */
struct kelf_symbol *kelf_rela_target(const struct kelf_section *relasec,
				     const struct kelf_rela *r, int64_t *off);

/*
 * The first relocation (in file order) of @relasec at @offset of its base,
 * or NULL.  A sorted index is built on first use and rebuilt when
 * relocations were added (kelf_rela_add) or the array was shrunk or moved;
 * a tool that rewrites relas[].offset in place calls kelf_invalidate_relas().
 */
struct kelf_rela *kelf_rela_at(struct kelf_section *relasec, uint64_t offset);
void kelf_invalidate_relas(struct kelf_section *relasec);
/*
 * The relocations of @relasec (may be NULL) at offsets [start, end) of its
 * base, in offset order (file order among equal offsets), through the same
 * index: @pos is the iterator's position.  Do not add relocations to
 * @relasec while iterating.
 */
struct kelf_rela *kelf_rela_first_in(struct kelf_section *relasec, uint64_t start,
				     uint64_t end, size_t *pos);
struct kelf_rela *kelf_rela_next_in(struct kelf_section *relasec, uint64_t end, size_t *pos);
#define kelf_for_each_rela_in(r, relasec, start, end, pos)		\
	for (r = kelf_rela_first_in(relasec, start, end, &(pos)); r;	\
	     r = kelf_rela_next_in(relasec, end, &(pos)))

static inline bool kelf_is_rela(const struct kelf_section *s)
{
	return s->sh.sh_type == SHT_RELA;
}

static inline bool kelf_is_text(const struct kelf_section *s)
{
	return s->sh.sh_type == SHT_PROGBITS && (s->sh.sh_flags & SHF_EXECINSTR);
}

static inline bool kelf_is_local(const struct kelf_symbol *s)
{
	return s->bind == STB_LOCAL;
}

/* Editing */
struct kelf_section *kelf_add_section(struct kelf *k, const char *name,
				      const GElf_Shdr *sh, const void *data,
				      size_t size);
struct kelf_section *kelf_add_rela_section(struct kelf *k,
					   struct kelf_section *base);
/*
 * A further relocation section named @name for @base, such as a livepatch
 * ".klp.rela.OBJ.SEC" section; its flags are SHF_INFO_LINK | @flags.
 * @base->rela is left alone: it stays the ordinary ".rela" section (the
 * reader never makes a SHF_RELA_LIVEPATCH section the ->rela of its base),
 * so one base may have several relocation sections.
 */
struct kelf_section *kelf_add_rela_section_named(struct kelf *k,
						 struct kelf_section *base,
						 const char *name,
						 uint64_t flags);
int kelf_set_data(struct kelf_section *sec, const void *data, size_t size);
struct kelf_symbol *kelf_add_symbol(struct kelf *k, const char *name,
				    unsigned char bind, unsigned char type,
				    struct kelf_section *sec, uint64_t value,
				    uint64_t size);
int kelf_rela_add(struct kelf_section *relasec, uint64_t offset,
		  uint32_t type, struct kelf_symbol *sym, int64_t addend);
int kelf_rename_symbol(struct kelf_symbol *s, const char *name);
int kelf_rename_section(struct kelf_section *s, const char *name);
void kelf_remove_section(struct kelf_section *sec);
void kelf_remove_symbol(struct kelf_symbol *sym);
/* Sorted symbol list of a section is rebuilt after edits. */
void kelf_invalidate_syms(struct kelf_section *sec);

/*
 * Copy @len bytes at offset @off of @sec into @buf: from the loaded data,
 * or from the file when the object was opened KELF_SYMBOLS_ONLY (to read
 * a few bytes of a large vmlinux).  -1 after an error message.
 */
int kelf_read_bytes(const struct kelf_section *sec, uint64_t off, void *buf,
		    size_t len);

/* SHF_COMPRESSED sections: inflate in place (clears the flag). */
int kelf_uncompress(struct kelf_section *sec);

/*
 * Offset just past the instruction of code section @sec that contains
 * @off, or -1 if the section cannot be decoded (by its object's arch).
 */
int64_t kelf_insn_end(struct kelf_section *sec, uint64_t off);

/* Relocation types: one table per architecture (libkelf/arch-NAME.c). */
struct kelf_reloc_type {
	uint32_t type;
	const char *name;
	unsigned char size;	/* bytes patched, 0 for the arch's "none" type */
	bool pcrel;		/* target = S + A - P: the addend is biased */
	bool klp;		/* the livepatch loader (apply_relocate_add) writes it */
	/*
	 * The field is bits of an instruction word (aarch64 CALL26, ppc64
	 * TOC16_LO_DS, ...): the assembler leaves it zero, and the rest of
	 * the word (registers, opcode) must still be compared.
	 */
	bool insn;
};

/*
 * What libkelf and the tools know about one target architecture.  An
 * object's arch is chosen from its e_machine when it is read and copied
 * by kelf_new(); the tools ask k->arch instead of naming relocation
 * types, opcodes or ftrace symbols.
 *
 * Adding an architecture: a new libkelf/arch-NAME.c that defines
 * "const struct kelf_arch kelf_arch_NAME", and its row in the list in
 * libkelf/arch.c.
 */
struct kelf_arch {
	const char *name;		/* "x86_64" */
	uint16_t machine;		/* e_machine, e.g. EM_X86_64 */
	unsigned char data;		/* EI_DATA: ELFDATA2LSB or ELFDATA2MSB */

	/* Relocation types indexed by type; a row without a name is unsupported. */
	const struct kelf_reloc_type *relocs;
	size_t nr_relocs;
	uint32_t reloc_none;		/* patches nothing */
	uint32_t reloc_abs64;		/* a 64-bit absolute pointer, S + A */

	/*
	 * Bias to add to the addend of @r to get the offset of its target
	 * (kelf_target_bias()); 0 where PC-relative means "from the field".
	 */
	int64_t (*target_bias)(const struct kelf_section *relasec,
			       const struct kelf_rela *r);
	/* Is @r the displacement of a call or a (conditional) jump? */
	bool (*is_branch)(const struct kelf_section *relasec,
			  const struct kelf_rela *r);
	/*
	 * The instruction decoder: fills @sec->insn_starts and ->nr_insns
	 * with where every instruction starts; 0 if the whole section decoded.
	 */
	int (*decode)(struct kelf_section *sec);

	/*
	 * The ftrace entry convention: a traceable function calls
	 * @ftrace_call (x86: __fentry__, ppc64le: _mcount) within its first
	 * @ftrace_window bytes, and the compiler records those calls in
	 * @ftrace_loc_section (__mcount_loc).  Without @ftrace_call the entry
	 * is a patchable NOP with no relocation (aarch64's
	 * -fpatchable-function-entry, s390x's -mnop-mcount): then the record in
	 * @ftrace_loc_section pointing into the window is the evidence.
	 * kelf_has_ftrace_entry() applies it.
	 */
	const char *ftrace_call;
	unsigned int ftrace_window;
	const char *ftrace_loc_section;

	/*
	 * Bytes before function @f that belong to it (x86-64: the NOP padding
	 * of -fpatchable-function-entry=N,N; ppc64le -mcmodel=large:
	 * the ".quad .TOC.-." its global entry loads); NULL: none.
	 */
	unsigned int (*entry_prefix)(const struct kelf_symbol *f);
	/*
	 * The name prefix of the symbol a tool gives those bytes (x86-64:
	 * objtool's "__pfx_" + the function's name); NULL: none.
	 * kelf_padding_of() applies it.
	 */
	const char *padding_symbol;
	/*
	 * A table of pointers the code reaches by offset (ppc64's .toc): a
	 * reference to "table + N" means the target of the table's entry N.
	 */
	const char *pointer_table;
	/*
	 * Why @r (of a type the loader writes) still cannot refer to a
	 * symbol outside the module, or NULL if it can (ppc64le: a call with
	 * no nop after it for the TOC restore); NULL hook: always can.
	 */
	const char *(*external_refusal)(const struct kelf_section *relasec,
					const struct kelf_rela *r);
	/*
	 * Tables the module loader walks before livepatch writes the
	 * relocations of modules (x86-64 6.2+: .call_sites, .static_call_sites);
	 * ended by an empty name; NULL: none.
	 */
	const struct kelf_load_table *load_tables;
	/*
	 * Indirect branch tracking (x86 IBT): an indirect call must land on
	 * the @endbr_len bytes @endbr at the function's entry.  The linked
	 * kernel (and each module) lists in @endbr_seal_section (s32 offsets,
	 * each relative to its own entry) the ENDBR of every function it never
	 * takes the address of, and turns those into NOPs when it boots (or
	 * loads the module).  NULL: no such convention.
	 */
	const unsigned char *endbr;
	unsigned int endbr_len;
	const char *endbr_seal_section;
	/*
	 * Allocated sections whose references to a function are not meant
	 * for an indirect branch (objtool's validate_ibt() list), NULL-ended.
	 */
	const char *const *endbr_exempt;
	/*
	 * Name prefixes of functions that have no ENDBR by design and whose
	 * address only serves text patching, never an indirect call (x86:
	 * static call trampolines, ANNOTATE_NOENDBR), NULL-ended.
	 */
	const char *const *noendbr_prefixes;
	/*
	 * The assembler's mapping symbols (ARM ELF: "$x" before code, "$d"
	 * before data, either optionally followed by '.' and anything): local,
	 * untyped, of size 0 and many of one name, they say what kind of bytes
	 * follow and name nothing.  NULL-ended; NULL: the arch has none.
	 */
	const char *const *mapping_symbols;
};

/*
 * One table of the loader (struct kelf_arch.load_tables): entries of
 * @entry_size bytes with an s32 PC-relative reference at @field.  With
 * @insn_disp >= 0 the reference points at an instruction whose displacement
 * at +@insn_disp the loader reads; with -1 it reads the reference itself.
 */
struct kelf_load_table {
	const char *name;
	unsigned int entry_size;
	unsigned int field;
	int insn_disp;
};

/* The arch of e_machine @machine, or of that name; NULL if unknown. */
const struct kelf_arch *kelf_arch_by_machine(uint16_t machine);
const struct kelf_arch *kelf_arch_by_name(const char *name);
/* A name for e_machine @machine in messages ("aarch64", "unknown"). */
const char *kelf_machine_name(uint16_t machine);
/* The supported architectures, for messages ("x86_64"). */
const char *kelf_arch_names(void);

/* Relocation type @type of @k's arch, or NULL if unsupported. */
const struct kelf_reloc_type *kelf_reloc_type(const struct kelf *k, uint32_t type);
/* Does the livepatch loader write relocation type @type of @k's arch? */
bool kelf_reloc_klp(const struct kelf *k, uint32_t type);
/*
 * Bias to add to an addend to get the offset of the target: on x86-64 a
 * PC-relative displacement in code is relative to the end of the
 * instruction, so its addend is the target minus the bytes that follow
 * the relocated field.
 */
int64_t kelf_target_bias(const struct kelf_section *relasec,
			 const struct kelf_rela *r);
/* Is relocation @r of @relasec the displacement of a call or jump? */
bool kelf_is_branch(const struct kelf_section *relasec, const struct kelf_rela *r);
/* Does function @f carry its arch's ftrace entry hook (x86: a __fentry__ call)? */
bool kelf_has_ftrace_entry(const struct kelf_symbol *f);
/*
 * Why relocation @r of @relasec cannot refer to a symbol outside the
 * module (the loader does not write its type, or the arch's rule), or NULL.
 */
const char *kelf_external_refusal(const struct kelf_section *relasec,
				  const struct kelf_rela *r);
/*
 * Are references from @sec to a function never called through (its arch's
 * endbr_exempt list: alternatives, exception tables, ...)?
 */
bool kelf_endbr_exempt(const struct kelf_section *sec);
/* Is function @name one its arch leaves without ENDBR by design? */
bool kelf_noendbr_by_design(const struct kelf *k, const char *name);
/*
 * Is @s one of its arch's mapping symbols ($x, $d)?  They never cover
 * code or data: kelf_symbol_at() and kelf_rela_target() pass over them.
 */
bool kelf_is_mapping_symbol(const struct kelf_symbol *s);
/* Bytes before function @f that belong to it (copied with it), usually 0. */
unsigned int kelf_entry_prefix(const struct kelf_symbol *f);
/*
 * The name of the function whose entry prefix @s names (x86-64: "foo" for
 * a function symbol "__pfx_foo"), or NULL if @s is no such symbol.
 */
const char *kelf_padding_of(const struct kelf_symbol *s);
/*
 * If @r of @relasec points into its arch's pointer table (ppc64 .toc),
 * the table entry's own relocation and section; else NULL.
 */
const struct kelf_rela *kelf_pointer_entry(const struct kelf_section *relasec,
					   const struct kelf_rela *r,
					   struct kelf_section **entry_relasec);

/*
 * Kallsyms positions (sympos.c, which cites the kernel code it mirrors): a
 * symbol of vmlinux or of a module as the livepatch core counts it when it
 * resolves NAME,POS.  Filled from a libkelf symbol by kelf_ksym_init(), or
 * by hand from a symbol table without section headers (sec_known false).
 */
struct kelf_ksym {
	const char *name;
	uint64_t value;
	size_t index;		/* symbol table index: a module's kallsyms order */
	unsigned char bind, type;
	uint32_t shndx;		/* SHN_UNDEF, SHN_ABS, SHN_COMMON, or a section */
	bool named;		/* st_name != 0 */
	bool sec_known;		/* secname and secflags are valid */
	const char *secname;
	uint64_t secflags;
};
enum kelf_ksyms_view {
	KELF_KSYMS_VMLINUX,		/* the kallsyms of vmlinux */
	KELF_KSYMS_MODULE,		/* a loaded module: its core symbols */
	KELF_KSYMS_MODULE_LOADING,	/* a module still loading: all but undefined */
};
void kelf_ksym_init(struct kelf_ksym *k, const struct kelf_symbol *s);
bool kelf_ksym_visible(const struct kelf_ksym *k, enum kelf_ksyms_view v);
/* Kallsyms order of two symbols in view @v (a qsort()-style result). */
int kelf_ksym_cmp(const struct kelf_ksym *a, const struct kelf_ksym *b,
		  enum kelf_ksyms_view v);
enum kelf_sympos_result {
	KELF_SYMPOS_OK,
	KELF_SYMPOS_HIDDEN,	/* not in kallsyms (of a loaded module) */
	KELF_SYMPOS_UNSTABLE,	/* a module position that changes once loaded */
};
struct kelf_sympos {
	enum kelf_sympos_result result;
	unsigned long pos;	/* 0 if the name is unique, else 1-based */
	size_t nr, nr_loading;	/* same-named symbols in kallsyms (loaded, loading) */
	long index, index_loading;	/* 0-based place of the symbol, -1: absent */
};
/*
 * The position of @sym among the @n symbols @same of one object called
 * like it (any order, @sym included).  Returns 0, or -1 when there is no
 * valid position (out->result says why).
 */
int kelf_sympos(const struct kelf_ksym *const *same, size_t n,
		const struct kelf_ksym *sym, bool vmlinux, struct kelf_sympos *out);

/*
 * Module.symvers (symvers.c): who exports what.  A malformed line is an
 * error ("FILE:LINE: error: ...", NULL returned); /dev/null is empty.
 */
struct kelf_export {
	struct hnode node;
	char *name;
	char *module;		/* "vmlinux" or the module name ('-' made '_') */
	unsigned long crc;
};
struct kelf_symvers;
struct kelf_symvers *kelf_symvers_read(const char *path);
const struct kelf_export *kelf_symvers_find(const struct kelf_symvers *sv,
					    const char *name);
void kelf_symvers_free(struct kelf_symvers *sv);

#endif
