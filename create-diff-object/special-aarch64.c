// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special sections of aarch64 kernels (Linux 6.1; the rows of
 * special.h's table).  Offsets are those of the kernel's structs:
 *
 *   struct bug_entry             { s32 bug_addr_disp; s32 file_disp; u16 line, flags; }
 *   struct jump_entry            { s32 code, target; long key; }
 *   struct alt_instr             { s32 orig_offset, alt_offset; u16 cpufeature;
 *                                  u8 orig_len, alt_len; }
 *                                (alt_offset: the replacement, or the callback
 *                                 of ALTERNATIVE_CB such as alt_cb_patch_nops)
 *   struct exception_table_entry { s32 insn, fixup; s16 type, data; }
 *   __patchable_function_entries: one pointer per function entry (ftrace's
 *                                 call sites, -fpatchable-function-entry)
 */
#include <elf.h>
#include "special.h"

#define N SPECIAL_NONE

static const struct special_section rows[] = {
	{ .name = "__bug_table", .layouts = SPECIAL_SITE_ONLY(12) },
	{ .name = "__jump_table", .layouts = { SPECIAL_LAYOUT(16, 0, 4, 8, N) },
	  .refuse_module_key = true },
	{ .name = ".altinstructions", .layouts = { SPECIAL_LAYOUT(12, 0, 4, N, 11) },
	  .companion = ".altinstr_replacement", .companion_kind = SC_PAYLOAD },
	{ .name = "__ex_table", .layouts = { SPECIAL_LAYOUT(12, 0, 4, N, N) } },
	{ .name = "__patchable_function_entries", .layouts = SPECIAL_SITE_ONLY(8) },
	{ .name = ".altinstr_replacement", .companion_only = true },
};

const struct special_table special_table_aarch64 = {
	.machine = EM_AARCH64,
	.rows = rows,
	.nr_rows = sizeof(rows) / sizeof(rows[0]),
};
