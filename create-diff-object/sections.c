// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What each section of a kernel object is, by name.  Every section of an
 * input must match a row: an unknown section is an error, never silently
 * dropped or kept.  The special tables are the rows of special.h's
 * table (SK_SPECIAL); the other rows are matched in order, as fnmatch(3)
 * patterns.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "cdo.h"
#include "klpkit-meta.h"
#include "special.h"

struct sec_rule {
	const char *pattern;
	enum sec_kind kind;
};

static const struct sec_rule rules[] = {
	/* __init/__exit: discarded or freed after boot, never patched */
	{ ".init.*", SK_INIT },
	{ ".exit.*", SK_INIT },
	{ ".meminit.*", SK_INIT },
	{ ".head.text", SK_INIT },
	{ ".initcall*", SK_DROP },
	{ ".con_initcall.init", SK_DROP },
	{ ".exitcall.exit", SK_DROP },
	{ "__param", SK_DROP },
	{ "__modver", SK_DROP },
	{ ".x86_cpu_dev.init", SK_DROP },
	{ ".apicdrivers", SK_DROP },
	{ "__setup_str*", SK_DROP },
	{ "*.init", SK_INIT },		/* .lsm_info.init, ... */
	{ "__earlycon_table", SK_DROP },
	{ "__*_of_table", SK_DROP },
	{ "___srcu_struct_ptrs", SK_DROP },

	/* special tables (special.h): SK_SPECIAL from the table, first */
	{ ".altinstr_aux", SK_TEXT },
	{ ".orc_header", SK_DROP },
	{ "__tracepoints_strings", SK_RODATA },
	{ "__tracepoints", SK_DATA },
	{ "__tracepoint_str", SK_RODATA },
	{ "__dyndbg", SK_DATA },
	{ "__verbose", SK_DATA },	/* __dyndbg before 5.x */
	{ "__dyndbg_classes", SK_DATA },
	{ "__patchable_function_entries", SK_DROP },
	{ ".static_call.text", SK_TEXT },
	{ ".static_call_tramp_key", SK_DROP },

	/* the patch author's macros (kmod/patch/kpatch-macros.h) */
	{ KLPKIT_CB_PREFIX "*", SK_DATA },
	{ KLPKIT_IGNORE_PREFIX "*", SK_DROP },

	/* exports, module metadata, events: never part of a patch */
	{ "___ksymtab*", SK_DROP },
	{ "__ksymtab*", SK_DROP },
	{ "__kcrctab*", SK_DROP },
	{ "___kcrctab*", SK_DROP },	/* per symbol, before 5.10 */
	{ ".export_symbol", SK_DROP },
	{ ".modinfo", SK_DROP },
	{ ".gnu.linkonce.this_module", SK_DROP },
	{ "_ftrace_events", SK_DROP },
	{ "_ftrace_eval_map", SK_DROP },
	{ "__syscalls_metadata", SK_DROP },
	{ "__bpf_raw_tp_map", SK_DROP },
	{ ".BTF*", SK_DROP },
	{ "__kprobes_*", SK_DROP },

	/* code */
	{ ".text", SK_TEXT },
	{ ".text.*", SK_TEXT },
	{ ".sched.text", SK_TEXT },
	{ ".cpuidle.text", SK_TEXT },
	{ ".noinstr.text", SK_TEXT },
	{ ".entry.text", SK_TEXT },
	{ ".kprobes.text", SK_TEXT },
	{ ".spinlock.text", SK_TEXT },
	{ ".irqentry.text", SK_TEXT },
	{ ".softirqentry.text", SK_TEXT },
	{ ".ref.text", SK_TEXT },
	{ ".fixup", SK_TEXT },

	/* data */
	{ ".rodata.str*", SK_STRINGS },
	{ ".rodata.cst*", SK_RODATA },
	{ ".rodata", SK_RODATA },
	{ ".rodata.*", SK_RODATA },
	{ ".rodata..*", SK_RODATA },
	{ ".data.rel.ro", SK_RODATA },
	/* ppc64: the TOC (pointers the code reaches by offset; libkelf's
	 * kelf_pointer_entry) and the feature-fixup alternatives of
	 * __ftr_fixup entries: copied whole when referenced */
	{ ".toc", SK_RODATA },
	{ "__ftr_alt_*", SK_RODATA },
	{ ".data.rel.ro.*", SK_RODATA },
	{ ".bss", SK_BSS },
	{ ".bss.*", SK_BSS },
	{ ".bss..*", SK_BSS },
	{ ".data", SK_DATA },
	{ ".data.*", SK_DATA },
	{ ".data..*", SK_DATA },
	{ ".ref.data", SK_DATA },
	{ "__*_sched_class", SK_DATA },	/* identity matters: never copied */
	{ ".vvar*", SK_DATA },
	{ ".tbss*", SK_BSS },
	{ ".tdata*", SK_DATA },

	/* not loaded */
	{ ".comment", SK_DROP },
	{ ".note.*", SK_DROP },
	{ ".debug_*", SK_DROP },
	{ ".discard.*", SK_DROP },
	{ ".llvm_addrsig", SK_DROP },
	{ ".eh_frame", SK_DROP },
	{ ".gnu.build.attributes*", SK_DROP },
	{ ".GCC.command.line", SK_DROP },
};

