// SPDX-License-Identifier: GPL-2.0-or-later
/* Messages for people (stderr) and the JSON report for pipelines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cdo.h"

struct entry {
	char *kind, *name, *text;
};

static struct entry *entries;
static size_t nr_entries, cap_entries;

static void record(const char *kind, const char *name, const char *text)
{
	struct entry *e;

	if (nr_entries == cap_entries) {
		size_t n = cap_entries ? cap_entries * 2 : 32;
		struct entry *p = realloc(entries, n * sizeof(*p));

		if (!p)
			return;
		entries = p;
		cap_entries = n;
	}
	e = &entries[nr_entries++];
	e->kind = strdup(kind);
	e->name = strdup(name ? name : "");
	e->text = strdup(text ? text : "");
}

static const char *object_name(struct cdo *c)
{
	return c->patched_path ? c->patched_path : "create-diff-object";
}

static void vmsg(struct cdo *c, const char *kind, const char *fmt, va_list ap, char **out)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (kind)
		fprintf(stderr, "%s: %s: %s\n", object_name(c), kind, msg ? msg : fmt);
	else
		fprintf(stderr, "%s: %s\n", object_name(c), msg ? msg : fmt);
	*out = msg;
}

void cdo_log(struct cdo *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	vmsg(c, NULL, fmt, ap, &msg);
	va_end(ap);
	free(msg);
}

void cdo_debug(struct cdo *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!c->debug)
		return;
	va_start(ap, fmt);
	vmsg(c, "debug", fmt, ap, &msg);
	va_end(ap);
	free(msg);
}

void cdo_warn(struct cdo *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	vmsg(c, "warning", fmt, ap, &msg);
	va_end(ap);
	record("warning", NULL, msg);
	free(msg);
}

void cdo_error(struct cdo *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	vmsg(c, "error", fmt, ap, &msg);
	va_end(ap);
	record("error", NULL, msg);
	free(msg);
}

void cdo_refuse(struct cdo *c, const struct kelf_symbol *sym, const char *fmt, ...)
{
	char where[512], kind[600];
	const char *loc = NULL;
	va_list ap;
	char *msg;

	if (sym && c->patched_path)
		loc = source_location(c->patched_path, sym->name, where, sizeof(where));
	snprintf(kind, sizeof(kind), "%s%scannot livepatch", loc ? loc : "", loc ? ": " : "");
	va_start(ap, fmt);
	vmsg(c, kind, fmt, ap, &msg);
	va_end(ap);
	record("refusal", sym ? sym->name : NULL, msg);
	free(msg);
	c->refusals++;
}

void report_function(struct cdo *c, const char *kind, const struct kelf_symbol *s,
		     const char *reason)
{
	(void)c;
	record(kind, s->name, reason);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_list(FILE *f, const char *key, const char *kind, bool last)
{
	bool first = true;
	size_t i;

	fprintf(f, "  \"%s\": [", key);
	for (i = 0; i < nr_entries; i++) {
		if (strcmp(entries[i].kind, kind))
			continue;
		fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
		json_str(f, entries[i].name);
		fprintf(f, ", \"detail\": ");
		json_str(f, entries[i].text);
		fputc('}', f);
		first = false;
	}
	fprintf(f, "%s]%s\n", first ? "" : "\n  ", last ? "" : ",");
}

int report_write(struct cdo *c, int exit_code)
{
	static const char *const status[] = {
		[EXIT_CHANGED] = "changed", [EXIT_ERROR] = "error",
		[EXIT_REFUSED] = "refused", [EXIT_NOCHANGE] = "no-change",
	};
	struct kelf_outfile o;
	FILE *f;

	if (!c->report_path)
		return 0;
	if (kelf_outfile_open(&o, c->report_path))
		return -1;
	f = fdopen(o.fd, "w");
	if (!f) {
		perror(c->report_path);
		kelf_outfile_abort(&o);
		return -1;
	}
	o.fd = -1;	/* fclose() closes it */
	fprintf(f, "{\n  \"object\": ");
	json_str(f, c->patched_path ? c->patched_path : "");
	fprintf(f, ",\n  \"parent\": ");
	json_str(f, c->parent ? c->parent : "");
	fprintf(f, ",\n  \"status\": \"%s\",\n  \"exit_code\": %d,\n",
		status[exit_code], exit_code);
	json_list(f, "changed_functions", "changed", false);
	json_list(f, "new_functions", "new", false);
	json_list(f, "new_data", "new-data", false);
	json_list(f, "ignored_functions", "ignored", false);
	json_list(f, "refusals", "refusal", false);
	json_list(f, "warnings", "warning", false);
	json_list(f, "errors", "error", true);
	fprintf(f, "}\n");
	if (fclose(f)) {
		perror(c->report_path);
		kelf_outfile_abort(&o);
		return -1;
	}
	return kelf_outfile_commit(&o);
}

void report_free(void)
{
	size_t i;

	for (i = 0; i < nr_entries; i++) {
		free(entries[i].kind);
		free(entries[i].name);
		free(entries[i].text);
	}
	free(entries);
	entries = NULL;
	nr_entries = cap_entries = 0;
}
