// SPDX-License-Identifier: GPL-2.0
/*
 * Access to the livepatch sysfs interface (/sys/kernel/livepatch/<patch>/
 * {enabled,transition,signal,force,<object>/patched}) and /sys/module.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

bool kp_livepatch_supported(void)
{
	char dir[KP_PATH_MAX];

	kp_livepatch_dir(dir, sizeof(dir));
	return kp_is_dir(dir);
}

bool kp_patch_loaded(const char *patch)
{
	char path[KP_PATH_MAX];

	kp_patch_path(path, sizeof(path), patch, NULL);
	return kp_is_dir(path);
}

bool kp_module_loaded(const char *name)
{
	char path[KP_PATH_MAX];

	kp_fmt(path, sizeof(path), "%s/module/%s", kp_sysfs_root(), name);
	return kp_is_dir(path);
}

static int read_flag(const char *patch, const char *attr)
{
	char path[KP_PATH_MAX];
	int val, ret;

	kp_patch_path(path, sizeof(path), patch, attr);
	ret = kp_read_int(path, &val);
	return ret ? ret : !!val;
}

/* 1 or 0, or -errno */
int kp_patch_enabled(const char *patch)
{
	return read_flag(patch, "enabled");
}

/* 1 while the patch is in transition, 0 otherwise, or -errno */
int kp_patch_transition(const char *patch)
{
	return read_flag(patch, "transition");
}

int kp_patch_set_enabled(const char *patch, bool enabled)
{
	char path[KP_PATH_MAX];

	kp_patch_path(path, sizeof(path), patch, "enabled");
	return kp_write_str(path, enabled ? "1\n" : "0\n");
}

int kp_patch_signal(const char *patch)
{
	char path[KP_PATH_MAX];

	kp_patch_path(path, sizeof(path), patch, "signal");
	if (!kp_is_file(path))
		return -ENOENT;
	return kp_write_str(path, "1\n");
}

/* Reference count of a loaded module, or -errno. */
int kp_module_refcnt(const char *name)
{
	char path[KP_PATH_MAX];
	int val, ret;

	kp_fmt(path, sizeof(path), "%s/module/%s/refcnt", kp_sysfs_root(),
		 name);
	ret = kp_read_int(path, &val);
	return ret ? ret : val;
}

/* Sorted names of the loaded livepatches. */
int kp_loaded_patches(char ***names)
{
	char dir[KP_PATH_MAX];

	kp_livepatch_dir(dir, sizeof(dir));
	return kp_sorted_dir(dir, names);
}

/*
 * A loaded module the kernel flagged as a livepatch (taint 'K'): also true
 * of a disabled livepatch whose sysfs directory is already gone.
 */
bool kp_module_is_livepatch(const char *name)
{
	char path[KP_PATH_MAX], taint[64];

	kp_fmt(path, sizeof(path), "%s/module/%s/taint", kp_sysfs_root(),
		 name);
	return !kp_read_str(path, taint, sizeof(taint)) && strchr(taint, 'K');
}

/* enabled, enabling..., disabled, disabling... (as `kpatch list` shows) */
const char *kp_patch_state(const char *patch)
{
	int e = kp_patch_enabled(patch), t = kp_patch_transition(patch);

	if (e < 0 || t < 0)
		return "unknown";
	if (t)
		return e ? "enabling..." : "disabling...";
	return e ? "enabled" : "disabled";
}
