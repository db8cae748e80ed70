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
/*
 * Decode @sec from its start with binutils' disassembler for @bfd_arch
 * (an enum bfd_architecture) and @bfd_mach; record where every
 * instruction begins.  0 if the whole section decoded.
 */
int kelf_decode_opcodes(struct kelf_section *sec, int bfd_arch,
			unsigned long bfd_mach);

/* Record instruction starts of a fixed @width (aarch64, ppc64le: 4). */
int kelf_decode_fixed(struct kelf_section *sec, unsigned int width);
/* Is @k's byte order the host's? */
bool kelf_host_order(const struct kelf *k);
/* Does a record of the arch's ftrace_loc_section point into [@lo, @hi) of @sec? */
bool kelf_ftrace_record_in(const struct kelf_section *sec, uint64_t lo, uint64_t hi);

/* The architectures (libkelf/arch-NAME.c), listed in arch.c. */
extern const struct kelf_arch kelf_arch_x86_64;
extern const struct kelf_arch kelf_arch_aarch64;
extern const struct kelf_arch kelf_arch_ppc64le;
extern const struct kelf_arch kelf_arch_s390x;

#endif
