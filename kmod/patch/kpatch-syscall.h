/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kpatch-syscall.h - patching a system call (klpkit, x86-64, Linux 6.1).
 *
 * In the patched source, replace
 *	SYSCALL_DEFINE2(name, type1, arg1, type2, arg2)
 * by
 *	KPATCH_SYSCALL_DEFINE2(name, type1, arg1, type2, arg2)
 * (0 to 6 arguments) and include this file (or kpatch-macros.h, which
 * includes it, as kpatch's does).
 *
 * Why: with CONFIG_ARCH_HAS_SYSCALL_WRAPPER (x86-64 since 4.17) the
 * SYSCALL_DEFINEx macros of arch/x86/include/asm/syscall_wrapper.h make
 *	__x64_sys_NAME(regs), __ia32_sys_NAME(regs)	the entry points
 *		(global, traced: they can be livepatched),
 *	__se_sys_NAME(long args...)			static, sign extension,
 *		usually inlined into both,
 *	__do_sys_NAME(typed args...)			static inline: the body.
 * Kernel "inline" implies notrace, so when the compiler emits __do_sys_NAME
 * out of line it has no ftrace entry and cannot be patched; a change of the
 * body would land in a function livepatch cannot replace.  This macro is the
 * 6.1 wrapper with the body renamed __klpkit_do_sys_NAME: in the patched
 * build the body is a new function (or inlined), and the change shows in
 * __x64_sys_NAME, __ia32_sys_NAME and __se_sys_NAME, which keep their names
 * and are patched.  The syscall metadata (SYSCALL_METADATA) and the
 * error-injection entries stay as they are, so they do not change.
 *
 * KPATCH_SYSCALL_DEFINE0(name) is SYSCALL_DEFINE0: with no argument, 6.1's
 * __do_sys_NAME(regs) is a plain static function (not inline), traced like
 * any other, so the body can be patched where it is.
 *
 * KPATCH_SYSCALL_METADATA(sname), kpatch's helper for wrappers without
 * metadata: NULL entries in __syscalls_metadata and _ftrace_events, both
 * sections ignored (KPATCH_IGNORE_SECTION).  The macros here keep the real
 * SYSCALL_METADATA and do not need it; it is offered for patches that use
 * it directly.
 */
#ifndef KLPKIT_KPATCH_SYSCALL_H
#define KLPKIT_KPATCH_SYSCALL_H

#include <linux/syscalls.h>
#include "kpatch-macros.h"

#if !defined(CONFIG_X86_64) || !defined(CONFIG_ARCH_HAS_SYSCALL_WRAPPER)
#error "kpatch-syscall.h supports x86-64 with syscall wrappers (Linux >= 4.17) only"
#endif

#define KPATCH_SYSCALL_METADATA(sname)					\
	static struct syscall_metadata *__UNIQUE_ID(klpkit_meta##sname)	\
	__used __section("__syscalls_metadata") = NULL;			\
	KPATCH_IGNORE_SECTION("__syscalls_metadata")			\
	static struct trace_event_call *__UNIQUE_ID(klpkit_event##sname) \
	__used __section("_ftrace_events") = NULL;			\
	KPATCH_IGNORE_SECTION("_ftrace_events")

#define KPATCH_SYSCALL_DEFINE0(name) SYSCALL_DEFINE0(name)
#define KPATCH_SYSCALL_DEFINE1(name, ...) KPATCH_SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE2(name, ...) KPATCH_SYSCALL_DEFINEx(2, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE3(name, ...) KPATCH_SYSCALL_DEFINEx(3, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE4(name, ...) KPATCH_SYSCALL_DEFINEx(4, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE5(name, ...) KPATCH_SYSCALL_DEFINEx(5, _##name, __VA_ARGS__)
#define KPATCH_SYSCALL_DEFINE6(name, ...) KPATCH_SYSCALL_DEFINEx(6, _##name, __VA_ARGS__)

#define KPATCH_SYSCALL_DEFINEx(x, sname, ...)				\
	SYSCALL_METADATA(sname, x, __VA_ARGS__)				\
	__KPATCH_SYSCALL_DEFINEx(x, sname, __VA_ARGS__)

/* arch/x86/include/asm/syscall_wrapper.h (6.1), __do_sys renamed */
#define __KPATCH_SYSCALL_DEFINEx(x, name, ...)				\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __klpkit_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__)); \
	__X64_SYS_STUBx(x, name, __VA_ARGS__)				\
	__IA32_SYS_STUBx(x, name, __VA_ARGS__)				\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __klpkit_do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__)); \
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		__PROTECT(x, ret, __MAP(x, __SC_ARGS, __VA_ARGS__));	\
		return ret;						\
	}								\
	static inline long __klpkit_do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#endif
