// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special sections of x86-64 kernels (the rows of special.h's table).
 * Layout [0] of a row is Linux 6.1's, the default target; the others are
 * those of the kernels distributions still ship (4.18 … 6.12), chosen by
 * the entry size the object shows (special-table.c).  Offsets are those of
 * the kernel's structs:
 *
 *   struct bug_entry            { s32 bug_addr_disp; s32 file_disp; u16 line, flags; }
 *   struct jump_entry           { s32 code, target; long key; }        (5.0+)
 *                               { u64 code, target, key; }             (4.18)
 *   struct alt_instr            { s32 instr_offset, repl_offset; u16 cpuid;
 *                                 u8 instrlen, replacementlen; }       (6.1, packed)
 *                               { … u8 instrlen, replacementlen, padlen; } (4.18)
 *                               { … u32 ft_flags; u8 instrlen, replacementlen; } (6.3+)
 *   struct exception_table_entry { s32 insn, fixup, data; }   (4.18: handler)
 *   struct paravirt_patch_site  { u8 *instr; u8 type, len; }  (6.6: s32 instr_offset)
 *   struct static_call_site     { s32 addr, key; }
 *   struct orc_entry            { s16 sp_offset, bp_offset; u16 flags; } (packed)
 */
#include <elf.h>
#include <string.h>
#include "special.h"

#define N SPECIAL_NONE

#define RUNTIME_CONST_REFUSAL \
	"the function uses the runtime constant %s, whose placeholder the kernel " \
	"patches at boot in vmlinux's own code only: a copy in the patch module " \
	"would keep the placeholder. Leave this function unchanged (patch its " \
	"callers instead), or make the patch read the constant's variable"

#define RUNTIME_CONST_PLACEHOLDER	0x0123456789abcdefULL

/*
 * runtime_ptr_SYM (asm/runtime-const.h): the entry points at the imm64 of
 * "movabs $0x0123456789abcdef, %reg" (REX.W[+B] B8+r), which vmlinux
 * patches at boot.  The same 10 bytes become "mov SYM(%rip), %reg"
 * (REX.W[+R] 8B /r, RIP-relative) and a 3-byte NOP: the variable read a
 * module build of the kernel emits for runtime_const_ptr(SYM).
 */
static int runtime_ptr_load(struct special_rewrite *w)
{
	unsigned char *p;
	uint64_t imm = 0;
	unsigned int reg;
	int i;

	if (w->site < 2 || w->site > w->size || w->size - w->site < 8)
		return -1;
	p = w->code + w->site - 2;
	for (i = 7; i >= 0; i--)
		imm = imm << 8 | p[2 + i];
	if ((p[0] & 0xfe) != 0x48 || (p[1] & 0xf8) != 0xb8 ||
	    imm != RUNTIME_CONST_PLACEHOLDER)
		return -1;
	reg = (p[1] & 7) | (p[0] & 1) << 3;
	p[0] = 0x48 | (reg >> 3) << 2;
	p[1] = 0x8b;
	p[2] = 0x05 | (reg & 7) << 3;
	memset(p + 3, 0, 4);
	memcpy(p + 7, "\x0f\x1f\x00", 3);
	w->rela_offset = w->site + 1;
	w->rela_type = R_X86_64_PC32;
	w->rela_addend = -4;	/* the mov ends right after its disp32 */
	return 0;
}

static const struct special_section rows[] = {
	{ .name = "__bug_table", .size_env = "BUG_STRUCT_SIZE",
	  .layouts = SPECIAL_SITE_ONLY(12) },
	{ .name = "__jump_table", .size_env = "JUMP_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(16, 0, 4, 8, N),
		       SPECIAL_LAYOUT(24, 0, 8, 16, N) },
	  .refuse_module_key = true },
	{ .name = ".altinstructions", .size_env = "ALT_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(12, 0, 4, N, 11),
		       SPECIAL_LAYOUT(13, 0, 4, N, 11),
		       SPECIAL_LAYOUT(14, 0, 4, N, 13) },
	  .companion = ".altinstr_replacement", .companion_kind = SC_PAYLOAD },
	{ .name = "__ex_table", .size_env = "EX_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(12, 0, 4, N, N) },
	  /* before 5.16 the fixup code is in .fixup, in groups */
	  .companion = ".fixup", .companion_kind = SC_PAYLOAD },
	{ .name = ".parainstructions", .size_env = "PARA_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(16, 0, N, N, N),
		       SPECIAL_LAYOUT(8, 0, N, N, N) } },
	{ .name = ".static_call_sites", .size_env = "STATIC_CALL_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(8, 0, N, 4, N) },
	  .refuse_module_key = true },
	{ .name = ".smp_locks", .layouts = SPECIAL_SITE_ONLY(4) },
	{ .name = ".retpoline_sites", .layouts = SPECIAL_SITE_ONLY(4), .objtool_made = true },
	{ .name = ".return_sites", .layouts = SPECIAL_SITE_ONLY(4), .objtool_made = true },
	{ .name = ".call_sites", .layouts = SPECIAL_SITE_ONLY(4), .objtool_made = true },
	{ .name = ".ibt_endbr_seal", .layouts = SPECIAL_SITE_ONLY(4), .objtool_made = true },
	{ .name = "__mcount_loc", .layouts = SPECIAL_SITE_ONLY(8) },
	{ .name = ".orc_unwind_ip", .layouts = SPECIAL_SITE_ONLY(4),
	  .companion = ".orc_unwind", .companion_kind = SC_PARALLEL, .objtool_made = true },
	{ .name = ".printk_index", .size_env = "PRINTK_INDEX_STRUCT_SIZE",
	  .layouts = SPECIAL_SITE_ONLY(8) },
	{ .name = "__tracepoints_ptrs", .layouts = SPECIAL_SITE_ONLY(4) },
	{ .name = "_kprobe_blacklist", .layouts = SPECIAL_SITE_ONLY(8) },
	{ .name = "_error_injection_whitelist", .layouts = SPECIAL_SITE_ONLY(16) },
	/* runtime constants (6.11+: USER_PTR_MAX, d_hash): s32 to the instruction */
	{ .name = "runtime_ptr_*", .layouts = SPECIAL_SITE_ONLY(4),
	  .rewrite_site = runtime_ptr_load, .refuse_site = RUNTIME_CONST_REFUSAL },
	{ .name = "runtime_shift_*", .layouts = SPECIAL_SITE_ONLY(4),
	  .refuse_site = RUNTIME_CONST_REFUSAL },
	/* companions: copied with the entries of the rows above */
	{ .name = ".altinstr_replacement", .companion_only = true },
	{ .name = ".orc_unwind", .size_env = "ORC_STRUCT_SIZE",
	  .layouts = { SPECIAL_LAYOUT(6, N, N, N, N) }, .companion_only = true },
};

const struct special_table special_table_x86_64 = {
	.machine = EM_X86_64,
	.rows = rows,
	.nr_rows = sizeof(rows) / sizeof(rows[0]),
};
