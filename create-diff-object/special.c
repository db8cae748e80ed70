// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Special sections: tables the kernel walks at load time (bug table, jump
 * labels, alternatives, exception table, ORC, ftrace call sites, …).  Each
 * is regenerated entry by entry, keeping only the entries that belong to
 * included code.  Entry sizes are those of x86-64 6.1 unless the driver
 * exports the sizes it measured for the target (*_STRUCT_SIZE).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

static size_t env_size(const char *var, size_t dflt)
{
	const char *v = getenv(var);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 0);
	return *end || !n ? dflt : n;
}

#define SIZE_FN(fn, var, dflt) \
	static size_t fn(void) { return env_size(var, dflt); }

SIZE_FN(bug_size, "BUG_STRUCT_SIZE", 12)
SIZE_FN(jump_size, "JUMP_STRUCT_SIZE", 16)
SIZE_FN(alt_size, "ALT_STRUCT_SIZE", 12)
SIZE_FN(ex_size, "EX_STRUCT_SIZE", 12)
SIZE_FN(para_size, "PARA_STRUCT_SIZE", 16)
SIZE_FN(static_call_size, "STATIC_CALL_STRUCT_SIZE", 8)
SIZE_FN(printk_index_size, "PRINTK_INDEX_STRUCT_SIZE", 8)
SIZE_FN(orc_size, "ORC_STRUCT_SIZE", 6)
static size_t four(void) { return 4; }
static size_t eight(void) { return 8; }
static size_t sixteen(void) { return 16; }

static const struct special_section specials[] = {
	{ "__bug_table", bug_size, 0, "BUG_STRUCT_SIZE", false, -1 },
	{ "__jump_table", jump_size, 0, "JUMP_STRUCT_SIZE", true, 8 },
	{ ".altinstructions", alt_size, 0, "ALT_STRUCT_SIZE", false, -1 },
	{ "__ex_table", ex_size, 0, "EX_STRUCT_SIZE", false, -1 },
	{ ".parainstructions", para_size, 0, "PARA_STRUCT_SIZE", false, -1 },
	{ ".static_call_sites", static_call_size, 0, "STATIC_CALL_STRUCT_SIZE", true, 4 },
	{ ".smp_locks", four, 0, NULL, false, -1 },
	{ ".retpoline_sites", four, 0, NULL, false, -1 },
	{ ".return_sites", four, 0, NULL, false, -1 },
	{ ".call_sites", four, 0, NULL, false, -1 },
	{ ".ibt_endbr_seal", four, 0, NULL, false, -1 },
	{ "__mcount_loc", eight, 0, NULL, false, -1 },
	{ ".orc_unwind_ip", four, 0, NULL, false, -1 },
	{ ".printk_index", printk_index_size, 0, "PRINTK_INDEX_STRUCT_SIZE", false, -1 },
	{ "__tracepoints_ptrs", four, 0, NULL, false, -1 },
	{ "_kprobe_blacklist", eight, 0, NULL, false, -1 },
	{ "_error_injection_whitelist", sixteen, 0, NULL, false, -1 },
	/* regenerated together with their index tables above */
	{ ".altinstr_replacement", NULL, 0, NULL, false, -1 },
	{ ".orc_unwind", NULL, 0, "ORC_STRUCT_SIZE", false, -1 },
};

const struct special_section *special_section_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (!strcmp(specials[i].name, name))
			return &specials[i];
	return NULL;
}

static const struct kelf_rela *rela_at(const struct kelf_section *relasec, uint64_t off)
{
	size_t i;

	for (i = 0; relasec && i < relasec->nr_relas; i++)
		if (relasec->relas[i].offset == off)
			return &relasec->relas[i];
	return NULL;
}

/* The included code (or data) an entry's key relocation points into. */
static bool entry_is_kept(struct kelf_section *relasec, uint64_t off)
{
	const struct kelf_rela *r = rela_at(relasec, off);
	struct kelf_symbol *t;
	int64_t o;

	if (!r || !r->sym)
		return false;
	t = kelf_rela_target(relasec, r, &o);
	if (t->type == STT_SECTION && t->sec)
		t = symbol_ending_at(t->sec, r->addend) ?: t;
	return t->priv && YI(t)->include && YI(t)->out;
}

struct regen {
	struct cdo *c;
	struct kelf_section *in, *out;
	struct kelf_section *repl_out;	/* .altinstr_replacement */
	struct kelf_section *orc_in, *orc_out;
	size_t esize, kept;
};

static struct kelf_section *out_table(struct cdo *c, struct kelf_section *in)
{
	struct kelf_section *s = kelf_find_section(c->out, in->name);
	GElf_Shdr sh = in->sh;

