// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * klp-convert: turn the kbuild-linked patch module into a livepatch module
 * the 6.1 loader accepts (.klp.rela.* sections, .klp.sym.* symbols), and
 * check such a module against the target kernel's symbol tables.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: klp-convert [OPTIONS] IN.ko OUT.ko\n"
"       klp-convert --check [OPTIONS] MODULE.ko\n"
"       klp-convert --list OBJ [OPTIONS]\n"
"\n"
"Convert a patch module linked by kbuild from kmod/patch into a livepatch\n"
"module: every relocation (of an allocated section) against a symbol that\n"
"ordinary module linking would not resolve is moved to a section\n"
".klp.rela.OBJ.SECTION (SHF_ALLOC|SHF_INFO_LINK|SHF_RELA_LIVEPATCH) against\n"
"a symbol .klp.sym.OBJ.NAME,POS with st_shndx SHN_LIVEPATCH:\n"
"  - undefined symbols named .klp.sym.OBJ.NAME,POS (from create-diff-object);\n"
"  - undefined NAME not exported by vmlinux: exported by a module, or a\n"
"    global symbol of vmlinux or of a module whose table is known.\n"
"Symbols exported by vmlinux stay undefined (resolved by the loader, CRC in\n"
"__versions).  __versions entries and depends= modules of converted symbols\n"
"are dropped; the modinfo tag klpkit_funcs=OBJ:FUNC[,POS]... is added.\n"
"POS counts same-named symbols of OBJ in kallsyms order (0: unique).\n"
"OUT.ko may be IN.ko; nothing is written when the conversion is refused.\n"
"\n"
"Options:\n"
"  -s, --symbols [OBJ=]PATH  symbol table of a target object: vmlinux=PATH\n"
"                            (the -dbg vmlinux) or MODULE=PATH.ko; without\n"
"                            OBJ=, vmlinux* means vmlinux and NAME.ko NAME\n"
"                            ('-' becomes '_'); repeatable\n"
"  -m, --modules DIR         find the .ko of any module named by the patch\n"
"                            (a .klp.sym name, a patched function, a\n"
"                            callback, a module export) under DIR, e.g.\n"
"                            /lib/modules/KREL\n"
"  -S, --symvers FILE        the target kernel's Module.symvers (required\n"
"                            to convert; with --check, undefined symbols\n"
"                            must be vmlinux exports)\n"
"  -c, --check               check MODULE.ko instead: every .klp.sym symbol\n"
"                            and patched function resolves to exactly one\n"
"                            symbol of its object in kallsyms order, the\n"
"                            .klp.rela sections are well formed, nothing is\n"
"                            left that the loader would refuse\n"
"  -l, --list OBJ            print OBJ's symbols as kallsyms orders them\n"
"                            (ADDRESS TYPE NAME POSITION; POSITION is ? for\n"
"                            a module symbol without a stable position)\n"
"  -v, --verbose             explain every decision on stderr\n"
"  -h, --help                show this help\n"
"      --version             show the version\n"
"\n"
"Exit status: 0 done (converted, check passed, listed); 1 error (unreadable\n"
"or malformed input, out of memory); 2 usage error; 3 conversion refused:\n"
"the module cannot be made loadable (unresolvable or ambiguous symbol, name\n"
"over the loader's limits, relocation the 6.1 loader cannot apply, the\n"
"address of a function an IBT target sealed or left without ENDBR), each\n"
"reason printed with what to do; 4 --check found a problem.\n");
}

static int parse_args(struct options *o, struct targets *tg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "symbols", required_argument, NULL, 's' },
		{ "modules", required_argument, NULL, 'm' },
		{ "symvers", required_argument, NULL, 'S' },
		{ "check", no_argument, NULL, 'c' },
		{ "list", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, want;

	while ((opt = getopt_long(argc, argv, "s:m:S:cl:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (targets_add_spec(tg, optarg))
				return -1;
			break;
		case 'm':
			tg->modules_dir = optarg;
			break;
		case 'S':
			o->symvers_path = optarg;
			break;
		case 'c':
			o->check = true;
			break;
		case 'l':
			o->list_obj = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(KC_EXIT_OK);
		case 'V':
			printf("klp-convert (klpkit) %s\n", PROJECT_VERSION);
			exit(KC_EXIT_OK);
		default:
			fprintf(stderr, "Try 'klp-convert --help'.\n");
			return -1;
		}
	}
	if (o->check && o->list_obj) {
		fprintf(stderr, "klp-convert: --check and --list do not go together\n");
		return -1;
	}
	want = o->list_obj ? 0 : o->check ? 1 : 2;
	if (argc - optind != want) {
		fprintf(stderr, "klp-convert: expected %s, got %d argument%s\n",
			want == 0 ? "no file argument with --list" :
			want == 1 ? "MODULE.ko with --check" : "IN.ko OUT.ko",
			argc - optind, argc - optind == 1 ? "" : "s");
		fprintf(stderr, "Try 'klp-convert --help'.\n");
		return -1;
	}
	if (want >= 1)
		o->in = argv[optind];
	if (want == 2) {
		o->out = argv[optind + 1];
		if (!o->symvers_path) {
			fprintf(stderr, "klp-convert: converting needs --symvers Module.symvers (which symbols vmlinux exports)\n");
			return -1;
		}
	}
	return 0;
}

static int list_object(const struct options *o, struct targets *tg)
{
	char obj[KLP_OBJNAME_MAX + 1];
	struct target *t;

	snprintf(obj, sizeof(obj), "%s", o->list_obj);
	modname_normalize(obj);
	t = targets_get(tg, obj);
	if (!t) {
		if (!targets_known(tg, obj))
			fprintf(stderr, "klp-convert: --list %s: no symbol table of '%s': give --symbols %s=PATH%s\n",
				o->list_obj, obj, obj, strcmp(obj, VMLINUX) ? " or --modules DIR" : "");
		return KC_EXIT_ERROR;
	}
	if (target_dump(stdout, t) || fflush(stdout))
		return KC_EXIT_ERROR;
	return KC_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct targets tg;
	int ret;

	targets_init(&tg);
	if (parse_args(&o, &tg, argc, argv)) {
		targets_free(&tg);
		return KC_EXIT_USAGE;
	}
	if (o.list_obj)
		ret = list_object(&o, &tg);
	else if (o.check)
		ret = check_module(&o, &tg);
	else
		ret = convert_module(&o, &tg);
	targets_free(&tg);
	return ret;
}
