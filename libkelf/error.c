// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include "kelf.h"

static void vreport(const struct kelf *k, const char *kind, const char *fmt,
		    va_list ap)
{
	fprintf(stderr, "%s: %s: ", k && k->path ? k->path : "(no file)", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void kelf_verror(const struct kelf *k, const char *fmt, va_list ap)
{
	vreport(k, "error", fmt, ap);
}

void kelf_error(const struct kelf *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(k, "error", fmt, ap);
	va_end(ap);
}

void kelf_warn(const struct kelf *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(k, "warning", fmt, ap);
	va_end(ap);
}
