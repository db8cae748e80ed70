// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Metadata for the module template and klp-convert (layout in
 * kmod/patch/klpkit-meta.h): one struct klpkit_func per replaced function
 * and the objname of every callback.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "klpkit-meta.h"

struct meta {
	struct cdo *c;
	struct kelf_section *funcs, *strings;
	struct kelf_section *funcs_rela;
};

static struct kelf_section *add_data_section(struct cdo *c, const char *name,
					     uint64_t flags, uint64_t align)
{
	GElf_Shdr sh = {
		.sh_type = SHT_PROGBITS,
		.sh_flags = flags,
		.sh_addralign = align,
	};
	struct kelf_section *s = kelf_add_section(c->out, name, &sh, NULL, 0);

	if (s && !kelf_add_symbol(c->out, name, STB_LOCAL, STT_SECTION, s, 0, 0))
		return NULL;
	return s;
}

/* Offset of @str in .klpkit.strings, added if needed. */
static int64_t string_offset(struct meta *m, const char *str)
{
	struct kelf_section *s = m->strings;
	size_t off = 0, len = strlen(str) + 1;
	unsigned char *buf;

	while (off < s->size) {
		if (!strcmp((const char *)s->data + off, str))
			return off;
		off += strlen((const char *)s->data + off) + 1;
	}
	buf = malloc(s->size + len);
	if (!buf)
		return -1;
	if (s->size)
		memcpy(buf, s->data, s->size);
	memcpy(buf + s->size, str, len);
	off = s->size;
	if (kelf_set_data(s, buf, s->size + len))
		off = (size_t)-1;
	free(buf);
	return off;
}

static int string_ref(struct meta *m, struct kelf_section *at, uint64_t off,
		      const char *str)
{
	int64_t so = string_offset(m, str);
	struct kelf_section *rs = kelf_add_rela_section(m->c->out, at);

	if (so < 0 || !rs)
		return -1;
	return kelf_rela_add(rs, off, m->c->out->arch->reloc_abs64, m->strings->secsym, so);
}

static int add_func(struct meta *m, struct kelf_symbol *s)
{
	struct klpkit_func f = { 0 };
	struct kelf_symbol *orig = YI(s)->twin;
	uint64_t at = m->funcs->size;
	unsigned char *buf;
	long pos;

	if (parent_sympos(m->c, orig, &pos))
		return -1;
	f.sympos = pos;
	f.old_size = orig->sym.st_size;
	f.new_size = s->sym.st_size;
	buf = malloc(at + sizeof(f));
	if (!buf)
		return -1;
	if (at)
		memcpy(buf, m->funcs->data, at);
	memcpy(buf + at, &f, sizeof(f));
	if (kelf_set_data(m->funcs, buf, at + sizeof(f))) {
		free(buf);
		return -1;
	}
	free(buf);
	if (!m->funcs_rela && !(m->funcs_rela = kelf_add_rela_section(m->c->out, m->funcs)))
		return -1;
	if (kelf_rela_add(m->funcs_rela, at + offsetof(struct klpkit_func, new_func),
			  m->c->out->arch->reloc_abs64, YI(s)->out, 0) ||
	    string_ref(m, m->funcs, at + offsetof(struct klpkit_func, name), orig->name) ||
	    string_ref(m, m->funcs, at + offsetof(struct klpkit_func, objname), m->c->parent))
		return -1;
	cdo_debug(m->c, "patched function %s:%s,%ld", m->c->parent, orig->name, pos);
	return 0;
}

/* The objname field of every callback entry the patch author wrote. */
static int fill_callbacks(struct meta *m)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, m->c->out) {
		uint64_t off;

		if (kelf_is_rela(sec) || !is_callback_section(sec))
			continue;
		for (off = 0; off + sizeof(struct klpkit_callback) <= sec->size;
		     off += sizeof(struct klpkit_callback))
			if (string_ref(m, sec, off + offsetof(struct klpkit_callback, objname),
				       m->c->parent))
				return -1;
	}
	return 0;
}

int build_metadata(struct cdo *c)
{
	struct meta m = { .c = c };
	struct kelf_symbol *s;

	m.funcs = add_data_section(c, KLPKIT_FUNCS_SECTION, SHF_ALLOC | SHF_WRITE, 8);
	m.strings = add_data_section(c, KLPKIT_STRINGS_SECTION, SHF_ALLOC, 1);
	if (!m.funcs || !m.strings)
		return -1;
	kelf_for_each_symbol(s, c->patched) {
		if (!is_function(s) || !YI(s)->include || YI(s)->status != ST_CHANGED ||
		    YI(s)->parent)
			continue;
		if (add_func(&m, s))
			return -1;
	}
	return fill_callbacks(&m);
}
