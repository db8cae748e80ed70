// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line options shared by `kpatch load` and `kpatch unload`.
 */
#include <getopt.h>
#include <stdlib.h>

#include "kpatch.h"

#define DEFAULT_TIMEOUT		15
#define DEFAULT_STALL_TIMEOUT	60

static const struct option patch_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "timeout", required_argument, NULL, 't' },
	{ "stall-timeout", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_one(const struct kp_cmd *cmd, int c,
		     struct kp_patch_opts *opts)
{
	switch (c) {
	case 'a':
		opts->all = true;
		return 0;
	case 't':
		if (kp_parse_seconds(optarg, &opts->timeout))
			return kp_usage_error(cmd, "invalid timeout '%s'", optarg);
		return 0;
	case 's':
		if (kp_parse_seconds(optarg, &opts->stall_timeout))
			return kp_usage_error(cmd, "invalid stall timeout '%s'",
					      optarg);
		return 0;
	case 'h':
		kp_print_usage(cmd);
		return -1;
	default:
		return kp_usage_error(cmd, NULL);
	}
}

/*
 * Returns 0 with OPTS filled and optind at the operand, -1 after --help,
 * or KP_EUSAGE.
 */
int kp_parse_patch_opts(const struct kp_cmd *cmd, int argc, char **argv,
			struct kp_patch_opts *opts)
{
	int c, ret;

	opts->all = false;
	opts->timeout = DEFAULT_TIMEOUT;
	opts->stall_timeout = DEFAULT_STALL_TIMEOUT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+at:s:h", patch_opts, NULL)) != -1) {
		ret = parse_one(cmd, c, opts);
		if (ret)
			return ret;
	}
	if (opts->all && argc != optind)
		return kp_usage_error(cmd, "--all takes no MODULE");
	if (!opts->all && argc - optind != 1)
		return kp_usage_error(cmd, "expected exactly one MODULE or --all");
	return 0;
}
