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

bool kelf_has_ftrace_entry(const struct kelf_symbol *f)
{
	const struct kelf_arch *a = f->kelf->arch;
	struct kelf_section *rs = f->sec ? f->sec->rela : NULL;
	const struct kelf_rela *r;
	size_t pos;

	if (!rs || !a->ftrace_call)
		return false;
	kelf_for_each_rela_in(r, rs, f->sym.st_value, f->sym.st_value + a->ftrace_window, pos)
		if (r->sym && !strcmp(r->sym->name, a->ftrace_call))
			return true;
	return false;
}
