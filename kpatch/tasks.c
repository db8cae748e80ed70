// SPDX-License-Identifier: GPL-2.0
/*
 * Find the tasks that keep a livepatch transition from finishing: during a
 * transition every task has /proc/<pid>/task/<tid>/patch_state 0
 * (unpatched) or 1 (patched); those not yet in the target state block it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch.h"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void print_stack(FILE *out, const char *taskdir)
{
	char path[KP_PATH_MAX], line[512];
	FILE *f;

	kp_fmt(path, sizeof(path), "%s/stack", taskdir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(out, "      %s", line);
	fclose(f);
}

static int check_task(FILE *out, const char *pid, const char *tid,
		      int target, bool stacks)
{
	char dir[KP_PATH_MAX], path[KP_PATH_MAX + 16], comm[64];
	int state;

	kp_fmt(dir, sizeof(dir), "%s/%s/task/%s", kp_procfs_root(), pid,
		 tid);
	kp_fmt(path, sizeof(path), "%s/patch_state", dir);
	if (kp_read_int(path, &state) || state < 0 || state == target)
		return 0;
	kp_fmt(path, sizeof(path), "%s/comm", dir);
	if (kp_read_str(path, comm, sizeof(comm)))
		strcpy(comm, "?");
	fprintf(out, "    task %s (pid %s) %s: patch_state %d, target %d\n",
		tid, pid, comm, state, target);
	if (stacks)
		print_stack(out, dir);
	return 1;
}

static int check_process(FILE *out, const char *pid, int target, bool stacks)
{
	char dir[KP_PATH_MAX];
	char **tids;
	int n, count = 0;

	kp_fmt(dir, sizeof(dir), "%s/%s/task", kp_procfs_root(), pid);
	n = kp_sorted_dir(dir, &tids);
	for (int i = 0; i < n; i++)
		count += check_task(out, pid, tids[i], target, stacks);
	if (n > 0)
		kp_free_names(tids, n);
	return count;
}

/*
 * Print the tasks whose patch_state differs from TARGET (1 = patched,
 * 0 = unpatched), with their kernel stacks when STACKS and readable.
 * Returns the number of such tasks.
 */
int kp_report_blocking(FILE *out, int target, bool stacks)
{
	char **pids;
	int n, count = 0;

	n = kp_sorted_dir(kp_procfs_root(), &pids);
	for (int i = 0; i < n; i++)
		if (all_digits(pids[i]))
			count += check_process(out, pids[i], target, stacks);
	if (n > 0)
		kp_free_names(pids, n);
	return count;
}
