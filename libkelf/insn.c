// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Instruction boundaries in code, from the object's arch decoder (on x86-64
 * binutils' disassembler): a PC-relative displacement there is relative to
 * the end of its instruction, which may carry an immediate after the
 * displacement ("cmpl $3, x(%rip)"), so the target of "section + addend" is
 * only known once the instruction is.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <dis-asm.h>
#include "kelf.h"
#include "internal.h"

static int quiet_fprintf(void *stream, const char *fmt, ...)
{
	(void)stream;
	(void)fmt;
	return 0;
}

static int quiet_styled(void *stream, enum disassembler_style style,
			const char *fmt, ...)
{
	(void)stream;
	(void)style;
	(void)fmt;
	return 0;
}

int kelf_decode_opcodes(struct kelf_section *sec, int bfd_arch,
			unsigned long bfd_mach)
{
	struct disassemble_info info;
	disassembler_ftype disasm;
	size_t cap = sec->size / 3 + 16, n = 0;
	uint64_t pc = 0;

	disasm = disassembler(bfd_arch, false, bfd_mach, NULL);
	if (!disasm || !sec->data)
		return -1;
	init_disassemble_info(&info, NULL, quiet_fprintf, quiet_styled);
	info.arch = bfd_arch;
	info.mach = bfd_mach;
	info.buffer = sec->data;
	info.buffer_length = sec->size;
	info.buffer_vma = 0;
	disassemble_init_for_target(&info);
	sec->insn_starts = malloc(cap * sizeof(*sec->insn_starts));
	if (!sec->insn_starts)
		return -1;
	while (pc < sec->size) {
		int len = disasm(pc, &info);

		if (len <= 0)
			break;
		if (n == cap) {
			uint32_t *p = realloc(sec->insn_starts, 2 * cap * sizeof(*p));

			if (!p)
				return -1;
			sec->insn_starts = p;
			cap *= 2;
		}
		sec->insn_starts[n++] = pc;
		pc += len;
	}
	sec->nr_insns = n;
	return pc == sec->size ? 0 : -1;
}

int64_t kelf_insn_end(struct kelf_section *sec, uint64_t off)
{
	size_t lo = 0, hi;

	if (!sec->insns_decoded) {
		sec->insns_decoded = true;
		sec->insns_ok = !sec->kelf->arch->decode(sec);
	}
	if (!sec->insns_ok || !sec->nr_insns || off >= sec->size)
		return -1;
	hi = sec->nr_insns;
	while (lo < hi) {	/* first instruction starting after off */
		size_t mid = lo + (hi - lo) / 2;

		if (sec->insn_starts[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sec->nr_insns ? (int64_t)sec->insn_starts[lo] : (int64_t)sec->size;
}

int kelf_decode_fixed(struct kelf_section *sec, unsigned int width)
{
	size_t i, n = sec->size / width;

	if (!sec->data || sec->size % width)
		return -1;
	sec->insn_starts = malloc((n ? n : 1) * sizeof(*sec->insn_starts));
	if (!sec->insn_starts)
		return -1;
	for (i = 0; i < n; i++)
		sec->insn_starts[i] = i * width;
	sec->nr_insns = n;
	return 0;
}
