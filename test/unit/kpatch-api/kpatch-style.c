// SPDX-License-Identifier: GPL-2.0
/*
 * A source written against kpatch's patch-author API: every type, macro
 * and helper of kpatch's kpatch-macros.h and kpatch-syscall.h is used once
 * (KPATCH_FORCE_UNSAFE, refused on 6.1, is in force-unsafe.c). Only
 * kpatch-macros.h is included, as kpatch patches do; it brings
 * kpatch-syscall.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include "kpatch-macros.h"

#ifndef HAS_LIVEPATCH_CALLBACKS
#error "HAS_LIVEPATCH_CALLBACKS is not defined"
#endif

/* the callbacks, declared with kpatch's patch_object type */
static int kapi_pre_patch(patch_object *obj)
{
	KPATCH_PRINTK(KERN_INFO "kapi: pre_patch %s\n", obj->name ?: "vmlinux");
	return 0;
}

static void kapi_post_patch(patch_object *obj)
{
	KPATCH_PRINTK_DEFERRED(KERN_INFO "kapi: post_patch\n");
}

/* struct klp_object * is the same type */
static void kapi_pre_unpatch(struct klp_object *obj)
{
	pr_info("kapi: pre_unpatch\n");
}

static void kapi_post_unpatch(patch_object *obj)
{
	pr_info("kapi: post_unpatch\n");
}

KPATCH_PRE_PATCH_CALLBACK(kapi_pre_patch);
KPATCH_POST_PATCH_CALLBACK(kapi_post_patch);
KPATCH_PRE_UNPATCH_CALLBACK(kapi_pre_unpatch);
/* kpatch's macros carry their semicolon: a use may go without one */
KPATCH_POST_UNPATCH_CALLBACK(kapi_post_unpatch)

/* the callback types and entry structures by their kpatch names */
kpatch_pre_patch_call_t kapi_pre_fn = kapi_pre_patch;
kpatch_post_patch_call_t kapi_post_fn = kapi_post_patch;
kpatch_pre_unpatch_call_t kapi_pre_un_fn = kapi_pre_unpatch;
kpatch_post_unpatch_call_t kapi_post_un_fn = kapi_post_unpatch;
struct kpatch_pre_patch_callback kapi_e1 = { .fn = kapi_pre_patch };
struct kpatch_post_patch_callback kapi_e2 = { .fn = kapi_post_patch };
struct kpatch_pre_unpatch_callback kapi_e3 = { .fn = kapi_pre_unpatch };
struct kpatch_post_unpatch_callback kapi_e4 = { .fn = kapi_post_unpatch };

noinline int kapi_ignored(int x)
{
	WARN_ON(x > 1000);
	return x + 1;
}
KPATCH_IGNORE_FUNCTION(kapi_ignored);
KPATCH_IGNORE_SECTION(".data.kapi_sectioned")
int kapi_sectioned __kpatch_section(.data.kapi_sectioned) = 1;

/* KPATCH_STATIC_CALL: an indirect call through the key */
static int kapi_target(int x)
{
	return x * 2;
}
DEFINE_STATIC_CALL(kapi_call, kapi_target);

noinline int kapi_static_call(int x)
{
	return KPATCH_STATIC_CALL(kapi_call)(x);
}

/* shadow variables: the kernel's klp_shadow_* API */
#define KAPI_SHADOW_ID 0x4b415049
noinline int kapi_shadow(void *obj)
{
	int *v = klp_shadow_get_or_alloc(obj, KAPI_SHADOW_ID, sizeof(*v),
					 GFP_KERNEL, NULL, NULL);

	if (!v)
		return -ENOMEM;
	(*v)++;
	if (klp_shadow_get(obj, KAPI_SHADOW_ID) != v)
		return -EINVAL;
	klp_shadow_free(obj, KAPI_SHADOW_ID, NULL);
	klp_shadow_free_all(KAPI_SHADOW_ID, NULL);
	return klp_shadow_alloc(obj, KAPI_SHADOW_ID, sizeof(*v), GFP_KERNEL,
				NULL, NULL) ? 0 : -ENOMEM;
}

/* system calls of every arity */
KPATCH_SYSCALL_DEFINE0(kapi0)
{
	return 0;
}

KPATCH_SYSCALL_DEFINE1(kapi1, int, a)
{
	return a;
}

KPATCH_SYSCALL_DEFINE2(kapi2, int, a, unsigned long, b)
{
	return a + b;
}

KPATCH_SYSCALL_DEFINE3(kapi3, int, a, int, b, int, c)
{
	return a + b + c;
}

KPATCH_SYSCALL_DEFINE4(kapi4, int, a, int, b, int, c, int, d)
{
	return a + b + c + d;
}

KPATCH_SYSCALL_DEFINE5(kapi5, int, a, int, b, int, c, int, d, int, e)
{
	return a + b + c + d + e;
}

KPATCH_SYSCALL_DEFINE6(kapi6, int, a, int, b, int, c, int, d, int, e,
		       const char __user *, f)
{
	return a + b + c + d + e + !f;
}

KPATCH_SYSCALL_DEFINEx(1, _kapix, long, a)
{
	return a - 1;
}

KPATCH_SYSCALL_METADATA(_kapi_meta);
