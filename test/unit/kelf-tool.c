// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for libkelf.
 *   kelf-tool copy IN OUT     read IN, write it to OUT, read OUT back
 *                             (KELF_TOOL_RAISE=SIG: killed while writing)
 *   kelf-tool check IN        read IN (exit 1 with the error if malformed)
 *   kelf-tool targets IN      print every relocation with its resolved target
 *   kelf-tool arch IN         print the arch chosen for IN: "NAME E_MACHINE"
 *   kelf-tool bench IN OUT N  N read+write cycles (for scripts/bench-elf)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kelf.h"

/*
 * KELF_TOOL_RAISE=SIG (TERM, INT...): stop with that signal while an output
 * file of @out is open, as a user's ^C or a kill would.
 */
static void raise_if_asked(const char *out)
{
	const char *name = getenv("KELF_TOOL_RAISE");
	struct kelf_outfile o;
	char sig[16];
	int i;

	if (!name)
		return;
	for (i = 1; i < NSIG; i++) {
		snprintf(sig, sizeof(sig), "%s", sigabbrev_np(i) ? sigabbrev_np(i) : "");
		if (!strcmp(sig, name))
			break;
	}
	if (i == NSIG || kelf_outfile_open(&o, out))
		exit(2);
	if (write(o.fd, "partial", 7) != 7)
		exit(2);
	raise(i);
	fprintf(stderr, "kelf-tool: still running after SIG%s\n", name);
	kelf_outfile_abort(&o);
	exit(2);
}

static int copy(const char *in, const char *out)
{
	struct kelf *k = kelf_open(in, 0), *back;
	int ret;

	if (!k)
		return 1;
	raise_if_asked(out);
	ret = kelf_write(k, out);
	kelf_close(k);
	if (ret)
		return 1;
	back = kelf_open(out, 0);
	if (!back)
		return 1;
	kelf_close(back);
	return 0;
}

static int check(const char *in)
{
	struct kelf *k = kelf_open(in, 0);

	if (!k)
		return 1;
	printf("%zu sections, %zu symbols\n", k->nr_sections, k->nr_symbols);
	kelf_close(k);
	return 0;
}

static int targets(const char *in)
{
	struct kelf *k = kelf_open(in, 0);
	struct kelf_section *sec;
	size_t i;

	if (!k)
		return 1;
	kelf_for_each_section(sec, k) {
		if (!kelf_is_rela(sec))
			continue;
		for (i = 0; i < sec->nr_relas; i++) {
			struct kelf_rela *r = &sec->relas[i];
			int64_t off;
			struct kelf_symbol *t = kelf_rela_target(sec, r, &off);

			printf("%s+0x%lx %s %s%+ld\n", sec->base->name,
			       (unsigned long)r->offset,
			       kelf_reloc_type(k, r->type)->name,
			       t ? t->name : "(none)", (long)off);
		}
	}
	kelf_close(k);
	return 0;
}

static int arch(const char *in)
{
	struct kelf *k = kelf_open(in, KELF_ANY_TYPE | KELF_SYMBOLS_ONLY);

	if (!k)
		return 1;
	printf("%s %u\n", k->arch->name, k->arch->machine);
	kelf_close(k);
	return 0;
}

static int bench(const char *in, const char *out, int n)
{
	while (n-- > 0)
		if (copy(in, out))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "copy"))
		return copy(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "check"))
		return check(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "targets"))
		return targets(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "arch"))
		return arch(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "bench"))
		return bench(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: kelf-tool copy IN OUT | check IN | targets IN | arch IN | bench IN OUT N\n");
	return 2;
}
