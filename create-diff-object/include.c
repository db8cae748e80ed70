// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inclusion: what the patch module must carry.  Changed and new functions
 * (with their .cold/.part pieces), then, transitively through their
 * relocations, new functions, new and special data, changed read-only data
 * and the string sections they use.  Everything else they reference stays
 * in the running kernel (external references, resolved in output.c).
 * Refusals: changed writable data, __init/__exit code, changed functions
 * without an ftrace hook.
 */
#include <stdlib.h>
#include <string.h>
#include "cdo.h"
#include "klpkit-meta.h"

/*
 * A table of the patch author's callbacks: data named by the macros.  The
 * type counts too: a symbol or string table that carries such a name (a
 * damaged object) is still the object's own table, never patch content.
 */
bool is_callback_section(const struct kelf_section *s)
{
	return s->sh.sh_type == SHT_PROGBITS &&
	       !strncmp(s->name, KLPKIT_CB_PREFIX, strlen(KLPKIT_CB_PREFIX));
}

static int include_symbol(struct cdo *c, struct kelf_symbol *s);

/* Everything the relocations inside [start, start+len) of @sec need. */
static int include_refs(struct cdo *c, struct kelf_section *sec, uint64_t start,
			uint64_t len)
{
	struct kelf_section *relasec = sec->rela;
	struct kelf_rela *r;
	size_t pos;

	kelf_for_each_rela_in(r, relasec, start, start + len, pos) {
		struct kelf_symbol *t;
		int64_t off;

		if (!r->sym)
			continue;
		t = kelf_rela_target(relasec, r, &off);
		if (!t->sec)
			continue;	/* undefined: external */
		/* local labels (.LC0 …) of constant pools are not in kallsyms */
		if (t->type == STT_NOTYPE && t->bind == STB_LOCAL) {
			SI(t->sec)->include = true;
			continue;
		}
		if (t->type == STT_SECTION) {
			enum sec_kind k = SI(t->sec)->kind;

			if (k == SK_STRINGS || k == SK_RODATA || k == SK_DATA ||
			    k == SK_BSS || k == SK_TEXT) {
				if (!SI(t->sec)->include)
					cdo_debug(c, "including section %s (referenced by %s+0x%lx)",
						  t->sec->name, sec->name, (unsigned long)r->offset);
				SI(t->sec)->include = true;
			}
			continue;
		}
		if (include_symbol(c, t))
			return -1;
	}
	return 0;
}

static bool needs_copy(const struct kelf_symbol *s)
{
	const struct sym_info *y = YI(s);

	if (y->special_static || y->status == ST_NEW)
		return true;
	/* A changed read-only object: the new code gets its own copy. */
	return y->status == ST_CHANGED && is_data_object(s) &&
	       SI(s->sec)->kind == SK_RODATA;
}

static int include_symbol(struct cdo *c, struct kelf_symbol *s)
{
	struct sym_info *y = YI(s);

	if (y->include || y->is_pfx || !(is_function(s) || is_data_object(s)))
		return 0;
	if (is_function(s) ? y->status == ST_SAME : !needs_copy(s))
		return 0;
	y->include = true;
	cdo_debug(c, "including %s (%s)", s->name,
		  y->status == ST_NEW ? "new" : y->status == ST_CHANGED ? "changed" : "copy");
	return include_refs(c, s->sec, s->sym.st_value, s->sym.st_size);
}

/* A function or object that moved to another kind of section (.data → .rodata, …). */
static bool check_moved(struct cdo *c, struct kelf_symbol *s)
{
	struct kelf_symbol *o = YI(s)->twin;

	enum sec_kind ko, ks;

	if (!o || !o->sec)
		return false;
	/* .data ↔ .bss is a change of initial value, not a move */
	ko = SI(o->sec)->kind == SK_BSS ? SK_DATA : SI(o->sec)->kind;
	ks = SI(s->sec)->kind == SK_BSS ? SK_DATA : SI(s->sec)->kind;
	if (ko == ks)
		return false;
	cdo_refuse(c, s, "%s moved from section %s to %s: code and data in the running kernel still use it where it was. Keep its attributes (const, __init, __read_mostly …) unchanged",
		   s->name, o->sec->name, s->sec->name);
	return true;
}

static void check_function(struct cdo *c, struct kelf_symbol *f)
{
	struct sym_info *y = YI(f);

	if (SI(f->sec)->kind != SK_INIT && check_moved(c, f))
		return;
	if (SI(f->sec)->kind == SK_INIT) {
		char inl[1024];
		const char *inlined = inlined_functions(c->patched_path, f->name, inl, sizeof(inl));

		cdo_refuse(c, f, "%s is %s code (section %s) and changed (%s): it runs only at boot or unload and is freed afterwards, so a livepatch cannot change it.%s%s%s Leave it unchanged, or patch the code that runs later",
			   f->name, strstr(f->sec->name, "exit") ? "__exit" : "__init",
			   f->sec->name, y->reason ? y->reason : "contents",
			   inlined ? " The compiler inlined into it: " : "", inlined ? inlined : "",
			   inlined ? "; if the patch changed one of these, the change reached this function through inlining: mark that function noinline, or put the new behaviour in a new function that only the runtime callers use." : "");
		return;
	}
	if (f->sec->group) {
		cdo_refuse(c, f, "function %s is in a COMDAT section group (%s, signature %s) and changed: the linker keeps one copy of a group for the whole kernel, so a livepatch cannot tell which one runs. Move the change out of the inline/COMDAT function",
			   f->name, f->sec->group->name,
			   f->sec->group->group_sym ? f->sec->group->group_sym->name : "?");
		return;
	}
	if (y->status == ST_CHANGED && !y->parent && !kelf_has_ftrace_entry(f))
		cdo_refuse(c, f, "function %s changed but has no ftrace hook (it is notrace, or the compiler made it a non-traceable copy); livepatch can only redirect traceable functions. %s",
			   f->name, !strncmp(f->name, "__do_sys_", 9) ?
			   "For a system call, define it with KPATCH_SYSCALL_DEFINEn (kpatch-syscall.h)" :
			   "Patch its traceable callers instead");
}

