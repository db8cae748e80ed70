// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "fuzz-common.h"

static char scratch[256];

static void cleanup_scratch(void)
{
	fuzz_clean();
	rmdir(scratch);
}

void fuzz_init(void)
{
	struct rlimit rl = { FUZZ_MAX_OUTPUT, FUZZ_MAX_OUTPUT };
	const char *tmp = getenv("FUZZ_TMPDIR") ?: getenv("TMPDIR");
	const char *max = getenv("FUZZ_MAX_OUTPUT");	/* to test the limit */

	if (scratch[0])
		return;
	if (max)
		rl.rlim_cur = rl.rlim_max = strtoul(max, NULL, 0);
	snprintf(scratch, sizeof(scratch), "%s/klpkit-fuzz.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch) || setrlimit(RLIMIT_FSIZE, &rl)) {
		perror("fuzz_init");
		abort();
	}
	atexit(cleanup_scratch);
}

const char *fuzz_path(int slot, const char *name)
{
	static char buf[4][512];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", scratch, name);
	return buf[slot];
}

void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f || (size && fwrite(data, size, 1, f) != 1) || fclose(f)) {
		perror(path);
		abort();
	}
}

const char *fuzz_env(const char *var)
{
	const char *v = getenv(var);

	if (!v || !*v) {
		fprintf(stderr, "fuzz: set %s (test/fuzz/run does)\n", var);
		abort();
	}
	return v;
}

void fuzz_clean(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", scratch, e->d_name);
		unlink(path);
	}
	closedir(d);
}
