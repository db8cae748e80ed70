// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch list: loaded livepatches with their state, patched objects and
 * functions, then installed modules per kernel release. The format is
 * stable (see kpatch(1)).
 */
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

static void list_funcs(const char *objdir)
{
	char path[KP_PATH_MAX * 2];
	char **names;
	int n;

	n = kp_sorted_dir(objdir, &names);
	for (int i = 0; i < n; i++) {
		kp_fmt(path, sizeof(path), "%s/%s", objdir, names[i]);
		if (kp_is_dir(path))
			printf(" %s", names[i]);
	}
	if (n > 0)
		kp_free_names(names, n);
}

static void list_objects(const char *patch)
{
	char dir[KP_PATH_MAX], obj[KP_PATH_MAX * 2], path[KP_PATH_MAX * 3];
	char **names;
	int n, patched;

	kp_patch_path(dir, sizeof(dir), patch, NULL);
	n = kp_sorted_dir(dir, &names);
	for (int i = 0; i < n; i++) {
		kp_fmt(obj, sizeof(obj), "%s/%s", dir, names[i]);
		kp_fmt(path, sizeof(path), "%s/patched", obj);
		if (!kp_is_dir(obj) || kp_read_int(path, &patched))
			continue;
		printf("  %s [%s]", names[i], patched ? "patched" : "unpatched");
		list_funcs(obj);
		putchar('\n');
	}
	if (n > 0)
		kp_free_names(names, n);
}

static void list_loaded(void)
{
	char **names;
	int n, e;

	printf("Loaded patch modules:\n");
	n = kp_loaded_patches(&names);
	for (int i = 0; i < n; i++) {
		printf("%s [%s]\n", names[i], kp_patch_state(names[i]));
		list_objects(names[i]);
		if (kp_patch_transition(names[i]) == 1) {
			e = kp_patch_enabled(names[i]);
			printf("  blocking tasks:\n");
			kp_report_blocking(stdout, e == 1, false);
		}
	}
	if (n > 0)
		kp_free_names(names, n);
}

static void get_name(const char *key, const char *value, void *arg)
{
	if (!strcmp(key, "name") && value)
		kp_fmt(arg, KP_NAME_MAX, "%s", value);
}

static void list_release(const char *release)
{
	char dir[KP_PATH_MAX], path[KP_PATH_MAX * 2], name[KP_NAME_MAX];
	char **files;
	int n;

	kp_fmt(dir, sizeof(dir), "%s/%s", kp_install_root(), release);
	n = kp_sorted_dir(dir, &files);
	for (int i = 0; i < n; i++) {
		if (!kp_has_suffix(files[i], ".ko"))
			continue;
		kp_fmt(path, sizeof(path), "%s/%s", dir, files[i]);
		name[0] = '\0';
		if (kp_module_each_info(path, get_name, name) || !name[0])
			kp_fmt(name, sizeof(name), "%.*s",
				 (int)strlen(files[i]) - 3, files[i]);
		kp_normalize_name(name);
		printf("%s (%s)\n", name, release);
	}
	if (n > 0)
		kp_free_names(files, n);
}

static void list_installed(void)
{
	char path[KP_PATH_MAX * 2];
	char **rels;
	int n;

	printf("Installed patch modules:\n");
	n = kp_sorted_dir(kp_install_root(), &rels);
	for (int i = 0; i < n; i++) {
		kp_fmt(path, sizeof(path), "%s/%s", kp_install_root(), rels[i]);
		if (kp_is_dir(path))
			list_release(rels[i]);
	}
	if (n > 0)
		kp_free_names(rels, n);
}

static int list_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		kp_print_usage(&kp_cmd_list);
		return KP_OK;
	}
	if (argc != 1)
		return kp_usage_error(&kp_cmd_list, "unexpected argument '%s'",
				      argv[1]);
	list_loaded();
	putchar('\n');
	list_installed();
	return fflush(stdout) ? KP_EFAIL : KP_OK;
}

const struct kp_cmd kp_cmd_list = {
	.name = "list",
	.run = list_main,
	.summary = "list loaded and installed livepatch modules",
	.usage =
"Usage: kpatch list [OPTIONS]\n"
"\n"
"List loaded livepatches and installed livepatch modules:\n"
"\n"
"  Loaded patch modules:\n"
"  NAME [enabled|enabling...|disabled|disabling...]\n"
"    OBJECT [patched|unpatched] FUNCTION,POS...   (one line per object)\n"
"    blocking tasks:                              (during a transition)\n"
"  <empty line>\n"
"  Installed patch modules:\n"
"  NAME (KREL)\n"
"\n"
"Options:\n"
"  -h, --help  show this help and exit\n",
};
