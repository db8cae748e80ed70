// SPDX-License-Identifier: GPL-2.0
/*
 * Probe compiled against the target tree by kpatch-build: the entry sizes of
 * the special sections, exported to create-diff-object as *_STRUCT_SIZE.
 * One SIZE() per row of create-diff-object's special-section table
 * (create-diff-object/special-x86_64.c) with a size variable; the lists
 * are kept in step by test/unit/special-lists.t.
 */
#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/printk.h>
#include <linux/static_call_types.h>
#include <asm/alternative.h>
/* before asm/extable.h: without CONFIG_X86_MCE (Debian's cloud-amd64) its
 * ex_handler_msr_mce() calls cpu_relax() */
#include <asm/processor.h>
#include <asm/extable.h>
#include <asm/orc_types.h>
#include <asm/paravirt_types.h>
#include <linux/version.h>

#define SIZE(name, type) const unsigned long klpkit_size_##name __used = sizeof(type)
SIZE(BUG, struct bug_entry);
SIZE(JUMP, struct jump_entry);
SIZE(ALT, struct alt_instr);
SIZE(EX, struct exception_table_entry);
SIZE(ORC, struct orc_entry);
SIZE(STATIC_CALL, struct static_call_site);
SIZE(PRINTK_INDEX, struct pi_entry *);
/* .parainstructions and its struct are gone since 6.8 (paravirt patching
 * became alternatives): the differ then has no PARA size and needs none. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
SIZE(PARA, struct paravirt_patch_site);
#endif
