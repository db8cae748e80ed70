// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: messages on stderr, one-line files, time, names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kpatch.h"

void kp_err(const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Progress notes also go to stderr: stdout carries data only. */
void kp_note(const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Read a small file, strip the trailing newline. Returns 0 or -errno. */
int kp_read_str(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int kp_read_int(const char *path, int *val)
{
	char buf[64], *end;
	long v;
	int ret;

	ret = kp_read_str(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	*val = (int)v;
	return 0;
}

/* Write a value the way `echo VAL > PATH` does. Returns 0 or -errno. */
int kp_write_str(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

bool kp_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool kp_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

double kp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void kp_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The kernel treats '-' and '_' alike in module names; use '_'. */
void kp_normalize_name(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

bool kp_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int kp_parse_seconds(const char *arg, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!*arg || *arg == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > 86400)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * Sorted entry names of a directory, without dot entries.
 * Returns the count (0 when the directory is missing) or -errno.
 */
int kp_sorted_dir(const char *dir, char ***names)
{
	struct dirent *de;
	char **v = NULL, **nv;
	int n = 0;
	DIR *d;

	*names = NULL;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, sizeof(*v) * (n + 1));
		if (!nv)
			goto oom;
		v = nv;
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto oom;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return n;
oom:
	closedir(d);
	kp_free_names(v, n);
	return -ENOMEM;
}

void kp_free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* snprintf for paths and names: silently truncates, like snprintf. */
void kp_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}
