// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module.symvers of the target kernel: which symbols are exported, and by
 * whom.  Line format (5.x and 6.x, scripts/mod/modpost.c write_dump()):
 *   0xCRC <TAB> symbol <TAB> module <TAB> EXPORT_SYMBOL[_GPL] <TAB> namespace
 * where module is "vmlinux" or a path like "fs/ext4/ext4"; it is kept as
 * the module's name as the kernel knows it ("ext4", '-' made '_').
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kelf.h"

struct kelf_symvers {
	struct htab names;
	struct kelf_export **all;
	size_t n, cap;
};

static void free_export(struct kelf_export *e)
{
	free(e->name);
	free(e->module);
	free(e);
}

static struct kelf_export *new_export(const char *name, const char *module,
				      unsigned long crc)
{
	struct kelf_export *e = calloc(1, sizeof(*e));
	const char *base = strrchr(module, '/');
	char *p;

	if (!e)
		return NULL;
	e->name = strdup(name);
	e->module = strdup(base ? base + 1 : module);
	e->crc = crc;
	if (!e->name || !e->module) {
		free_export(e);
		return NULL;
	}
	for (p = e->module; *p; p++)
		if (*p == '-')
			*p = '_';
	return e;
}

static int add(struct kelf_symvers *sv, struct kelf_export *e)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 1024;
		struct kelf_export **v = realloc(sv->all, cap * sizeof(*v));

		if (!v) {
			free_export(e);
			return -1;
		}
		sv->all = v;
		sv->cap = cap;
	}
	sv->all[sv->n++] = e;
	return htab_add(&sv->names, &e->node, hash_str(e->name));
}

/* One line (newline removed): 0, or -1 after a message. */
static int parse_line(struct kelf_symvers *sv, char *line, const char *path,
		      size_t lineno)
{
	char *crc, *name, *module, *save = NULL, *end;
	struct kelf_export *e;
	unsigned long v;

	crc = strtok_r(line, "\t", &save);
	name = strtok_r(NULL, "\t", &save);
	module = strtok_r(NULL, "\t", &save);
	if (!crc || !name || !module) {
		fprintf(stderr, "%s:%zu: error: expected CRC<TAB>SYMBOL<TAB>MODULE...: is this a Module.symvers file?\n",
			path, lineno);
		return -1;
	}
	v = strtoul(crc, &end, 16);
	if (*end) {
		fprintf(stderr, "%s:%zu: error: bad CRC '%s'\n", path, lineno, crc);
		return -1;
	}
	e = new_export(name, module, v);
	if (!e || add(sv, e)) {
		fprintf(stderr, "%s: error: out of memory\n", path);
		return -1;
	}
	return 0;
}

struct kelf_symvers *kelf_symvers_read(const char *path)
{
	struct kelf_symvers *sv = calloc(1, sizeof(*sv));
	char *line = NULL;
	size_t len = 0, lineno = 0;
	int ret = 0;
	FILE *f;

	if (!sv || htab_init(&sv->names, 32768)) {
		fprintf(stderr, "%s: error: out of memory\n", path);
		free(sv);
		return NULL;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: error: cannot open Module.symvers: %s\n",
			path, strerror(errno));
		kelf_symvers_free(sv);
		return NULL;
	}
	while (!ret && getline(&line, &len, f) > 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			ret = parse_line(sv, line, path, lineno);
	}
	free(line);
	fclose(f);
	if (ret) {
		kelf_symvers_free(sv);
		return NULL;
	}
	return sv;
}

const struct kelf_export *kelf_symvers_find(const struct kelf_symvers *sv,
					    const char *name)
{
	uint32_t h = hash_str(name);
	struct hnode *n;

	htab_for_each_hash(n, &sv->names, h) {
		struct kelf_export *e = container_of(n, struct kelf_export, node);

		if (!strcmp(e->name, name))
			return e;
	}
	return NULL;
}

void kelf_symvers_free(struct kelf_symvers *sv)
{
	size_t i;

	if (!sv)
		return;
	for (i = 0; i < sv->n; i++)
		free_export(sv->all[i]);
	free(sv->all);
	htab_free(&sv->names);
	free(sv);
}
