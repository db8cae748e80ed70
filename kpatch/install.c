// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch install / uninstall: modules live in
 * $KPATCH_INSTALL_DIR/<kernel release>/<file>.ko (default /var/lib/klpkit),
 * where `kpatch load --all` finds them at boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatch.h"

static void get_name(const char *key, const char *value, void *arg)
{
	if (!strcmp(key, "name") && value)
		kp_fmt(arg, KP_NAME_MAX, "%s", value);
}

static bool name_matches(const char *dir, const char *file, const char *what)
{
	char want[KP_NAME_MAX], have[KP_NAME_MAX], path[KP_PATH_MAX];

	if (!strcmp(file, what))
		return true;
	kp_fmt(want, sizeof(want), "%s", what);
	if (kp_has_suffix(want, ".ko"))
		want[strlen(want) - 3] = '\0';
	kp_normalize_name(want);
	kp_fmt(have, sizeof(have), "%.*s", (int)strlen(file) - 3, file);
	kp_normalize_name(have);
	if (!strcmp(have, want))
		return true;
	/* the module name may differ from the file name */
	kp_fmt(path, sizeof(path), "%s/%s", dir, file);
	have[0] = '\0';
	if (kp_module_each_info(path, get_name, have) || !have[0])
		return false;
	kp_normalize_name(have);
	return !strcmp(have, want);
}

/* Find the installed module file for WHAT (file or module name). */
int kp_find_installed(const char *release, const char *what, char *path,
		      size_t size)
{
	char dir[KP_PATH_MAX];
	char **files;
	int n, ret = -ENOENT;

	kp_fmt(dir, sizeof(dir), "%s/%s", kp_install_root(), release);
	n = kp_sorted_dir(dir, &files);
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret; i++) {
		if (!kp_has_suffix(files[i], ".ko"))
			continue;
		if (name_matches(dir, files[i], what)) {
			kp_fmt(path, size, "%s/%s", dir, files[i]);
			ret = 0;
		}
	}
	kp_free_names(files, n);
	return ret;
}

/* A path to a .ko file, or the name of one installed for this kernel. */
int kp_resolve_module(const char *what, char *path, size_t size)
{
	if (strchr(what, '/') || kp_is_file(what)) {
		kp_fmt(path, size, "%s", what);
		return kp_is_file(what) ? 0 : -ENOENT;
	}
	return kp_find_installed(kp_running_release(), what, path, size);
}

/*
 * A new directory gets mode 755 whatever the umask (0 or -1, errno);
 * created 700 so that nobody else can use it before the chmod.
 */
static int mkdir_0755(const char *dir)
{
	if (mkdir(dir, 0700))
		return errno == EEXIST ? 0 : -1;
	return chmod(dir, 0755);
}

static int mkdir_p(const char *dir)
{
	char tmp[KP_PATH_MAX];

	kp_fmt(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_0755(tmp))
			return -errno;
		*p = '/';
	}
	if (mkdir_0755(tmp))
		return -errno;
	return kp_is_dir(tmp) ? 0 : -ENOTDIR;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* Copy SRC to DST through a temporary file and rename(2). */
