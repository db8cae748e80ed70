// SPDX-License-Identifier: GPL-2.0-or-later
/* SHF_COMPRESSED sections (gcc -gz): inflate a section's data in place. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "kelf.h"
#include "internal.h"

#define ZLIB_MAX_RATIO	1032

int kelf_uncompress(struct kelf_section *sec)
{
	const struct kelf *k = sec->kelf;
	Elf64_Chdr ch;
	unsigned char *out;
	uLongf outlen;

	if (!(sec->sh.sh_flags & SHF_COMPRESSED))
		return 0;
	if (!sec->data || sec->size < sizeof(ch)) {
		kelf_error(k, "section '%s': compressed data too short", sec->name);
		return -1;
	}
	memcpy(&ch, sec->data, sizeof(ch));
	if (!kelf_host_order(k)) {
		ch.ch_type = __builtin_bswap32(ch.ch_type);
		ch.ch_size = __builtin_bswap64(ch.ch_size);
	}
	if (ch.ch_type != ELFCOMPRESS_ZLIB) {
		kelf_error(k, "section '%s': compression type %u is not supported (zlib only)",
			   sec->name, ch.ch_type);
		return -1;
	}
	/* deflate shrinks data by at most 1032:1 */
	if (ch.ch_size / ZLIB_MAX_RATIO > sec->size - sizeof(ch)) {
		kelf_error(k, "section '%s': implausible uncompressed size 0x%lx for 0x%zx compressed bytes",
			   sec->name, (unsigned long)ch.ch_size, sec->size - sizeof(ch));
		return -1;
	}
	if (ch.ch_addralign & (ch.ch_addralign - 1) || ch.ch_addralign > KELF_MAX_ALIGN) {
		kelf_error(k, "section '%s': alignment 0x%lx is not a power of two up to 0x%x",
			   sec->name, (unsigned long)ch.ch_addralign, KELF_MAX_ALIGN);
		return -1;
	}
	outlen = ch.ch_size;
	out = malloc(outlen ? outlen : 1);
	if (!out)
		return kelf_oom(k);
	if (uncompress(out, &outlen, sec->data + sizeof(ch), sec->size - sizeof(ch)) != Z_OK ||
	    outlen != ch.ch_size) {
		free(out);
		kelf_error(k, "section '%s': corrupt compressed data", sec->name);
		return -1;
	}
	if (sec->data_owned)
		free(sec->data);
	sec->data = out;
	sec->data_owned = true;
	sec->size = outlen;
	sec->sh.sh_size = outlen;
	sec->sh.sh_addralign = ch.ch_addralign;
	sec->sh.sh_flags &= ~(uint64_t)SHF_COMPRESSED;
	return 0;
}
