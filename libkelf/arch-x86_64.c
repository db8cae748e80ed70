// SPDX-License-Identifier: GPL-2.0-or-later
/* x86-64 relocation types: what each patches and whether it is PC-relative. */
#include "kelf.h"

#define R(t, sz, pc) [R_X86_64_##t] = { R_X86_64_##t, "R_X86_64_" #t, sz, pc }

static const struct kelf_reloc_type x86_64_relocs[] = {
	R(NONE, 0, false),
	R(64, 8, false),
	R(PC32, 4, true),
	R(GOT32, 4, false),
	R(PLT32, 4, true),
	R(GOTPCREL, 4, true),
	R(32, 4, false),
	R(32S, 4, false),
	R(16, 2, false),
	R(PC16, 2, true),
	R(8, 1, false),
	R(PC8, 1, true),
	R(DTPOFF32, 4, false),
	R(TPOFF32, 4, false),
	R(PC64, 8, true),
	R(GOTOFF64, 8, false),
	R(GOTPC32, 4, true),
	R(SIZE32, 4, false),
	R(SIZE64, 8, false),
	R(GOTPCRELX, 4, true),
	R(REX_GOTPCRELX, 4, true),
};

const struct kelf_reloc_type *kelf_reloc_type(uint32_t type)
{
	const struct kelf_reloc_type *t;

	if (type >= sizeof(x86_64_relocs) / sizeof(x86_64_relocs[0]))
		return NULL;
	t = &x86_64_relocs[type];
	return t->name ? t : NULL;
}

int64_t kelf_target_bias(const struct kelf_section *relasec,
			 const struct kelf_rela *r)
{
	const struct kelf_reloc_type *t = kelf_reloc_type(r->type);

	int64_t end;

	if (!t || !t->pcrel || !relasec->base || !kelf_is_text(relasec->base))
		return 0;
	/* Relative to the end of the instruction, which may hold an immediate. */
	end = kelf_insn_end(relasec->base, r->offset);
	if (end >= (int64_t)(r->offset + t->size) && end - (int64_t)r->offset <= 15)
		return end - r->offset;
	return t->size;
}