/*
 * kpatch's kpatch-macros.h names the sections of its macros .kpatch.*;
 * the entries have klpkit's layout, so an object built with it is read
 * as if klpkit's macros had been used (kmod/patch/kpatch-macros.h).
 */
static const struct {
	const char *kpatch, *klpkit;
} aliases[] = {
	{ ".kpatch.callbacks.", KLPKIT_CB_PREFIX },
	{ ".kpatch.ignore.", KLPKIT_IGNORE_PREFIX },
};

char *section_alias(const char *name)
{
	const char *rela = !strncmp(name, ".rela.", 6) ? ".rela" : "";
	const char *base = name + strlen(rela);
	char *alias;
	size_t i, n;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		n = strlen(aliases[i].kpatch);
		if (strncmp(base, aliases[i].kpatch, n))
			continue;
		if (asprintf(&alias, "%s%s%s", rela, aliases[i].klpkit, base + n) < 0)
			return NULL;
		return alias;
	}
	return NULL;
}

/* Locals in these sections are made per use (pr_debug descriptors, _once flags). */
bool is_per_use_section(const struct kelf_section *sec)
{
	static const char *const names[] = {
		".data.once", ".data..once", "__dyndbg", "__verbose",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(sec->name, names[i]))
			return true;
	return false;
}

enum sec_kind section_kind(const struct kelf_section *sec)
{
	const struct kelf_section *s = kelf_is_rela(sec) && sec->base ? sec->base : sec;
	size_t i;

	switch (sec->sh.sh_type) {
	case SHT_SYMTAB:
	case SHT_STRTAB:
	case SHT_GROUP:
	case SHT_SYMTAB_SHNDX:
		return SK_SYMTAB;
	}
	if (special_section_lookup(s->kelf, s->name))
		return SK_SPECIAL;
	if (s->sh.sh_flags & SHF_MERGE && s->sh.sh_flags & SHF_STRINGS &&
	    !strncmp(s->name, ".rodata", 7))
		return SK_STRINGS;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!fnmatch(rules[i].pattern, s->name, 0))
			return rules[i].kind;
	return SK_UNKNOWN;
}

const char *sec_kind_name(enum sec_kind k)
{
	static const char *const names[] = {
		[SK_UNKNOWN] = "unknown", [SK_TEXT] = "text", [SK_DATA] = "data",
		[SK_RODATA] = "rodata", [SK_STRINGS] = "strings", [SK_BSS] = "bss",
		[SK_SPECIAL] = "special", [SK_INIT] = "init", [SK_DROP] = "dropped",
		[SK_SYMTAB] = "symtab",
	};

	return names[k];
}
