// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-element state for one input object: section kinds, canonical
 * names (compiler numbering removed), subfunction parents, __pfx_ symbols
 * and the "special" static locals that are never correlated.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "klpkit-meta.h"
#include "special.h"

bool is_function(const struct kelf_symbol *s)
{
	return s->type == STT_FUNC && s->sec;
}

bool is_data_object(const struct kelf_symbol *s)
{
	return (s->type == STT_OBJECT || s->type == STT_TLS) && s->sec;
}

/*
 * Remove the compiler's numbering: every ".<digits>" component
 * (foo.isra.3, bar.constprop.0, __key.123, x.cold.7 → foo.isra, …) and the
 * counter of __UNIQUE_ID_<name><digits>.
 */
const char *canon_name(const char *name, char *buf, size_t len)
{
	size_t o = 0;
	const char *p = name;

	while (*p && o + 1 < len) {
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			const char *q = p + 1;

			while (isdigit((unsigned char)*q))
				q++;
			if (*q == '\0' || *q == '.') {
				p = q;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	if (!strncmp(buf, "__UNIQUE_ID_", 12))
		while (o > 12 && isdigit((unsigned char)buf[o - 1]))
			buf[--o] = '\0';
	return buf;
}

/* Locals the compiler or a macro creates per use: always a new copy. */
static bool is_special_static(const struct kelf_symbol *s)
{
	static const char *const prefixes[] = {
		"__key.", "__warned.", "__already_done.", "__func__.",
		"__FUNCTION__.", "_rs.", "CSWTCH.", "_entry.", "_entry_ptr.",
		"__print_once.", "__UNIQUE_ID_ddebug", "descriptor.",
		"__msg.", "__flags.", "__tpstrtab_", "__compound_literal.",
	};
	size_t i;

	if (s->bind != STB_LOCAL || s->type == STT_SECTION || s->type == STT_FILE)
		return false;
	if (s->sec && is_per_use_section(s->sec))
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* foo.cold, foo.cold.3, foo.part.0 → the function foo */
static struct kelf_symbol *find_parent(struct kelf *k, struct kelf_symbol *s)
{
	static const char *const markers[] = { ".cold", ".part." };
	struct kelf_symbol *p;
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *m = strstr(s->name, markers[i]);
		char *pname;

		if (!m)
			continue;
		pname = strndup(s->name, m - s->name);
		if (!pname)
			return NULL;
		kelf_for_each_symbol_named(p, k, pname)
			if (is_function(p))
				break;
		free(pname);
		return p;
	}
	return NULL;
}

static int prepare_sections(struct cdo *c, struct kelf *k)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		struct sec_info *si = calloc(1, sizeof(*si));
		char *alias = section_alias(sec->name);

		if (alias && kelf_rename_section(sec, alias))
			si = NULL;
		free(alias);
		if (!si) {
			cdo_error(c, "out of memory");
			return -1;
		}
		sec->priv = si;
		si->kind = section_kind(sec);
		si->special = special_section_lookup(k, kelf_is_rela(sec) && sec->base ?
						     sec->base->name : sec->name);
		if (si->kind == SK_UNKNOWN) {
			kelf_error(k, "section '%s' (type %u, flags 0x%lx) is not known to create-diff-object; it cannot tell whether a patch may drop or keep it. Please report it",
				   sec->name, sec->sh.sh_type,
				   (unsigned long)sec->sh.sh_flags);
			return -1;
		}
	}
	return 0;
}

static int prepare_symbols(struct cdo *c, struct kelf *k)
{
	struct kelf_symbol *s;
	char buf[512];

	kelf_for_each_symbol(s, k) {
		struct sym_info *yi = calloc(1, sizeof(*yi));

		if (!yi || !(yi->canon = strdup(canon_name(s->name, buf, sizeof(buf))))) {
			free(yi);
			cdo_error(c, "out of memory");
			return -1;
		}
		s->priv = yi;
		yi->special_static = is_special_static(s);
	}
	kelf_for_each_symbol(s, k) {
		if (is_function(s) && (strstr(s->name, ".cold") || strstr(s->name, ".part.")))
			YI(s)->parent = find_parent(k, s);
		if (is_function(s) && kelf_padding_of(s)) {
			struct kelf_symbol *f;

			kelf_for_each_symbol_named(f, k, kelf_padding_of(s))
				if (is_function(f)) {
					YI(f)->pfx = s;
					YI(s)->is_pfx = true;
				}
		}
	}
	return 0;
}

/*
 * KPATCH_IGNORE_FUNCTION / KPATCH_IGNORE_SECTION: pointer arrays in
 * .klpkit.ignore.functions / .klpkit.ignore.sections (klpkit-meta.h).
 */
static int apply_ignores(struct cdo *c, struct kelf *k)
{
	struct kelf_section *fs = kelf_find_section(k, KLPKIT_IGNORE_FUNCTIONS);
	struct kelf_section *ss = kelf_find_section(k, KLPKIT_IGNORE_SECTIONS);
	size_t i;

	for (i = 0; fs && fs->rela && i < fs->rela->nr_relas; i++) {
		int64_t off;
		struct kelf_symbol *f = kelf_rela_target(fs->rela, &fs->rela->relas[i], &off);

		if (!f || !is_function(f)) {
			kelf_error(k, "%s entry %zu does not point to a function",
				   fs->name, i);
			return -1;
		}
		YI(f)->ignored = true;
		report_function(c, "ignored", f, "KPATCH_IGNORE_FUNCTION");
	}
	for (i = 0; ss && ss->rela && i < ss->rela->nr_relas; i++) {
		const struct kelf_rela *r = &ss->rela->relas[i];
		struct kelf_section *str = r->sym ? r->sym->sec : NULL;
		int64_t off = r->sym ? (int64_t)r->sym->sym.st_value + r->addend : -1;
		struct kelf_section *target;

		if (!str || !str->data || off < 0 || (uint64_t)off >= str->size ||
		    !memchr(str->data + off, 0, str->size - off)) {
			kelf_error(k, "%s entry %zu does not point to a string", ss->name, i);
			return -1;
		}
		target = kelf_find_section(k, (const char *)str->data + off);
		if (target)
			SI(target)->ignored = true;
	}
	return 0;
}

int prepare_object(struct cdo *c, struct kelf *k)
{
	if (rewrite_sites(c, k) || prepare_sections(c, k) || prepare_symbols(c, k))
		return -1;
	return k == c->patched ? apply_ignores(c, k) : 0;
}
