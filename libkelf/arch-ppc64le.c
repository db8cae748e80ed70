// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc64le (ELFv2): its relocation types (what each patches, whether it is
 * PC-relative, whether 6.1's arch/powerpc/kernel/module_64.c
 * apply_relocate_add() writes it), fixed 4-byte instructions, branches
 * (b, bl, bc) and ftrace's -mprofile-kernel entry: after the global entry
 * point's TOC setup (addis r2,r12 / addi r2,r2: the symbol's st_other
 * gives the local entry), "mflr r0; bl _mcount", recorded in __mcount_loc.
 *
 * TOC-relative references (TOC16_*, to .toc entries or to the symbol
 * itself under -mcmodel=medium) are compared like any other relocation:
 * their target is the symbol or .toc entry plus the addend.  The loader
 * computes them from the module's own TOC pointer (r2), so they are never
 * right in a .klp.rela section, whose targets lie in vmlinux or another
 * module (and TOC16_HA is not even checked for overflow): they are not
 * "klp" here, and a patch whose new code reaches a kernel symbol through
 * one is refused.  kpatch compiles ppc64le patches with -mcmodel=large
 * for that reason: every such reference then goes through a .toc entry
 * (ADDR64, which the loader does write).
 */
#include <endian.h>
#include <string.h>
#include "kelf.h"
#include "internal.h"

#ifndef R_PPC64_ENTRY
#define R_PPC64_ENTRY	118	/* marks the global entry prologue */
#endif

/* Relocations whose field is (bits of) an instruction word. */
#define I(t, sz, pc, klp) \
	[R_PPC64_##t] = { R_PPC64_##t, "R_PPC64_" #t, sz, pc, klp, true }
/* Relocations of a whole data field. */
#define D(t, sz, pc, klp) \
	[R_PPC64_##t] = { R_PPC64_##t, "R_PPC64_" #t, sz, pc, klp, false }

static const struct kelf_reloc_type ppc64le_relocs[] = {
	D(NONE, 0, false, false),
	D(ADDR32, 4, false, true),
	I(ADDR24, 4, false, false),
	I(ADDR16, 2, false, false),
	I(ADDR16_LO, 2, false, false),
	I(ADDR16_HI, 2, false, false),
	I(ADDR16_HA, 2, false, false),
	I(ADDR14, 4, false, false),
	I(REL24, 4, true, true),
	I(REL14, 4, true, false),
	D(REL32, 4, true, true),
	D(ADDR64, 8, false, true),
	D(REL64, 8, true, true),
	I(TOC16, 2, false, false),
	I(TOC16_LO, 2, false, false),
	I(TOC16_HI, 2, false, false),
	I(TOC16_HA, 2, false, false),
	D(TOC, 8, false, false),	/* the module's own TOC */
	I(TOC16_DS, 2, false, false),
	I(TOC16_LO_DS, 2, false, false),
	/* markers: patch nothing the loader does not recognise itself */
	I(TOCSAVE, 0, false, true),
	I(ENTRY, 0, false, true),
	I(REL16, 2, true, false),
	I(REL16_LO, 2, true, true),
	I(REL16_HI, 2, true, false),
	I(REL16_HA, 2, true, true),
};

/* A PC-relative target is "S + A" from the field itself: no bias. */
static int64_t ppc64le_target_bias(const struct kelf_section *relasec,
				   const struct kelf_rela *r)
{
	(void)relasec;
	(void)r;
	return 0;
}

static bool ppc64le_is_branch(const struct kelf_section *relasec,
			      const struct kelf_rela *r)
{
	(void)relasec;
	return r->type == R_PPC64_REL24 || r->type == R_PPC64_REL14;
}

#define INSN_SIZE	4
#define TOC_WORD	8	/* -mcmodel=large: ".quad .TOC.-." before the entry */

#define INSN_NOP	0x60000000	/* ori r0,r0,0 */
#define INSN_BL_MASK	0xfc000003	/* primary opcode, AA and LK */
#define INSN_BL		0x48000001	/* bl: opcode 18, LK */

/*
 * A call leaving the module goes through a stub that changes r2; the
 * loader then turns the nop after the "bl" into the TOC restore and
 * refuses the module if there is none (a call to a function of the same
 * object has none).
 */
static const char *ppc64le_external_refusal(const struct kelf_section *relasec,
					    const struct kelf_rela *r)
{
	const struct kelf_section *base = relasec->base;
	uint32_t insn, next;

	/* the loader needs no nop after "bl _mcount" (is_mprofile_ftrace_call) */
	if (r->type != R_PPC64_REL24 || !base || !base->data ||
	    r->offset + INSN_SIZE > base->size ||
	    (r->sym && !strcmp(r->sym->name, kelf_arch_ppc64le.ftrace_call)))
		return NULL;
	memcpy(&insn, base->data + r->offset, sizeof(insn));
	if ((le32toh(insn) & INSN_BL_MASK) != INSN_BL)
		return NULL;	/* a sibling call ("b") returns elsewhere */
	if (r->offset + 2 * INSN_SIZE > base->size)
		return "the call has no instruction after it to restore the TOC pointer (r2)";
	memcpy(&next, base->data + r->offset + INSN_SIZE, sizeof(next));
	if (le32toh(next) != INSN_NOP)
		return "the call has no nop after it for the TOC pointer (r2) restore: the callee was local to the object, and calls out of the module need one";
	return NULL;
}

static unsigned int ppc64le_entry_prefix(const struct kelf_symbol *f)
{
	const struct kelf_rela *r;

	if (f->type != STT_FUNC || f->sym.st_value < TOC_WORD)
		return 0;
	r = kelf_rela_at(f->sec->rela, f->sym.st_value - TOC_WORD);
	return r && r->type == R_PPC64_REL64 && r->sym && !strcmp(r->sym->name, ".TOC.") ?
	       TOC_WORD : 0;
}

static int ppc64le_decode(struct kelf_section *sec)
{
	return kelf_decode_fixed(sec, INSN_SIZE);
}

const struct kelf_arch kelf_arch_ppc64le = {
	.name = "ppc64le",
	.machine = EM_PPC64,
	.data = ELFDATA2LSB,
	.relocs = ppc64le_relocs,
	.nr_relocs = sizeof(ppc64le_relocs) / sizeof(ppc64le_relocs[0]),
	.reloc_none = R_PPC64_NONE,
	.reloc_abs64 = R_PPC64_ADDR64,
	.target_bias = ppc64le_target_bias,
	.is_branch = ppc64le_is_branch,
	.decode = ppc64le_decode,
	/* addis r2,r12; addi r2,r2; mflr r0; bl _mcount */
	.ftrace_call = "_mcount",
	.ftrace_window = 4 * INSN_SIZE,
	.ftrace_loc_section = "__mcount_loc",
	.entry_prefix = ppc64le_entry_prefix,
	.pointer_table = ".toc",
	.external_refusal = ppc64le_external_refusal,
};
