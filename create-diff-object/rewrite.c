// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Site rewrites (struct special_section.rewrite_site): before the diff,
 * in both objects alike, the sites of such a table become code that no
 * longer needs the table, and their entries leave it.  x86-64's runtime
 * constants are the case: vmlinux patches the placeholder of
 * runtime_const_ptr(USER_PTR_MAX) in its own code at boot, never in a
 * module's, so a patched function reads the variable instead, as a module
 * build of the same source does.  An entry whose site is not the expected
 * code stays in its table (and refuse_site applies if its function is
 * included).
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "special.h"

struct table {
	struct kelf *k;
	struct kelf_section *sec;
	const struct special_section *sp;
	const char *var_name;		/* what the row's '*' matched */
	struct kelf_symbol *var;
	bool var_clash;
	size_t done;
};

/* The code section and offset entry @r points to, or NULL. */
static struct kelf_section *site_of(struct table *t, const struct kelf_rela *r,
				    uint64_t *site)
{
	struct kelf_section *code = r && r->sym ? r->sym->sec : NULL;
	int64_t off;

	if (!code || code == t->sec || code == t->sec->rela || kelf_is_rela(code) ||
	    !(code->sh.sh_flags & SHF_EXECINSTR) || !code->data ||
	    r->sym->sym.st_value > INT64_MAX ||
	    __builtin_add_overflow((int64_t)r->sym->sym.st_value, r->addend, &off) ||
	    __builtin_add_overflow(off, kelf_target_bias(t->sec->rela, r), &off) ||
	    off < 0 || (uint64_t)off >= code->size)
		return NULL;
	*site = (uint64_t)off;
	return code;
}

/*
 * The variable's symbol: the object's own (a static variable, or an
 * undefined one), else a new undefined global; NULL if the name belongs
 * to something else (@t->var_clash) or memory ran out.
 */
static struct kelf_symbol *variable(struct table *t)
{
	struct kelf_symbol *s;

	if (t->var || t->var_clash)
		return t->var;
	s = kelf_find_symbol(t->k, t->var_name);
	if (s && s->sec && s->type != STT_OBJECT)
		t->var_clash = true;
	else
		t->var = s ?: kelf_add_symbol(t->k, t->var_name, STB_GLOBAL, STT_NOTYPE,
					      NULL, 0, 0);
	return t->var;
}

/* Rewrite the site entry @r points to: 1 if done, 0 if not, -1 on error. */
static int rewrite_entry(struct table *t, const struct kelf_rela *r)
{
	struct special_rewrite w = { 0 };
	struct kelf_section *code = site_of(t, r, &w.site);
	struct kelf_symbol *var;

	if (!code)
		return 0;
	var = variable(t);
	if (!var)
		return t->var_clash ? 0 : -1;
	if (!code->data_owned && kelf_set_data(code, code->data, code->size))
		return -1;
	w.code = code->data;
	w.size = code->size;
	if (t->sp->rewrite_site(&w))
		return 0;
	if ((!code->rela && !kelf_add_rela_section(t->k, code)) ||
	    kelf_rela_add(code->rela, w.rela_offset, w.rela_type, var, w.rela_addend))
		return -1;
	t->done++;
	return 1;
}

/*
 * Drop the rewritten entries of table @sec (@esize bytes each; before[e]:
 * how many of those precede entry e) and
 * their relocations; the others move down, relocations with them.
 */
static int drop_entries(struct kelf_section *sec, size_t esize, const size_t *before)
{
	struct kelf_section *rs = sec->rela;
	size_t n = sec->size / esize, i, nr = 0, e;
	int err;
	unsigned char *kept = malloc(sec->size ?: 1);

	if (!kept)
		return -1;
	for (e = 0; e < n; e++)
		if (before[e + 1] == before[e])
			memcpy(kept + (e - before[e]) * esize, sec->data + e * esize, esize);
	for (i = 0; i < rs->nr_relas; i++) {
		struct kelf_rela r = rs->relas[i];

		e = r.offset < sec->size ? r.offset / esize : n;
		if (e < n && before[e + 1] != before[e])
			continue;	/* a relocation of a dropped entry */
		r.offset -= before[e] * esize;
		rs->relas[nr++] = r;
	}
	rs->nr_relas = nr;
	kelf_invalidate_relas(rs);
	err = kelf_set_data(sec, kept, (n - before[n]) * esize);
	free(kept);
	return err;
}

/* Rewrite what it can of table @t->sec. */
static int rewrite_table(struct table *t)
{
	struct kelf_section *sec = t->sec, *rs = sec->rela;
	struct special_layout l = special_layout_for(t->sp, special_configured_size(t->sp));
	size_t n, e, *before;	/* before[e]: entries before e that are rewritten */
	int ret = 0;

	if (!rs || !sec->data || !l.size || sec->size % l.size)
		return 0;	/* the table stage names what is wrong */
	n = sec->size / l.size;
	before = calloc(n + 1, sizeof(*before));
	if (!before)
		return -1;
	for (e = 0; e < n && ret >= 0; e++) {
		ret = rewrite_entry(t, kelf_rela_at(rs, e * l.size + l.site));
		before[e + 1] = before[e] + (ret > 0);
	}
	if (ret >= 0 && t->done)
		ret = drop_entries(sec, l.size, before);
	free(before);
	return ret < 0 ? -1 : 0;
}

int rewrite_sites(struct cdo *c, struct kelf *k)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, k) {
		const struct special_section *sp;
		struct table t = { .k = k, .sec = sec };
		const char *star;

		if (kelf_is_rela(sec))
			continue;
		sp = special_section_lookup(k, sec->name);
		if (!sp || !sp->rewrite_site)
			continue;
		star = strchr(sp->name, '*');
		t.sp = sp;
		t.var_name = star ? sec->name + (star - sp->name) : sec->name;
		if (rewrite_table(&t)) {
			cdo_error(c, "out of memory rewriting the sites of %s", sec->name);
			return -1;
		}
		if (t.done)
			cdo_debug(c, "%s: %zu site(s) now read %s", sec->name, t.done, t.var_name);
	}
	return 0;
}
