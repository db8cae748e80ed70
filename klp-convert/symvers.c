// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module.symvers of the target kernel: which symbols are exported, and by
 * whom.  Line format (5.x and 6.x):
 *   0xCRC <TAB> symbol <TAB> module <TAB> EXPORT_SYMBOL[_GPL] <TAB> namespace
 * where module is "vmlinux" or a path like "fs/ext4/ext4".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klp-convert.h"

struct symvers {
	struct htab names;
	struct export **all;
	size_t n, cap;
};

static struct export *new_export(const char *name, const char *module,
				 unsigned long crc)
{
	struct export *e = calloc(1, sizeof(*e));
	const char *base = strrchr(module, '/');

	if (!e)
		return NULL;
	e->name = strdup(name);
	e->module = strdup(base ? base + 1 : module);
	e->crc = crc;
	if (!e->name || !e->module) {
		free(e->name);
		free(e->module);
		free(e);
		return NULL;
	}
	modname_normalize(e->module);
	return e;
}

static int add(struct symvers *sv, struct export *e)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 1024;
		struct export **v = realloc(sv->all, cap * sizeof(*v));

		if (!v) {
			free(e->name);
			free(e->module);
			free(e);
			return -1;
		}
		sv->all = v;
		sv->cap = cap;
	}
	sv->all[sv->n++] = e;
	return htab_add(&sv->names, &e->node, hash_str(e->name));
}

struct symvers *symvers_read(const char *path)
{
	struct symvers *sv = calloc(1, sizeof(*sv));
	char *line = NULL;
	size_t len = 0, lineno = 0;
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
		symvers_free(sv);
		return NULL;
	}
	while (getline(&line, &len, f) > 0) {
		char *crc, *name, *module, *save = NULL, *end;
		unsigned long v;
		struct export *e;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		crc = strtok_r(line, "\t", &save);
		name = strtok_r(NULL, "\t", &save);
		module = strtok_r(NULL, "\t", &save);
		if (!crc || !name || !module) {
			fprintf(stderr, "%s:%zu: error: expected CRC<TAB>SYMBOL<TAB>MODULE...: is this a Module.symvers file?\n",
				path, lineno);
			goto fail;
		}
		v = strtoul(crc, &end, 16);
		if (*end) {
			fprintf(stderr, "%s:%zu: error: bad CRC '%s'\n", path, lineno, crc);
			goto fail;
		}
		e = new_export(name, module, v);
		if (!e || add(sv, e)) {
			fprintf(stderr, "%s: error: out of memory\n", path);
			goto fail;
		}
	}
	free(line);
	fclose(f);
	return sv;
fail:
	free(line);
	fclose(f);
	symvers_free(sv);
	return NULL;
}

const struct export *symvers_find(const struct symvers *sv, const char *name)
{
	uint32_t h = hash_str(name);
	struct hnode *n;

	htab_for_each_hash(n, &sv->names, h) {
		struct export *e = container_of(n, struct export, node);

		if (!strcmp(e->name, name))
			return e;
	}
	return NULL;
}

void symvers_free(struct symvers *sv)
{
	size_t i;

	if (!sv)
		return;
	for (i = 0; i < sv->n; i++) {
		free(sv->all[i]->name);
		free(sv->all[i]->module);
		free(sv->all[i]);
	}
	free(sv->all);
	htab_free(&sv->names);
	free(sv);
}
