// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * description.c - the patch module's MODULE_DESCRIPTION, KLPKIT_DESCRIPTION
 * (Kbuild passes it to this object only).  Kept apart from livepatch-patch.c,
 * which then compiles the same way for every release and patch of one module
 * name, so that the compiler cache answers it.  The same .modinfo entry
 * MODULE_INFO(description, ...) makes, without <linux/module.h>.
 */
#ifndef KLPKIT_DESCRIPTION
#define KLPKIT_DESCRIPTION "klpkit livepatch module"
#endif

static const char klpkit_description[] __used __section(".modinfo") __aligned(1) =
	"description=" KLPKIT_DESCRIPTION;
