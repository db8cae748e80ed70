// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source locations for messages: where a function or variable is declared,
 * from the object's DWARF (libdwfl applies the relocations of an ET_REL
 * object's debug sections).  Best effort: no DWARF, no location.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <string.h>
#include "cdo.h"

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* "foo.isra.0" → "foo", "count.3" → "count": the name in the source */
static void source_name(const char *sym, char *buf, size_t len)
{
	const char *dot = strchr(sym, '.');
	size_t n = dot ? (size_t)(dot - sym) : strlen(sym);

	if (n >= len)
		n = len - 1;
	memcpy(buf, sym, n);
	buf[n] = '\0';
}

static bool is_decl(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_subprogram || tag == DW_TAG_variable;
}

/* Depth-first search below @die for a declaration named @name. */
static bool find_die(Dwarf_Die *die, const char *name, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		const char *n = dwarf_diename(&child);

		/* the definition, not an extern declaration from a header */
		if (is_decl(&child) && n && !strcmp(n, name) && dwarf_decl_file(&child) &&
		    !dwarf_hasattr(&child, DW_AT_declaration)) {
			*out = child;
			return true;
		}
		if (depth < 3 && dwarf_tag(&child) == DW_TAG_subprogram &&
		    find_die(&child, name, out, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

const char *source_location(const char *path, const char *sym, char *buf, size_t len)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwarf_Off off = 0, next;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	const char *ret = NULL;
	char name[256];
	size_t hsize;
	Dwarf *dw;

	if (!dwfl)
		return NULL;
	source_name(sym, name, sizeof(name));
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	while (dw && !ret && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;
		int line = 0;

		if (dwarf_offdie(dw, off + hsize, &cu) && find_die(&cu, name, &die, 0)) {
			dwarf_decl_line(&die, &line);
			snprintf(buf, len, "%s:%d", dwarf_decl_file(&die), line);
			ret = buf;
		}
		off = next;
	}
	dwfl_end(dwfl);
	return ret;
}
