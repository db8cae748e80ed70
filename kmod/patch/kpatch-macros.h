/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kpatch-macros.h - macros for patch authors (klpkit).
 *
 * Include it from the patched source file:  #include "kpatch-macros.h"
 * (kpatch-build puts kmod/patch on the include path of the patched build).
 * Every macro is a file-scope declaration, except KPATCH_PRINTK and
 * KPATCH_STATIC_CALL, which are expressions.
 *
 * KPATCH_IGNORE_FUNCTION(fn)   changes of fn are not part of the patch
 * KPATCH_IGNORE_SECTION("sec") changes of section sec are not part of it
 *     Markers for create-diff-object: pointers in .klpkit.ignore.functions
 *     and .klpkit.ignore.sections (see klpkit-meta.h); they never reach the
 *     patch module.
 *
 * KPATCH_PRE_PATCH_CALLBACK(fn)     int fn(struct klp_object *obj)
 * KPATCH_POST_PATCH_CALLBACK(fn)    void fn(struct klp_object *obj)
 * KPATCH_PRE_UNPATCH_CALLBACK(fn)   void fn(struct klp_object *obj)
 * KPATCH_POST_UNPATCH_CALLBACK(fn)  void fn(struct klp_object *obj)
 *     Livepatch callbacks of the object (vmlinux or module) the patched
 *     file belongs to; create-diff-object fills in the object name.  At
 *     most one of each kind per object.  A pre-patch callback returning
 *     non-zero stops the patch (or the loading of the patched module).
 *
 * KPATCH_PRINTK(fmt, ...)
 *     printk() that does not make the code around it "unlikely" (printk is
 *     __cold, which can move unchanged code and widen the patch).
 *
 * KPATCH_STATIC_CALL(name)(args...)
 *     Call through the static call's current target without a static call
 *     site: a patch module cannot add sites to a key of another object.
 */
#ifndef KLPKIT_KPATCH_MACROS_H
#define KLPKIT_KPATCH_MACROS_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/livepatch.h>
#include <linux/printk.h>
#include <linux/static_call.h>
#include "klpkit-meta.h"

#define KPATCH_IGNORE_SECTION(_sec)					\
	static const char *const __UNIQUE_ID(klpkit_ignore_section_)	\
	__used __section(".klpkit.ignore.sections") __aligned(8) = (_sec)

#define KPATCH_IGNORE_FUNCTION(_fn)					\
	static void *const __UNIQUE_ID(klpkit_ignore_func_)		\
	__used __section(".klpkit.ignore.functions") __aligned(8) = (void *)(_fn)

typedef int (*klpkit_pre_patch_t)(struct klp_object *obj);
typedef void (*klpkit_post_patch_t)(struct klp_object *obj);
typedef void (*klpkit_pre_unpatch_t)(struct klp_object *obj);
typedef void (*klpkit_post_unpatch_t)(struct klp_object *obj);

/* The inline helper only checks the callback's type; it is never emitted. */
#define __KLPKIT_CALLBACK(_fn, _kind)					\
	static inline klpkit_##_kind##_t __klpkit_##_kind##_type_##_fn(void) \
	{ return _fn; }							\
	static struct klpkit_callback __UNIQUE_ID(klpkit_##_kind##_)	\
	__used __section(".klpkit.callbacks." #_kind) __aligned(8) = {	\
		.fn = (unsigned long)(_fn),				\
		.objname = 0,						\
	}

#define KPATCH_PRE_PATCH_CALLBACK(_fn)		__KLPKIT_CALLBACK(_fn, pre_patch)
#define KPATCH_POST_PATCH_CALLBACK(_fn)		__KLPKIT_CALLBACK(_fn, post_patch)
#define KPATCH_PRE_UNPATCH_CALLBACK(_fn)	__KLPKIT_CALLBACK(_fn, pre_unpatch)
#define KPATCH_POST_UNPATCH_CALLBACK(_fn)	__KLPKIT_CALLBACK(_fn, post_unpatch)

#define KPATCH_PRINTK(_fmt, ...)					\
({									\
	if (jiffies)							\
		printk(_fmt, ## __VA_ARGS__);				\
})

#define KPATCH_STATIC_CALL(_name)					\
	((typeof(&STATIC_CALL_TRAMP(_name)))READ_ONCE(STATIC_CALL_KEY(_name).func))

#endif
