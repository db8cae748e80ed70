// SPDX-License-Identifier: GPL-2.0-or-later
/* cmocka tests of the libkelf API on objects built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "kelf.h"

static char tmpdir[] = "/tmp/test-kelf.XXXXXX";

static char *tmp_path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

static const struct kelf_arch *x86_64(void)
{
	const struct kelf_arch *a = kelf_arch_by_name("x86_64");

	assert_non_null(a);
	return a;
}

static struct kelf_section *add_text(struct kelf *k, const char *name, size_t size)
{
	GElf_Shdr sh = {
		.sh_type = SHT_PROGBITS,
		.sh_flags = SHF_ALLOC | SHF_EXECINSTR,
		.sh_addralign = 16,
	};
	unsigned char code[64];

	memset(code, 0x90, sizeof(code));
	assert_true(size <= sizeof(code));
	return kelf_add_section(k, name, &sh, code, size);
}

static struct kelf_section *add_data(struct kelf *k, const char *name, size_t size)
{
	GElf_Shdr sh = {
		.sh_type = SHT_PROGBITS,
		.sh_flags = SHF_ALLOC | SHF_WRITE,
		.sh_addralign = 8,
	};

	return kelf_add_section(k, name, &sh, NULL, size);
}

static void test_hash_duplicates(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "dups");
	struct kelf_symbol *s;
	int i, n = 0;

	(void)state;
	for (i = 0; i < 5000; i++)
		assert_non_null(kelf_add_symbol(k, i % 2 ? "same" : "other",
						STB_LOCAL, STT_OBJECT, NULL, 0, 0));
	kelf_for_each_symbol_named(s, k, "same")
		n++;
	assert_int_equal(n, 2500);
	assert_null(kelf_find_symbol(k, "missing"));
	kelf_close(k);
}

/* A file with locals after globals, a rela through a section symbol. */
static void build_small(const char *path)
{
	struct kelf *k = kelf_new_arch(x86_64(), path);
	struct kelf_section *text, *data, *rela;
	struct kelf_symbol *g, *und, *secsym;

	text = add_text(k, ".text.f", 32);
	data = add_data(k, ".data.v", 16);
	g = kelf_add_symbol(k, "f", STB_GLOBAL, STT_FUNC, text, 0, 32);
	und = kelf_add_symbol(k, "printk", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	kelf_add_symbol(k, "file.c", STB_LOCAL, STT_FILE, NULL, 0, 0)->shndx = SHN_ABS;
	secsym = kelf_add_symbol(k, "", STB_LOCAL, STT_SECTION, data, 0, 0);
	kelf_add_symbol(k, "v1", STB_LOCAL, STT_OBJECT, data, 0, 8);
	kelf_add_symbol(k, "v2", STB_LOCAL, STT_OBJECT, data, 8, 8);
	rela = kelf_add_rela_section(k, text);
	assert_non_null(g);
	assert_int_equal(kelf_rela_add(rela, 3, R_X86_64_PC32, secsym, 8 - 4), 0);
	assert_int_equal(kelf_rela_add(rela, 10, R_X86_64_PLT32, und, -4), 0);
	assert_int_equal(kelf_write(k, path), 0);
	kelf_close(k);
}

static void test_write_read(void **state)
{
	const char *path = tmp_path("small.o");
	struct kelf_section *text, *rela;
	struct kelf_symbol *s, *t;
	struct kelf *k;
	size_t i, first_global = 0;
	int64_t off;

	(void)state;
	build_small(path);
	k = kelf_open(path, 0);
	assert_non_null(k);
	/* Locals first, and sh_info is the first global. */
	kelf_for_each_symbol(s, k)
		if (!first_global && s->bind != STB_LOCAL)
			first_global = s->index;
	for (i = 1; i < first_global; i++)
		assert_int_equal(kelf_symbol_by_index(k, i)->bind, STB_LOCAL);
	assert_int_equal(k->symtab->sh.sh_info, first_global);
	text = kelf_find_section(k, ".text.f");
	rela = kelf_find_section(k, ".rela.text.f");
	assert_non_null(text);
	assert_ptr_equal(rela->base, text);
	assert_ptr_equal(text->rela, rela);
	assert_int_equal(rela->nr_relas, 2);
	/* Section symbol + 4 (+4 bias of a PC32 in code) = v2. */
	t = kelf_rela_target(rela, &rela->relas[0], &off);
	assert_string_equal(t->name, "v2");
	assert_int_equal(off, -4);
	t = kelf_rela_target(rela, &rela->relas[1], &off);
	assert_string_equal(t->name, "printk");
	assert_int_equal(kelf_find_symbol(k, "v1")->file, kelf_find_symbol(k, "file.c"));
	assert_null(kelf_find_symbol(k, "f")->file);
	kelf_close(k);
}

static void test_symbol_at(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "at");
	struct kelf_section *d = add_data(k, ".data", 64);

	(void)state;
	kelf_add_symbol(k, "a", STB_LOCAL, STT_OBJECT, d, 0, 16);
	kelf_add_symbol(k, "label", STB_LOCAL, STT_NOTYPE, d, 16, 0);
	kelf_add_symbol(k, "b", STB_LOCAL, STT_OBJECT, d, 16, 16);
	kelf_add_symbol(k, "c", STB_GLOBAL, STT_OBJECT, d, 40, 8);
	assert_string_equal(kelf_symbol_at(d, 0)->name, "a");
	assert_string_equal(kelf_symbol_at(d, 15)->name, "a");
	assert_string_equal(kelf_symbol_at(d, 16)->name, "b");
	assert_string_equal(kelf_symbol_at(d, 31)->name, "b");
	assert_null(kelf_symbol_at(d, 32));
	assert_string_equal(kelf_symbol_at(d, 47)->name, "c");
	assert_null(kelf_symbol_at(d, 48));
	kelf_close(k);
}

