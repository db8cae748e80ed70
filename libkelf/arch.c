// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The architectures libkelf knows, chosen by e_machine, and the functions
 * that answer for an object's arch (struct kelf_arch in kelf.h).
 */
#include <stdio.h>
#include <string.h>
#include "kelf.h"
#include "internal.h"

/* One row per architecture (libkelf/arch-NAME.c). */
static const struct kelf_arch *const arches[] = {
	&kelf_arch_x86_64,
	&kelf_arch_aarch64,
	&kelf_arch_ppc64le,
	&kelf_arch_s390x,
};

#define NR_ARCHES	(sizeof(arches) / sizeof(arches[0]))

/* Names of machines klpkit does not support, for the read error. */
static const struct {
	uint16_t machine;
	const char *name;
} machine_names[] = {
	{ EM_386, "i386" },
	{ EM_ARM, "arm" },
	{ EM_AARCH64, "aarch64" },
	{ EM_PPC, "ppc" },
	{ EM_PPC64, "ppc64" },
	{ EM_S390, "s390" },
	{ EM_RISCV, "riscv" },
	{ EM_LOONGARCH, "loongarch" },
	{ EM_MIPS, "mips" },
	{ EM_SPARCV9, "sparc64" },
};

const struct kelf_arch *kelf_arch_by_machine(uint16_t machine)
{
	size_t i;

	for (i = 0; i < NR_ARCHES; i++)
		if (arches[i]->machine == machine)
			return arches[i];
	return NULL;
}

const struct kelf_arch *kelf_arch_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NR_ARCHES; i++)
		if (!strcmp(arches[i]->name, name))
			return arches[i];
	return NULL;
}

const char *kelf_machine_name(uint16_t machine)
{
	const struct kelf_arch *a = kelf_arch_by_machine(machine);
	size_t i;

	if (a)
		return a->name;
	for (i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (machine_names[i].machine == machine)
			return machine_names[i].name;
	return "unknown";
}

const char *kelf_arch_names(void)
{
	static char buf[256];
	size_t i, n = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < NR_ARCHES && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
			      arches[i]->name);
	return buf;
}

const struct kelf_reloc_type *kelf_reloc_type(const struct kelf *k, uint32_t type)
{
	const struct kelf_arch *a = k->arch;

	if (type >= a->nr_relocs || !a->relocs[type].name)
		return NULL;
	return &a->relocs[type];
}

bool kelf_reloc_klp(const struct kelf *k, uint32_t type)
{
	const struct kelf_reloc_type *t = kelf_reloc_type(k, type);

	return t && t->klp;
}

int64_t kelf_target_bias(const struct kelf_section *relasec,
			 const struct kelf_rela *r)
{
	return relasec->kelf->arch->target_bias(relasec, r);
}

bool kelf_is_branch(const struct kelf_section *relasec, const struct kelf_rela *r)
{
	return relasec->kelf->arch->is_branch(relasec, r);
}

/* A call to the ftrace entry function in @f's window. */
static bool has_ftrace_call(const struct kelf_symbol *f)
{
	const struct kelf_arch *a = f->kelf->arch;
	const struct kelf_rela *r;
	size_t pos;

	kelf_for_each_rela_in(r, f->sec->rela, f->sym.st_value,
			      f->sym.st_value + a->ftrace_window, pos)
		if (r->sym && !strcmp(r->sym->name, a->ftrace_call))
			return true;
	return false;
}

bool kelf_ftrace_record_in(const struct kelf_section *sec, uint64_t lo, uint64_t hi)
{
	const char *name = sec->kelf->arch->ftrace_loc_section;
	struct kelf_section *s;
	uint64_t at;
	size_t i;

	kelf_for_each_section(s, sec->kelf) {
		if (!kelf_is_rela(s) || !s->base || strcmp(s->base->name, name))
			continue;
		for (i = 0; i < s->nr_relas; i++) {
			const struct kelf_rela *r = &s->relas[i];

			if (!r->sym || r->sym->sec != sec || r->addend < 0)
				continue;
			at = r->sym->sym.st_value + (uint64_t)r->addend;
			if (at >= lo && at < hi)
				return true;
		}
	}
	return false;
}

