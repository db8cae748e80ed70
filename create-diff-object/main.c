// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create-diff-object: from the original and the patched build of one kernel
 * object to an object holding only what a livepatch needs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdo.h"
#include "special.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: create-diff-object [options] ORIG.o PATCHED.o PARENT PARENT_SYMTAB\n"
"                          MODULE_SYMVERS PATCH_NAME OUTPUT.o\n"
"       create-diff-object --list-sympos PARENT PARENT_SYMTAB\n"
"\n"
"Compare two builds of one kernel object (compiled with -ffunction-sections\n"
"-fdata-sections) and write OUTPUT.o with the changed and new functions, the\n"
"data they need and metadata for the patch module (kmod/patch/klpkit-meta.h).\n"
"\n"
"  PARENT          vmlinux, or the name of the module the object is linked into\n"
"  PARENT_SYMTAB   the parent's symbol table: the ELF file (vmlinux, .ko) or\n"
"                  the text of `readelf -s --wide` of it\n"
"  MODULE_SYMVERS  the target kernel's Module.symvers (/dev/null allowed)\n"
"  PATCH_NAME      the patch module's name (for messages)\n"
"\n"
"Options:\n"
"  -d, --debug        explain every decision on stderr\n"
"      --list-sympos  print every symbol of the parent kallsyms shows (a module:\n"
"                     once loaded), in kallsyms order, as ADDRESS NAME POSITION:\n"
"                     the position .klp.sym names and old_sympos give it (0: the\n"
"                     name is unique; ?: a module symbol without a position that\n"
"                     holds both while the module loads and once it is loaded)\n"
"      --objtool-link the target's kbuild runs objtool on the linked patch module\n"
"                     (objtool --link: kernels with IBT or LTO), which writes\n"
"                     the objtool tables (.return_sites, .call_sites, ORC, ...)\n"
"                     for all of its code: leave them out of OUTPUT.o\n"
"  -r, --report FILE  write a JSON report: changed, new and ignored functions,\n"
"                     new data, refusals, warnings\n"
"  -h, --help         show this help\n"
"      --version      show the version\n"
"\n"
"Environment:\n");
	special_print_size_vars(f);
	fprintf(f,
"override the entry sizes of the special sections (defaults: x86-64 Linux 6.1).\n"
"Where an object's relocations show another entry size, the object is trusted\n"
"(with a warning naming the section and both sizes).\n"
"\n"
"Exit status: 0 changes found and OUTPUT.o written; 1 error; 2 the change\n"
"cannot be livepatched (the message says why and what to do); 3 no\n"
"functional change.\n");
}

static int parse_args(struct cdo *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "list-sympos", no_argument, NULL, 'L' },
		{ "objtool-link", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "dr:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			c->debug = true;
			break;
		case 'r':
			c->report_path = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'L':
			c->list_sympos = true;
			break;
		case 'O':
			c->objtool_link = true;
			break;
		case 'V':
			printf("create-diff-object (klpkit) %s\n", PROJECT_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (c->list_sympos) {
		if (argc - optind != 2) {
			fprintf(stderr, "create-diff-object: --list-sympos takes PARENT PARENT_SYMTAB\n\n");
			usage(stderr);
			return -1;
		}
		c->parent = argv[optind];
		c->parent_symtab = argv[optind + 1];
		return 0;
	}
	if (argc - optind != 7) {
		fprintf(stderr, "create-diff-object: expected 7 arguments, got %d\n\n",
			argc - optind);
		usage(stderr);
		return -1;
	}
	c->orig_path = argv[optind];
	c->patched_path = argv[optind + 1];
	c->parent = argv[optind + 2];
	c->parent_symtab = argv[optind + 3];
	c->symvers = argv[optind + 4];
	c->patch_name = argv[optind + 5];
	c->out_path = argv[optind + 6];
	return 0;
}

static int load(struct cdo *c)
{
	c->orig = kelf_open(c->orig_path, 0);
	c->patched = kelf_open(c->patched_path, 0);
	if (!c->orig || !c->patched)
		return EXIT_ERROR;
	if (prepare_object(c, c->orig) || prepare_object(c, c->patched))
		return EXIT_ERROR;
	c->ps = parent_open(c->parent, c->parent_symtab, c->symvers);
	return c->ps ? 0 : EXIT_ERROR;
}

/* The stages; each returns 0 or an exit status. */
static int diff(struct cdo *c)
{
	if (correlate(c))
		return c->refusals ? EXIT_REFUSED : EXIT_ERROR;
	if (compare(c))
		return EXIT_ERROR;
	if (include_changes(c))
		return c->refusals ? EXIT_REFUSED : EXIT_ERROR;
	if (!c->nr_changed && !c->nr_new_funcs && !c->nr_new_data && !c->nr_callbacks) {
		cdo_log(c, "no functional change");
		return EXIT_NOCHANGE;
	}
	return 0;
}

static int emit(struct cdo *c)
{
	if (build_output(c) || build_special_sections(c))
		return c->refusals ? EXIT_REFUSED : EXIT_ERROR;
	if (build_metadata(c) || kelf_write(c->out, c->out_path))
		return EXIT_ERROR;
	return 0;
}

static void free_object(struct kelf *k)
{
	struct kelf_section *sec;
	struct kelf_symbol *s;

	if (!k)
		return;
	kelf_for_each_section(sec, k)
		free(sec->priv);
	kelf_for_each_symbol(s, k) {
		if (s->priv && ((struct sym_info *)s->priv)->canon)
			free(((struct sym_info *)s->priv)->canon);
		free(s->priv);
	}
	kelf_close(k);
}

static void cleanup(struct cdo *c)
{
	free_object(c->orig);
	free_object(c->patched);
	if (c->out) {
		struct kelf_section *sec;

		kelf_for_each_section(sec, c->out)
			free(sec->priv);
		kelf_close(c->out);
	}
	parent_close(c->ps);
	report_free();
}

static int list_sympos(struct cdo *c)
{
	int ret = EXIT_ERROR;

	c->ps = parent_open(c->parent, c->parent_symtab, "/dev/null");
	if (c->ps && !parent_list(c->ps, stdout) && !fflush(stdout))
		ret = 0;
	parent_close(c->ps);
	return ret;
}

int main(int argc, char **argv)
{
	struct cdo c = { 0 };
	int ret;

	if (parse_args(&c, argc, argv))
		return EXIT_ERROR;
	if (c.list_sympos)
		return list_sympos(&c);
	ret = load(&c);
	if (!ret)
		ret = diff(&c);
	if (!ret)
		ret = emit(&c);
	if (ret)
		unlink(c.out_path);	/* never leave a stale output behind */
	if (report_write(&c, ret))
		ret = EXIT_ERROR;
	cleanup(&c);
	return ret;
}
