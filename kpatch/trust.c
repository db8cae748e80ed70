// SPDX-License-Identifier: GPL-2.0
/*
 * Trust boundary: kpatch hands module files to the kernel as root (at boot
 * through `kpatch load --all`). Like sshd's StrictModes, a module file is
 * refused when anyone but root could have written it or put another file
 * in its place: the file and every directory traversed to reach it must be
 * owned by root and not writable by group or others. Symlinks are followed
 * one component at a time, so the directories holding the links are
 * checked as well as those of their targets, and the caller gets a path
 * without symlinks to hand to the kernel.
 *
 * Two precise exceptions:
 * - a root-owned directory with the sticky bit (/tmp) may be writable by
 *   group and others: nobody else can rename or remove root's entries in
 *   it, and the entry itself is checked next;
 * - the effective uid of kpatch counts as root (sshd also trusts the
 *   user's own files): when kpatch runs as root this is root alone; run
 *   as another user, kpatch cannot load modules anyway and this only lets
 *   the unit tests run unprivileged.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatch.h"

#define MAX_LINKS 40	/* as the kernel's MAXSYMLINKS */

struct walk {
	const char *what;		/* the path as given, for messages */
	char done[KP_PATH_MAX];		/* resolved so far; "" is "/" */
	char todo[KP_PATH_MAX];		/* components left to resolve */
	int links;
	int bad;			/* untrusted components seen */
};

static bool trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static const char *kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "directory";
	return S_ISREG(mode) ? "file" : "special file";
}

static const char *who_writes(mode_t mode)
{
	if ((mode & S_IWGRP) && (mode & S_IWOTH))
		return "group and others";
	return (mode & S_IWGRP) ? "group" : "others";
}

/* Report PATH (stat ST) when someone but root can change what it holds. */
static void check_node(struct walk *w, const char *path, const struct stat *st)
{
	bool owner_ok = trusted_uid(st->st_uid);
	mode_t wbits = st->st_mode & (S_IWGRP | S_IWOTH);
	char owner[64] = "", mode[64] = "", fix[2 * KP_PATH_MAX + 64];

	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && owner_ok)
		wbits = 0;
	if (owner_ok && !wbits)
		return;
	w->bad++;
	if (!owner_ok)
		kp_fmt(owner, sizeof(owner), "owned by uid %u, not root",
		       (unsigned int)st->st_uid);
	if (wbits)
		kp_fmt(mode, sizeof(mode), "writable by %s (mode %04o)",
		       who_writes(st->st_mode), (unsigned int)(st->st_mode & 07777));
	kp_fmt(fix, sizeof(fix), "%s%s%s%s%s", owner_ok ? "" : "chown root:root ",
	       owner_ok ? "" : path, !owner_ok && wbits ? "; " : "",
	       wbits ? "chmod go-w " : "", wbits ? path : "");
	kp_err("%s: refused: %s %s is %s%s%s, so a user other than root could replace the module; fix: %s",
	       w->what, kind(st->st_mode), path, owner, *owner && *mode ? ", and " : "",
	       mode, fix);
}

/* Pop the next component of w->todo into COMP; false when none is left. */
static bool next_component(struct walk *w, char *comp, size_t size)
{
	char *p = w->todo, *end;
	size_t len;

	while (*p == '/')
		p++;
	if (!*p)
		return false;
	end = strchrnul(p, '/');
	len = end - p;
	kp_fmt(comp, size, "%.*s", (int)len, p);
	memmove(w->todo, end, strlen(end) + 1);
	return true;
}

/* A symlink at CAND: put its target in front of what is left to resolve. */
static int follow(struct walk *w, const char *cand)
{
	char target[KP_PATH_MAX], todo[KP_PATH_MAX];
	ssize_t n;

	if (++w->links > MAX_LINKS)
		return -ELOOP;
	n = readlink(cand, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (strlen(target) + 1 + strlen(w->todo) >= sizeof(todo))
		return -ENAMETOOLONG;
	kp_fmt(todo, sizeof(todo), "%s/%s", target, w->todo);
	memcpy(w->todo, todo, sizeof(todo));
	if (target[0] == '/')
		w->done[0] = '\0';
	return 0;
}

/* One component: "..", a symlink, or a file or directory to check. */
static int step(struct walk *w, const char *comp, struct stat *st)
{
	char cand[KP_PATH_MAX];
	char *slash;

	if (!strcmp(comp, "."))
		return 0;
	if (!strcmp(comp, "..")) {
		slash = strrchr(w->done, '/');
		if (slash)
			*slash = '\0';
		return 0;
	}
	if (strlen(w->done) + 1 + strlen(comp) >= sizeof(cand))
		return -ENAMETOOLONG;
	kp_fmt(cand, sizeof(cand), "%s/%s", w->done, comp);
	if (lstat(cand, st))
		return -errno;
	if (S_ISLNK(st->st_mode))
		return follow(w, cand);
	if (!S_ISDIR(st->st_mode) && strspn(w->todo, "/") != strlen(w->todo))
		return -ENOTDIR;
	check_node(w, cand, st);
	memcpy(w->done, cand, sizeof(cand));
	return 0;
}

static int start(struct walk *w, const char *path, struct stat *st)
{
	char cwd[KP_PATH_MAX];

	if (path[0] == '/') {
		if (strlen(path) >= sizeof(w->todo))
			return -ENAMETOOLONG;
		kp_fmt(w->todo, sizeof(w->todo), "%s", path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if (strlen(cwd) + 1 + strlen(path) >= sizeof(w->todo))
			return -ENAMETOOLONG;
		kp_fmt(w->todo, sizeof(w->todo), "%s/%s", cwd, path);
	}
	if (lstat("/", st))
		return -errno;
	check_node(w, "/", st);
	return 0;
}

/*
 * Check that only root can change the file (DIR false) or directory (DIR
 * true) at PATH and what leads to it. Prints every offending path with the
 * fix. Returns KP_OK and the symlink-free absolute path in RESOLVED (when
 * not NULL), KP_EREFUSED, or KP_EFAIL when PATH cannot be resolved.
 */
int kp_check_trusted(const char *path, bool dir, char *resolved, size_t size)
{
	struct walk w = { .what = path };
	char comp[KP_PATH_MAX];
	struct stat st;
	int ret;

	ret = start(&w, path, &st);
	while (!ret && next_component(&w, comp, sizeof(comp)))
		ret = step(&w, comp, &st);
	if (ret == -ENOENT) {
		kp_err("%s: no such file", path);
		return KP_EFAIL;
	}
	if (ret) {
		kp_err("%s: cannot check who may change it: %s", path,
		       strerror(-ret));
		return KP_EFAIL;
	}
	if (lstat(w.done[0] ? w.done : "/", &st)) {
		kp_err("%s: %s", path, strerror(errno));
		return KP_EFAIL;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		kp_err("%s: not a %s", path, dir ? "directory" : "regular file");
		return KP_EFAIL;
	}
	if (w.bad)
		return KP_EREFUSED;
	if (resolved)
		kp_fmt(resolved, size, "%s", w.done[0] ? w.done : "/");
	return KP_OK;
}