	if (s)
		return s;
	sh.sh_size = 0;
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

/*
 * An alternative's replacement code travels with its entry: copy it and
 * return its offset in the output .altinstr_replacement (-1 on error).
 */
static int64_t copy_replacement(struct regen *g, uint64_t entry)
{
	const struct kelf_rela *r = rela_at(g->in->rela, entry + 4);
	struct kelf_section *repl;
	uint64_t start, len, new_off;

	if (!r || !r->sym || !r->sym->sec) {
		cdo_error(g->c, "%s entry at 0x%lx has no replacement relocation",
			  g->in->name, (unsigned long)entry);
		return -1;
	}
	repl = r->sym->sec;
	start = r->sym->sym.st_value + r->addend;
	len = g->in->data[entry + 11];
	if (start + len > repl->size) {
		cdo_error(g->c, "%s entry at 0x%lx: replacement 0x%lx+%lu lies outside %s",
			  g->in->name, (unsigned long)entry, (unsigned long)start,
			  (unsigned long)len, repl->name);
		return -1;
	}
	if (!g->repl_out && !(g->repl_out = out_table(g->c, repl)))
		return -1;
	SI(repl)->out = g->repl_out;
	new_off = g->repl_out->size;
	if (append_bytes(g->repl_out, repl->data + start, len) ||
	    copy_range_relas(g->c, repl, start, len, g->repl_out, new_off))
		return -1;
	return new_off;
}

/* Point the relocation at @off of the output table to the copied code. */
static void repoint(struct kelf_section *out, uint64_t off, struct kelf_symbol *sym,
		    int64_t addend)
{
	struct kelf_section *rs = out->rela;
	size_t i;

	for (i = 0; rs && i < rs->nr_relas; i++) {
		if (rs->relas[i].offset == off) {
			rs->relas[i].sym = sym;
			rs->relas[i].addend = addend;
		}
	}
}

static int copy_orc(struct regen *g, size_t index)
{
	size_t osz = orc_size();

	if (!g->orc_in || (index + 1) * osz > g->orc_in->size)
		return 0;
	if (!g->orc_out && !(g->orc_out = out_table(g->c, g->orc_in)))
		return -1;
	return append_bytes(g->orc_out, g->orc_in->data + index * osz, osz);
}

static int refuse_module_key(struct regen *g, uint64_t entry, int key_off)
{
	const struct kelf_rela *r = rela_at(g->in->rela, entry + key_off);
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

static int keep_entry(struct regen *g, uint64_t entry, size_t index)
{
	const struct special_section *sp = SI(g->in)->special;
	uint64_t out_entry;

	if (sp->refuse_module_key && refuse_module_key(g, entry, sp->key2_offset))
		return 0;	/* counted as a refusal */
	if (!g->out && !(g->out = out_table(g->c, g->in)))
		return -1;
	out_entry = g->out->size;
	if (append_bytes(g->out, g->in->data + entry, g->esize))
		return -1;
	if (!strcmp(g->in->name, ".altinstructions")) {
		int64_t repl = copy_replacement(g, entry);

		if (repl < 0 || copy_range_relas(g->c, g->in, entry, g->esize, g->out, out_entry))
			return -1;
		repoint(g->out, out_entry + 4, g->repl_out->secsym, repl);
	} else if (copy_range_relas(g->c, g->in, entry, g->esize, g->out, out_entry)) {
		return -1;
	}
	if (!strcmp(g->in->name, ".orc_unwind_ip") && copy_orc(g, index))
		return -1;
	g->kept++;
	return 0;
}

static int regenerate(struct cdo *c, struct kelf_section *in)
{
	struct regen g = { .c = c, .in = in };
	const struct special_section *sp = SI(in)->special;
	uint64_t off;

	g.esize = sp->entry_size();
	if (in->size % g.esize) {
		cdo_error(c, "section %s: size %zu is not a multiple of its entry size %zu; the target kernel's struct differs: set %s",
			  in->name, in->size, g.esize, sp->size_env ? sp->size_env : "the entry size");
		return -1;
	}
	if (!strcmp(in->name, ".orc_unwind_ip"))
		g.orc_in = kelf_find_section(c->patched, ".orc_unwind");
	if (!strcmp(in->name, ".altinstructions"))
		g.repl_out = kelf_find_section(c->out, ".altinstr_replacement");
	for (off = 0; off < in->size; off += g.esize)
		if (entry_is_kept(in->rela, off + sp->key_offset) &&
		    keep_entry(&g, off, off / g.esize))
			return -1;
	if (g.kept)
		cdo_debug(c, "%s: kept %zu of %zu entries", in->name, g.kept,
			  (size_t)(in->size / g.esize));
	return 0;
}

int build_special_sections(struct cdo *c)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, c->patched) {
		const struct special_section *sp = SI(sec)->special;

		if (kelf_is_rela(sec) || !sp || !sp->entry_size || !sec->size)
			continue;
		if (!sec->data) {
			cdo_error(c, "special section %s has no data", sec->name);
			return -1;
		}
		if (regenerate(c, sec))
			return -1;
	}
	return c->refusals ? -1 : 0;
}
