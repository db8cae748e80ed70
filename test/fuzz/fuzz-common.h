/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses: a private scratch directory, the
 * input written to a file there (the tools read paths), and a 64 MiB file
 * size limit so that an oversized output ends in SIGXFSZ, which libFuzzer
 * reports as a finding (-handle_xfsz=1, the default).  $FUZZ_MAX_OUTPUT
 * (bytes) lowers the limit, to test that it works.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_OUTPUT	(64UL << 20)

/* Once per process: scratch directory and limits; aborts on failure. */
void fuzz_init(void);
/* FILE in the scratch directory (static buffer per call slot 0..3). */
const char *fuzz_path(int slot, const char *name);
/* Write @data to @path; aborts on failure. */
void fuzz_write(const char *path, const uint8_t *data, size_t size);
/* $VAR or abort with a hint. */
const char *fuzz_env(const char *var);
/* Remove every file of the scratch directory. */
void fuzz_clean(void);

#endif