static bool is_global(const struct kelf_symbol *s)
{
	return s->bind == STB_GLOBAL;
}

/* Which sized symbol ends at an offset: the first by start, back to the largest size */
static void test_symbol_ending_at(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "end");
	struct kelf_section *d = add_data(k, ".data", 4096);

	(void)state;
	kelf_add_symbol(k, "big", STB_LOCAL, STT_OBJECT, d, 0, 2048);
	kelf_add_symbol(k, "a", STB_LOCAL, STT_OBJECT, d, 0, 16);
	kelf_add_symbol(k, "label", STB_LOCAL, STT_NOTYPE, d, 16, 0);
	kelf_add_symbol(k, "b", STB_LOCAL, STT_OBJECT, d, 16, 16);
	kelf_add_symbol(k, "b_alias", STB_GLOBAL, STT_OBJECT, d, 16, 16);
	for (int i = 0; i < 100; i++)
		kelf_add_symbol(k, "small", STB_LOCAL, STT_OBJECT, d, 32 + 8 * i, 8);
	assert_null(kelf_symbol_ending_at(d, 0, NULL));
	assert_string_equal(kelf_symbol_ending_at(d, 16, NULL)->name, "a");
	assert_string_equal(kelf_symbol_ending_at(d, 32, NULL)->name, "b");
	assert_string_equal(kelf_symbol_ending_at(d, 32, is_global)->name, "b_alias");
	assert_null(kelf_symbol_ending_at(d, 16, is_global));
	/* 2048 bytes back, past 100 symbols that end elsewhere */
	assert_string_equal(kelf_symbol_ending_at(d, 2048, NULL)->name, "big");
	assert_null(kelf_symbol_ending_at(d, 2049, NULL));
	assert_null(kelf_symbol_ending_at(d, 4000, NULL));
	kelf_close(k);
}

/* An addend near INT64_MAX points at nothing: no signed overflow. */
static void test_rela_target_overflow(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "ovf");
	struct kelf_section *t = add_text(k, ".text.f", 32), *d = add_data(k, ".data", 64);
	struct kelf_section *rs = kelf_add_rela_section(k, t);
	struct kelf_symbol *secsym = kelf_add_symbol(k, ".data", STB_LOCAL, STT_SECTION, d, 0, 0);
	int64_t off;

	(void)state;
	kelf_add_symbol(k, "v", STB_LOCAL, STT_OBJECT, d, 0, 64);
	assert_int_equal(kelf_rela_add(rs, 2, R_X86_64_PC32, secsym, INT64_MAX - 1), 0);
	assert_int_equal(kelf_rela_add(rs, 8, R_X86_64_64, secsym, INT64_MIN), 0);
	assert_int_equal(kelf_rela_add(rs, 16, R_X86_64_64, secsym, 8), 0);
	assert_ptr_equal(kelf_rela_target(rs, &rs->relas[0], &off), secsym);
	assert_true(off == INT64_MAX - 1);
	assert_ptr_equal(kelf_rela_target(rs, &rs->relas[1], &off), secsym);
	assert_true(off == INT64_MIN);
	assert_string_equal(kelf_rela_target(rs, &rs->relas[2], &off)->name, "v");
	assert_int_equal(off, 8);
	kelf_close(k);
}

/*
 * kelf_rela_at: the first relocation at an offset, in any order of the
 * array, still right after relocations are added, the array is shrunk in
 * place (as klp-convert does) or offsets are rewritten and invalidated.
 */
