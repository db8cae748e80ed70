// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch signal: ask the kernel to signal the tasks blocking a livepatch
 * transition (/sys/kernel/livepatch/<patch>/signal).
 */
#include <errno.h>
#include <string.h>

#include "kpatch.h"

static int signal_patch(const char *name)
{
	int ret = kp_patch_signal(name);

	if (ret == -ENOENT) {
		/* removed in Linux 5.x, where the kernel signals by itself */
		kp_note("%s: no signal attribute: the kernel signals blocking tasks by itself",
			name);
		return KP_OK;
	}
	if (ret) {
		kp_err("%s: cannot signal: %s", name, strerror(-ret));
		return KP_EFAIL;
	}
	kp_note("%s: signalled the tasks blocking its transition", name);
	return KP_OK;
}

static int signal_main(int argc, char **argv)
{
	char **names;
	int n, count = 0, ret = KP_OK;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		kp_print_usage(&kp_cmd_signal);
		return KP_OK;
	}
	if (argc != 1)
		return kp_usage_error(&kp_cmd_signal, "unexpected argument '%s'",
				      argv[1]);
	n = kp_loaded_patches(&names);
	for (int i = 0; i < n; i++) {
		if (kp_patch_transition(names[i]) != 1)
			continue;
		count++;
		if (signal_patch(names[i]))
			ret = KP_EFAIL;
	}
	if (n > 0)
		kp_free_names(names, n);
	if (!count)
		kp_note("no livepatch in transition");
	return ret;
}

const struct kp_cmd kp_cmd_signal = {
	.name = "signal",
	.run = signal_main,
	.summary = "signal the tasks blocking a livepatch transition",
	.usage =
"Usage: kpatch signal [OPTIONS]\n"
"\n"
"For every livepatch in transition, write 1 to its sysfs signal attribute:\n"
"the kernel then sends a fake signal to user tasks and wakes kernel threads\n"
"that still run unpatched code, so they can switch. Kernels without the\n"
"attribute (it was removed in Linux 5.x) do this by themselves during a\n"
"transition: kpatch says so and succeeds. Does nothing, with success, when\n"
"no transition is in progress.\n"
"\n"
"Options:\n"
"  -h, --help  show this help and exit\n",
};
