// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * livepatch-patch.c - the klpkit patch module.
 *
 * At init, walk the metadata create-diff-object left in the module
 * (.klpkit.funcs and .klpkit.callbacks.*, see klpkit-meta.h; bracketed by
 * symbols from klpkit.lds), build one klp_object per patched object with
 * its klp_func array and callbacks, and enable the patch.  Atomic replace
 * is on unless built with -DKLPKIT_NO_REPLACE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "klpkit-meta.h"

extern const struct klpkit_func __klpkit_funcs[], __klpkit_funcs_end[];
extern const struct klpkit_callback
	__klpkit_callbacks_pre_patch[], __klpkit_callbacks_pre_patch_end[],
	__klpkit_callbacks_post_patch[], __klpkit_callbacks_post_patch_end[],
	__klpkit_callbacks_pre_unpatch[], __klpkit_callbacks_pre_unpatch_end[],
	__klpkit_callbacks_post_unpatch[], __klpkit_callbacks_post_unpatch_end[];

/*
 * An output section without input sections would be neither allocated nor
 * writable: these empty arrays give each metadata section its flags when
 * the patch has no entry of that kind.
 */
#define KLPKIT_EMPTY(type, sec)						\
	static type __UNIQUE_ID(klpkit_empty_)[0] __used __section(sec) __aligned(8)
KLPKIT_EMPTY(struct klpkit_func, KLPKIT_FUNCS_SECTION);
KLPKIT_EMPTY(struct klpkit_callback, KLPKIT_CB_PRE_PATCH);
KLPKIT_EMPTY(struct klpkit_callback, KLPKIT_CB_POST_PATCH);
KLPKIT_EMPTY(struct klpkit_callback, KLPKIT_CB_PRE_UNPATCH);
KLPKIT_EMPTY(struct klpkit_callback, KLPKIT_CB_POST_UNPATCH);

enum klpkit_cb_kind {
	KLPKIT_PRE_PATCH,
	KLPKIT_POST_PATCH,
	KLPKIT_PRE_UNPATCH,
	KLPKIT_POST_UNPATCH,
	KLPKIT_NR_CB,
};

static const struct {
	const struct klpkit_callback *start, *end;
	const char *kind;
} klpkit_cb_tables[KLPKIT_NR_CB] = {
	{ __klpkit_callbacks_pre_patch, __klpkit_callbacks_pre_patch_end, "pre_patch" },
	{ __klpkit_callbacks_post_patch, __klpkit_callbacks_post_patch_end, "post_patch" },
	{ __klpkit_callbacks_pre_unpatch, __klpkit_callbacks_pre_unpatch_end, "pre_unpatch" },
	{ __klpkit_callbacks_post_unpatch, __klpkit_callbacks_post_unpatch_end, "post_unpatch" },
};

static struct klp_patch klpkit_patch = {
	.mod = THIS_MODULE,
#ifndef KLPKIT_NO_REPLACE
	.replace = true,
#endif
};

static const char *klpkit_objname(unsigned long p)
{
	return p ? (const char *)p : "vmlinux";
}

static void klpkit_free(struct klp_object *objs)
{
	struct klp_object *obj;

	if (!objs)
		return;
	for (obj = objs; obj->funcs; obj++)
		kfree(obj->funcs);
	kfree(objs);
}

/* Index of @name in @names[0..*n), added if absent. */
static int klpkit_obj_index(const char **names, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return i;
	names[*n] = name;
	return (*n)++;
}

static int klpkit_add_callback(struct klp_object *obj, int kind,
			       const struct klpkit_callback *cb)
{
	struct klp_callbacks *c = &obj->callbacks;
	void *fn = (void *)cb->fn;
	bool taken;

	switch (kind) {
	case KLPKIT_PRE_PATCH:
		taken = c->pre_patch;
		c->pre_patch = fn;
		break;
	case KLPKIT_POST_PATCH:
		taken = c->post_patch;
		c->post_patch = fn;
		break;
	case KLPKIT_PRE_UNPATCH:
		taken = c->pre_unpatch;
		c->pre_unpatch = fn;
		break;
	default:
		taken = c->post_unpatch;
		c->post_unpatch = fn;
		break;
	}
	if (taken) {
		pr_err("more than one %s callback for object %s\n",
		       klpkit_cb_tables[kind].kind, obj->name ?: "vmlinux");
		return -EINVAL;
	}
	return 0;
}

