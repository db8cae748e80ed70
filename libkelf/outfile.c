// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output files that appear atomically: written as a temporary file next to
 * the destination, renamed over it when complete, removed on failure and
 * when a fatal signal (SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGXFSZ) ends the
 * process.  The handler only calls unlink(), sigaction() and raise(),
 * which are async-signal-safe, then lets the previous disposition act.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kelf.h"

#define MAX_OPEN	8

static const int fatal_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGXFSZ };
#define NR_FATAL	(sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static char *volatile open_tmps[MAX_OPEN];
static struct sigaction saved[NR_FATAL];
static bool installed[NR_FATAL];
static int nr_open;

static void on_fatal_signal(int sig)
{
	int saved_errno = errno;
	size_t i;

	for (i = 0; i < MAX_OPEN; i++) {
		char *tmp = open_tmps[i];

		if (tmp)
			unlink(tmp);
	}
	for (i = 0; i < NR_FATAL; i++) {
		if (fatal_signals[i] == sig && installed[i]) {
			sigaction(sig, &saved[i], NULL);
			installed[i] = false;
		}
	}
	errno = saved_errno;
	/* Delivered on return, to the previous handler or the default action. */
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < NR_FATAL; i++) {
		if (sigaction(fatal_signals[i], NULL, &saved[i]) ||
		    saved[i].sa_handler == SIG_IGN)
			continue;	/* an ignored signal stays ignored */
		installed[i] = !sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void restore_handlers(void)
{
	size_t i;

	for (i = 0; i < NR_FATAL; i++) {
		if (installed[i])
			sigaction(fatal_signals[i], &saved[i], NULL);
		installed[i] = false;
	}
}

static int register_tmp(char *tmp)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++) {
		if (!open_tmps[i]) {
			if (!nr_open++)
				install_handlers();
			open_tmps[i] = tmp;
			return i;
		}
	}
	return -1;
}

static void unregister_tmp(struct kelf_outfile *o)
{
	if (o->slot < 0)
		return;
	open_tmps[o->slot] = NULL;
	o->slot = -1;
	if (!--nr_open)
		restore_handlers();
}

int kelf_outfile_open(struct kelf_outfile *o, const char *path)
{
	o->path = path;
	o->fd = -1;
	o->slot = -1;
	if (asprintf(&o->tmp, "%s.tmpXXXXXX", path) < 0) {
		o->tmp = NULL;
		fprintf(stderr, "%s: error: out of memory\n", path);
		return -1;
	}
	o->slot = register_tmp(o->tmp);
	if (o->slot < 0) {
		fprintf(stderr, "%s: error: more than %d output files open at once\n",
			path, MAX_OPEN);
		goto fail;
	}
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		fprintf(stderr, "%s: error: cannot create '%s': %s\n", path, o->tmp,
			strerror(errno));
		goto fail;
	}
	if (fchmod(o->fd, 0644)) {
		fprintf(stderr, "%s: error: cannot set the mode of '%s': %s\n", path,
			o->tmp, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	kelf_outfile_abort(o);
	return -1;
}

int kelf_outfile_commit(struct kelf_outfile *o)
{
	int ret = 0;

	if (o->fd >= 0 && close(o->fd)) {
		fprintf(stderr, "%s: error: cannot write '%s': %s\n", o->path, o->tmp,
			strerror(errno));
		ret = -1;
	}
	o->fd = -1;
	if (!ret && rename(o->tmp, o->path)) {
		fprintf(stderr, "%s: error: cannot rename '%s' to it: %s\n", o->path,
			o->tmp, strerror(errno));
		ret = -1;
	}
	if (ret) {
		kelf_outfile_abort(o);
		return -1;
	}
	unregister_tmp(o);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void kelf_outfile_abort(struct kelf_outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp)
		unlink(o->tmp);
	unregister_tmp(o);
	free(o->tmp);
	o->tmp = NULL;
}
