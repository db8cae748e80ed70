// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch unload: disable a livepatch, wait for the transition back to the
 * unpatched state, then remove its module. A stalled disable is reversed,
 * leaving the patch enabled.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

/* NAME may be a module name, a .ko path or an installed module. */
static int patch_name(const char *what, char *name, size_t size)
{
	char path[KP_PATH_MAX];
	struct kp_module mod;

	kp_fmt(name, size, "%s", what);
	if (kp_has_suffix(name, ".ko"))
		name[strlen(name) - 3] = '\0';
	kp_normalize_name(name);
	if (!strchr(what, '/') && (kp_patch_loaded(name) ||
				   kp_module_loaded(name)))
		return 0;
	if (kp_resolve_module(what, path, sizeof(path)))
		return 0;
	if (kp_module_open(path, &mod))
		return -1;
	kp_fmt(name, size, "%s", mod.name);
	kp_module_close(&mod);
	return 0;
}

static int remove_module(const char *name, unsigned int seconds)
{
	if (kp_wait_patch_gone(name, seconds)) {
		kp_err("%s: the disabled patch was not freed", name);
		return KP_EFAIL;
	}
	if (kp_remove_when_free(name, seconds))
		return KP_EFAIL;
	kp_note("%s: disabled and removed", name);
	return KP_OK;
}

static int unload_one(const char *name, const struct kp_patch_opts *opts)
{
	int ret;

	if (!kp_patch_loaded(name)) {
		if (kp_module_loaded(name) && kp_module_is_livepatch(name))
			return remove_module(name, opts->timeout);
		kp_err("%s: no such livepatch loaded", name);
		return KP_EFAIL;
	}
	if (kp_patch_enabled(name) == 1) {
		ret = kp_patch_set_enabled(name, false);
		if (ret) {
			kp_err("%s: cannot disable: %s", name, strerror(-ret));
			return KP_EFAIL;
		}
	}
	ret = kp_settle(name, false, opts->timeout, opts->stall_timeout);
	if (ret == KP_ESTALLED) {
		kp_err("%s: disable reversed; the patch stays enabled and loaded",
		       name);
		return ret;
	}
	if (ret)
		return ret;
	return remove_module(name, opts->timeout + opts->stall_timeout);
}

static int unload_all(const struct kp_patch_opts *opts)
{
	char **names;
	int n, ret, first = KP_OK;

	n = kp_loaded_patches(&names);
	if (n < 0) {
		kp_err("cannot list loaded patches: %s", strerror(-n));
		return KP_EFAIL;
	}
	/* since Linux 5.1 patches can be disabled in any order */
	for (int i = 0; i < n; i++) {
		ret = unload_one(names[i], opts);
		if (ret && first == KP_OK)
			first = ret;
	}
	kp_free_names(names, n);
	return first;
}

static int unload_main(int argc, char **argv)
{
	struct kp_patch_opts opts;
	char name[KP_NAME_MAX];
	int ret;

	ret = kp_parse_patch_opts(&kp_cmd_unload, argc, argv, &opts);
	if (ret)
		return ret < 0 ? KP_OK : ret;
	if (opts.all)
		return unload_all(&opts);
	if (patch_name(argv[optind], name, sizeof(name)))
		return KP_EFAIL;
	return unload_one(name, &opts);
}

const struct kp_cmd kp_cmd_unload = {
	.name = "unload",
	.run = unload_main,
	.summary = "disable a livepatch and remove its module",
	.usage =
"Usage: kpatch unload [OPTIONS] NAME\n"
"       kpatch unload [OPTIONS] --all\n"
"\n"
"Disable a loaded livepatch, wait until no task runs the patched code any\n"
"more, then remove its module. NAME is the module name (as `kpatch list`\n"
"shows it), a path to its .ko file, or an installed module.\n"
"If the transition stalls, the blocking tasks are reported and signalled;\n"
"if it is still stalled after the stall timeout, the patch is re-enabled\n"
"and left loaded (exit status 4).\n"
"\n"
"Options:\n"
"  -a, --all                    unload every loaded livepatch\n"
"  -t, --timeout=SECONDS        wait this long for the transition before\n"
"                               reporting a stall (default 15)\n"
"  -s, --stall-timeout=SECONDS  then wait this much longer before reversing\n"
"                               the transition (default 60)\n"
"  -h, --help                   show this help and exit\n",
};
