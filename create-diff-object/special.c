// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Special sections: the tables the kernel walks at load time (the rows of
 * special.h's table).  Each is regenerated entry by entry, keeping only
 * the entries whose site belongs to included code, with what travels with
 * an entry (its row's companion).  The entry size is the one the object's
 * relocations show, else the row's default or *_STRUCT_SIZE.
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "special.h"

static struct kelf_rela *rela_at(struct kelf_section *relasec, uint64_t off)
{
	return relasec ? kelf_rela_at(relasec, off) : NULL;
}

/* Is the included code (or data) the entry's site relocation points into kept? */
static bool entry_is_kept(struct kelf_section *relasec, uint64_t off)
{
	const struct kelf_rela *r = rela_at(relasec, off);
	struct kelf_symbol *t;
	int64_t o;

	if (!r || !r->sym)
		return false;
	t = kelf_rela_target(relasec, r, &o);
	if (t->type == STT_SECTION && t->sec && r->addend >= 0)
		t = symbol_ending_at(t->sec, r->addend) ?:
		    kelf_prefix_owner(t->sec, (uint64_t)r->addend) ?: t;
	return t->priv && YI(t)->include && YI(t)->out;
}

struct regen {
	struct cdo *c;
	const struct special_section *sp;
	struct special_layout l;	/* of this object's entries */
	struct kelf_section *in, *out;
	struct kelf_section *comp_in, *comp_out;	/* the row's companion */
	size_t comp_size;		/* SC_PARALLEL: companion entry size */
	uint64_t *starts;		/* SC_PAYLOAD groups: sorted payload starts */
	size_t nr_starts;
	size_t kept;
};

static struct kelf_section *out_table(struct cdo *c, struct kelf_section *in)
{
	struct kelf_section *s = kelf_find_section(c->out, in->name);
	GElf_Shdr sh = in->sh;

	if (s)
		return s;
	sh.sh_size = 0;
	/*
	 * aarch64's __patchable_function_entries is SHF_LINK_ORDER, linked
	 * to a text section of the input: the output table gathers entries
	 * of several functions, and the kernel finds it by name.
	 */
	sh.sh_flags &= ~(uint64_t)SHF_LINK_ORDER;
	s = kelf_add_section(c->out, in->name, &sh, NULL, 0);
	if (s)
		s->priv = calloc(1, sizeof(struct sec_info));
	if (s && !kelf_add_symbol(c->out, in->name, STB_LOCAL, STT_SECTION, s, 0, 0))
		return NULL;
	return s;
}

static int append_bytes(struct kelf_section *to, const void *data, size_t len)
{
	unsigned char *buf = malloc(to->size + len + 1);
	int ret;

	if (!buf)
		return -1;
	if (to->data)
		memcpy(buf, to->data, to->size);
	memcpy(buf + to->size, data, len);
	ret = kelf_set_data(to, buf, to->size + len);
	free(buf);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Where the entry's target field points, if into the companion @sec. */
static bool payload_start(struct regen *g, uint64_t entry, struct kelf_section **sec,
			  uint64_t *start)
{
	const struct kelf_rela *r = rela_at(g->in->rela, entry + g->l.target);

	if (!r || !r->sym || !r->sym->sec || strcmp(r->sym->sec->name, g->sp->companion))
		return false;
	*sec = r->sym->sec;
	*start = r->sym->sym.st_value + r->addend;
	return true;
}

/*
 * A payload without a length field (a .fixup group) runs up to the next
 * payload an entry points to, or the end of its section.
 */
static uint64_t group_len(struct regen *g, struct kelf_section *from, uint64_t start)
{
	size_t lo = 0, hi;

	if (!g->starts) {
		struct kelf_section *s;
		uint64_t off, st;

		g->starts = malloc((g->in->size / g->l.size + 1) * sizeof(*g->starts));
		if (!g->starts)
			return 0;
		for (off = 0; off < g->in->size; off += g->l.size)
			if (payload_start(g, off, &s, &st))
				g->starts[g->nr_starts++] = st;
		qsort(g->starts, g->nr_starts, sizeof(*g->starts), cmp_u64);
	}
	hi = g->nr_starts;
	while (lo < hi) {	/* first start above @start */
		size_t mid = lo + (hi - lo) / 2;

		if (g->starts[mid] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < g->nr_starts ? g->starts[lo] : from->size) - start;
}

/*
 * SC_PAYLOAD: the bytes the entry's target field points to in the
 * companion (an alternative's replacement code, @len long; a .fixup
 * group) travel with the entry: copy them to the companion's output and
 * return their offset there, PAYLOAD_NONE when the target lies elsewhere
 * (a 6.1 exception table entry's fixup is in the function), -1 on error.
 */
#define PAYLOAD_NONE	(-2)
static int64_t copy_payload(struct regen *g, uint64_t entry)
{
	struct kelf_section *from;
	uint64_t start, len, new_off;

	if (!payload_start(g, entry, &from, &start)) {
		if (g->l.len == SPECIAL_NONE)
			return PAYLOAD_NONE;
		cdo_error(g->c, "%s entry at 0x%lx has no relocation into %s at its target field (+%d)",
			  g->in->name, (unsigned long)entry, g->sp->companion, g->l.target);
		return -1;
	}
	len = g->l.len != SPECIAL_NONE ? g->in->data[entry + g->l.len] :
					 group_len(g, from, start);
	if (!from->data || start > from->size || len > from->size - start) {
		cdo_error(g->c, "%s entry at 0x%lx: payload 0x%lx+%lu lies outside %s",
			  g->in->name, (unsigned long)entry, (unsigned long)start,
			  (unsigned long)len, from->name);
		return -1;
	}
	if (!g->comp_out && !(g->comp_out = out_table(g->c, from)))
		return -1;
	SI(from)->out = g->comp_out;
	new_off = g->comp_out->size;
	if (append_bytes(g->comp_out, from->data + start, len) ||
	    copy_range_relas(g->c, from, start, len, g->comp_out, new_off))
		return -1;
	return new_off;
}

/* Point the relocation at @off of the output table to the copied payload. */
static void repoint(struct kelf_section *out, uint64_t off, struct kelf_symbol *sym,
		    int64_t addend)
{
	struct kelf_rela *r = out->rela ? kelf_rela_at(out->rela, off) : NULL;

	if (r) {
		r->sym = sym;
		r->addend = addend;
	}
}

/* SC_PARALLEL: entry @index of the companion travels with entry @index. */
static int copy_parallel(struct regen *g, size_t index)
{
	size_t sz = g->comp_size;

	if (!g->comp_in || !sz || (index + 1) * sz > g->comp_in->size)
		return 0;
	if (!g->comp_out && !(g->comp_out = out_table(g->c, g->comp_in)))
		return -1;
	return append_bytes(g->comp_out, g->comp_in->data + index * sz, sz);
}

static int refuse_module_key(struct regen *g, uint64_t entry)
{
	const struct kelf_rela *r = g->l.key == SPECIAL_NONE ? NULL :
				    rela_at(g->in->rela, entry + g->l.key);
	struct kelf_symbol *t;
	int64_t o;

	if (!r || !r->sym || parent_is_vmlinux(g->c->ps))
		return 0;
	t = kelf_rela_target(g->in->rela, r, &o);
	if (!t->sec && parent_is_exported(g->c->ps, t->name))
		return 0;
	/* a new key (a new pr_debug descriptor …) lives in the patch module */
	if (t->sec && (YI(t)->special_static || YI(t)->status == ST_NEW))
		return 0;
	cdo_refuse(g->c, t, "%s entry uses the key '%s', which lives in module %s: the module's %s table is processed before livepatch can relocate the key. Use static_key_enabled()/static_branch_unlikely() on an exported key, or a plain function call instead of a static call",
		   g->in->name, t->name, g->c->parent, g->in->name);
	return -1;
}

/* A site the kernel fixes up in its own image only (refuse_site). */
static void refuse_site(struct regen *g, uint64_t entry)
{
	const struct kelf_rela *r = rela_at(g->in->rela, entry + g->l.site);
	const char *star = strchr(g->sp->name, '*');
	const char *what = star ? g->in->name + (star - g->sp->name) : g->in->name;
	struct kelf_symbol *t = NULL;
	int64_t o = 0;
	char *why = NULL;

	if (r && r->sym)
		t = kelf_rela_target(g->in->rela, r, &o);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (asprintf(&why, g->sp->refuse_site, what) < 0)
		why = NULL;
#pragma GCC diagnostic pop
	cdo_refuse(g->c, t, "%s+0x%llx has an entry in %s: %s", t ? t->name : "?",
		   (unsigned long long)o, g->in->name, why ? why : g->sp->refuse_site);
	free(why);
}

static int keep_entry(struct regen *g, uint64_t entry, size_t index)
{
	uint64_t out_entry;
	int64_t payload = 0;

	if (g->sp->refuse_module_key && refuse_module_key(g, entry))
		return 0;	/* counted as a refusal */
	if (g->sp->refuse_site) {
		refuse_site(g, entry);
		return 0;	/* counted as a refusal */
	}
	if (!g->out && !(g->out = out_table(g->c, g->in)))
		return -1;
	out_entry = g->out->size;
	if (append_bytes(g->out, g->in->data + entry, g->l.size))
		return -1;
	if (g->sp->companion_kind == SC_PAYLOAD &&
	    (payload = copy_payload(g, entry)) < 0 && payload != PAYLOAD_NONE)
		return -1;
	if (copy_range_relas(g->c, g->in, entry, g->l.size, g->out, out_entry))
		return -1;
	if (g->sp->companion_kind == SC_PAYLOAD && payload >= 0)
		repoint(g->out, out_entry + g->l.target, g->comp_out->secsym, payload);
	if (g->sp->companion_kind == SC_PARALLEL && copy_parallel(g, index))
		return -1;
	g->kept++;
	return 0;
}

/*
 * The entry size: the one the object's relocations show, else the
 * configured one.  An override the object contradicts is named.
 */
static size_t entry_size(struct cdo *c, const struct special_section *sp,
			 struct kelf_section *in)
{
	size_t conf = special_configured_size(sp);
	size_t seen = special_measured_size(sp, in, conf);
	const char *env = sp->size_env ? getenv(sp->size_env) : NULL;

	if (!seen || seen == conf)
		return conf;
	if (env && *env)
		cdo_warn(c, "%s: %s=%zu contradicts the object, whose relocations show %zu-byte entries; trusting the object (%zu)",
			 in->name, sp->size_env, conf, seen, seen);
	else
		cdo_debug(c, "%s: %zu-byte entries (another kernel's layout; the default is %zu)",
			  in->name, seen, conf);
	return seen;
}

static int regenerate(struct cdo *c, struct kelf_section *in)
{
	struct regen g = { .c = c, .in = in, .sp = SI(in)->special };
	const struct special_section *comp = NULL;
	uint64_t off;

	g.l = special_layout_for(g.sp, entry_size(c, g.sp, in));
	if (!g.l.size || in->size % g.l.size) {
		cdo_error(c, "section %s: size %zu is not a multiple of its entry size %zu; the target kernel's struct differs: set %s",
			  in->name, in->size, g.l.size,
			  g.sp->size_env ? g.sp->size_env : "the entry size");
		return -1;
	}
	if (g.sp->companion) {
		comp = special_section_lookup(c->patched, g.sp->companion);
		g.comp_in = kelf_find_section(c->patched, g.sp->companion);
		g.comp_out = kelf_find_section(c->out, g.sp->companion);
	}
	if (g.sp->companion_kind == SC_PARALLEL && comp)
		g.comp_size = special_configured_size(comp);
	for (off = 0; off < in->size; off += g.l.size) {
		if (entry_is_kept(in->rela, off + g.l.site) &&
		    keep_entry(&g, off, off / g.l.size)) {
			free(g.starts);
			return -1;
		}
	}
	free(g.starts);
	if (g.kept)
		cdo_debug(c, "%s: kept %zu of %zu entries", in->name, g.kept,
			  (size_t)(in->size / g.l.size));
	return 0;
}

int build_special_sections(struct cdo *c)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, c->patched) {
		const struct special_section *sp = SI(sec)->special;

		if (kelf_is_rela(sec) || !sp || sp->companion_only || !sec->size)
			continue;
		if (sp->objtool_made && c->objtool_link) {
			cdo_debug(c, "%s: left to objtool (--objtool-link)", sec->name);
			continue;
		}
		if (!sec->data) {
			cdo_error(c, "special section %s has no data", sec->name);
			return -1;
		}
		if (regenerate(c, sec))
			return -1;
	}
	return c->refusals ? -1 : 0;
}
