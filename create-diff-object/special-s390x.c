// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special sections of s390x kernels (Linux 6.1; the rows of
 * special.h's table).  Offsets are those of the kernel's structs:
 *
 *   struct bug_entry             { s32 bug_addr_disp; s32 file_disp; u16 line, flags; }
 *   struct jump_entry            { s32 code, target; long key; }
 *   struct alt_instr             { s32 instr_offset, repl_offset; u16 facility;
 *                                  u8 instrlen; } (packed: 11 bytes; the
 *                                replacement is as long as the original)
 *   struct exception_table_entry { s32 insn, fixup; s16 type, data; }
 *   __mcount_loc: one pointer per function entry (-mrecord-mcount)
 */
#include <elf.h>
#include "special.h"

#define N SPECIAL_NONE

static const struct special_section rows[] = {
	{ .name = "__bug_table", .layouts = SPECIAL_SITE_ONLY(12) },
	{ .name = "__jump_table", .layouts = { SPECIAL_LAYOUT(16, 0, 4, 8, N) },
	  .refuse_module_key = true },
	{ .name = ".altinstructions", .layouts = { SPECIAL_LAYOUT(11, 0, 4, N, 10) },
	  .companion = ".altinstr_replacement", .companion_kind = SC_PAYLOAD },
	{ .name = "__ex_table", .layouts = { SPECIAL_LAYOUT(12, 0, 4, N, N) } },
	{ .name = "__mcount_loc", .layouts = SPECIAL_SITE_ONLY(8) },
	{ .name = ".altinstr_replacement", .companion_only = true },
};

const struct special_table special_table_s390x = {
	.machine = EM_S390,
	.rows = rows,
	.nr_rows = sizeof(rows) / sizeof(rows[0]),
};
