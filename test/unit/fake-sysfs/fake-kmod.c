// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the kpatch unit tests: the host kernel has no module
 * support, so module insertion and removal (init_module, finit_module,
 * delete_module) are simulated in a fake tree $FAKE_ROOT/sys:
 *   insert: module/<name>/{refcnt,taint}; for a livepatch (livepatch=Y)
 *           also kernel/livepatch/<name>/{enabled=1,transition=1,signal,
 *           force,vmlinux/patched,vmlinux/<func>,1/}; refcnt 1
 *   delete: EAGAIN while refcnt != 0, else removes module/<name>
 *   write to kernel/livepatch/<name>/enabled: starts a transition at once
 *           (transition=1, $FAKE_ROOT/state/<name> = new value), as the
 *           kernel does before the write returns
 * Every call is logged to $FAKE_ROOT/kmod.log. $FAKE_ROOT/insert-errno,
 * when present, makes insertion fail with that errno.
 * fake-kernel (beside this file) plays the transitions.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *root(void)
{
	const char *r = getenv("FAKE_ROOT");

	return r ? r : "/nonexistent";
}

static void logf_(const char *fmt, const char *arg)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kmod.log", root());
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, fmt, arg);
	fclose(f);
}

static void put(const char *dir, const char *file, const char *val)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

static void mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

static const char *find_info(const char *img, size_t len, const char *key,
			     char *out, size_t size)
{
	size_t klen = strlen(key);

	for (size_t i = 1; i + klen < len; i++) {
		if (img[i - 1] == '\0' && !memcmp(img + i, key, klen)) {
			snprintf(out, size, "%.*s", (int)strnlen(img + i + klen,
				 len - i - klen), img + i + klen);
			return out;
		}
	}
	return NULL;
}

static int read_errno_file(void)
{
	char path[4096];
	FILE *f;
	int e = 0;

	snprintf(path, sizeof(path), "%s/insert-errno", root());
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &e) != 1)
		e = EPERM;
	fclose(f);
	return e;
}

static void make_patch(const char *name)
{
	char dir[4096], sub[4200];

	snprintf(dir, sizeof(dir), "%s/sys/kernel/livepatch/%s", root(), name);
	mkdirs(dir);
	put(dir, "enabled", "1\n");
	put(dir, "transition", "1\n");
	put(dir, "signal", "");
	put(dir, "force", "");
	snprintf(sub, sizeof(sub), "%s/vmlinux/cmdline_proc_show,1", dir);
	mkdirs(sub);
	snprintf(sub, sizeof(sub), "%s/vmlinux", dir);
	put(sub, "patched", "1\n");	/* redirected from the start */
}

static long fake_insert(const char *img, size_t len)
{
	char name[256], lp[8], dir[4096];
	int e;

	if (!find_info(img, len, "name=", name, sizeof(name)))
		return errno = ENOEXEC, -1;
	logf_("insert %s\n", name);
	e = read_errno_file();
	if (e)
		return errno = e, -1;
	snprintf(dir, sizeof(dir), "%s/sys/module/%s", root(), name);
	if (!access(dir, F_OK))
		return errno = EEXIST, -1;
	mkdirs(dir);
	if (find_info(img, len, "livepatch=", lp, sizeof(lp)) && lp[0] == 'Y') {
		put(dir, "refcnt", "1\n");
		put(dir, "taint", "OEK\n");
		make_patch(name);
	} else {
		put(dir, "refcnt", "0\n");
		put(dir, "taint", "OE\n");
	}
	return 0;
}

static long fake_finit(int fd)
{
	struct stat st;
	char *img;
	long ret;

	if (fstat(fd, &st))
		return -1;
	img = malloc(st.st_size + 1);
	if (!img)
		return errno = ENOMEM, -1;
	if (pread(fd, img, st.st_size, 0) != st.st_size) {
		free(img);
		return errno = EIO, -1;
	}
	ret = fake_insert(img, st.st_size);
	free(img);
	return ret;
}

int init_module(void *img, unsigned long len, const char *params)
{
	(void)params;
	return (int)fake_insert(img, len);
}

int delete_module(const char *name, unsigned int flags)
{
	char dir[4096], path[4200], buf[32] = "0";
	FILE *f;

	(void)flags;
	logf_("delete %s\n", name);
	snprintf(dir, sizeof(dir), "%s/sys/module/%s", root(), name);
	if (access(dir, F_OK))
		return errno = ENOENT, -1;
	snprintf(path, sizeof(path), "%s/refcnt", dir);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '0';
		fclose(f);
	}
	if (atoi(buf) != 0)
		return errno = EAGAIN, -1;
	unlink(path);
	snprintf(path, sizeof(path), "%s/taint", dir);
	unlink(path);
	return rmdir(dir);
}

/* NAME if FD is $FAKE_ROOT/sys/kernel/livepatch/NAME/enabled */
static bool enabled_file(int fd, char *name, size_t size)
{
	char link[64], path[4096];
	size_t rlen = strlen(root());
	const char *p, *end;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	if (strncmp(path, root(), rlen) ||
	    strncmp(path + rlen, "/sys/kernel/livepatch/", 22))
		return false;
	p = path + rlen + 22;
	end = strchr(p, '/');
	if (!end || strcmp(end, "/enabled"))
		return false;
	snprintf(name, size, "%.*s", (int)(end - p), p);
	return true;
}

/* The kernel starts the transition before the write returns. */
static void start_transition(const char *name, char val)
{
	char dir[4096], v[3] = { val, '\n', '\0' };

	snprintf(dir, sizeof(dir), "%s/sys/kernel/livepatch/%s", root(), name);
	put(dir, "transition", "1\n");
	snprintf(dir, sizeof(dir), "%s/state", root());
	mkdirs(dir);
	put(dir, name, v);
}

/*
 * A write to a patch's "enabled" starts a transition synchronously, under
 * $FAKE_ROOT/lock, which fake-kernel also holds while it updates a patch.
 */
ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	char name[256], lock[4096];
	ssize_t ret;
	int lfd = -1;

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
								     "write");
	if (len == 0 || !enabled_file(fd, name, sizeof(name)))
		return real(fd, buf, len);
	snprintf(lock, sizeof(lock), "%s/lock", root());
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lfd >= 0)
		flock(lfd, LOCK_EX);
	ret = real(fd, buf, len);
	if (ret > 0)
		start_transition(name, ((const char *)buf)[0]);
	if (lfd >= 0)
		close(lfd);
	return ret;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_finit_module)
		return fake_finit((int)a[0]);
	if (nr == SYS_init_module)
		return init_module((void *)a[0], a[1], (const char *)a[2]);
	if (nr == SYS_delete_module)
		return delete_module((const char *)a[0], a[1]);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