static void test_rela_at(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "at");
	struct kelf_section *t = add_text(k, ".text.f", 64), *rs = kelf_add_rela_section(k, t);
	struct kelf_symbol *secsym = kelf_add_symbol(k, ".text.f", STB_LOCAL, STT_SECTION, t, 0, 0);
	uint64_t offs[] = { 40, 8, 24, 0, 8, 56 };
	size_t i;

	(void)state;
	assert_null(kelf_rela_at(rs, 0));
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		assert_int_equal(kelf_rela_add(rs, offs[i], R_X86_64_64, secsym, (int64_t)i), 0);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		assert_int_equal(kelf_rela_at(rs, offs[i])->offset, offs[i]);
	assert_ptr_equal(kelf_rela_at(rs, 8), &rs->relas[1]);	/* the first at 8 */
	assert_null(kelf_rela_at(rs, 4));
	assert_null(kelf_rela_at(rs, 57));
	assert_null(kelf_rela_at(rs, 100));
	/* added after the index was built */
	assert_int_equal(kelf_rela_add(rs, 4, R_X86_64_64, secsym, 100), 0);
	assert_int_equal(kelf_rela_at(rs, 4)->addend, 100);
	/* shrunk in place: the one at 56 is gone */
	rs->relas[5] = rs->relas[6];
	rs->nr_relas = 6;
	assert_null(kelf_rela_at(rs, 56));
	assert_int_equal(kelf_rela_at(rs, 4)->addend, 100);
	/* an offset rewritten in place, then invalidated */
	rs->relas[0].offset = 48;
	kelf_invalidate_relas(rs);
	assert_null(kelf_rela_at(rs, 40));
	assert_int_equal(kelf_rela_at(rs, 48)->addend, 0);
	/* a range, in offset order, file order among equal offsets */
	{
		uint64_t want[] = { 4, 8, 8, 24 }, got[8];
		int64_t first8 = kelf_rela_at(rs, 8)->addend;
		struct kelf_rela *r;
		size_t pos, n = 0;

		kelf_for_each_rela_in(r, rs, 4, 40, pos) {
			assert_true(n < 8);
			if (r->offset == 8 && n == 1)
				assert_int_equal(r->addend, first8);
			got[n++] = r->offset;
		}
		assert_int_equal(n, 4);
		assert_memory_equal(got, want, sizeof(want));
		assert_null(kelf_rela_first_in(rs, 25, 40, &pos));
		assert_null(kelf_rela_first_in(NULL, 0, 40, &pos));
	}
	/* many: every one found, none in between */
	for (i = 0; i < 5000; i++)
		assert_int_equal(kelf_rela_add(rs, 1000 + 16 * i, R_X86_64_64, secsym, (int64_t)i), 0);
	for (i = 0; i < 5000; i++) {
		assert_int_equal(kelf_rela_at(rs, 1000 + 16 * i)->addend, (int64_t)i);
		assert_null(kelf_rela_at(rs, 1000 + 16 * i + 8));
	}
	kelf_close(k);
}

/*
 * Removing a section that another one links to (sh_link, sh_info) or that
 * a symbol is defined in: no dangling pointer is left behind; the writer
 * drops the link and refuses the symbol.
 */
static void test_remove_linked_section(void **state)
{
	const char *out = tmp_path("unlinked.o");
	struct kelf *k = kelf_new_arch(x86_64(), "unlink");
	struct kelf_section *t = add_text(k, ".text.f", 16), *gone = add_data(k, ".data.gone", 8);
	struct kelf_section *o = add_data(k, ".data.o", 8);
	struct kelf_symbol *s;
	struct kelf *back;

	(void)state;
	t->link = gone;
	o->info = gone;
	o->sh.sh_flags |= SHF_INFO_LINK;
	kelf_remove_section(gone);
	assert_null(t->link);
	assert_null(o->info);
	assert_int_equal(kelf_write(k, out), 0);
	back = kelf_open(out, 0);
	assert_non_null(back);
	assert_int_equal(kelf_find_section(back, ".text.f")->sh.sh_link, 0);
	kelf_close(back);
	gone = add_data(k, ".data.gone", 8);
	s = kelf_add_symbol(k, "in_gone", STB_GLOBAL, STT_OBJECT, gone, 0, 8);
	kelf_remove_section(gone);
	assert_null(s->sec);
	assert_int_equal(kelf_write(k, tmp_path("dangling.o")), -1);
	assert_int_equal(access(tmp_path("dangling.o"), F_OK), -1);
	kelf_close(k);
}

static void test_remove_and_rename(void **state)
{
	const char *path = tmp_path("small.o"), *out = tmp_path("edited.o");
	struct kelf_section *sec;
	struct kelf *k;

	(void)state;
	build_small(path);
	k = kelf_open(path, 0);
	assert_non_null(k);
	sec = kelf_find_section(k, ".rela.text.f");
	kelf_remove_section(sec);
	kelf_remove_symbol(kelf_find_symbol(k, "printk"));
	assert_int_equal(kelf_rename_symbol(kelf_find_symbol(k, "f"), "g"), 0);
	assert_int_equal(kelf_write(k, out), 0);
	kelf_close(k);
	k = kelf_open(out, 0);
	assert_non_null(k);
	assert_null(kelf_find_section(k, ".rela.text.f"));
	assert_null(kelf_find_symbol(k, "printk"));
	assert_null(kelf_find_symbol(k, "f"));
	assert_non_null(kelf_find_symbol(k, "g"));
	assert_null(kelf_find_section(k, ".text.f")->rela);
	kelf_close(k);
}

