// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Indirect branch targets of the target kernel (x86 IBT, the arch's endbr
 * fields in libkelf).  With CONFIG_X86_KERNEL_IBT an indirect call must land
 * on an ENDBR.  objtool lists in vmlinux's .ibt_endbr_seal (s32 offsets,
 * each relative to its own entry) the ENDBR of every function that vmlinux
 * never takes the address of, and the kernel turns those into NOPs at boot
 * (apply_seal_endbr()); a module's own list is applied when it loads.  A
 * function the compiler knew to be reached by direct calls only has no
 * ENDBR at all.  A patch that takes the address of either kind crashes
 * with "Missing ENDBR" when the pointer is called.
 *
 * Cheap on the 339 MiB -dbg vmlinux, which is opened symbols-only: only the
 * seal section and the first bytes of the functions asked about are read.
 * A module's list is a relocation section, so the module is read whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

struct seal_loc {
	uint64_t shndx;		/* 0 in vmlinux: off is an address */
	uint64_t off;
};

static int cmp_loc(const void *a, const void *b)
{
	const struct seal_loc *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int32_t get_s32(const struct kelf *k, const unsigned char *p)
{
	uint32_t v;

	if (k->arch->data == ELFDATA2LSB)
		v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	else
		v = p[3] | p[2] << 8 | p[1] << 16 | (uint32_t)p[0] << 24;
	return (int32_t)v;
}

/* vmlinux: entry i at sh_addr + 4i holds the offset from itself to the ENDBR. */
static int read_vmlinux_seal(struct target *t, const struct kelf_section *sec)
{
	size_t i, n = sec->size / sizeof(int32_t);
	unsigned char *raw;

	if (sec->size % sizeof(int32_t)) {
		kelf_error(t->kelf, "section '%s': size 0x%zx is not a multiple of 4 (objtool writes s32 offsets): is this the target's vmlinux?",
			   sec->name, sec->size);
		return -1;
	}
	raw = malloc(sec->size ? sec->size : 1);
	t->sealed = calloc(n ? n : 1, sizeof(*t->sealed));
	if (!raw || !t->sealed) {
		free(raw);
		kelf_error(t->kelf, "out of memory");
		return -1;
	}
	if (kelf_read_bytes(sec, 0, raw, sec->size)) {
		free(raw);
		return -1;
	}
	for (i = 0; i < n; i++) {
		t->sealed[i].off = sec->sh.sh_addr + i * sizeof(int32_t) +
				   (int64_t)get_s32(t->kelf, raw + i * sizeof(int32_t));
	}
	t->nr_sealed = n;
	free(raw);
	return 0;
}

/*
 * A module: each entry's relocation names the ENDBR (S + A; P cancels).
 * The module is read whole (t->full, kept for the entry bytes).
 */
static int read_module_seal(struct target *t)
{
	const char *name = t->kelf->arch->endbr_seal_section;
	struct kelf_section *sec;
	size_t i;

	t->full = kelf_open(t->path, 0);
	if (!t->full)
		return -1;
	sec = kelf_find_section(t->full, name);
	if (!sec || !sec->rela)
		return 0;	/* nothing sealed */
	t->sealed = calloc(sec->rela->nr_relas ? sec->rela->nr_relas : 1,
			   sizeof(*t->sealed));
	if (!t->sealed) {
		kelf_error(t->full, "out of memory");
		return -1;
	}
	for (i = 0; i < sec->rela->nr_relas; i++) {
		const struct kelf_rela *r = &sec->rela->relas[i];

		if (!r->sym || !r->sym->sec)
			continue;
		t->sealed[t->nr_sealed].shndx = r->sym->sec->index;
		t->sealed[t->nr_sealed++].off = r->sym->sym.st_value + r->addend;
	}
	return 0;
}

int endbr_load(struct target *t)
{
	const struct kelf_arch *a = t->kelf->arch;
	struct kelf_section *sec;
	int ret;

	if (t->seal_read)
		return t->seal_failed ? -1 : 0;
	t->seal_read = true;
	if (!a->endbr_seal_section || !a->endbr_len)
		return 0;
	sec = kelf_find_section(t->kelf, a->endbr_seal_section);
	if (!sec)
		return 0;	/* not an IBT kernel: nothing to check */
	t->ibt = true;
	ret = t->vmlinux ? read_vmlinux_seal(t, sec) : read_module_seal(t);
	if (ret) {
		t->seal_failed = true;
		return -1;
	}
	qsort(t->sealed, t->nr_sealed, sizeof(*t->sealed), cmp_loc);
	return 0;
}

void endbr_free(struct target *t)
{
	kelf_close(t->full);
	t->full = NULL;
	free(t->sealed);
	t->sealed = NULL;
	t->nr_sealed = 0;
}

static char why_buf[512];

static bool is_sealed(const struct target *t, const struct kelf_symbol *f)
{
	struct seal_loc key = {
		.shndx = t->vmlinux ? 0 : f->sec->index,
		.off = f->sym.st_value,
	};

	return t->nr_sealed &&
	       bsearch(&key, t->sealed, t->nr_sealed, sizeof(key), cmp_loc);
}

int endbr_problem(struct target *t, const struct kelf_symbol *f,
		  const char **why)
{
	const struct kelf_arch *a = t->kelf->arch;
	const struct kelf_section *sec;
	unsigned char entry[16];
	uint64_t base, off;
	bool short_fn;

	if (endbr_load(t))
		return -1;
	if (!t->ibt || !f->sec)
		return 0;
	if (is_sealed(t, f)) {
		snprintf(why_buf, sizeof(why_buf),
			 "whose ENDBR is sealed (made a NOP) when %s %s: %s's %s lists it, as %s never takes its address",
			 t->name, t->vmlinux ? "boots" : "loads", t->name,
			 a->endbr_seal_section, t->name);
		*why = why_buf;
		return 1;
	}
	/* vmlinux: read from the file; a module: from its data, read whole */
	sec = t->vmlinux ? f->sec :
	      t->full ? kelf_section_by_index(t->full, f->sec->index) : NULL;
	if (!sec)
		return 0;
	base = t->vmlinux ? sec->sh.sh_addr : 0;
	if (a->endbr_len > sizeof(entry) || f->sym.st_value < base ||
	    sec->sh.sh_type == SHT_NOBITS)
		return 0;
	off = f->sym.st_value - base;
	short_fn = off > sec->size || sec->size - off < a->endbr_len;
	if (!short_fn && kelf_read_bytes(sec, off, entry, a->endbr_len))
		return -1;
	if ((short_fn || memcmp(entry, a->endbr, a->endbr_len)) &&
	    !kelf_noendbr_by_design(t->kelf, f->name)) {
		*why = "which has no ENDBR at its entry: the compiler saw only direct calls to it";
		return 1;
	}
	return 0;
}
