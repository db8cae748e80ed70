// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source lines for messages, from the patch module's own DWARF (libdwfl
 * lays out and relocates the sections of an ET_REL object, as
 * eu-addr2line -j does): the line table for code, the declaration of a
 * variable for data.  Best effort: no DWARF, no line.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <string.h>
#include "klp-convert.h"

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* The definition of variable @name among the top-level DIEs of @cu. */
static bool find_variable(Dwarf_Die *cu, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;
	const char *n;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		n = dwarf_diename(&child);
		if (dwarf_tag(&child) == DW_TAG_variable && n && !strcmp(n, name) &&
		    !dwarf_hasattr(&child, DW_AT_declaration)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static const char *variable_line(Dwarf *dw, const char *name, char *buf, size_t len)
{
	Dwarf_Off off = 0, next;
	Dwarf_Die cu, die;
	size_t hsize;
	int line = 0;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &cu) && find_variable(&cu, name, &die) &&
		    dwarf_decl_file(&die) && !dwarf_decl_line(&die, &line) && line > 0) {
			snprintf(buf, len, "%s:%d", dwarf_decl_file(&die), line);
			return buf;
		}
		off = next;
	}
	return NULL;
}

const char *source_line(const char *path, const struct kelf_section *sec,
			uint64_t off, const char *var, char *buf, size_t len)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	const char *file, *ret = NULL;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	GElf_Shdr mem, *sh;
	Dwfl_Line *line;
	int lineno = 0;
	Dwarf *dw;
	Elf *elf;

	if (!dwfl || !len)
		goto out;
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	if (!dw)
		goto out;
	if (var) {
		ret = variable_line(dw, var, buf, len);
		goto out;
	}
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
