// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s390x (big-endian): its relocation types (what each patches, whether it
 * is PC-relative, whether 6.1's arch/s390/kernel/module.c
 * apply_relocate_add() writes it), instruction lengths from the opcode's
 * top two bits, branches (brasl, brcl) and ftrace's entry: -mfentry
 * -mnop-mcount -mrecord-mcount put a 6-byte "brcl 0,0" (jgnop) at the
 * entry, with no call to relocate, recorded in __mcount_loc.
 */
#include <stdlib.h>
#include "kelf.h"
#include "internal.h"

/* Relocations whose field is bits of an instruction. */
#define I(t, sz, pc, klp) \
	[R_390_##t] = { R_390_##t, "R_390_" #t, sz, pc, klp, true }
/* Relocations of whole bytes (data, or a halfword-aligned immediate). */
#define D(t, sz, pc, klp) \
	[R_390_##t] = { R_390_##t, "R_390_" #t, sz, pc, klp, false }

static const struct kelf_reloc_type s390x_relocs[] = {
	D(NONE, 0, false, false),
	D(8, 1, false, true),
	I(12, 2, false, true),
	D(16, 2, false, true),
	D(32, 4, false, true),
	D(PC32, 4, true, true),
	I(GOT12, 2, false, true),
	D(GOT32, 4, false, true),
	D(PLT32, 4, true, true),
	D(GOTOFF32, 4, false, true),
	D(GOTPC, 8, true, true),
	D(GOT16, 2, false, true),
	D(PC16, 2, true, true),
	D(PC16DBL, 2, true, true),
	D(PLT16DBL, 2, true, true),
	D(PC32DBL, 4, true, true),
	D(PLT32DBL, 4, true, true),
	D(GOTPCDBL, 4, true, true),
	D(64, 8, false, true),
	D(PC64, 8, true, true),
	D(GOT64, 8, false, true),
	D(PLT64, 8, true, true),
	D(GOTENT, 4, true, true),
	D(GOTOFF16, 2, false, true),
	D(GOTOFF64, 8, false, true),
	I(GOTPLT12, 2, false, true),
	D(GOTPLT16, 2, false, true),
	D(GOTPLT32, 4, false, true),
	D(GOTPLT64, 8, false, true),
	D(GOTPLTENT, 4, true, true),
	D(PLTOFF16, 2, false, true),
	D(PLTOFF32, 4, false, true),
	D(PLTOFF64, 8, false, true),
	I(20, 4, false, true),
	I(GOT20, 4, false, true),
	I(GOTPLT20, 4, false, true),
};

/* The halfword-scaled ("DBL") displacements of RI/RIL instructions. */
static bool is_dbl(uint32_t type)
{
	switch (type) {
	case R_390_PC16DBL:
	case R_390_PLT16DBL:
	case R_390_PC32DBL:
	case R_390_PLT32DBL:
	case R_390_GOTPCDBL:
	case R_390_GOTENT:
	case R_390_GOTPLTENT:
		return true;
	}
	return false;
}

/* The field of an RI/RIL instruction follows its 2-byte opcode. */
#define FIELD_OFFSET	2

/*
 * A DBL displacement in code is relative to the start of its instruction,
 * two bytes before the field: the assembler adds 2 to the addend
 * ("brasl %r14,f" is PLT32DBL f+2), so the target is the addend minus 2.
 */
static int64_t s390x_target_bias(const struct kelf_section *relasec,
				 const struct kelf_rela *r)
{
	if (!is_dbl(r->type) || !relasec->base || !kelf_is_text(relasec->base))
		return 0;
	return -FIELD_OFFSET;
}

#define OP_RIL_BRANCH	0xc0	/* then 0x4 brcl / 0x5 brasl in the low nibble */
#define OP_BRCL		0x4
#define OP_BRASL	0x5

static bool s390x_is_branch(const struct kelf_section *relasec,
			    const struct kelf_rela *r)
{
	const struct kelf_section *base = relasec->base;
	unsigned char op2;

	if (r->type == R_390_PLT32DBL || r->type == R_390_PLT16DBL)
		return true;
	if (r->type != R_390_PC32DBL || !base || !base->data ||
	    r->offset < FIELD_OFFSET || r->offset > base->size)
		return false;
	op2 = base->data[r->offset - 1] & 0xf;
	return base->data[r->offset - 2] == OP_RIL_BRANCH &&
	       (op2 == OP_BRCL || op2 == OP_BRASL);
}

/* Instruction length from the top two bits of the first opcode byte. */
static unsigned int insn_length(unsigned char op)
{
	static const unsigned char len[4] = { 2, 4, 4, 6 };

	return len[op >> 6];
}

static int s390x_decode(struct kelf_section *sec)
{
	size_t cap = sec->size / 2 + 1, n = 0;
	uint64_t pc = 0;

	if (!sec->data)
		return -1;
	sec->insn_starts = malloc(cap * sizeof(*sec->insn_starts));
	if (!sec->insn_starts)
		return -1;
	while (pc < sec->size) {
		sec->insn_starts[n++] = pc;
		pc += insn_length(sec->data[pc]);
	}
	sec->nr_insns = n;
	return pc == sec->size ? 0 : -1;
}

const struct kelf_arch kelf_arch_s390x = {
	.name = "s390x",
	.machine = EM_S390,
	.data = ELFDATA2MSB,
	.relocs = s390x_relocs,
	.nr_relocs = sizeof(s390x_relocs) / sizeof(s390x_relocs[0]),
	.reloc_none = R_390_NONE,
	.reloc_abs64 = R_390_64,
	.target_bias = s390x_target_bias,
	.is_branch = s390x_is_branch,
	.decode = s390x_decode,
	/* a 6-byte jgnop at the entry, recorded with no call to relocate */
	.ftrace_call = NULL,
	.ftrace_window = 6,
	.ftrace_loc_section = "__mcount_loc",
};
