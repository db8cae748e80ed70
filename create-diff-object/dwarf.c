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

/*
 * Find the definition of @sym in @path's DWARF and return @describe(die)
 * (which writes into @buf), or NULL when there is none.
 */
static const char *with_definition(const char *path, const char *sym,
				   const char *(*describe)(Dwarf_Die *, char *, size_t),
				   char *buf, size_t len)
{
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwarf_Off off = 0, next;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	const char *ret = NULL;
	bool found = false;
	char name[256];
	size_t hsize;
	Dwarf *dw;

	if (!dwfl || !len)
		return NULL;
	source_name(sym, name, sizeof(name));
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	while (dw && !found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;

		if (dwarf_offdie(dw, off + hsize, &cu) && find_die(&cu, name, &die, 0)) {
			ret = describe(&die, buf, len);
			found = true;
		}
		off = next;
	}
	dwfl_end(dwfl);
	return ret;
}

static const char *describe_location(Dwarf_Die *die, char *buf, size_t len)
{
	int line = 0;

	dwarf_decl_line(die, &line);
	snprintf(buf, len, "%s:%d", dwarf_decl_file(die), line);
	return buf;
}

const char *source_location(const char *path, const char *sym, char *buf, size_t len)
{
	return with_definition(path, sym, describe_location, buf, len);
}

/* Append the names of the subroutines inlined below @die to @buf. */
static void collect_inlined(Dwarf_Die *die, char *buf, size_t len, int depth)
{
	Dwarf_Die child, origin;
	Dwarf_Attribute attr;

	if (depth > 8 || dwarf_child(die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_inlined_subroutine &&
		    dwarf_attr(&child, DW_AT_abstract_origin, &attr) &&
		    dwarf_formref_die(&attr, &origin)) {
			const char *n = dwarf_diename(&origin);
			size_t used = strlen(buf);
			int line = 0;

			dwarf_decl_line(&origin, &line);
			if (n && !strstr(buf, n) && used + strlen(n) + 32 < len)
				snprintf(buf + used, len - used, "%s%s (line %d)",
					 used ? ", " : "", n, line);
		}
		collect_inlined(&child, buf, len, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static const char *describe_inlined(Dwarf_Die *die, char *buf, size_t len)
{
	buf[0] = '\0';
	if (dwarf_tag(die) == DW_TAG_subprogram)
		collect_inlined(die, buf, len, 0);
	return buf[0] ? buf : NULL;
}

/*
 * The functions the compiler inlined into function @sym of @path, as
 * "a (line 12), b (line 40)" in @buf; NULL when none or no DWARF.
 */
const char *inlined_functions(const char *path, const char *sym, char *buf, size_t len)
{
	return with_definition(path, sym, describe_inlined, buf, len);
}