static struct klp_object *klpkit_build(void)
{
	int nfuncs = __klpkit_funcs_end - __klpkit_funcs;
	int ncbs = 0, nobjs = 0, i, k, ret = -EINVAL;
	const struct klpkit_func *f;
	const struct klpkit_callback *cb;
	struct klp_object *objs = NULL;
	const char **names;
	int *fill = NULL;

	for (k = 0; k < KLPKIT_NR_CB; k++)
		for (cb = klpkit_cb_tables[k].start; cb < klpkit_cb_tables[k].end; cb++)
			ncbs += !!cb->fn;
	/* a patch of callbacks only is fine: its objects get no function */
	if (nfuncs < 0 || nfuncs + ncbs <= 0) {
		pr_err("nothing to patch: no function in .klpkit.funcs and no callback\n");
		return ERR_PTR(-EINVAL);
	}
	names = kcalloc(nfuncs + ncbs, sizeof(*names), GFP_KERNEL);
	if (!names)
		return ERR_PTR(-ENOMEM);

	for (f = __klpkit_funcs; f < __klpkit_funcs_end; f++) {
		if (!f->new_func || !f->name) {
			pr_err(KLPKIT_FUNCS_SECTION " entry %d is incomplete (bad section alignment?)\n",
			       (int)(f - __klpkit_funcs));
			goto out;
		}
		if (strlen(klpkit_objname(f->objname)) >= MODULE_NAME_LEN) {
			pr_err("object name of %s is too long\n", (const char *)f->name);
			goto out;
		}
		klpkit_obj_index(names, &nobjs, klpkit_objname(f->objname));
	}
	for (k = 0; k < KLPKIT_NR_CB; k++)
		for (cb = klpkit_cb_tables[k].start; cb < klpkit_cb_tables[k].end; cb++)
			if (cb->fn)
				klpkit_obj_index(names, &nobjs, klpkit_objname(cb->objname));

	ret = -ENOMEM;
	objs = kcalloc(nobjs + 1, sizeof(*objs), GFP_KERNEL);
	fill = kcalloc(nobjs, sizeof(*fill), GFP_KERNEL);
	if (!objs || !fill)
		goto out;
	for (i = 0; i < nobjs; i++) {
		int n = 0;

		for (f = __klpkit_funcs; f < __klpkit_funcs_end; f++)
			n += !strcmp(klpkit_objname(f->objname), names[i]);
		/* zero-terminated, also for an object with callbacks only */
		objs[i].funcs = kcalloc(n + 1, sizeof(*objs[i].funcs), GFP_KERNEL);
		if (!objs[i].funcs)
			goto out;
		objs[i].name = strcmp(names[i], "vmlinux") ? names[i] : NULL;
	}
	for (f = __klpkit_funcs; f < __klpkit_funcs_end; f++) {
		struct klp_func *func;

		i = klpkit_obj_index(names, &nobjs, klpkit_objname(f->objname));
		func = &objs[i].funcs[fill[i]++];
		func->old_name = (const char *)f->name;
		func->new_func = (void *)f->new_func;
		func->old_sympos = f->sympos;
	}
	ret = -EINVAL;
	for (k = 0; k < KLPKIT_NR_CB; k++)
		for (cb = klpkit_cb_tables[k].start; cb < klpkit_cb_tables[k].end; cb++) {
			if (!cb->fn)
				continue;
			i = klpkit_obj_index(names, &nobjs, klpkit_objname(cb->objname));
			if (klpkit_add_callback(&objs[i], k, cb))
				goto out;
		}
	ret = 0;
out:
	kfree(fill);
	kfree(names);
	if (ret) {
		klpkit_free(objs);
		return ERR_PTR(ret);
	}
	return objs;
}

static int __init klpkit_init(void)
{
	struct klp_object *objs = klpkit_build();
	int ret;

	if (IS_ERR(objs))
		return PTR_ERR(objs);
	klpkit_patch.objs = objs;
	ret = klp_enable_patch(&klpkit_patch);
	if (ret) {
		klpkit_free(objs);
		klpkit_patch.objs = NULL;
	}
	return ret;
}

static void __exit klpkit_exit(void)
{
	klpkit_free(klpkit_patch.objs);
}

module_init(klpkit_init);
module_exit(klpkit_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
