// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch: manage livepatch modules (klpkit). Command dispatch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kpatch.h"

static const struct kp_cmd *const commands[] = {
	&kp_cmd_load, &kp_cmd_unload, &kp_cmd_list, &kp_cmd_info,
	&kp_cmd_install, &kp_cmd_uninstall, &kp_cmd_signal, &kp_cmd_version,
	NULL,
};

void kp_print_usage(const struct kp_cmd *cmd)
{
	fputs(cmd->usage, stdout);
}

/* Report a command-line error; FMT NULL when getopt already said why. */
int kp_usage_error(const struct kp_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "kpatch %s: ", cmd->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Try 'kpatch %s --help'.\n", cmd->name);
	return KP_EUSAGE;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kpatch COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Manage livepatch modules of the running kernel (klpkit %s).\n"
		"\n"
		"Commands:\n", PROJECT_VERSION);
	for (int i = 0; commands[i]; i++)
		fprintf(out, "  %-10s  %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -h, --help     show this help and exit\n"
		"  -v, --version  show the version and exit\n"
		"\n"
		"Run 'kpatch COMMAND --help' for the options of a command.\n"
		"Exit status: 0 success, 1 failure, 2 usage error, 3 module refused,\n"
		"4 transition stalled and reverted, 5 stalled and not reverted.\n");
}

static const struct kp_cmd *find_cmd(const char *name)
{
	for (int i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int version_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		kp_print_usage(&kp_cmd_version);
		return KP_OK;
	}
	if (argc != 1)
		return kp_usage_error(&kp_cmd_version, "unexpected argument '%s'",
				      argv[1]);
	printf("%s\n", PROJECT_VERSION);
	return KP_OK;
}

const struct kp_cmd kp_cmd_version = {
	.name = "version",
	.run = version_main,
	.summary = "show the version",
	.usage =
"Usage: kpatch version [OPTIONS]\n"
"\n"
"Print the klpkit version.\n"
"\n"
"Options:\n"
"  -h, --help  show this help and exit\n",
};

static int help_main(int argc, char **argv)
{
	const struct kp_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return KP_OK;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		fprintf(stderr, "kpatch: unknown command '%s'\n", argv[1]);
		return KP_EUSAGE;
	}
	kp_print_usage(cmd);
	return KP_OK;
}

int main(int argc, char **argv)
{
	const struct kp_cmd *cmd;
	char prog[64];
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return KP_EUSAGE;
	}
	if (!strcmp(name, "-h") || !strcmp(name, "--help") ||
	    !strcmp(name, "help"))
		return help_main(argc - 1, argv + 1);
	if (!strcmp(name, "-v") || !strcmp(name, "--version"))
		name = "version";
	cmd = find_cmd(name);
	if (!cmd) {
		fprintf(stderr, "kpatch: unknown command '%s'\n", name);
		fprintf(stderr, "Try 'kpatch --help'.\n");
		return KP_EUSAGE;
	}
	/* getopt prefixes its messages with argv[0] */
	kp_fmt(prog, sizeof(prog), "kpatch %s", cmd->name);
	argv[1] = prog;
	return cmd->run(argc - 1, argv + 1);
}
