// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libkelf: read -> (lookups) -> write -> read.  An input libkelf accepts
 * must be written, and what it writes must read back with the same
 * number of sections and symbols.
 */
#include <stdio.h>
#include <stdlib.h>
#include "kelf.h"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

/* What the tools ask of a model: targets, covering symbols, inflation. */
static void exercise(struct kelf *k)
{
	struct kelf_section *sec;
	size_t i;

	kelf_for_each_section(sec, k) {
		if (sec->sh.sh_flags & SHF_COMPRESSED && !(sec->sh.sh_flags & SHF_ALLOC))
			kelf_uncompress(sec);
		if (!kelf_is_rela(sec) || !sec->base)
			continue;
		for (i = 0; i < sec->nr_relas; i++) {
			int64_t off;

			kelf_rela_target(sec, &sec->relas[i], &off);
			if (kelf_is_text(sec->base))
				kelf_insn_end(sec->base, sec->relas[i].offset);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = fuzz_path(0, "in.o"), *out = fuzz_path(1, "out.o");
	size_t nsec, nsym;
	struct kelf *k;

	fuzz_write(in, data, size);
	k = kelf_open(in, 0);
	if (!k)
		return 0;
	exercise(k);
	nsec = k->nr_sections;
	nsym = k->nr_symbols;
	if (kelf_write(k, out)) {
		kelf_close(k);
		return 0;
	}
	nsec = k->nr_sections;	/* the writer may add or drop tables */
	kelf_close(k);
	k = kelf_open(out, 0);
	if (!k) {
		fprintf(stderr, "fuzz-kelf: libkelf cannot read what it wrote\n");
		abort();
	}
	if (k->nr_sections != nsec || k->nr_symbols != nsym) {
		fprintf(stderr, "fuzz-kelf: %zu sections, %zu symbols written; %zu, %zu read back\n",
			nsec, nsym, k->nr_sections, k->nr_symbols);
		abort();
	}
	kelf_close(k);
	return 0;
}
