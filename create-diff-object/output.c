// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The output object: a copy of every included function and data object
 * (each in a section of its own, or appended to a section whose name the
 * kernel looks for, like __dyndbg), the whole sections that were included
 * (string literals, anonymous read-only data), and their relocations.
 * References to what stayed in the running kernel become external symbols:
 * plain names for globals, ".klp.sym.OBJ.NAME,POS" for everything the
 * differ resolved itself (see kmod/patch/klpkit-meta.h).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "klpkit-meta.h"

static struct kelf_section *clone_section_header(struct cdo *c, struct kelf_section *from,
						 const char *name)
{
	GElf_Shdr sh = from->sh;
	struct kelf_section *sec;

	sh.sh_flags &= ~(uint64_t)SHF_GROUP;
	sh.sh_size = 0;
	sec = kelf_add_section(c->out, name, &sh, NULL, 0);
	if (!sec)
		return NULL;
	sec->priv = calloc(1, sizeof(struct sec_info));
	if (!sec->priv || !kelf_add_symbol(c->out, name, STB_LOCAL, STT_SECTION, sec, 0, 0))
		return NULL;
	return sec;
}

/* Append @len bytes of @from at @off to @to, aligned; returns the offset. */
static int64_t append(struct kelf_section *to, struct kelf_section *from,
		      uint64_t off, uint64_t len, uint64_t align)
{
	uint64_t start = to->size;
	unsigned char *buf;

	if (align > 1)
		start = (start + align - 1) & ~(align - 1);
	if (to->sh.sh_type == SHT_NOBITS) {
		to->size = to->sh.sh_size = start + len;
		return start;
	}
	buf = calloc(1, start + len ? start + len : 1);
	if (!buf)
		return -1;
	if (to->data)
		memcpy(buf, to->data, to->size);
	if (from->data)
		memcpy(buf + start, from->data + off, len);
	if (kelf_set_data(to, buf, start + len)) {
		free(buf);
		return -1;
	}
	free(buf);
	if (align > to->sh.sh_addralign)
		to->sh.sh_addralign = align;
	return start;
}

static struct kelf_section *whole_copy(struct cdo *c, struct kelf_section *sec)
{
	struct kelf_section *out;

	if (SI(sec)->out)
		return SI(sec)->out;
	out = clone_section_header(c, sec, sec->name);
	if (!out || append(out, sec, 0, sec->size, sec->sh.sh_addralign) < 0)
		return NULL;
	SI(sec)->out = out;
	SI(sec)->include = true;
	return out;
}

/* Is the section named after this one symbol (-ffunction/-fdata-sections)? */
static bool owns_section(const struct kelf_symbol *s)
{
	size_t nl = strlen(s->sec->name), sl = strlen(s->name);

	return s->sym.st_value == 0 && nl > sl && s->sec->name[nl - sl - 1] == '.' &&
	       !strcmp(s->sec->name + nl - sl, s->name);
}

static struct kelf_section *home_for(struct cdo *c, struct kelf_symbol *s)
{
	struct kelf_section *sec;
	char *name = NULL;

	if (owns_section(s) || SI(s->sec)->kind != SK_TEXT) {
		/* Same section name; unbundled data share one output section. */
		if (!owns_section(s)) {
			sec = kelf_find_section(c->out, s->sec->name);
			if (sec)
				return sec;
		}
		return clone_section_header(c, s->sec, s->sec->name);
	}
	/* A function in a shared text section (.sched.text …) gets its own. */
	if (asprintf(&name, ".text.%s", s->name) < 0)
		return NULL;
	sec = clone_section_header(c, s->sec, name);
	free(name);
	return sec;
}

static int clone_symbol(struct cdo *c, struct kelf_symbol *s)
{
	struct kelf_section *sec;
	struct kelf_symbol *n;
	int64_t at;

	if (SI(s->sec)->include) {
		sec = whole_copy(c, s->sec);
		at = s->sym.st_value;
	} else {
		/* bytes before the entry that belong to it (kelf_entry_prefix) */
		unsigned int pre = kelf_entry_prefix(s);

		sec = home_for(c, s);
		at = sec ? append(sec, s->sec, s->sym.st_value - pre, s->sym.st_size + pre,
				  s->sec->sh.sh_addralign) : -1;
		if (at >= 0)
			at += pre;
	}
	if (!sec || at < 0)
		goto oom;
	n = kelf_add_symbol(c->out, s->name, s->bind, s->type, sec, at, s->sym.st_size);
	if (!n)
		goto oom;
	n->sym.st_other = s->sym.st_other;
	YI(s)->out = n;
	return 0;
oom:
	cdo_error(c, "out of memory copying %s", s->name);
	return -1;
}

