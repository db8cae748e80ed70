// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for livepatch transitions, handling stalls (report, signal,
 * reverse) and removing a module once the kernel has let go of it.
 */
#include <errno.h>
#include <string.h>

#include "kpatch.h"

#define POLL_MS 100

enum kp_wait kp_wait_transition(const char *patch, unsigned int seconds)
{
	double end = kp_now() + seconds;
	int t;

	for (;;) {
		t = kp_patch_transition(patch);
		if (t == 0 || t == -ENOENT)	/* a disabled patch is freed */
			return KP_WAIT_DONE;
		if (t < 0) {
			kp_err("%s: cannot read transition state: %s", patch,
			       strerror(-t));
			return KP_WAIT_ERROR;
		}
		if (kp_now() >= end)
			return KP_WAIT_TIMEOUT;
		kp_sleep_ms(POLL_MS);
	}
}

/* A disabled patch disappears from sysfs once the kernel has freed it. */
int kp_wait_patch_gone(const char *patch, unsigned int seconds)
{
	double end = kp_now() + seconds;

	while (kp_patch_loaded(patch)) {
		if (kp_now() >= end)
			return -ETIMEDOUT;
		kp_sleep_ms(POLL_MS);
	}
	return 0;
}

static bool busy_error(int ret)
{
	return ret == -EAGAIN || ret == -EBUSY || ret == -EWOULDBLOCK;
}

/* Remove module NAME as soon as its reference count drops to zero. */
int kp_remove_when_free(const char *name, unsigned int seconds)
{
	double end = kp_now() + seconds;
	int ret = 0;

	while (kp_module_loaded(name)) {
		if (kp_module_refcnt(name) <= 0) {
			ret = kp_module_remove(name);
			if (ret == 0 || ret == -ENOENT)
				return 0;
			if (!busy_error(ret))
				break;
		}
		if (kp_now() >= end) {
			ret = -ETIMEDOUT;
			break;
		}
		kp_sleep_ms(POLL_MS);
	}
	if (ret)
		kp_err("cannot remove module %s: %s", name, strerror(-ret));
	return ret;
}

static const char *state_name(bool target)
{
	return target ? "patched" : "unpatched";
}

static void report(const char *patch, bool target)
{
	int n;

	kp_err("%s: tasks not yet %s:", patch, state_name(target));
	n = kp_report_blocking(stderr, target, true);
	if (!n)
		kp_err("%s: (no blocking task found)", patch);
}

static void signal_tasks(const char *patch)
{
	int ret = kp_patch_signal(patch);

	if (ret == -ENOENT)
		kp_note("%s: no signal attribute: the kernel signals blocking tasks by itself",
			patch);
	else if (ret)
		kp_err("%s: cannot signal blocking tasks: %s", patch,
		       strerror(-ret));
	else
		kp_note("%s: signalled blocking tasks", patch);
}

static int reverse(const char *patch, bool target, unsigned int seconds)
{
	int ret;

	kp_note("%s: reversing the transition", patch);
	ret = kp_patch_set_enabled(patch, !target);
	if (ret) {
		kp_err("%s: cannot reverse the transition: %s", patch,
		       strerror(-ret));
		return KP_EREVERT;
	}
	if (kp_wait_transition(patch, seconds) == KP_WAIT_DONE)
		return KP_ESTALLED;
	kp_err("%s: the reversed transition did not finish either", patch);
	report(patch, !target);
	return KP_EREVERT;
}

/*
 * Wait for PATCH to reach TARGET (true: patched). When the transition
 * stalls for TIMEOUT seconds, report the blocking tasks and signal them;
 * when it is still stalled STALL_TIMEOUT seconds later, reverse it.
 * Returns KP_OK, KP_EFAIL, KP_ESTALLED (reversed) or KP_EREVERT.
 */
int kp_settle(const char *patch, bool target, unsigned int timeout,
	      unsigned int stall_timeout)
{
	enum kp_wait w;

	w = kp_wait_transition(patch, timeout);
	if (w != KP_WAIT_TIMEOUT)
		return w == KP_WAIT_DONE ? KP_OK : KP_EFAIL;

	kp_err("%s: transition to %s stalled for %u s", patch,
	       state_name(target), timeout);
	report(patch, target);
	signal_tasks(patch);
	w = kp_wait_transition(patch, stall_timeout);
	if (w != KP_WAIT_TIMEOUT)
		return w == KP_WAIT_DONE ? KP_OK : KP_EFAIL;

	kp_err("%s: transition still stalled after %u more s", patch,
	       stall_timeout);
	report(patch, target);
	return reverse(patch, target, timeout + stall_timeout);
}
