// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch info: modinfo of a livepatch module, its load state and the
 * functions it patches, as recorded by kpatch-build in the modinfo tag
 * klpkit_funcs ("object:function ..."), or read from sysfs when the patch
 * is loaded and the tag is absent.
 */
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

static void print_field(const char *key, const char *value, void *arg)
{
	char label[KP_NAME_MAX];

	(void)arg;
	kp_fmt(label, sizeof(label), "%s:", key);
	printf("%-16s%s\n", label, value ? value : "");
}

static void print_recorded(const char *funcs)
{
	char buf[8192];
	char *tok, *save = NULL;

	kp_fmt(buf, sizeof(buf), "%s", funcs);
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save))
		printf("  %s\n", tok);
}

static void print_live_funcs(const char *patch)
{
	char dir[KP_PATH_MAX], obj[KP_PATH_MAX * 2], fn[KP_PATH_MAX * 3];
	char **objs, **funcs;
	int n, m;

	kp_patch_path(dir, sizeof(dir), patch, NULL);
	n = kp_sorted_dir(dir, &objs);
	for (int i = 0; i < n; i++) {
		kp_fmt(obj, sizeof(obj), "%s/%s", dir, objs[i]);
		m = kp_is_dir(obj) ? kp_sorted_dir(obj, &funcs) : 0;
		for (int j = 0; j < m; j++) {
			kp_fmt(fn, sizeof(fn), "%s/%s", obj, funcs[j]);
			if (kp_is_dir(fn))
				printf("  %s:%.*s\n", objs[i],
				       (int)strcspn(funcs[j], ","), funcs[j]);
		}
		if (m > 0)
			kp_free_names(funcs, m);
	}
	if (n > 0)
		kp_free_names(objs, n);
}

static void print_funcs(const struct kp_module *mod, bool loaded)
{
	printf("patched functions:\n");
	if (mod->funcs)
		print_recorded(mod->funcs);
	else if (loaded)
		print_live_funcs(mod->name);
	else
		printf("  (not recorded in the module)\n");
}

static int show(const char *path)
{
	struct kp_module mod;
	bool loaded;
	int ret;

	ret = kp_module_open(path, &mod);
	if (ret)
		return ret;
	loaded = kp_patch_loaded(mod.name);
	printf("Patch information for %s:\n", mod.name);
	printf("%-16s%s\n", "filename:", path);
	ret = kp_module_each_info(path, print_field, NULL);
	printf("%-16s%s\n", "livepatch:", mod.livepatch ? "yes" : "no");
	printf("%-16s%s\n", "loaded:",
	       loaded ? kp_patch_state(mod.name) : "no");
	print_funcs(&mod, loaded);
	kp_module_close(&mod);
	return ret || fflush(stdout) ? KP_EFAIL : KP_OK;
}

static int info_main(int argc, char **argv)
{
	char path[KP_PATH_MAX];

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		kp_print_usage(&kp_cmd_info);
		return KP_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return kp_usage_error(&kp_cmd_info, "expected exactly one MODULE");
	if (kp_resolve_module(argv[1], path, sizeof(path))) {
		kp_err("%s: no such file, and not installed for kernel %s",
		       argv[1], kp_running_release());
		return KP_EFAIL;
	}
	return show(path);
}

const struct kp_cmd kp_cmd_info = {
	.name = "info",
	.run = info_main,
	.summary = "show information about a livepatch module",
	.usage =
"Usage: kpatch info [OPTIONS] MODULE\n"
"\n"
"Show the modinfo fields of a livepatch module (a path to a .ko file, or\n"
"a module installed for the running kernel), whether it is loaded, and\n"
"the functions it patches as object:function: from the module's\n"
"klpkit_funcs modinfo tag, else from sysfs when it is loaded.\n"
"\n"
"Options:\n"
"  -h, --help  show this help and exit\n",
};
