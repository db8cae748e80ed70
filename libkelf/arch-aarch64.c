// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aarch64: its relocation types (what each patches, whether it is
 * PC-relative, whether 6.1's arch/arm64/kernel/module.c apply_relocate_add()
 * writes it), fixed 4-byte instructions, branches (b, bl, b.cond, tbz),
 * ftrace's patchable function entries: -fpatchable-function-entry=2
 * puts two NOPs at the entry and records them in
 * __patchable_function_entries, with no call to relocate (6.12's
 * CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS: =4,2, two more NOPs in front of the
 * function, and the record points at those), and the assembler's mapping
 * symbols ($x, $d).
 */
#include <endian.h>
#include <string.h>
#include "kelf.h"
#include "internal.h"

/* Relocations whose field is bits of an instruction word. */
#define I(t, pc, klp) \
	[R_AARCH64_##t] = { R_AARCH64_##t, "R_AARCH64_" #t, 4, pc, klp, true }
/* Relocations of a whole data field. */
#define D(t, sz, pc, klp) \
	[R_AARCH64_##t] = { R_AARCH64_##t, "R_AARCH64_" #t, sz, pc, klp, false }

static const struct kelf_reloc_type aarch64_relocs[] = {
	D(NONE, 0, false, false),
	D(ABS64, 8, false, true),
	D(ABS32, 4, false, true),
	D(ABS16, 2, false, true),
	D(PREL64, 8, true, true),
	D(PREL32, 4, true, true),
	D(PREL16, 2, true, true),
	I(MOVW_UABS_G0, false, true),
	I(MOVW_UABS_G0_NC, false, true),
	I(MOVW_UABS_G1, false, true),
	I(MOVW_UABS_G1_NC, false, true),
	I(MOVW_UABS_G2, false, true),
	I(MOVW_UABS_G2_NC, false, true),
	I(MOVW_UABS_G3, false, true),
	I(MOVW_SABS_G0, false, true),
	I(MOVW_SABS_G1, false, true),
	I(MOVW_SABS_G2, false, true),
	I(LD_PREL_LO19, true, true),
	I(ADR_PREL_LO21, true, true),
	I(ADR_PREL_PG_HI21, true, true),
	I(ADR_PREL_PG_HI21_NC, true, true),
	I(ADD_ABS_LO12_NC, false, true),
	I(LDST8_ABS_LO12_NC, false, true),
	I(TSTBR14, true, true),
	I(CONDBR19, true, true),
	I(JUMP26, true, true),
	I(CALL26, true, true),
	I(LDST16_ABS_LO12_NC, false, true),
	I(LDST32_ABS_LO12_NC, false, true),
	I(LDST64_ABS_LO12_NC, false, true),
	I(MOVW_PREL_G0, true, true),
	I(MOVW_PREL_G0_NC, true, true),
	I(MOVW_PREL_G1, true, true),
	I(MOVW_PREL_G1_NC, true, true),
	I(MOVW_PREL_G2, true, true),
	I(MOVW_PREL_G2_NC, true, true),
	I(MOVW_PREL_G3, true, true),
	I(LDST128_ABS_LO12_NC, false, true),
	/* GOT-relative: the kernel has no GOT, the loader refuses them */
	I(ADR_GOT_PAGE, true, false),
	I(LD64_GOT_LO12_NC, false, false),
};

/* A PC-relative target is "S + A" from the field itself: no bias. */
static int64_t aarch64_target_bias(const struct kelf_section *relasec,
				   const struct kelf_rela *r)
{
	(void)relasec;
	(void)r;
	return 0;
}

static bool aarch64_is_branch(const struct kelf_section *relasec,
			      const struct kelf_rela *r)
{
	(void)relasec;
	switch (r->type) {
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
	case R_AARCH64_CONDBR19:
	case R_AARCH64_TSTBR14:
		return true;
	}
	return false;
}

#define INSN_SIZE	4
#define INSN_NOP	0xd503201f
/* CALL_OPS: ftrace keeps a pointer to the function's ftrace_ops there */
#define CALL_OPS_PREFIX	(2 * INSN_SIZE)

/* CALL_OPS: the two recorded NOPs in front of @f belong to it. */
static unsigned int aarch64_entry_prefix(const struct kelf_symbol *f)
{
	const struct kelf_section *sec = f->sec;
	uint64_t at = f->sym.st_value;
	const struct kelf_symbol *s;
	uint32_t w[2];

	if (f->type != STT_FUNC || !sec->data || at < CALL_OPS_PREFIX || at > sec->size)
		return 0;
	memcpy(w, sec->data + at - CALL_OPS_PREFIX, sizeof(w));
	if (le32toh(w[0]) != INSN_NOP || le32toh(w[1]) != INSN_NOP)
		return 0;
	s = kelf_symbol_at(f->sec, at - 1);
	if (s && s != f)
		return 0;
	at -= CALL_OPS_PREFIX;
	return kelf_ftrace_record_in(sec, at, at + 1) ? CALL_OPS_PREFIX : 0;
}

static const char *const aarch64_mapping_symbols[] = { "$x", "$d", NULL };

static int aarch64_decode(struct kelf_section *sec)
{
	return kelf_decode_fixed(sec, INSN_SIZE);
}

const struct kelf_arch kelf_arch_aarch64 = {
	.name = "aarch64",
	.machine = EM_AARCH64,
	.data = ELFDATA2LSB,
	.relocs = aarch64_relocs,
	.nr_relocs = sizeof(aarch64_relocs) / sizeof(aarch64_relocs[0]),
	.reloc_none = R_AARCH64_NONE,
	.reloc_abs64 = R_AARCH64_ABS64,
	.target_bias = aarch64_target_bias,
	.is_branch = aarch64_is_branch,
	.decode = aarch64_decode,
	/* two NOPs at the entry, recorded with no call to relocate */
	.ftrace_call = NULL,
	.ftrace_window = 2 * INSN_SIZE,
	.ftrace_loc_section = "__patchable_function_entries",
	.entry_prefix = aarch64_entry_prefix,
	.mapping_symbols = aarch64_mapping_symbols,
};
