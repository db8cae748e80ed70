// SPDX-License-Identifier: GPL-2.0
/*
 * Where kpatch looks for things. Every location can be redirected through
 * the environment so that the tool can be tested against a fake tree:
 *   KPATCH_SYSFS        sysfs mount point         (default /sys)
 *   KPATCH_PROCFS       procfs mount point        (default /proc)
 *   KPATCH_INSTALL_DIR  installed modules         (default /var/lib/klpkit)
 *   KPATCH_RELEASE      running kernel release    (default uname -r)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "kpatch.h"

#define DEFAULT_INSTALL_DIR "/var/lib/klpkit"

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *kp_sysfs_root(void)
{
	return env_or("KPATCH_SYSFS", "/sys");
}

const char *kp_procfs_root(void)
{
	return env_or("KPATCH_PROCFS", "/proc");
}

const char *kp_install_root(void)
{
	return env_or("KPATCH_INSTALL_DIR", DEFAULT_INSTALL_DIR);
}

const char *kp_running_release(void)
{
	static struct utsname uts;
	const char *v = getenv("KPATCH_RELEASE");

	if (v && *v)
		return v;
	if (!uts.release[0] && uname(&uts))
		return "unknown";
	return uts.release;
}

void kp_livepatch_dir(char *buf, size_t size)
{
	kp_fmt(buf, size, "%s/kernel/livepatch", kp_sysfs_root());
}

/* PATH of /sys/kernel/livepatch/PATCH[/ATTR] */
void kp_patch_path(char *buf, size_t size, const char *patch, const char *attr)
{
	kp_fmt(buf, size, "%s/kernel/livepatch/%s%s%s", kp_sysfs_root(),
		 patch, attr ? "/" : "", attr ? attr : "");
}

/* Is WORD (exactly, or as WORD=...) on the kernel command line? */
bool kp_cmdline_has(const char *word)
{
	char path[KP_PATH_MAX], buf[4096];
	size_t len = strlen(word);
	char *tok, *save = NULL;

	kp_fmt(path, sizeof(path), "%s/cmdline", kp_procfs_root());
	if (kp_read_str(path, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(tok, word, len) == 0 &&
		    (tok[len] == '\0' || tok[len] == '='))
			return true;
	}
	return false;
}
