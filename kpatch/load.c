// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch load: check a livepatch module, insert it, wait for its
 * transition; on a stall report, signal, then reverse and remove it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

#define STALE_WAIT 15

/* The patch is already there: nothing to insert. */
static int already_loaded(const struct kp_module *mod,
			  const struct kp_patch_opts *opts)
{
	const char *state = kp_patch_state(mod->name);

	if (!strcmp(state, "enabled")) {
		kp_note("%s: already loaded and enabled", mod->name);
		return KP_OK;
	}
	if (!strcmp(state, "enabling...")) {
		kp_note("%s: already loaded, waiting for its transition",
			mod->name);
		return kp_settle(mod->name, true, opts->timeout,
				 opts->stall_timeout);
	}
	kp_err("%s: loaded and %s; unload it first", mod->name, state);
	return KP_EFAIL;
}

/* A disabled livepatch stays loaded until removed: remove it. */
static int remove_stale(const struct kp_module *mod)
{
	if (!kp_module_is_livepatch(mod->name)) {
		kp_err("%s: a module of that name is loaded and is not a livepatch",
		       mod->name);
		return KP_EFAIL;
	}
	kp_note("%s: removing the disabled instance left loaded", mod->name);
	return kp_remove_when_free(mod->name, STALE_WAIT) ? KP_EFAIL : KP_OK;
}

/* After a reversed transition: wait for the kernel to free the patch. */
static int take_back(const char *name, unsigned int seconds)
{
	if (kp_wait_patch_gone(name, seconds)) {
		kp_err("%s: the disabled patch was not freed", name);
		return KP_EREVERT;
	}
	if (kp_remove_when_free(name, seconds))
		return KP_EREVERT;
	kp_err("%s: transition reversed and module removed; the system is as before",
	       name);
	return KP_ESTALLED;
}

static int insert_and_wait(const struct kp_module *mod,
			   const struct kp_patch_opts *opts)
{
	int ret;

	if (kp_module_insert(mod))
		return KP_EFAIL;
	if (!kp_patch_loaded(mod->name)) {
		kp_err("%s: module registered no livepatch; removing it",
		       mod->name);
		kp_module_remove(mod->name);
		return KP_EFAIL;
	}
	ret = kp_settle(mod->name, true, opts->timeout, opts->stall_timeout);
	if (ret == KP_ESTALLED)
		return take_back(mod->name, opts->timeout + opts->stall_timeout);
	if (ret)
		return ret;
	if (kp_patch_enabled(mod->name) != 1) {
		kp_err("%s: transition finished but the patch is not enabled",
		       mod->name);
		return KP_EFAIL;
	}
	kp_note("%s: loaded and enabled", mod->name);
	return KP_OK;
}

static int load_file(const char *path, const struct kp_patch_opts *opts)
{
	char real[KP_PATH_MAX];
	struct kp_module mod;
	int ret;

	/* the kernel gets the checked path, without symlinks */
	ret = kp_check_trusted(path, false, real, sizeof(real));
	if (ret)
		return ret;
	ret = kp_module_open(real, &mod);
	if (ret)
		return ret;
	ret = kp_module_check(&mod, kp_running_release());
	if (ret)
		goto out;
	if (!kp_livepatch_supported()) {
		kp_err("the running kernel has no livepatch support (no %s/kernel/livepatch)",
		       kp_sysfs_root());
		ret = KP_EREFUSED;
		goto out;
	}
	if (kp_patch_loaded(mod.name)) {
		ret = already_loaded(&mod, opts);
		goto out;
	}
	if (kp_module_loaded(mod.name)) {
		ret = remove_stale(&mod);
		if (ret)
			goto out;
	}
	ret = insert_and_wait(&mod, opts);
out:
	kp_module_close(&mod);
	return ret;
}

static int load_one(const char *what, const struct kp_patch_opts *opts)
{
	char path[KP_PATH_MAX];

	if (kp_resolve_module(what, path, sizeof(path))) {
		kp_err("%s: no such file, and not installed for kernel %s",
		       what, kp_running_release());
		return KP_EFAIL;
	}
	return load_file(path, opts);
}

static int load_all(const struct kp_patch_opts *opts)
{
	const char *rel = kp_running_release();
	char dir[KP_PATH_MAX], path[KP_PATH_MAX * 2];
	char **files;
	int n, ret, first = KP_OK, count = 0;

	if (kp_cmdline_has("klpkit.skip")) {
		kp_note("klpkit.skip on the kernel command line: loading nothing");
		return KP_OK;
	}
	kp_fmt(dir, sizeof(dir), "%s/%s", kp_install_root(), rel);
	n = kp_sorted_dir(dir, &files);
	if (n < 0) {
		kp_err("cannot read %s: %s", dir, strerror(-n));
		return KP_EFAIL;
	}
	for (int i = 0; i < n; i++) {
		if (!kp_has_suffix(files[i], ".ko"))
			continue;
		kp_fmt(path, sizeof(path), "%s/%s", dir, files[i]);
		ret = load_file(path, opts);
		if (ret && first == KP_OK)
			first = ret;
		count++;
	}
	kp_free_names(files, n);
	if (!count)
		kp_note("no modules installed for kernel %s in %s", rel, dir);
	return first;
}

static int load_main(int argc, char **argv)
{
	struct kp_patch_opts opts;
	int ret;

	ret = kp_parse_patch_opts(&kp_cmd_load, argc, argv, &opts);
	if (ret)
		return ret < 0 ? KP_OK : ret;
	if (opts.all)
		return load_all(&opts);
	return load_one(argv[optind], &opts);
}

const struct kp_cmd kp_cmd_load = {
	.name = "load",
	.run = load_main,
	.summary = "load a livepatch module and wait for its transition",
	.usage =
"Usage: kpatch load [OPTIONS] MODULE\n"
"       kpatch load [OPTIONS] --all\n"
"\n"
"Insert a livepatch module and wait until every task runs the patched code.\n"
"MODULE is a path to a .ko file, or the file or module name of a module\n"
"installed for the running kernel. A module that is not a livepatch\n"
"(no livepatch=Y), whose vermagic names another kernel release, or whose\n"
"file or any directory on its path (symlinks followed) is not owned by root\n"
"or is writable by group or others is refused before anything is sent to\n"
"the kernel (exit status 3); the message names the path and the fix.\n"
"If the transition stalls, the tasks blocking it are reported and\n"
"signalled; if it is still stalled after the stall timeout, it is reversed\n"
"and the module removed, leaving the system as it was (exit status 4).\n"
"\n"
"Options:\n"
"  -a, --all                    load every module installed for the running\n"
"                               kernel (nothing if the kernel command line\n"
"                               has klpkit.skip)\n"
"  -t, --timeout=SECONDS        wait this long for the transition before\n"
"                               reporting a stall (default 15)\n"
"  -s, --stall-timeout=SECONDS  then wait this much longer before reversing\n"
"                               the transition (default 60)\n"
"  -h, --help                   show this help and exit\n",
};
