// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-convert on a mutated input, in one of its three modes (first input
 * byte), with the fixtures of test/unit/klp-convert/make-fixtures in
 * $FUZZ_KLPC_FIXTURES as the target kernel:
 *   0  convert the input as the patch module
 *   1  --check the input as a converted module
 *   2  --list vmlinux with the input as vmlinux's symbol table
 *   3  --list fake_mod with the input as fake-mod.ko
 *   4  convert the fixtures' patch.ko with the input as vmlinux (its
 *      .ibt_endbr_seal is read: patch.ko takes the address of a_caller)
 * The tool runs as klpc_main() (its main() built with -Dmain=klpc_main).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "kelf.h"
#include "fuzz-common.h"

int klpc_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char vmlinux[600], fakemod[600], othermod[600], symvers[600], patch[600];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *fx;

	(void)argc;
	(void)argv;
	fuzz_init();
	fx = fuzz_env("FUZZ_KLPC_FIXTURES");
	snprintf(vmlinux, sizeof(vmlinux), "vmlinux=%s/vmlinux", fx);
	snprintf(fakemod, sizeof(fakemod), "fake_mod=%s/fake-mod.ko", fx);
	snprintf(othermod, sizeof(othermod), "other_mod=%s/other-mod.ko", fx);
	snprintf(symvers, sizeof(symvers), "%s/Module.symvers", fx);
	snprintf(patch, sizeof(patch), "%s/patch.ko", fx);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = fuzz_path(0, "in.ko");
	char spec[600];
	char *argv[16];
	int argc = 0, ret, mode;

	if (!size)
		return 0;
	mode = data[0] % 5;
	fuzz_write(in, data + 1, size - 1);
	argv[argc++] = "klp-convert";
	argv[argc++] = "-s";
	if (mode == 2 || mode == 4) {
		snprintf(spec, sizeof(spec), "vmlinux=%s", in);
		argv[argc++] = spec;
	} else {
		argv[argc++] = vmlinux;
	}
	argv[argc++] = "-s";
	if (mode == 3) {
		snprintf(spec, sizeof(spec), "fake_mod=%s", in);
		argv[argc++] = spec;
	} else {
		argv[argc++] = fakemod;
	}
	argv[argc++] = "-s";
	argv[argc++] = othermod;
	argv[argc++] = "-S";
	argv[argc++] = symvers;
	switch (mode) {
	case 0:
		argv[argc++] = (char *)in;
		argv[argc++] = (char *)fuzz_path(1, "out.ko");
		break;
	case 1:
		argv[argc++] = "--check";
		argv[argc++] = (char *)in;
		break;
	case 4:
		argv[argc++] = patch;
		argv[argc++] = (char *)fuzz_path(1, "out.ko");
		break;
	default:
		argv[argc++] = "--list";
		argv[argc++] = mode == 2 ? "vmlinux" : "fake_mod";
		break;
	}
	argv[argc] = NULL;
	optind = 0;	/* getopt_long: start over */
	ret = klpc_main(argc, argv);
	if (ret < 0 || ret > 4 || ret == 2) {
		fprintf(stderr, "fuzz-klpc: exit status %d\n", ret);
		abort();
	}
	if ((mode == 0 || mode == 4) && !ret) {
		struct kelf *k = kelf_open(fuzz_path(1, "out.ko"), 0);

		if (!k) {
			fprintf(stderr, "fuzz-klpc: the converted module does not read back\n");
			abort();
		}
		kelf_close(k);
	}
	fuzz_clean();
	return 0;
}
