// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The livepatch naming rules of the 6.1 loader: ".klp.sym.OBJ.NAME,POS"
 * symbols, ".klp.rela.OBJ.SEC" sections, and which sections may hold a
 * relocation that is written late (when a patched module loads).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

bool klpsym_is(const char *s)
{
	return !strncmp(s, KLP_SYM_PREFIX, strlen(KLP_SYM_PREFIX));
}

void modname_normalize(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

int klpsym_check_obj(const char *obj, const char **why)
{
	const char *p;

	if (!*obj) {
		*why = "the object name is empty";
		return -1;
	}
	if (strlen(obj) > KLP_OBJNAME_MAX) {
		*why = "the object name is longer than 55 characters (the loader reads it with %55[^.])";
		return -1;
	}
	for (p = obj; *p; p++) {
		if (*p == '-') {
			*why = "the object name contains '-': the kernel names modules with '_'";
			return -1;
		}
		if (!isalnum((unsigned char)*p) && *p != '_') {
			*why = "the object name has a character other than letters, digits and '_'";
			return -1;
		}
	}
	return 0;
}

int klpsym_check_name(const char *name, const char **why)
{
	if (!*name) {
		*why = "the symbol name is empty";
		return -1;
	}
	if (strlen(name) > KLP_SYMNAME_MAX) {
		*why = "the symbol name is longer than 511 characters (the loader reads it with %511[^,])";
		return -1;
	}
	if (strchr(name, ',')) {
		*why = "the symbol name contains ',' (the loader stops the name at the first ',')";
		return -1;
	}
	return 0;
}

int klpsym_parse(const char *s, struct klpsym *out, const char **why)
{
	const char *obj, *dot, *name, *comma, *p;
	char *end;

	if (!klpsym_is(s)) {
		*why = "the name does not start with .klp.sym.";
		return -1;
	}
	obj = s + strlen(KLP_SYM_PREFIX);
	dot = strchr(obj, '.');
	if (!dot) {
		*why = "expected .klp.sym.OBJ.NAME,POS: no '.' after the object name";
		return -1;
	}
	if ((size_t)(dot - obj) > KLP_OBJNAME_MAX) {
		*why = "the object name is longer than 55 characters (the loader reads it with %55[^.])";
		return -1;
	}
	memcpy(out->obj, obj, dot - obj);
	out->obj[dot - obj] = '\0';
	if (klpsym_check_obj(out->obj, why))
		return -1;
	name = dot + 1;
	comma = strchr(name, ',');
	if (!comma) {
		*why = "expected .klp.sym.OBJ.NAME,POS: no ',POS' at the end";
		return -1;
	}
	if ((size_t)(comma - name) > KLP_SYMNAME_MAX) {
		*why = "the symbol name is longer than 511 characters (the loader reads it with %511[^,])";
		return -1;
	}
	memcpy(out->name, name, comma - name);
	out->name[comma - name] = '\0';
	if (!*out->name) {
		*why = "the symbol name is empty";
		return -1;
	}
	p = comma + 1;
	if (!isdigit((unsigned char)*p)) {
		*why = "the position after ',' is not a decimal number";
		return -1;
	}
	out->pos = strtoul(p, &end, 10);
	if (*end) {
		*why = "unexpected characters after the position (expected .klp.sym.OBJ.NAME,POS)";
		return -1;
	}
	return 0;
}

char *klpsym_format(const char *obj, const char *name, unsigned long pos)
{
	char *s;

	if (asprintf(&s, KLP_SYM_PREFIX "%s.%s,%lu", obj, name, pos) < 0)
		return NULL;
	return s;
}

int klprela_obj(const char *secname, char *obj, const char **why)
{
	const char *p, *dot;

	if (strncmp(secname, KLP_RELA_PREFIX, strlen(KLP_RELA_PREFIX))) {
		*why = "the name does not start with .klp.rela.";
		return -1;
	}
	p = secname + strlen(KLP_RELA_PREFIX);
	dot = strchr(p, '.');
	if (!dot || dot == p) {
		*why = "expected .klp.rela.OBJ.SECTION";
		return -1;
	}
	if ((size_t)(dot - p) > KLP_OBJNAME_MAX) {
		*why = "the object name is longer than 55 characters";
		return -1;
	}
	memcpy(obj, p, dot - p);
	obj[dot - p] = '\0';
	return klpsym_check_obj(obj, why);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * 6.1 writes the relocations of .klp.rela.vmlinux.* while the patch module
 * loads, in apply_relocations(), before module_finalize() and the module
 * notifiers look at its special sections: any allocated section may refer
 * to vmlinux.  Relocations to a module's symbols are written later, by
 * klp_apply_object_relocs() when the patch is enabled or when that module
 * loads.  By then the loader has already consumed the special sections
 * (alternatives, paravirt, jump labels, static calls, ORC, exception table,
 * retpoline/return/ibt sites, mcount locations ...), copied per-CPU data
 * and freed .init.*; so only ordinary code and data may hold such a
 * relocation.
 */
const char *late_reloc_refusal(const char *secname)
{
	if (starts(secname, ".init") || starts(secname, ".exit"))
		return "an .init/.exit section: it is freed (or unused) before a module-specific relocation would be written";
	if (starts(secname, ".data..percpu"))
		return "per-CPU data: the loader copies it to every CPU before module-specific relocations are written";
	if (starts(secname, ".text") || starts(secname, ".data") ||
	    starts(secname, ".rodata") || starts(secname, ".bss"))
		return NULL;
	return "a special section: the 6.1 loader processes it when the patch module loads, before relocations to a module's symbols are written (only .text*, .data* and .rodata* may refer to a module's symbols)";
}
