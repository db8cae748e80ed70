/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The special-section table: the tables the kernel walks at load time (bug
 * table, jump labels, alternatives, exception table, ORC, ftrace call
 * sites, …), one row per section.  A row names the section, the layouts
 * of its entries (entry size and named field offsets; the first layout is
 * the default target's, the others those of other kernels) and what
 * travels with an entry.  The rows of one architecture live in
 * special-<arch>.c; special-table.c picks the table for an object and
 * measures an entry size from the object; special.c regenerates the
 * tables.  Adding a special section is one row (doc/architecture.md).
 */
#ifndef SPECIAL_H
#define SPECIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kelf;
struct kelf_section;

#define SPECIAL_NONE	(-1)		/* a field the layout does not have */
#define SPECIAL_MAX_LAYOUTS	4

/* One entry layout: its size and where its fields are. */
struct special_layout {
	size_t size;	/* entry size in bytes; 0 ends the layout list */
	int site;	/* relocation to the code/data the entry is about: kept if it is */
	int target;	/* relocation to the replacement, fixup, jump target */
	int key;	/* relocation to the static key / static call key */
	int len;	/* u8: bytes of the payload @target points to; without
			   it a payload runs up to the next one (a .fixup group) */
};

#define SPECIAL_LAYOUT(sz, site_, target_, key_, len_) \
	{ .size = (sz), .site = (site_), .target = (target_), .key = (key_), .len = (len_) }
/* The only layout of an entry that is one relocated pointer (or s32) to a site. */
#define SPECIAL_SITE_ONLY(sz)	{ SPECIAL_LAYOUT(sz, 0, SPECIAL_NONE, SPECIAL_NONE, SPECIAL_NONE) }

/* What travels with an entry (the companion section of a row). */
enum special_companion {
	SC_NONE,
	SC_PAYLOAD,	/* bytes at @target, if in the companion, copied there */
	SC_PARALLEL,	/* entry i of the companion, a parallel array, is copied too */
};

/*
 * A site to rewrite (struct special_section.rewrite_site): the code of
 * @sec, and where the entry points (@site).  The hook edits @code in
 * place and says which relocation the new code needs, against the
 * variable the row's "*" names.
 */
struct special_rewrite {
	unsigned char *code;
	size_t size;
	uint64_t site;
	uint64_t rela_offset;		/* out */
	uint32_t rela_type;		/* out */
	int64_t rela_addend;		/* out */
};

struct special_section {
	const char *name;		/* a trailing '*' matches any rest */
	const char *size_env;		/* *_STRUCT_SIZE override, or NULL */
	/* Layouts by entry size: [0] is the default, then other kernels'. */
	struct special_layout layouts[SPECIAL_MAX_LAYOUTS];
	/* Only copied with the entries of another row (a companion). */
	bool companion_only;
	/* Refuse entries whose key lives in the parent module (jump labels, static calls). */
	bool refuse_module_key;
	/*
	 * Refuse every kept entry: the kernel fixes up such sites in its own
	 * image only (a module copy would keep the placeholder).  The text
	 * says why and what to do; "%s" in it is the part of the section
	 * name after the row's "*".
	 */
	const char *refuse_site;
	/*
	 * Instead of keeping (or refusing) the entries, make their sites
	 * independent of the table, in both objects before the diff: the
	 * hook turns the placeholder at a site into a load of the variable
	 * that the part of the section name after the row's "*" names (x86
	 * runtime_ptr_*: what the kernel's own module build emits).  0, or -1
	 * when a site is not the instruction expected: then no site of the
	 * section changes and refuse_site applies.
	 */
	int (*rewrite_site)(struct special_rewrite *w);
	/*
	 * Written by objtool.  When objtool runs on the linked patch module
	 * (--objtool-link), it writes the table for all of the module's code
	 * but skips a table the module already has, so none is copied.
	 */
	bool objtool_made;
	const char *companion;		/* section named by the companion rule */
	enum special_companion companion_kind;
};

/* One architecture's table (special-<arch>.c). */
struct special_table {
	unsigned int machine;		/* EM_* */
	const struct special_section *rows;
	size_t nr_rows;
};

extern const struct special_table special_table_x86_64;
extern const struct special_table special_table_aarch64;
extern const struct special_table special_table_ppc64le;
extern const struct special_table special_table_s390x;

/* special-table.c */
const struct special_table *special_table_for(const struct kelf *k);
/* The *_STRUCT_SIZE variables of every table, for --help. */
void special_print_size_vars(FILE *f);
const struct special_section *special_section_lookup(const struct kelf *k, const char *name);
bool special_name_matches(const char *row, const char *name);
/* The entry size set by the row's *_STRUCT_SIZE variable, or its default. */
size_t special_configured_size(const struct special_section *sp);
/*
 * The entry size the relocations of @sec show unambiguously: of the row's
 * layouts (and @also, the configured size), the one size at which every
 * entry has the same relocated fields (offset, type, code or not); when
 * none fits and @sec is no multiple of @also, the smallest such stride.
 * 0 when the object does not tell (no relocations, a single entry, or
 * several sizes fit).
 */
size_t special_measured_size(const struct special_section *sp,
			     const struct kelf_section *sec, size_t also);
/* The layout for entries of @size: the row's, or the default's fields. */
struct special_layout special_layout_for(const struct special_section *sp, size_t size);

#endif
