// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create-diff-object with a valid original and a mutated patched object.
 * $FUZZ_CDO_ORIGS holds the originals 0.o, 1.o, ... and their symbol
 * tables 0.symtab, ... (readelf -s --wide); the first input byte chooses
 * the original, the rest is the patched object.  The tool runs as
 * cdo_main() (its main() built with -Dmain=cdo_main).  Its exit status must
 * be one it documents, and an output it writes must read back.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kelf.h"
#include "fuzz-common.h"

int cdo_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *origs;
static int nr_origs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[512];

	(void)argc;
	(void)argv;
	fuzz_init();
	origs = fuzz_env("FUZZ_CDO_ORIGS");
	for (;;) {
		snprintf(path, sizeof(path), "%s/%d.o", origs, nr_origs);
		if (access(path, R_OK))
			break;
		nr_origs++;
	}
	if (!nr_origs) {
		fprintf(stderr, "fuzz-cdo: no %s/0.o\n", origs);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char orig[512], symtab[512];
	char *argv[12];
	struct kelf *k;
	int argc = 0, ret, n;

	if (!size)
		return 0;
	n = data[0] % nr_origs;
	snprintf(orig, sizeof(orig), "%s/%d.o", origs, n);
	snprintf(symtab, sizeof(symtab), "%s/%d.symtab", origs, n);
	fuzz_write(fuzz_path(0, "patched.o"), data + 1, size - 1);
	argv[argc++] = "create-diff-object";
	argv[argc++] = "--report";
	argv[argc++] = (char *)fuzz_path(2, "report.json");
	argv[argc++] = orig;
	argv[argc++] = (char *)fuzz_path(0, "patched.o");
	argv[argc++] = "vmlinux";
	argv[argc++] = symtab;
	argv[argc++] = "/dev/null";
	argv[argc++] = "fuzz";
	argv[argc++] = (char *)fuzz_path(1, "out.o");
	argv[argc] = NULL;
	optind = 0;	/* getopt_long: start over */
	ret = cdo_main(argc, argv);
	if (ret < 0 || ret > 3) {
		fprintf(stderr, "fuzz-cdo: exit status %d\n", ret);
		abort();
	}
	if (!ret) {
		k = kelf_open(fuzz_path(1, "out.o"), 0);
		if (!k) {
			fprintf(stderr, "fuzz-cdo: the output does not read back\n");
			abort();
		}
		kelf_close(k);
	}
	fuzz_clean();
	return 0;
}