static int copy_file(const char *src, const char *dst)
{
	char tmp[KP_PATH_MAX];
	int in, out, ret;

	kp_fmt(tmp, sizeof(tmp), "%s.XXXXXX", dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = mkstemp(tmp);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	ret = copy_fd(in, out);
	close(in);
	if (!ret && fchmod(out, 0644))
		ret = -errno;
	if (close(out) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/*
 * `load --all` would refuse everything under an untrusted directory: check
 * the part of DIR that exists before creating the rest.
 */
static int check_install_dir(const char *dir)
{
	char anc[KP_PATH_MAX];
	char *slash;

	kp_fmt(anc, sizeof(anc), "%s", dir);
	while (!kp_is_dir(anc) && strcmp(anc, "/") && strcmp(anc, ".")) {
		slash = strrchr(anc, '/');
		if (!slash)
			kp_fmt(anc, sizeof(anc), ".");
		else if (slash == anc)
			anc[1] = '\0';
		else
			*slash = '\0';
	}
	return kp_check_trusted(anc, true, NULL, 0);
}

static int do_install(const char *file, const char *release)
{
	char dir[KP_PATH_MAX], dst[KP_PATH_MAX], found[KP_PATH_MAX];
	char tmp[KP_PATH_MAX];
	char src[KP_PATH_MAX];
	struct kp_module mod;
	int ret;

	ret = kp_check_trusted(file, false, src, sizeof(src));
	if (ret)
		return ret;
	ret = kp_module_open(src, &mod);
	if (ret)
		return ret;
	ret = kp_module_check(&mod, release);
	if (ret)
		goto out;
	release = release ? release : mod.release;
	if (!kp_find_installed(release, mod.name, found, sizeof(found))) {
		kp_err("%s: module %s already installed as %s (uninstall it first)",
		       file, mod.name, found);
		ret = KP_EFAIL;
		goto out;
	}
	kp_fmt(dir, sizeof(dir), "%s/%s", kp_install_root(), release);
	kp_fmt(tmp, sizeof(tmp), "%s", file);
	kp_fmt(dst, sizeof(dst), "%s/%s", dir, basename(tmp));
	ret = check_install_dir(dir);
	if (ret)
		goto out;
	ret = mkdir_p(dir);
	if (ret) {
		kp_err("cannot create %s: %s", dir, strerror(-ret));
		ret = KP_EFAIL;
		goto out;
	}
	/* and what mkdir_p created, whatever the umask */
	ret = kp_check_trusted(dir, true, NULL, 0);
	if (ret)
		goto out;
	ret = copy_file(src, dst);
	if (ret) {
		kp_err("cannot install %s to %s: %s", file, dst, strerror(-ret));
		ret = KP_EFAIL;
		goto out;
	}
	kp_note("installed %s for kernel %s as %s", mod.name, release, dst);
out:
	kp_module_close(&mod);
	return ret;
}

static const struct option install_opts[] = {
	{ "kernel-version", required_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_krel(const struct kp_cmd *cmd, int argc, char **argv,
		      const char **krel)
{
	int c;

	*krel = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:h", install_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			*krel = optarg;
			break;
		case 'h':
			kp_print_usage(cmd);
			return -1;
		default:
			return kp_usage_error(cmd, NULL);
		}
	}
	if (*krel && (!**krel || strchr(*krel, '/')))
		return kp_usage_error(cmd, "invalid kernel version '%s'", *krel);
	if (argc - optind != 1)
		return kp_usage_error(cmd, "expected exactly one MODULE");
	return 0;
}

static int install_main(int argc, char **argv)
{
	const char *krel;
	int ret = parse_krel(&kp_cmd_install, argc, argv, &krel);

	if (ret)
		return ret < 0 ? KP_OK : ret;
	return do_install(argv[optind], krel);
}

static void rmdir_empty(const char *release)
{
	char dir[KP_PATH_MAX];

	kp_fmt(dir, sizeof(dir), "%s/%s", kp_install_root(), release);
	if (rmdir(dir) == 0)
		rmdir(kp_install_root());
}

static int uninstall_main(int argc, char **argv)
{
	char path[KP_PATH_MAX];
	const char *krel, *what;
	int ret = parse_krel(&kp_cmd_uninstall, argc, argv, &krel);

	if (ret)
		return ret < 0 ? KP_OK : ret;
	what = argv[optind];
	krel = krel ? krel : kp_running_release();
	if (strchr(what, '/'))
		return kp_usage_error(&kp_cmd_uninstall,
				      "give a module name, not a path");
	if (kp_find_installed(krel, what, path, sizeof(path))) {
		kp_err("%s: not installed for kernel %s", what, krel);
		return KP_EFAIL;
	}
	if (unlink(path)) {
		kp_err("cannot remove %s: %s", path, strerror(errno));
		return KP_EFAIL;
	}
	rmdir_empty(krel);
	kp_note("uninstalled %s", path);
	return KP_OK;
}

const struct kp_cmd kp_cmd_install = {
	.name = "install",
	.run = install_main,
	.summary = "install a livepatch module to be loaded at boot",
	.usage =
"Usage: kpatch install [OPTIONS] MODULE.ko\n"
"\n"
"Copy a livepatch module to INSTALL_DIR/KREL/, where `kpatch load --all`\n"
"loads it at boot (INSTALL_DIR is /var/lib/klpkit or $KPATCH_INSTALL_DIR).\n"
"Refuses a module that is not a livepatch, one built for another kernel\n"
"than KREL, and one already installed under the same name; also a module\n"
"file, or an install directory, that a user other than root could change\n"
"(not owned by root, or writable by group or others, on any directory of\n"
"its path, symlinks followed).\n"
"\n"
"Options:\n"
"  -k, --kernel-version=KREL  install for kernel release KREL\n"
"                             (default: the release in the module's vermagic)\n"
"  -h, --help                 show this help and exit\n",
};

const struct kp_cmd kp_cmd_uninstall = {
	.name = "uninstall",
	.run = uninstall_main,
	.summary = "remove an installed livepatch module",
	.usage =
"Usage: kpatch uninstall [OPTIONS] NAME\n"
"\n"
"Remove an installed module. NAME is its file name (with or without .ko)\n"
"or its module name ('-' and '_' are equivalent).\n"
"\n"
"Options:\n"
"  -k, --kernel-version=KREL  uninstall from kernel release KREL\n"
"                             (default: the running kernel)\n"
"  -h, --help                 show this help and exit\n",
};