static void test_group(void **state)
{
	const char *path = tmp_path("group.o");
	struct kelf_section *a, *b, *grp;
	GElf_Shdr sh = { .sh_type = SHT_GROUP, .sh_entsize = 4, .sh_addralign = 4 };
	struct kelf_symbol *sig;
	struct kelf *k = kelf_new_arch(x86_64(), path);

	(void)state;
	a = add_text(k, ".text.x", 8);
	b = add_data(k, ".data.x", 8);
	a->sh.sh_flags |= SHF_GROUP;
	b->sh.sh_flags |= SHF_GROUP;
	sig = kelf_add_symbol(k, "x", STB_WEAK, STT_FUNC, a, 0, 8);
	grp = kelf_add_section(k, ".group", &sh, NULL, 0);
	grp->group_sym = sig;
	grp->group_flags = GRP_COMDAT;
	grp->members = calloc(2, sizeof(*grp->members));
	grp->members[0] = a;
	grp->members[1] = b;
	grp->nr_members = 2;
	a->group = b->group = grp;
	assert_int_equal(kelf_write(k, path), 0);
	kelf_close(k);
	k = kelf_open(path, 0);
	assert_non_null(k);
	grp = kelf_find_section(k, ".group");
	assert_int_equal(grp->nr_members, 2);
	assert_string_equal(grp->members[0]->name, ".text.x");
	assert_string_equal(grp->members[1]->name, ".data.x");
	assert_string_equal(grp->group_sym->name, "x");
	assert_int_equal(grp->group_flags, GRP_COMDAT);
	assert_ptr_equal(kelf_find_section(k, ".data.x")->group, grp);
	kelf_close(k);
}

/* More sections than fit in st_shndx: .symtab_shndx and SHN_XINDEX. */
static void test_many_sections(void **state)
{
	const char *path = tmp_path("many.o");
	struct kelf *k = kelf_new_arch(x86_64(), path);
	struct kelf_symbol *s;
	char name[32], cmd[512];
	int i;

	(void)state;
	for (i = 0; i < 70000; i++) {
		struct kelf_section *sec;

		snprintf(name, sizeof(name), ".text.f%d", i);
		sec = add_text(k, name, 1);
		snprintf(name, sizeof(name), "f%d", i);
		kelf_add_symbol(k, name, STB_GLOBAL, STT_FUNC, sec, 0, 1);
	}
	assert_int_equal(kelf_write(k, path), 0);
	kelf_close(k);
	k = kelf_open(path, 0);
	assert_non_null(k);
	assert_non_null(k->symtab_shndx);
	s = kelf_find_symbol(k, "f69999");
	assert_non_null(s);
	assert_true(s->sec->index >= SHN_LORESERVE);
	assert_string_equal(s->sec->name, ".text.f69999");
	assert_string_equal(kelf_find_symbol(k, "f65000")->sec->name, ".text.f65000");
	kelf_close(k);
	snprintf(cmd, sizeof(cmd), "ld -r -o %s/many-ld.o %s", tmpdir, path);
	assert_int_equal(system(cmd), 0);
}

static void test_uncompress(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "z");
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_COMPRESSED,
			 .sh_addralign = 8 };
	unsigned char plain[1000], packed[2000];
	uLongf packed_len = sizeof(packed) - sizeof(Elf64_Chdr);
	Elf64_Chdr ch = { .ch_type = ELFCOMPRESS_ZLIB, .ch_size = sizeof(plain),
			  .ch_addralign = 1 };
	struct kelf_section *sec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = i % 7;
	assert_int_equal(compress(packed + sizeof(ch), &packed_len, plain, sizeof(plain)), Z_OK);
	memcpy(packed, &ch, sizeof(ch));
	sec = kelf_add_section(k, ".debug_info", &sh, packed, sizeof(ch) + packed_len);
	assert_int_equal(kelf_uncompress(sec), 0);
	assert_int_equal(sec->size, sizeof(plain));
	assert_memory_equal(sec->data, plain, sizeof(plain));
	assert_false(sec->sh.sh_flags & SHF_COMPRESSED);
	/* Corrupt data is an error, not a crash. */
	sh.sh_flags = SHF_COMPRESSED;
	packed[sizeof(ch) + 3] ^= 0xff;
	sec = kelf_add_section(k, ".debug_bad", &sh, packed, sizeof(ch) + 4);
	assert_int_equal(kelf_uncompress(sec), -1);
	kelf_close(k);
}

