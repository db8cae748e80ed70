// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-64: its relocation types (what each patches, whether it is
 * PC-relative, whether 6.1's apply_relocate_add() writes it from a
 * .klp.rela section), how a PC-relative target is biased, which
 * displacements are calls and jumps, the decoder, ftrace's __fentry__,
 * and IBT's endbr64 and seal list.
 */
#include <string.h>
#include <dis-asm.h>
#include "kelf.h"
#include "internal.h"

#define R(t, sz, pc, klp) \
	[R_X86_64_##t] = { R_X86_64_##t, "R_X86_64_" #t, sz, pc, klp, false }

static const struct kelf_reloc_type x86_64_relocs[] = {
	R(NONE, 0, false, false),
	R(64, 8, false, true),
	R(PC32, 4, true, true),
	R(GOT32, 4, false, false),
	R(PLT32, 4, true, true),
	R(GOTPCREL, 4, true, false),
	R(32, 4, false, true),
	R(32S, 4, false, true),
	R(16, 2, false, false),
	R(PC16, 2, true, false),
	R(8, 1, false, false),
	R(PC8, 1, true, false),
	R(DTPOFF32, 4, false, false),
	R(TPOFF32, 4, false, false),
	R(PC64, 8, true, true),
	R(GOTOFF64, 8, false, false),
	R(GOTPC32, 4, true, false),
	R(SIZE32, 4, false, false),
	R(SIZE64, 8, false, false),
	R(GOTPCRELX, 4, true, false),
	R(REX_GOTPCRELX, 4, true, false),
};

/* x86 instructions are at most 15 bytes long. */
#define MAX_INSN	15

static int64_t x86_64_target_bias(const struct kelf_section *relasec,
				  const struct kelf_rela *r)
{
	const struct kelf_reloc_type *t = kelf_reloc_type(relasec->kelf, r->type);
	int64_t end;

	if (!t || !t->pcrel || !relasec->base || !kelf_is_text(relasec->base))
		return 0;
	/* Relative to the end of the instruction, which may hold an immediate. */
	end = kelf_insn_end(relasec->base, r->offset);
	if (end >= (int64_t)(r->offset + t->size) && end - (int64_t)r->offset <= MAX_INSN)
		return end - r->offset;
	return t->size;
}

#define OP_CALL		0xe8	/* call rel32 */
#define OP_JMP		0xe9	/* jmp rel32 */
#define OP_TWOBYTE	0x0f	/* then 0x80..0x8f: jcc rel32 */
#define OP_JCC_FIRST	0x80
#define OP_JCC_LAST	0x8f

static bool x86_64_is_branch(const struct kelf_section *relasec,
			     const struct kelf_rela *r)
{
	const struct kelf_section *base = relasec->base;
	unsigned char op;

	if (r->type == R_X86_64_PLT32)
		return true;
	if (r->type != R_X86_64_PC32 || !base || !base->data || r->offset < 1 ||
	    r->offset > base->size)
		return false;
	op = base->data[r->offset - 1];
	if (op == OP_CALL || op == OP_JMP)
		return true;
	return r->offset >= 2 && base->data[r->offset - 2] == OP_TWOBYTE &&
	       op >= OP_JCC_FIRST && op <= OP_JCC_LAST;
}

/*
 * -fpatchable-function-entry=N,N (CONFIG_CALL_PADDING, Linux 6.2+): N
 * one-byte NOPs in front of every function, in its own section, recorded
 * in __patchable_function_entries.  The kernel writes call-depth thunks
 * (and FineIBT preambles) there, so a copied function keeps them.
 * objtool names them __pfx_<function> where it ran.
 */
#define X86_NOP			0x90
#define X86_PADDING_RECORD	"__patchable_function_entries"

static bool x86_64_is_padding_of(const struct kelf_symbol *s,
				 const struct kelf_symbol *f)
{
	const char *owner = kelf_padding_of(s);

	return owner && !strcmp(owner, f->name);
}

static unsigned int x86_64_entry_prefix(const struct kelf_symbol *f)
{
	struct kelf_section *sec = f->sec;
	uint64_t at = f->sym.st_value;
	struct kelf_symbol *s;

	if (f->type != STT_FUNC || !sec->data || at > sec->size ||
	    !kelf_find_section(f->kelf, X86_PADDING_RECORD))
		return 0;
	while (at > 0 && sec->data[at - 1] == X86_NOP) {
		s = kelf_symbol_at(sec, at - 1);
		if (s && s != f && !x86_64_is_padding_of(s, f))
			break;
		at--;
	}
	return f->sym.st_value - at;
}

/*
 * .call_sites (s32 to a call; 6.2+ call-depth tracking rewrites the call's
 * displacement, after the 0xe8 opcode); .static_call_sites (struct
 * static_call_site { s32 addr, key; }: the notifier reads the key).
 */
static const struct kelf_load_table x86_64_load_tables[] = {
	{ .name = ".call_sites", .entry_size = 4, .field = 0, .insn_disp = 1 },
	{ .name = ".static_call_sites", .entry_size = 8, .field = 4, .insn_disp = -1 },
	{ .name = NULL },
};

static int x86_64_decode(struct kelf_section *sec)
{
	return kelf_decode_opcodes(sec, bfd_arch_i386, bfd_mach_x86_64);
}

/* endbr64; objtool's list of sealed ones (CONFIG_X86_KERNEL_IBT) */
static const unsigned char x86_64_endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/*
 * 6.12 tools/objtool/check.c validate_ibt(): "These sections can reference
 * text addresses, but not with the intent to indirect branch to them"
 * (.discard* and .debug* are not allocated in a module).
 */
static const char *const x86_64_endbr_exempt[] = {
	".altinstructions", ".ibt_endbr_seal", ".orc_unwind_ip",
	".parainstructions", ".retpoline_sites", ".smp_locks",
	".static_call_sites", "_error_injection_whitelist", "_kprobe_blacklist",
	"__bug_table", "__ex_table", "__jump_table", "__mcount_loc",
	".kcfi_traps", "__patchable_function_entries", NULL,
};

/*
 * Static call trampolines (ARCH_DEFINE_STATIC_CALL_TRAMP: ANNOTATE_NOENDBR):
 * static_call_update() passes their address to __static_call_update(),
 * which patches the text; they are only ever reached by direct calls.
 */
static const char *const x86_64_noendbr_prefixes[] = { "__SCT__", NULL };

const struct kelf_arch kelf_arch_x86_64 = {
	.name = "x86_64",
	.machine = EM_X86_64,
	.data = ELFDATA2LSB,
	.relocs = x86_64_relocs,
	.nr_relocs = sizeof(x86_64_relocs) / sizeof(x86_64_relocs[0]),
	.reloc_none = R_X86_64_NONE,
	.reloc_abs64 = R_X86_64_64,
	.target_bias = x86_64_target_bias,
	.is_branch = x86_64_is_branch,
	.decode = x86_64_decode,
	/* -pg -mfentry: "call __fentry__" is the first instruction (after endbr64) */
	.ftrace_call = "__fentry__",
	.ftrace_window = 16,
	.ftrace_loc_section = "__mcount_loc",
	.entry_prefix = x86_64_entry_prefix,
	.padding_symbol = "__pfx_",
	.load_tables = x86_64_load_tables,
	.endbr = x86_64_endbr,
	.endbr_len = sizeof(x86_64_endbr),
	.endbr_seal_section = ".ibt_endbr_seal",
	.endbr_exempt = x86_64_endbr_exempt,
	.noendbr_prefixes = x86_64_noendbr_prefixes,
};
