// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The special sections of ppc64le kernels (Linux 6.1; the rows of
 * special.h's table).  Offsets are those of the kernel's structs:
 *
 *   struct bug_entry             { s32 bug_addr_disp; s32 file_disp; u16 line, flags; }
 *   struct jump_entry            { s32 code, target; long key; }
 *   struct exception_table_entry { s32 insn, fixup; }
 *   struct fixup_entry           { unsigned long mask, value; long start_off,
 *                                  end_off, alt_start_off, alt_end_off; }
 *                                (__ftr_fixup, __mmu_ftr_fixup, __fw_ftr_fixup:
 *                                 offsets from the entry; the alternative code
 *                                 lies in a __ftr_alt_NN section, copied whole)
 *   __mcount_loc: one pointer per "bl _mcount" (-mprofile-kernel)
 */
#include <elf.h>
#include "special.h"

#define N SPECIAL_NONE
#define FIXUP_ENTRY	{ SPECIAL_LAYOUT(48, 16, N, N, N) }

static const struct special_section rows[] = {
	{ .name = "__bug_table", .layouts = SPECIAL_SITE_ONLY(12) },
	{ .name = "__jump_table", .layouts = { SPECIAL_LAYOUT(16, 0, 4, 8, N) },
	  .refuse_module_key = true },
	{ .name = "__ex_table", .layouts = { SPECIAL_LAYOUT(8, 0, 4, N, N) } },
	{ .name = "__ftr_fixup", .layouts = FIXUP_ENTRY },
	{ .name = "__mmu_ftr_fixup", .layouts = FIXUP_ENTRY },
	{ .name = "__fw_ftr_fixup", .layouts = FIXUP_ENTRY },
	{ .name = "__mcount_loc", .layouts = SPECIAL_SITE_ONLY(8) },
};

const struct special_table special_table_ppc64le = {
	.machine = EM_PPC64,
	.rows = rows,
	.nr_rows = sizeof(rows) / sizeof(rows[0]),
};