static struct kelf_symbol *external(struct cdo *c, struct kelf_symbol *t)
{
	struct kelf_symbol *e;
	char *name = NULL;
	long pos = 0;

	if (!t->sec || (t->bind != STB_LOCAL && parent_is_vmlinux(c->ps) &&
			parent_is_exported(c->ps, t->name))) {
		e = kelf_find_symbol(c->out, t->name);
		if (e && !e->sec)
			return e;
		return kelf_add_symbol(c->out, t->name, STB_GLOBAL,
				       t->type == STT_SECTION ? STT_NOTYPE : t->type,
				       NULL, 0, 0);
	}
	if (parent_sympos(c, t, &pos))
		return NULL;
	if (asprintf(&name, KLPKIT_SYM_PREFIX "%s.%s,%ld", c->parent, t->name, pos) < 0)
		return NULL;
	e = kelf_find_symbol(c->out, name);
	/* weak: modpost neither warns nor versions it (klpkit-meta.h) */
	if (!e)
		e = kelf_add_symbol(c->out, name, STB_WEAK, t->type, NULL, 0, 0);
	free(name);
	return e;
}

static bool function_or_object(const struct kelf_symbol *s)
{
	return is_function(s) || is_data_object(s);
}

/* A function or object of @sec that ends exactly at @off (ORC terminators). */
struct kelf_symbol *symbol_ending_at(struct kelf_section *sec, int64_t off)
{
	return off > 0 ? kelf_symbol_ending_at(sec, (uint64_t)off, function_or_object) : NULL;
}

/*
 * The output symbol a relocation must use, and its addend.  Calls to a
 * changed function go to the new copy; taking its address keeps the
 * original (pointers stored elsewhere in the kernel must compare equal).
 */
static struct kelf_symbol *map_reference(struct cdo *c, struct kelf_section *relasec,
					 const struct kelf_rela *r, int64_t *addend,
					 bool special)
{
	struct kelf_symbol *t;
	const char *why;
	int64_t off;

	t = kelf_rela_target(relasec, r, &off);
	*addend = off;
	if (t->type == STT_SECTION && t->sec) {
		enum sec_kind k = SI(t->sec)->kind;
		struct kelf_section *o = SI(t->sec)->out;

		int64_t at = r->addend + kelf_target_bias(relasec, r);
		struct kelf_symbol *end = symbol_ending_at(t->sec, at);
		struct kelf_symbol *owner = at >= 0 ? kelf_prefix_owner(t->sec, (uint64_t)at) : NULL;

		if (!o && end && YI(end)->out) {
			*addend = r->addend - end->sym.st_value;
			return YI(end)->out;
		}
		/* into the bytes in front of a function that belong to it */
		if (!o && owner && YI(owner)->out) {
			*addend = r->addend - (int64_t)owner->sym.st_value;
			return YI(owner)->out;
		}
		if (!o && (k == SK_STRINGS || k == SK_RODATA || SI(t->sec)->include))
			o = whole_copy(c, t->sec);
		if (!o) {
			cdo_error(c, "%s+0x%lx refers to %s+0x%lx, which is not covered by any symbol; cannot tell what it points to",
				  relasec->base->name, (unsigned long)r->offset,
				  t->sec->name, (unsigned long)r->addend);
			return NULL;
		}
		return o->secsym;
	}
	if (t->type == STT_NOTYPE && t->bind == STB_LOCAL && t->sec) {
		/* a local label (.LC0 …): copy its section, point into the copy */
		struct kelf_section *o = whole_copy(c, t->sec);

		if (!o)
			return NULL;
		*addend = (int64_t)t->sym.st_value + off;
		return o->secsym;
	}
	if (YI(t)->out && (special || YI(t)->status != ST_CHANGED ||
			   !is_function(t) || kelf_is_branch(relasec, r)))
		return YI(t)->out;
	why = kelf_external_refusal(relasec, r);
	if (why) {
		const struct kelf_reloc_type *rt = kelf_reloc_type(relasec->kelf, r->type);

		cdo_error(c, "%s+0x%lx refers to %s, which stays outside the patch module, with %s: %s (%s); not supported%s",
			  relasec->base->name, (unsigned long)r->offset, t->name,
			  rt ? rt->name : "an unknown relocation type", why,
			  relasec->kelf->arch->name,
			  relasec->kelf->arch->pointer_table ?
			  " (ppc64le: compile with -mcmodel=large, as kpatch does, so that data references go through the TOC)" : "");
		return NULL;
	}
	return external(c, t);
}