static void check_data(struct cdo *c, struct kelf_symbol *d)
{
	struct sym_info *y = YI(d);
	enum sec_kind k = SI(d->sec)->kind;

	if (!y->special_static && check_moved(c, d))
		return;
	if (y->status != ST_CHANGED || y->special_static)
		return;
	/* metadata the patch never carries (.modinfo, exports …) */
	if (k == SK_INIT || k == SK_DROP || k == SK_SPECIAL)
		return;
	if (YI(d)->twin && YI(d)->twin->sym.st_size != d->sym.st_size) {
		cdo_refuse(c, d, "the size of %s changed (%lu → %lu bytes): existing code and data in the running kernel use the old layout. Keep the object's size; add new fields with shadow variables (klp_shadow_*)",
			   d->name, (unsigned long)YI(d)->twin->sym.st_size,
			   (unsigned long)d->sym.st_size);
		return;
	}
	if (k == SK_DATA || k == SK_BSS)
		cdo_refuse(c, d, "the initial value of %s (section %s) changed: a livepatch cannot change data that already exists in the running kernel. Change it at runtime in a KPATCH_PRE_PATCH_CALLBACK, or keep new state in a shadow variable (klp_shadow_*)",
			   d->name, d->sec->name);
}

static int include_callbacks(struct cdo *c)
{
	struct kelf_section *sec;

	kelf_for_each_section(sec, c->patched) {
		if (kelf_is_rela(sec) || !is_callback_section(sec) || !sec->size)
			continue;
		SI(sec)->include = true;
		c->nr_callbacks += sec->size / 16;
		if (include_refs(c, sec, 0, sec->size))
			return -1;
	}
	return 0;
}

/*
 * New global functions and data are always kept: another object of the same
 * patch may use them (the references resolve inside the patch module).
 */
static int include_new_globals(struct cdo *c)
{
	struct kelf_symbol *s;

	kelf_for_each_symbol(s, c->patched) {
		enum sec_kind k;

		if (s->bind == STB_LOCAL || YI(s)->status != ST_NEW || YI(s)->ignored ||
		    YI(s)->is_pfx || !(is_function(s) || is_data_object(s)))
			continue;
		k = SI(s->sec)->kind;
		if (k != SK_TEXT && k != SK_DATA && k != SK_RODATA && k != SK_BSS)
			continue;
		if (include_symbol(c, s))
			return -1;
	}
	return 0;
}

/*
 * A read-only object that changed but that no carried function uses: the
 * running kernel keeps using its own copy (through data or __init code that
 * a livepatch cannot change), so the change would be lost.
 */
static void check_unused_rodata(struct cdo *c)
{
	struct kelf_symbol *s;

	kelf_for_each_symbol(s, c->patched) {
		struct sym_info *y = YI(s);

		if (!is_data_object(s) || y->status != ST_CHANGED || y->include ||
		    y->special_static || SI(s->sec)->kind != SK_RODATA)
			continue;
		cdo_refuse(c, s, "the read-only object %s changed (%s), but no function of this object uses it: the running kernel keeps using its own copy, reached through data or __init code a livepatch cannot change, so the change would be lost. Patch the functions it points to (e.g. make the old callback call the new code) instead of the table",
			   s->name, y->reason ? y->reason : "contents");
	}
}

int include_changes(struct cdo *c)
{
	struct kelf_symbol *s;

	kelf_for_each_symbol(s, c->patched) {
		if (is_data_object(s))
			check_data(c, s);
		else if (is_function(s) && YI(s)->status == ST_CHANGED)
			check_function(c, s);
	}
	if (c->refusals)
		return -1;
	kelf_for_each_symbol(s, c->patched) {
		if (!is_function(s) || YI(s)->ignored)
			continue;
		if (YI(s)->status == ST_CHANGED && include_symbol(c, s))
			return -1;
	}
	/* A parent's pieces go with it: .cold code jumps back into the parent. */
	kelf_for_each_symbol(s, c->patched) {
		struct kelf_symbol *p = YI(s)->parent;

		if (p && YI(p)->include && !YI(s)->include) {
			YI(s)->include = true;
			if (include_refs(c, s->sec, s->sym.st_value, s->sym.st_size))
				return -1;
		}
	}
	if (include_callbacks(c) || include_new_globals(c))
		return -1;
	check_unused_rodata(c);
	kelf_for_each_symbol(s, c->patched) {
		if (!YI(s)->include)
			continue;
		if (is_function(s) && YI(s)->status == ST_CHANGED && !YI(s)->parent) {
			c->nr_changed++;
			report_function(c, "changed", s, YI(s)->reason);
			cdo_log(c, "changed function: %s", s->name);
		} else if (is_function(s) && YI(s)->status == ST_NEW) {
			c->nr_new_funcs++;
			report_function(c, "new", s, "new function");
			cdo_log(c, "new function: %s", s->name);
		} else if (is_data_object(s)) {
			c->nr_new_data++;
			report_function(c, "new-data", s,
					YI(s)->special_static ? "per-use static (new copy)" : "new or changed read-only data");
		}
	}
	return c->refusals ? -1 : 0;
}