static int cleanup(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

/* The arch of a read object comes from e_machine; kelf_new() copies it. */
static void test_arch_chosen(void **state)
{
	const char *path = tmp_path("arch.o");
	struct kelf *k, *n;

	(void)state;
	build_small(path);
	k = kelf_open(path, 0);
	assert_non_null(k);
	assert_ptr_equal(k->arch, x86_64());
	assert_string_equal(k->arch->name, "x86_64");
	assert_int_equal(k->arch->machine, EM_X86_64);
	assert_ptr_equal(kelf_arch_by_machine(EM_X86_64), k->arch);
	n = kelf_new(k, "copy");
	assert_ptr_equal(n->arch, k->arch);
	assert_int_equal(n->ehdr.e_machine, EM_X86_64);
	kelf_close(n);
	kelf_close(k);
	assert_string_equal(kelf_arch_by_machine(EM_AARCH64)->name, "aarch64");
	assert_string_equal(kelf_arch_by_machine(EM_PPC64)->name, "ppc64le");
	assert_string_equal(kelf_arch_by_machine(EM_S390)->name, "s390x");
	assert_int_equal(kelf_arch_by_name("s390x")->data, ELFDATA2MSB);
	assert_null(kelf_arch_by_machine(EM_RISCV));
	assert_null(kelf_arch_by_name("riscv"));
	assert_string_equal(kelf_machine_name(EM_RISCV), "riscv");
	assert_string_equal(kelf_machine_name(EM_X86_64), "x86_64");
	assert_string_equal(kelf_machine_name(0x1234), "unknown");
	assert_string_equal(kelf_arch_names(), "x86_64, aarch64, ppc64le, s390x");
}

/*
 * The relocation types the livepatch loader writes from .klp.rela sections
 * are exactly those 6.1's x86-64 apply_relocate_add() implements.
 */
static void test_arch_klp_relocs(void **state)
{
	static const uint32_t want[] = {
		R_X86_64_64, R_X86_64_32, R_X86_64_32S,
		R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64,
	};
	struct kelf *k = kelf_new_arch(x86_64(), "klp");
	uint32_t type;
	size_t i, n = 0;

	(void)state;
	for (type = 0; type < 256; type++) {
		bool in = false;

		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			in |= want[i] == type;
		assert_int_equal(kelf_reloc_klp(k, type), in);
		n += kelf_reloc_klp(k, type);
	}
	assert_int_equal(n, 6);
	assert_false(kelf_reloc_klp(k, R_X86_64_GOTPCREL));
	assert_false(kelf_reloc_klp(k, R_X86_64_NONE));
	assert_non_null(kelf_reloc_type(k, R_X86_64_GOTPCREL));
	assert_string_equal(kelf_reloc_type(k, R_X86_64_PC32)->name, "R_X86_64_PC32");
	assert_int_equal(kelf_reloc_type(k, R_X86_64_PC32)->size, 4);
	assert_true(kelf_reloc_type(k, R_X86_64_PC32)->pcrel);
	assert_null(kelf_reloc_type(k, 200));
	assert_int_equal(k->arch->reloc_none, R_X86_64_NONE);
	assert_int_equal(k->arch->reloc_abs64, R_X86_64_64);
	assert_int_equal(kelf_reloc_type(k, k->arch->reloc_abs64)->size, 8);
	kelf_close(k);
}

/* Calls and jumps: PLT32 always, PC32 after a call/jmp/jcc opcode only. */
static void test_arch_branch(void **state)
{
	static const unsigned char code[] = {
		0xe8, 0, 0, 0, 0,		/* 0: call rel32 */
		0x48, 0x8b, 0x05, 0, 0, 0, 0,	/* 5: mov x(%rip), %rax */
		0x0f, 0x84, 0, 0, 0, 0,		/* 12: je rel32 */
		0xe9, 0, 0, 0, 0,		/* 18: jmp rel32 */
		0xc3,				/* 23: ret */
	};
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR };
	struct kelf *k = kelf_new_arch(x86_64(), "branch");
	struct kelf_section *text, *rela;
	struct kelf_symbol *f;

	(void)state;
	text = kelf_add_section(k, ".text", &sh, code, sizeof(code));
	f = kelf_add_symbol(k, "f", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	rela = kelf_add_rela_section(k, text);
	assert_int_equal(kelf_rela_add(rela, 1, R_X86_64_PC32, f, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 8, R_X86_64_PC32, f, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 14, R_X86_64_PC32, f, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 19, R_X86_64_PC32, f, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 8, R_X86_64_PLT32, f, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 8, R_X86_64_64, f, 0), 0);
	assert_true(kelf_is_branch(rela, &rela->relas[0]));
	assert_false(kelf_is_branch(rela, &rela->relas[1]));
	assert_true(kelf_is_branch(rela, &rela->relas[2]));
	assert_true(kelf_is_branch(rela, &rela->relas[3]));
	assert_true(kelf_is_branch(rela, &rela->relas[4]));
	assert_false(kelf_is_branch(rela, &rela->relas[5]));
	/* PC-relative: biased by the bytes after the field, to the instruction's end */
	assert_int_equal(kelf_target_bias(rela, &rela->relas[1]), 4);
	assert_int_equal(kelf_insn_end(text, 8), 12);
	assert_int_equal(kelf_target_bias(rela, &rela->relas[5]), 0);
	kelf_close(k);
}

/* ftrace: a __fentry__ call in the first 16 bytes of the function. */
static void test_arch_ftrace_entry(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "ftrace");
	struct kelf_section *text = add_text(k, ".text", 64), *rela;
	struct kelf_symbol *fentry, *other, *f1, *f2, *f3;

	(void)state;
	assert_string_equal(k->arch->ftrace_call, "__fentry__");
	assert_string_equal(k->arch->ftrace_loc_section, "__mcount_loc");
	fentry = kelf_add_symbol(k, "__fentry__", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	other = kelf_add_symbol(k, "printk", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	f1 = kelf_add_symbol(k, "f1", STB_GLOBAL, STT_FUNC, text, 0, 16);
	f2 = kelf_add_symbol(k, "f2", STB_GLOBAL, STT_FUNC, text, 16, 32);
	f3 = kelf_add_symbol(k, "f3", STB_GLOBAL, STT_FUNC, text, 48, 16);
	rela = kelf_add_rela_section(k, text);
	assert_int_equal(kelf_rela_add(rela, 1, R_X86_64_PLT32, fentry, -4), 0);
	/* f2: the call lies 17 bytes in, past the entry */
	assert_int_equal(kelf_rela_add(rela, 16 + 17, R_X86_64_PLT32, fentry, -4), 0);
	assert_int_equal(kelf_rela_add(rela, 48 + 1, R_X86_64_PLT32, other, -4), 0);
	assert_true(kelf_has_ftrace_entry(f1));
	assert_false(kelf_has_ftrace_entry(f2));
	assert_false(kelf_has_ftrace_entry(f3));
	kelf_close(k);
}

static const struct kelf_arch *arch(const char *name);

/* x86-64's padding symbols name their function; other symbols do not */
static void test_arch_padding_symbol(void **state)
{
	struct kelf *k = kelf_new_arch(x86_64(), "pfx");
	struct kelf_section *text = add_text(k, ".text", 64);
	struct kelf_symbol *pfx, *bare, *obj, *f;

	(void)state;
	pfx = kelf_add_symbol(k, "__pfx_f", STB_LOCAL, STT_FUNC, text, 0, 16);
	bare = kelf_add_symbol(k, "__pfx_", STB_LOCAL, STT_FUNC, text, 0, 16);
	obj = kelf_add_symbol(k, "__pfx_v", STB_LOCAL, STT_OBJECT, text, 0, 16);
	f = kelf_add_symbol(k, "f", STB_GLOBAL, STT_FUNC, text, 16, 16);
	assert_string_equal(kelf_padding_of(pfx), "f");
	assert_null(kelf_padding_of(bare));
	assert_null(kelf_padding_of(obj));
	assert_null(kelf_padding_of(f));
	kelf_close(k);
	/* no tool names aarch64's patchable NOPs */
	k = kelf_new_arch(arch("aarch64"), "pfx");
	text = add_text(k, ".text", 64);
	pfx = kelf_add_symbol(k, "__pfx_f", STB_LOCAL, STT_FUNC, text, 0, 16);
	assert_null(kelf_padding_of(pfx));
	kelf_close(k);
}

static const struct kelf_arch *arch(const char *name)
{
	const struct kelf_arch *a = kelf_arch_by_name(name);

	assert_non_null(a);
	return a;
}

/* Number of relocation types of @a the livepatch loader writes. */
static size_t nr_klp(const struct kelf_arch *a)
{
	struct kelf *k = kelf_new_arch(a, "klp");
	size_t n = 0;
	uint32_t t;

	for (t = 0; t < a->nr_relocs; t++)
		n += kelf_reloc_klp(k, t);
	kelf_close(k);
	return n;
}

/*
 * Other architectures: the loaders' relocation sets (6.1's module*.c), the
 * abs64/none types; ppc64le's TOC16 types are written relative to the
 * module's own TOC, so never for a symbol outside it.
 */
static void test_arch_other_relocs(void **state)
{
	struct kelf *a = kelf_new_arch(arch("aarch64"), "a");
	struct kelf *p = kelf_new_arch(arch("ppc64le"), "p");
	struct kelf *z = kelf_new_arch(arch("s390x"), "z");

	(void)state;
	assert_int_equal(nr_klp(a->arch), 37);	/* every case but NONE */
	assert_true(kelf_reloc_klp(a, R_AARCH64_CALL26));
	assert_true(kelf_reloc_klp(a, R_AARCH64_ADR_PREL_PG_HI21));
	assert_false(kelf_reloc_klp(a, R_AARCH64_ADR_GOT_PAGE));
	assert_true(kelf_reloc_type(a, R_AARCH64_CALL26)->insn);
	assert_false(kelf_reloc_type(a, R_AARCH64_PREL32)->insn);
	assert_int_equal(a->arch->reloc_abs64, R_AARCH64_ABS64);
	assert_int_equal(nr_klp(p->arch), 9);
	assert_true(kelf_reloc_klp(p, R_PPC64_REL24));
	assert_true(kelf_reloc_klp(p, R_PPC64_ADDR64));
	assert_false(kelf_reloc_klp(p, R_PPC64_TOC16_HA));
	assert_false(kelf_reloc_klp(p, R_PPC64_TOC16_LO_DS));
	assert_non_null(kelf_reloc_type(p, R_PPC64_TOC16_LO_DS));
	assert_int_equal(p->arch->reloc_abs64, R_PPC64_ADDR64);
	assert_true(kelf_reloc_klp(z, R_390_PLT32DBL));
	assert_true(kelf_reloc_klp(z, R_390_GOTENT));
	assert_true(kelf_reloc_klp(z, R_390_64));
	assert_false(kelf_reloc_klp(z, R_390_NONE));
	assert_int_equal(z->arch->reloc_abs64, R_390_64);
	kelf_close(a);
	kelf_close(p);
	kelf_close(z);
}

/* s390x instruction lengths from the opcode; its DBL targets are biased by -2. */
static void test_arch_s390x_decode(void **state)
{
	static const unsigned char code[] = {
		0xc0, 0xe5, 0, 0, 0, 0,		/* 0: brasl %r14, f (6) */
		0x07, 0xfe,			/* 6: br %r14 (2) */
		0xb9, 0x04, 0x00, 0xef,		/* 8: lgr (4) */
		0xc4, 0x88, 0, 0, 0, 0,		/* 12: lgrl %r8, x (6) */
	};
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR };
	struct kelf *k = kelf_new_arch(arch("s390x"), "z");
	struct kelf_section *text, *rela;
	struct kelf_symbol *f;

	(void)state;
	text = kelf_add_section(k, ".text", &sh, code, sizeof(code));
	f = kelf_add_symbol(k, "f", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	rela = kelf_add_rela_section(k, text);
	assert_int_equal(kelf_rela_add(rela, 2, R_390_PLT32DBL, f, 2), 0);
	assert_int_equal(kelf_rela_add(rela, 14, R_390_PC32DBL, f, 2), 0);
	assert_int_equal(kelf_insn_end(text, 3), 6);
	assert_int_equal(kelf_insn_end(text, 6), 8);
	assert_int_equal(kelf_insn_end(text, 9), 12);
	assert_int_equal(kelf_insn_end(text, 12), 18);
	assert_true(kelf_is_branch(rela, &rela->relas[0]));
	assert_false(kelf_is_branch(rela, &rela->relas[1]));
	assert_int_equal(kelf_target_bias(rela, &rela->relas[1]), -2);
	kelf_close(k);
}

/*
 * No call at the entry (aarch64 patchable NOPs, s390x jgnop): the record
 * in the arch's location section pointing at the function is the evidence.
 */
static void test_arch_ftrace_record(void **state)
{
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC, .sh_addralign = 8 };
	struct kelf *k = kelf_new_arch(arch("aarch64"), "a");
	struct kelf_section *text = add_text(k, ".text", 32), *loc, *rela;
	struct kelf_symbol *f1, *f2;
	unsigned char zero[8] = { 0 };

	(void)state;
	assert_null(k->arch->ftrace_call);
	f1 = kelf_add_symbol(k, "f1", STB_GLOBAL, STT_FUNC, text, 0, 16);
	f2 = kelf_add_symbol(k, "f2", STB_GLOBAL, STT_FUNC, text, 16, 16);
	loc = kelf_add_section(k, "__patchable_function_entries", &sh, zero, sizeof(zero));
	rela = kelf_add_rela_section(k, loc);
	assert_int_equal(kelf_rela_add(rela, 0, R_AARCH64_ABS64,
				       kelf_add_symbol(k, ".text", STB_LOCAL, STT_SECTION,
						       text, 0, 0), 0), 0);
	assert_true(kelf_has_ftrace_entry(f1));
	assert_false(kelf_has_ftrace_entry(f2));
	kelf_close(k);
}

/* ppc64le: a bl leaving the module needs a nop after it (not "bl _mcount", not "b"). */
static void test_arch_ppc64le_calls(void **state)
{
	static const unsigned char code[] = {
		0x01, 0x00, 0x00, 0x48,		/* 0: bl */
		0x00, 0x00, 0x00, 0x60,		/* 4: nop */
		0x01, 0x00, 0x00, 0x48,		/* 8: bl */
		0x20, 0x00, 0x80, 0x4e,		/* 12: blr */
		0x00, 0x00, 0x00, 0x48,		/* 16: b */
	};
	GElf_Shdr sh = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR };
	struct kelf *k = kelf_new_arch(arch("ppc64le"), "p");
	struct kelf_section *text, *rela;
	struct kelf_symbol *f, *mcount, *toc;

	(void)state;
	text = kelf_add_section(k, ".text", &sh, code, sizeof(code));
	f = kelf_add_symbol(k, "f", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	mcount = kelf_add_symbol(k, "_mcount", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	toc = kelf_add_symbol(k, "x", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	rela = kelf_add_rela_section(k, text);
	assert_int_equal(kelf_rela_add(rela, 0, R_PPC64_REL24, f, 0), 0);
	assert_int_equal(kelf_rela_add(rela, 8, R_PPC64_REL24, f, 0), 0);
	assert_int_equal(kelf_rela_add(rela, 8, R_PPC64_REL24, mcount, 0), 0);
	assert_int_equal(kelf_rela_add(rela, 16, R_PPC64_REL24, f, 0), 0);
	assert_int_equal(kelf_rela_add(rela, 0, R_PPC64_TOC16_HA, toc, 0), 0);
	assert_null(kelf_external_refusal(rela, &rela->relas[0]));
	assert_non_null(strstr(kelf_external_refusal(rela, &rela->relas[1]), "no nop"));
	assert_null(kelf_external_refusal(rela, &rela->relas[2]));
	assert_null(kelf_external_refusal(rela, &rela->relas[3]));
	assert_non_null(kelf_external_refusal(rela, &rela->relas[4]));
	assert_true(kelf_is_branch(rela, &rela->relas[0]));
	kelf_close(k);
}

/* A big-endian object written and read back: tables in the file's order. */
static void test_big_endian_write_read(void **state)
{
	const char *path = tmp_path("s390x.o");
	struct kelf *k = kelf_new_arch(arch("s390x"), path), *r;
	struct kelf_section *text = add_text(k, ".text.f", 16), *rela;
	struct kelf_symbol *f, *g;

	(void)state;
	f = kelf_add_symbol(k, "f", STB_GLOBAL, STT_FUNC, text, 4, 12);
	g = kelf_add_symbol(k, "g", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	rela = kelf_add_rela_section(k, text);
	assert_non_null(f);
	assert_int_equal(kelf_rela_add(rela, 6, R_390_PLT32DBL, g, 0x1234502), 0);
	assert_int_equal(kelf_write(k, path), 0);
	kelf_close(k);
	r = kelf_open(path, 0);
	assert_non_null(r);
	assert_int_equal(r->ehdr.e_ident[EI_DATA], ELFDATA2MSB);
	assert_int_equal(r->ehdr.e_machine, EM_S390);
	f = kelf_find_symbol(r, "f");
	assert_int_equal(f->sym.st_value, 4);
	assert_int_equal(f->sym.st_size, 12);
	rela = kelf_find_section(r, ".text.f")->rela;
	assert_int_equal(rela->nr_relas, 1);
	assert_int_equal(rela->relas[0].offset, 6);
	assert_int_equal(rela->relas[0].type, R_390_PLT32DBL);
	assert_int_equal(rela->relas[0].addend, 0x1234502);
	assert_string_equal(rela->relas[0].sym->name, "g");
	kelf_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_duplicates),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_symbol_at),
		cmocka_unit_test(test_symbol_ending_at),
		cmocka_unit_test(test_rela_target_overflow),
		cmocka_unit_test(test_rela_at),
		cmocka_unit_test(test_remove_linked_section),
		cmocka_unit_test(test_remove_and_rename),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_many_sections),
		cmocka_unit_test(test_uncompress),
		cmocka_unit_test(test_arch_chosen),
		cmocka_unit_test(test_arch_klp_relocs),
		cmocka_unit_test(test_arch_branch),
		cmocka_unit_test(test_arch_ftrace_entry),
		cmocka_unit_test(test_arch_padding_symbol),
		cmocka_unit_test(test_arch_other_relocs),
		cmocka_unit_test(test_arch_s390x_decode),
		cmocka_unit_test(test_arch_ftrace_record),
		cmocka_unit_test(test_arch_ppc64le_calls),
		cmocka_unit_test(test_big_endian_write_read),
	};

	if (!mkdtemp(tmpdir))
		return 1;
	return cmocka_run_group_tests_name("libkelf", tests, NULL, cleanup);
}
