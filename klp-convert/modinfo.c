// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Edits of the module metadata modpost generated: the .modinfo strings
 * ("key=value", NUL-separated) and the __versions table (struct
 * modversion_info: an unsigned long CRC and a 56-byte name).
 */
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

#define MODVERSION_NAME_LEN	(64 - sizeof(unsigned long))

struct modversion_info {
	unsigned long crc;
	char name[MODVERSION_NAME_LEN];
};

static struct kelf_section *modinfo_section(struct kelf *k)
{
	struct kelf_section *sec = kelf_find_section(k, ".modinfo");

	if (!sec || !sec->data)
		return NULL;
	return sec;
}

/* The "key=value" string of @key, or NULL. */
static const char *find_entry(struct kelf_section *sec, const char *key)
{
	size_t klen = strlen(key), off = 0;

	while (off < sec->size) {
		const char *s = (const char *)sec->data + off;
		size_t len = strnlen(s, sec->size - off);

		if (len > klen && !strncmp(s, key, klen) && s[klen] == '=')
			return s;
		off += len + 1;
	}
	return NULL;
}

/*
 * The bytes entry @e of @sec takes: up to and with its NUL, or to the end
 * of the section when the last string lacks one.
 */
static size_t entry_len(struct kelf_section *sec, const char *e)
{
	size_t rest = sec->size - (e - (const char *)sec->data);
	size_t len = strnlen(e, rest);

	return len < rest ? len + 1 : len;
}

const char *modinfo_get(struct kelf *k, const char *key)
{
	struct kelf_section *sec = modinfo_section(k);
	const char *e;

	if (!sec || !(e = find_entry(sec, key)))
		return NULL;
	/* the last string may lack its NUL: find_entry stops at the size */
	if (!memchr(e, '\0', sec->size - (e - (const char *)sec->data)))
		return NULL;
	return e + strlen(key) + 1;
}

int modinfo_set(struct kelf *k, const char *key, const char *value)
{
	struct kelf_section *sec = kelf_find_section(k, ".modinfo");
	size_t need = strlen(key) + 1 + strlen(value) + 1, size, old_len;
	const char *old = NULL;
	unsigned char *buf;

	if (!sec) {
		kelf_error(k, "no .modinfo section: is this a kernel module built by kbuild?");
		return -1;
	}
	if (sec->sh.sh_type == SHT_NOBITS) {
		kelf_error(k, "section '.modinfo' has no data");
		return -1;
	}
	if (sec->data)
		old = find_entry(sec, key);
	old_len = old ? entry_len(sec, old) : 0;
	size = sec->size + (old && old_len >= need ? 0 : need);
	buf = malloc(size ? size : 1);
	if (!buf) {
		kelf_error(k, "out of memory");
		return -1;
	}
	if (sec->size)
		memcpy(buf, sec->data, sec->size);
	if (old && old_len >= need) {
		/* in place: other entries and symbols keep their offsets */
		unsigned char *p = buf + (old - (const char *)sec->data);

		memset(p, 0, old_len);
		snprintf((char *)p, need, "%s=%s", key, value);
	} else {
		if (old)	/* blank the old entry out: readers skip NULs */
			memset(buf + (old - (const char *)sec->data), 0, old_len);
		snprintf((char *)buf + sec->size, need, "%s=%s", key, value);
	}
	if (kelf_set_data(sec, buf, size)) {
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int versions_drop(struct kelf *k, char *const *names, size_t n)
{
	struct kelf_section *sec = kelf_find_section(k, "__versions");
	struct modversion_info *v;
	struct kelf_symbol *s;
	size_t i, j, count, kept = 0;
	int dropped = 0;

	if (!sec || !sec->data || !n)
		return 0;
	if (sec->size % sizeof(*v)) {
		kelf_warn(k, "section '__versions': size 0x%zx is not a multiple of %zu; left alone",
			  sec->size, sizeof(*v));
		return 0;
	}
	/* modpost's ____versions array covers the whole section */
	kelf_for_each_symbol(s, k) {
		if (s->sec == sec && (s->sym.st_value ||
				      (s->type == STT_SECTION ? s->sym.st_size && s->sym.st_size != sec->size :
				       s->type != STT_OBJECT || s->sym.st_size != sec->size))) {
			kelf_warn(k, "section '__versions': symbol '%s' is not modpost's whole table; left alone",
				  s->name);
			return 0;
		}
	}
	count = sec->size / sizeof(*v);
	v = malloc(sec->size ? sec->size : 1);
	if (!v) {
		kelf_error(k, "out of memory");
		return -1;
	}
	memcpy(v, sec->data, sec->size);
	for (i = 0; i < count; i++) {
		bool drop = false;

		for (j = 0; j < n && !drop; j++)
			drop = !strncmp(v[i].name, names[j], MODVERSION_NAME_LEN);
		if (drop)
			dropped++;
		else
			v[kept++] = v[i];
	}
	if (dropped && kelf_set_data(sec, v, kept * sizeof(*v))) {
		free(v);
		return -1;
	}
	free(v);
	kelf_for_each_symbol(s, k)
		if (dropped && s->sec == sec && s->sym.st_size)
			s->sym.st_size = sec->size;
	return dropped;
}

char *kmeta_funcs_tag(const struct kmeta *m)
{
	size_t i, len = 1;
	char *tag, *p;

	for (i = 0; i < m->nr_funcs; i++)
		len += strlen(m->funcs[i].objname) + strlen(m->funcs[i].name) + 24;
	tag = malloc(len);
	if (!tag)
		return NULL;
	p = tag;
	*p = '\0';
	for (i = 0; i < m->nr_funcs; i++) {
		const struct kfunc *f = &m->funcs[i];

		p += sprintf(p, "%s%s:%s", i ? " " : "", f->objname, f->name);
		if (f->sympos)
			p += sprintf(p, ",%lu", f->sympos);
	}
	return tag;
}