struct kelf_symbol *out_reference(struct cdo *c, struct kelf_section *relasec,
				  const struct kelf_rela *r, int64_t *addend)
{
	return map_reference(c, relasec, r, addend, true);
}

static int copy_relas(struct cdo *c, struct kelf_section *from, uint64_t start,
		      uint64_t len, struct kelf_section *to, uint64_t to_off,
		      bool special)
{
	struct kelf_section *relasec = from->rela, *outrela = NULL;
	const struct kelf_rela *r;
	size_t pos;

	if (!relasec)
		return 0;
	kelf_for_each_rela_in(r, relasec, start, start + len, pos) {
		const struct kelf_reloc_type *rt = kelf_reloc_type(from->kelf, r->type);
		struct kelf_symbol *t;
		int64_t addend;

		if (rt->size > start + len - r->offset) {
			cdo_error(c, "%s+0x%lx: %s runs past the end of the 0x%lx bytes copied from 0x%lx",
				  from->name, (unsigned long)r->offset,
				  rt->name, (unsigned long)len,
				  (unsigned long)start);
			return -1;
		}
		if (!r->sym) {
			t = NULL;
			addend = r->addend;
		} else if (!(t = map_reference(c, relasec, r, &addend, special))) {
			return -1;
		}
		if (!outrela && !(outrela = kelf_add_rela_section(c->out, to)))
			return -1;
		if (!outrela->priv)
			outrela->priv = calloc(1, sizeof(struct sec_info));
		if (kelf_rela_add(outrela, r->offset - start + to_off, r->type, t, addend))
			return -1;
	}
	return 0;
}

int copy_range_relas(struct cdo *c, struct kelf_section *from, uint64_t start,
		     uint64_t len, struct kelf_section *to, uint64_t to_off)
{
	return copy_relas(c, from, start, len, to, to_off, true);
}

static int copy_all_relocations(struct cdo *c)
{
	struct kelf_symbol *s;
	struct kelf_section *sec;

	kelf_for_each_symbol(s, c->patched) {
		struct kelf_symbol *n = YI(s)->out;

		unsigned int pre;

		if (!n || !YI(s)->include || SI(s->sec)->include)
			continue;
		pre = kelf_entry_prefix(s);
		if (copy_relas(c, s->sec, s->sym.st_value - pre, s->sym.st_size + pre,
			       n->sec, n->sym.st_value - pre, false))
			return -1;
	}
	/* Whole sections: all of their relocations (copying may add more). */
	for (bool again = true; again;) {
		again = false;
		kelf_for_each_section(sec, c->patched) {
			if (kelf_is_rela(sec) || !SI(sec)->out || SI(sec)->special ||
			    SI(sec)->relocs_done)
				continue;
			SI(sec)->relocs_done = true;
			again = true;
			if (copy_relas(c, sec, 0, sec->size, SI(sec)->out, 0, false))
				return -1;
		}
	}
	return 0;
}

int build_output(struct cdo *c)
{
	struct kelf_symbol *s;
	struct kelf_section *sec;

	c->out = kelf_new(c->patched, c->out_path);
	if (!c->out)
		return -1;
	kelf_for_each_symbol(s, c->patched) {
		if (s->type == STT_FILE) {
			struct kelf_symbol *f = kelf_add_symbol(c->out, s->name, STB_LOCAL,
								STT_FILE, NULL, 0, 0);

			if (!f)
				return -1;
			f->shndx = SHN_ABS;
			break;
		}
	}
	kelf_for_each_section(sec, c->patched)
		if (!kelf_is_rela(sec) && SI(sec)->include && !SI(sec)->special &&
		    !whole_copy(c, sec))
			return -1;
	kelf_for_each_symbol(s, c->patched)
		if (YI(s)->include && clone_symbol(c, s))
			return -1;
	return copy_all_relocations(c);
}
