/* SPDX-License-Identifier: GPL-2.0-or-later */
/* klp-convert: shared declarations of its parts. */
#ifndef KLP_CONVERT_H
#define KLP_CONVERT_H

#include <stdbool.h>
#include <stdio.h>
#include "kelf.h"
#include "klpkit-meta.h"

/* Exit codes (--help, man/klp-convert.1). */
#define KC_EXIT_OK		0
#define KC_EXIT_ERROR		1	/* I/O, malformed input, out of memory */
#define KC_EXIT_USAGE		2
#define KC_EXIT_REFUSED		3	/* the module cannot be converted */
#define KC_EXIT_CHECK		4	/* --check found a load-time failure */

/*
 * Limits of 6.1's parser (kernel/livepatch/core.c):
 *   sscanf(name, ".klp.sym.%55[^.].%511[^,],%lu", obj, sym, &pos)
 *   sscanf(secname, ".klp.rela.%55[^.]", obj)
 */
#define KLP_OBJNAME_MAX		55
#define KLP_SYMNAME_MAX		511
#define KLP_SYM_PREFIX		KLPKIT_SYM_PREFIX
#define KLP_RELA_PREFIX		KLPKIT_RELA_PREFIX
#define VMLINUX			"vmlinux"

/* klpsym.c: the ".klp.sym.OBJ.NAME,POS" names */
struct klpsym {
	char obj[KLP_OBJNAME_MAX + 1];
	char name[KLP_SYMNAME_MAX + 1];
	unsigned long pos;
};

bool klpsym_is(const char *s);
/* 0 on success; otherwise -1 and *why says what is wrong. */
int klpsym_parse(const char *s, struct klpsym *out, const char **why);
/* Checks an object name and a symbol name against the loader's limits. */
int klpsym_check_obj(const char *obj, const char **why);
int klpsym_check_name(const char *name, const char **why);
/* Allocates ".klp.sym.OBJ.NAME,POS". */
char *klpsym_format(const char *obj, const char *name, unsigned long pos);
/* Parses the object of ".klp.rela.OBJ.SEC"; -1 if malformed. */
int klprela_obj(const char *secname, char *obj, const char **why);
/* Module names as the kernel knows them: '-' → '_'. */
void modname_normalize(char *s);

/*
 * loadtables.c: removes the entries of the arch's load_tables the loader
 * would read before livepatch relocates them; @note is told about each
 * table that lost entries.  0, or -1 on error.
 */
typedef void (*prune_note_fn)(void *arg, const struct kelf_load_table *lt, size_t removed);
int prune_load_tables(struct kelf *k, prune_note_fn note, void *arg);

/* symbols.c: symbol tables of the target kernel, kallsyms positions */
struct target {
	struct list_head list;
	char *name;		/* "vmlinux" or the module name */
	char *path;
	struct kelf *kelf;	/* loaded on first use, symbols only */
	bool vmlinux;
	bool failed;		/* loading failed (already reported) */
	/* endbr.c: its seal list (IBT), read on first use */
	bool seal_read, seal_failed;
	bool ibt;		/* it has the arch's seal section */
	struct seal_loc *sealed;	/* sorted */
	size_t nr_sealed;
	struct kelf *full;	/* a module read whole for its seal list */
};

struct targets {
	struct list_head list;
	const char *modules_dir;	/* --modules: looked up by name */
	bool dir_indexed;
	struct htab dir_index;		/* module name → path */
};

void targets_init(struct targets *tg);
void targets_free(struct targets *tg);
/* "OBJ=PATH" or "PATH" (vmlinux* → vmlinux, NAME.ko → NAME); -1 if bad. */
int targets_add_spec(struct targets *tg, const char *spec);
/* The loaded table of @obj, or NULL (unknown object, or it failed to load). */
struct target *targets_get(struct targets *tg, const char *obj);
/* Whether @obj has a table (given or found in --modules), without loading. */
bool targets_known(struct targets *tg, const char *obj);

/* Same-named symbols of a target in kallsyms order. */
struct symlist {
	struct kelf_symbol **v;
	size_t n, cap;
};
void symlist_free(struct symlist *l);

