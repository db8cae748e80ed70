/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the files of libkelf only. */
#ifndef KELF_INTERNAL_H
#define KELF_INTERNAL_H

#include "kelf.h"

struct kelf *kelf_alloc(const char *path);
struct kelf_section *kelf_section_alloc(struct kelf *k, const char *name,
					const GElf_Shdr *sh);
struct kelf_symbol *kelf_symbol_alloc(struct kelf *k, const char *name,
				      const GElf_Sym *sym);
int kelf_relas_reserve(struct kelf_section *sec, size_t n);
int kelf_oom(const struct kelf *k);
/* Give @buf (malloc'ed, or NULL) to @sec as its data. */
void kelf_take_data(struct kelf_section *sec, void *buf, size_t size);
void kelf_build_section_syms(struct kelf *k);

#endif
