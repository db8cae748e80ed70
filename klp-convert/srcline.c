// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source lines for messages: the line table of the patch module's own
 * DWARF (libdwfl lays out and relocates the sections of an ET_REL object,
 * as eu-addr2line -j does).  Best effort: no DWARF, no line.
 */
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include "klp-convert.h"

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

const char *source_line(const char *path, const struct kelf_section *sec,
			uint64_t off, char *buf, size_t len)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	const char *file, *ret = NULL;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	GElf_Shdr mem, *sh;
	Dwfl_Line *line;
	int lineno = 0;
	Elf *elf;

	if (!dwfl || !len)
		goto out;
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod || !dwfl_module_getdwarf(mod, &bias))
		goto out;
	elf = dwfl_module_getelf(mod, &bias);
	sh = elf ? gelf_getshdr(elf_getscn(elf, sec->index), &mem) : NULL;
	if (!sh || off >= sh->sh_size)
		goto out;
	line = dwfl_module_getsrc(mod, sh->sh_addr + bias + off);
	file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (file && lineno > 0) {
		snprintf(buf, len, "%s:%d", file, lineno);
		ret = buf;
	}
out:
	dwfl_end(dwfl);
	return ret;
}