/*
 * Resolve NAME,POS in @t as the 6.1 loader does (klp_find_object_symbol).
 * For a module both views are tried: the core symbols of a loaded module
 * and the full table of a module that is still loading (late patching);
 * they must agree.  Returns the symbol, or NULL with a reason in @why
 * (static buffer) and, when useful, the candidates printed to @f.
 */
struct kelf_symbol *target_resolve(struct target *t, const char *name,
				   unsigned long pos, const char **why);
/* The position of @sym (a symbol of @t) for a .klp.sym name; -1 + why. */
int target_position(struct target *t, struct kelf_symbol *sym,
		    unsigned long *pos, const char **why);
/* Globals (GLOBAL/WEAK, defined, visible to kallsyms) called @name. */
int target_globals(struct target *t, const char *name, struct symlist *out);
/* Every kallsyms-visible symbol called @name, in kallsyms order. */
int target_candidates(struct target *t, const char *name, struct symlist *out);
/* Print the candidates for @name as ".klp.sym.OBJ.NAME,POS  addr  file". */
void target_print_candidates(FILE *f, struct target *t, const char *name);
/*
 * Every kallsyms-visible symbol in kallsyms order ("--list"): ADDRESS TYPE
 * NAME POSITION (the .klp.sym position, "?" if a module symbol has none).
 */
int target_dump(FILE *f, struct target *t);

/* funcs.c: the patch module's .klpkit.funcs and .klpkit.callbacks.* */
struct kfunc {
	const char *name;	/* old function name */
	const char *objname;
	unsigned long sympos;
	const char *new_name;	/* the replacement's symbol, for messages */
	struct kelf_section *new_sec;	/* where the replacement is */
};
struct kcallback {
	const char *kind;	/* "pre_patch" ... */
	const char *objname;	/* NULL: not filled in */
	const char *fn_name;
	struct kelf_section *fn_sec;
};
struct kmeta {
	struct kfunc *funcs;
	size_t nr_funcs;
	struct kcallback *cbs;
	size_t nr_cbs;
};
/* 0 (also when the sections are absent), -1 after an error message. */
int kmeta_read(struct kelf *k, struct kmeta *m);
void kmeta_free(struct kmeta *m);
/* Build-time version of the template's checks; returns the problem count. */
int kmeta_check(struct kelf *k, const struct kmeta *m);

/* modinfo.c: .modinfo and __versions */
const char *modinfo_get(struct kelf *k, const char *key);
/* Sets key=value: rewrites in place if it fits, else appends. */
int modinfo_set(struct kelf *k, const char *key, const char *value);
/* Drops the __versions entries of the named symbols; returns the count. */
int versions_drop(struct kelf *k, char *const *names, size_t n);
/* The klpkit_funcs tag value for @m (allocated). */
char *kmeta_funcs_tag(const struct kmeta *m);

/*
 * Why a relocation in section @secname cannot refer to a symbol of a
 * module (written late, when that module loads), or NULL if it can.
 */
const char *late_reloc_refusal(const char *secname);

/*
 * endbr.c: indirect branch targets (x86 IBT).  endbr_load() reads @t's seal
 * list if it has one (0 also when it has none, -1 after an error).
 * endbr_problem(): 1 if an indirect call to function @f of @t would fault
 * ("Missing ENDBR"), with the reason in *why; 0 if not, or if @t has no
 * seal list (a kernel without IBT); -1 after an error.
 */
struct seal_loc;
int endbr_load(struct target *t);
int endbr_problem(struct target *t, const struct kelf_symbol *f, const char **why);
void endbr_free(struct target *t);

/*
 * srcline.c: "FILE:LINE" in @buf from the DWARF of the object at @path:
 * of offset @off of code section @sec, or (@var not NULL) where variable
 * @var is defined; NULL when it has no such DWARF.
 */
const char *source_line(const char *path, const struct kelf_section *sec,
			uint64_t off, const char *var, char *buf, size_t len);

/* convert.c */
struct options {
	const char *in, *out, *symvers_path;
	bool check, verbose;
	const char *list_obj;	/* --list OBJ */
};
int convert_module(const struct options *o, struct targets *tg);

/* check.c */
int check_module(const struct options *o, struct targets *tg);

#endif
