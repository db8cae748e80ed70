/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kpatch-macros.h - macros for patch authors (klpkit).
 *
 * Include it from the patched source file:  #include "kpatch-macros.h"
 * (kpatch-build puts kmod/patch on the include path of the patched build).
 * It offers the patch-author API of kpatch's kpatch-macros.h, with the
 * same names and meaning, so that patches written for kpatch build here;
 * like kpatch's, it also includes kpatch-syscall.h.  As in kpatch, the
 * file-scope macros end with their own semicolon: a use may be followed by
 * one or not.
 *
 * KPATCH_IGNORE_FUNCTION(fn)   changes of fn are not part of the patch
 * KPATCH_IGNORE_SECTION("sec") changes of section sec are not part of it
 *     Markers for create-diff-object: pointers in .klpkit.ignore.functions
 *     and .klpkit.ignore.sections (see klpkit-meta.h); they never reach the
 *     patch module.
 *
 * KPATCH_PRE_PATCH_CALLBACK(fn)     int fn(patch_object *obj)
 * KPATCH_POST_PATCH_CALLBACK(fn)    void fn(patch_object *obj)
 * KPATCH_PRE_UNPATCH_CALLBACK(fn)   void fn(patch_object *obj)
 * KPATCH_POST_UNPATCH_CALLBACK(fn)  void fn(patch_object *obj)
 *     Livepatch callbacks of the object (vmlinux or module) the patched
 *     file belongs to; create-diff-object fills in the object name.  At
 *     most one of each kind per object.  A pre-patch callback returning
 *     non-zero stops the patch (or the loading of the patched module).
 *     patch_object is struct klp_object (kpatch's typedef on kernels with
 *     livepatch callbacks): declaring the parameter either way is the same
 *     type.  A patch may consist of callbacks only.
 *
 * KPATCH_FORCE_UNSAFE(fn)
 *     kpatch: patch fn without the consistency check.  Linux 6.1 livepatch
 *     has no per-function way to do that (klp_func.immediate went away in
 *     4.16), so a patch using it does not compile, with the reason.
 *
 * KPATCH_PRINTK(fmt, ...), KPATCH_PRINTK_DEFERRED(fmt, ...)
 *     printk() / printk_deferred() that do not make the code around them
 *     "unlikely" (both are __cold, which can move unchanged code and widen
 *     the patch).
 *
 * KPATCH_STATIC_CALL(name)(args...)
 *     Call through the static call's current target without a static call
 *     site: a patch module cannot add sites to a key of another object.
 *
 * Shadow variables are the kernel's own API (<linux/livepatch.h>, included
 * here): klp_shadow_get(), klp_shadow_alloc(), klp_shadow_get_or_alloc(),
 * klp_shadow_free(), klp_shadow_free_all().
 */
#ifndef KLPKIT_KPATCH_MACROS_H
#define KLPKIT_KPATCH_MACROS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/livepatch.h>
#include <linux/printk.h>
#include <linux/static_call.h>
#include <linux/stddef.h>
#include <linux/version.h>
#include "klpkit-meta.h"

/* kpatch's spelling of __section(): the name unquoted (quoted since 5.10) */
#define __kpatch_section(section) __section(#section)

#define KPATCH_IGNORE_SECTION(_sec)					\
	static const char *const __UNIQUE_ID(klpkit_ignore_section_)	\
	__used __section(KLPKIT_IGNORE_SECTIONS) __aligned(8) = (_sec);

#define KPATCH_IGNORE_FUNCTION(_fn)					\
	static void *const __UNIQUE_ID(klpkit_ignore_func_)		\
	__used __section(KLPKIT_IGNORE_FUNCTIONS) __aligned(8) = (void *)(_fn);

/* Livepatch callbacks exist since 4.15: kpatch tests this name. */
#define HAS_LIVEPATCH_CALLBACKS

typedef struct klp_object patch_object;

typedef int (*kpatch_pre_patch_call_t)(patch_object *obj);
typedef void (*kpatch_post_patch_call_t)(patch_object *obj);
typedef void (*kpatch_pre_unpatch_call_t)(patch_object *obj);
typedef void (*kpatch_post_unpatch_call_t)(patch_object *obj);

/* klpkit's earlier names of the same types */
typedef kpatch_pre_patch_call_t klpkit_pre_patch_t;
typedef kpatch_post_patch_call_t klpkit_post_patch_t;
typedef kpatch_pre_unpatch_call_t klpkit_pre_unpatch_t;
typedef kpatch_post_unpatch_call_t klpkit_post_unpatch_t;

/*
 * One entry of .klpkit.callbacks.KIND: the layout of struct
 * klpkit_callback (klpkit-meta.h) with kpatch's names and types.
 */
#define __KLPKIT_CALLBACK_STRUCT(_kind)					\
	struct kpatch_##_kind##_callback {				\
		kpatch_##_kind##_call_t fn;				\
		char *objname;	/* filled in by create-diff-object */	\
	};								\
	static_assert(sizeof(struct kpatch_##_kind##_callback) ==	\
		      sizeof(struct klpkit_callback));			\
	static_assert(offsetof(struct kpatch_##_kind##_callback, objname) == \
		      offsetof(struct klpkit_callback, objname))

__KLPKIT_CALLBACK_STRUCT(pre_patch);
__KLPKIT_CALLBACK_STRUCT(post_patch);
__KLPKIT_CALLBACK_STRUCT(pre_unpatch);
__KLPKIT_CALLBACK_STRUCT(post_unpatch);

/* The inline helper only checks the callback's type; it is never emitted. */
#define __KLPKIT_CALLBACK(_fn, _kind)					\
	static inline kpatch_##_kind##_call_t				\
	__klpkit_##_kind##_type_##_fn(void) { return _fn; }		\
	static struct kpatch_##_kind##_callback				\
	__UNIQUE_ID(klpkit_##_kind##_)					\
	__used __section(KLPKIT_CB_PREFIX #_kind) __aligned(8) = {	\
		.fn = (_fn),						\
		.objname = NULL,					\
	};

#define KPATCH_PRE_PATCH_CALLBACK(_fn)		__KLPKIT_CALLBACK(_fn, pre_patch)
#define KPATCH_POST_PATCH_CALLBACK(_fn)		__KLPKIT_CALLBACK(_fn, post_patch)
#define KPATCH_PRE_UNPATCH_CALLBACK(_fn)	__KLPKIT_CALLBACK(_fn, pre_unpatch)
#define KPATCH_POST_UNPATCH_CALLBACK(_fn)	__KLPKIT_CALLBACK(_fn, post_unpatch)

#define KPATCH_FORCE_UNSAFE(_fn)					\
	static_assert(0, "KPATCH_FORCE_UNSAFE(" #_fn "): Linux 6.1 "	\
		"livepatch cannot skip the consistency check for one "	\
		"function (klp_func.immediate was removed in 4.16). "	\
		"Remove it: kpatch load reports the tasks that block the "	\
		"transition and reverses it if they never switch");

#define KPATCH_PRINTK(_fmt, ...)					\
({									\
	if (jiffies)							\
		printk(_fmt, ## __VA_ARGS__);				\
})

#define KPATCH_PRINTK_DEFERRED(_fmt, ...)				\
({									\
	if (jiffies)							\
		printk_deferred(_fmt, ## __VA_ARGS__);			\
})

#define KPATCH_STATIC_CALL(_name)					\
	((typeof(&STATIC_CALL_TRAMP(_name)))READ_ONCE(STATIC_CALL_KEY(_name).func))

#include "kpatch-syscall.h"

#endif