/*
 * A record of the ftrace location section pointing into @f's window (or
 * into the bytes in front of it that belong to it).
 */
static bool has_ftrace_record(const struct kelf_symbol *f)
{
	uint64_t v = f->sym.st_value;
	unsigned int pre = kelf_entry_prefix(f);

	return v >= pre && kelf_ftrace_record_in(f->sec, v - pre, v + f->kelf->arch->ftrace_window);
}

bool kelf_has_ftrace_entry(const struct kelf_symbol *f)
{
	const struct kelf_arch *a = f->kelf->arch;

	if (!f->sec)
		return false;
	if (a->ftrace_call)
		return has_ftrace_call(f);
	return a->ftrace_loc_section && has_ftrace_record(f);
}

bool kelf_host_order(const struct kelf *k)
{
	const union { uint16_t u; unsigned char b[2]; } probe = { .u = 1 };
	unsigned char host = probe.b[0] ? ELFDATA2LSB : ELFDATA2MSB;

	return k->ehdr.e_ident[EI_DATA] == host;
}

bool kelf_endbr_exempt(const struct kelf_section *sec)
{
	const char *const *n = sec->kelf->arch->endbr_exempt;

	for (; n && *n; n++)
		if (!strcmp(sec->name, *n))
			return true;
	return false;
}

bool kelf_noendbr_by_design(const struct kelf *k, const char *name)
{
	const char *const *p = k->arch->noendbr_prefixes;

	for (; p && *p; p++)
		if (!strncmp(name, *p, strlen(*p)))
			return true;
	return false;
}

bool kelf_is_mapping_symbol(const struct kelf_symbol *s)
{
	const char *const *m = s->kelf->arch->mapping_symbols;
	size_t n;

	if (s->type != STT_NOTYPE || s->bind != STB_LOCAL)
		return false;
	for (; m && *m; m++) {
		n = strlen(*m);
		if (!strncmp(s->name, *m, n) && (!s->name[n] || s->name[n] == '.'))
			return true;
	}
	return false;
}

unsigned int kelf_entry_prefix(const struct kelf_symbol *f)
{
	const struct kelf_arch *a = f->kelf->arch;

	return a->entry_prefix && f->sec ? a->entry_prefix(f) : 0;
}

const char *kelf_padding_of(const struct kelf_symbol *s)
{
	const char *prefix = s->kelf->arch->padding_symbol;
	size_t n = prefix ? strlen(prefix) : 0;

	if (!n || s->type != STT_FUNC || strncmp(s->name, prefix, n) || !s->name[n])
		return NULL;
	return s->name + n;
}

const struct kelf_rela *kelf_pointer_entry(const struct kelf_section *relasec,
					   const struct kelf_rela *r,
					   struct kelf_section **entry_relasec)
{
	const char *table = relasec->kelf->arch->pointer_table;
	const struct kelf_symbol *s = r->sym;
	int64_t off;

	if (!table || !s || !s->sec || strcmp(s->sec->name, table) || !s->sec->rela)
		return NULL;
	off = (int64_t)s->sym.st_value + r->addend + kelf_target_bias(relasec, r);
	if (off < 0)
		return NULL;
	*entry_relasec = s->sec->rela;
	return kelf_rela_at(s->sec->rela, off);
}

const char *kelf_external_refusal(const struct kelf_section *relasec,
				  const struct kelf_rela *r)
{
	const struct kelf_arch *a = relasec->kelf->arch;

	if (!kelf_reloc_klp(relasec->kelf, r->type))
		return "the livepatch loader cannot write this relocation type to a symbol outside the module";
	return a->external_refusal ? a->external_refusal(relasec, r) : NULL;
}
