/* SPDX-License-Identifier: GPL-2.0-or-later */
/* create-diff-object: shared state of the pipeline stages. */
#ifndef CDO_H
#define CDO_H

#include <stdbool.h>
#include <stdio.h>
#include "kelf.h"

/* Exit codes (documented in --help and the man page). */
#define EXIT_CHANGED	0	/* changes found, OUTPUT.o written */
#define EXIT_ERROR	1	/* bad input, internal error */
#define EXIT_REFUSED	2	/* the change cannot be livepatched */
#define EXIT_NOCHANGE	3	/* no functional change */

enum status { ST_UNKNOWN, ST_SAME, ST_CHANGED, ST_NEW };

/* What a section is, from the name table in sections.c. */
enum sec_kind {
	SK_UNKNOWN,
	SK_TEXT,	/* code: functions */
	SK_DATA,	/* writable data objects */
	SK_RODATA,	/* read-only data objects */
	SK_STRINGS,	/* SHF_MERGE|SHF_STRINGS literals */
	SK_BSS,
	SK_SPECIAL,	/* table regenerated entry by entry (special.c) */
	SK_INIT,	/* __init/__exit code and data: changes refused */
	SK_DROP,	/* not needed in a patch (debug, notes, exports …) */
	SK_SYMTAB,	/* symtab, strtab, shstrtab, rela, group */
};

struct special_section;

struct sec_info {
	struct kelf_section *twin;
	enum sec_kind kind;
	const struct special_section *special;
	enum status status;
	bool include;		/* whole section copied (strings, anonymous data) */
	struct kelf_section *out;	/* the copy in the output object */
	bool relocs_done;
	bool ignored;		/* KPATCH_IGNORE_SECTION */
};

struct sym_info {
	struct kelf_symbol *twin;
	enum status status;
	bool include;
	bool special_static;	/* never correlated: always a new copy */
	bool ignored;		/* KPATCH_IGNORE_FUNCTION */
	struct kelf_symbol *parent;	/* .cold/.part child → parent */
	struct kelf_symbol *pfx;	/* __pfx_ symbol in front of a function */
	bool is_pfx;			/* this is one: copied as its function's
					   entry prefix, never on its own */
	char *canon;		/* name with compiler numbering removed */
	struct kelf_symbol *out;	/* the copy (or external reference) */
	const char *reason;	/* why it changed, for the report */
};

static inline struct sec_info *SI(const struct kelf_section *s)
{
	return s->priv;
}

static inline struct sym_info *YI(const struct kelf_symbol *s)
{
	return s->priv;
}

struct parent_symtab;

struct cdo {
	const char *orig_path, *patched_path, *parent, *parent_symtab;
	const char *symvers, *patch_name, *out_path, *report_path;
	bool debug;
	bool list_sympos;	/* --list-sympos: list the parent and stop */
	bool objtool_link;	/* --objtool-link: objtool writes its tables itself */
	struct kelf *orig, *patched, *out;
	struct parent_symtab *ps;
	int nr_changed, nr_new_funcs, nr_new_data, nr_callbacks;
	int refusals;
};

/* report.c: messages, refusals and the JSON report */
void cdo_log(struct cdo *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cdo_debug(struct cdo *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cdo_warn(struct cdo *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cdo_refuse(struct cdo *c, const struct kelf_symbol *sym, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cdo_error(struct cdo *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_function(struct cdo *c, const char *kind, const struct kelf_symbol *s,
		     const char *reason);
int report_write(struct cdo *c, int exit_code);
void report_free(void);

/* dwarf.c: "file:line" where @sym is declared, or NULL */
const char *source_location(const char *path, const char *sym, char *buf, size_t len);
/* dwarf.c: "a (line 12), b (line 40)": functions inlined into @sym, or NULL */
const char *inlined_functions(const char *path, const char *sym, char *buf, size_t len);

/* rewrite.c: sites made independent of their table (special_section.rewrite_site) */
int rewrite_sites(struct cdo *c, struct kelf *k);

/* prepare.c: per-element state, bundling, children, canonical names */
int prepare_object(struct cdo *c, struct kelf *k);
bool is_function(const struct kelf_symbol *s);
bool is_data_object(const struct kelf_symbol *s);
const char *canon_name(const char *name, char *buf, size_t len);

/* sections.c: the section name table */
enum sec_kind section_kind(const struct kelf_section *sec);
const char *sec_kind_name(enum sec_kind k);
/* klpkit's name (malloc'ed) of a section named by kpatch's macros, or NULL */
char *section_alias(const char *name);
bool is_per_use_section(const struct kelf_section *sec);

/* correlate.c */
int correlate(struct cdo *c);

/* compare.c */
int compare(struct cdo *c);
const char *element_diff(struct kelf_symbol *o, struct kelf_symbol *p);
bool rela_targets_equal(struct kelf_section *ra, const struct kelf_rela *a,
			struct kelf_section *rb, const struct kelf_rela *b);

/* include.c */
int include_changes(struct cdo *c);
bool is_callback_section(const struct kelf_section *s);

/* output.c */
int build_output(struct cdo *c);
struct kelf_symbol *out_reference(struct cdo *c, struct kelf_section *relasec,
				  const struct kelf_rela *r, int64_t *addend);
struct kelf_symbol *symbol_ending_at(struct kelf_section *sec, int64_t off);
int copy_range_relas(struct cdo *c, struct kelf_section *from, uint64_t start,
		     uint64_t len, struct kelf_section *to, uint64_t to_off);

/* special.c (the table: special.h) */
int build_special_sections(struct cdo *c);

/* parent.c: the parent's symbol table, Module.symvers, positions */
struct parent_symtab *parent_open(const char *parent, const char *symtab,
				  const char *symvers);
void parent_close(struct parent_symtab *ps);
bool parent_is_exported(struct parent_symtab *ps, const char *name);
int parent_sympos(struct cdo *c, const struct kelf_symbol *sym, long *pos);
/* --list-sympos: every kallsyms symbol of the parent with its position. */
int parent_list(struct parent_symtab *ps, FILE *f);
bool parent_is_vmlinux(const struct parent_symtab *ps);

/* meta.c: .klpkit.* metadata */
int build_metadata(struct cdo *c);

#endif
