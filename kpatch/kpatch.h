/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch: runtime tool of klpkit (load, unload, list, install livepatches).
 * Declarations shared by the per-command files.
 */
#ifndef KPATCH_H
#define KPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (documented in kpatch(1) and doc/runtime.md). */
enum kp_exit {
	KP_OK = 0,		/* success */
	KP_EFAIL = 1,		/* operation failed (I/O, kernel error, not found) */
	KP_EUSAGE = 2,		/* bad command line */
	KP_EREFUSED = 3,	/* module refused before touching the kernel */
	KP_ESTALLED = 4,	/* transition stalled; reverted, system as before */
	KP_EREVERT = 5,		/* transition stalled and could not be reverted */
};

#define KP_NAME_MAX	256
#define KP_PATH_MAX	4096

struct kp_cmd;

/* util.c: messages, files, time */
void kp_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kp_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kp_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kp_read_str(const char *path, char *buf, size_t size);
int kp_read_int(const char *path, int *val);
int kp_write_str(const char *path, const char *val);
bool kp_is_dir(const char *path);
bool kp_is_file(const char *path);
double kp_now(void);
void kp_sleep_ms(unsigned int ms);
void kp_normalize_name(char *name);
bool kp_has_suffix(const char *s, const char *suffix);
int kp_parse_seconds(const char *arg, unsigned int *out);
int kp_sorted_dir(const char *dir, char ***names);
void kp_free_names(char **names, int n);

/* paths.c: locations, overridable for tests */
const char *kp_sysfs_root(void);
const char *kp_procfs_root(void);
const char *kp_install_root(void);
const char *kp_running_release(void);
void kp_livepatch_dir(char *buf, size_t size);
void kp_patch_path(char *buf, size_t size, const char *patch, const char *attr);
bool kp_cmdline_has(const char *word);

/* sysfs.c: /sys/kernel/livepatch and /sys/module */
bool kp_livepatch_supported(void);
bool kp_patch_loaded(const char *patch);
bool kp_module_loaded(const char *name);
int kp_patch_enabled(const char *patch);
int kp_patch_transition(const char *patch);
int kp_patch_set_enabled(const char *patch, bool enabled);
int kp_patch_signal(const char *patch);
int kp_module_refcnt(const char *name);
int kp_loaded_patches(char ***names);
bool kp_module_is_livepatch(const char *name);
const char *kp_patch_state(const char *patch);

/* opts.c: options shared by load and unload */
struct kp_patch_opts {
	bool all;
	unsigned int timeout;		/* before a transition counts as stalled */
	unsigned int stall_timeout;	/* after that, before reversing it */
};
int kp_parse_patch_opts(const struct kp_cmd *cmd, int argc, char **argv,
			struct kp_patch_opts *opts);

/* tasks.c: tasks that block a transition */
int kp_report_blocking(FILE *out, int target, bool stacks);

/* module.c: .ko files through libkmod */
struct kp_module {
	char path[KP_PATH_MAX];
	char name[KP_NAME_MAX];		/* module name, '-' replaced by '_' */
	char vermagic[KP_NAME_MAX];
	char release[KP_NAME_MAX];	/* first word of vermagic */
	char *funcs;			/* klpkit_funcs modinfo value or NULL */
	char signer[KP_NAME_MAX];	/* signature's signer, "" if unsigned */
	bool livepatch;			/* livepatch=Y */
};

typedef void (*kp_info_fn)(const char *key, const char *value, void *arg);

int kp_module_open(const char *path, struct kp_module *mod);
void kp_module_close(struct kp_module *mod);
int kp_module_each_info(const char *path, kp_info_fn fn, void *arg);
int kp_module_check(const struct kp_module *mod, const char *release);
int kp_module_insert(const struct kp_module *mod);
int kp_module_remove(const char *name);

/* signature.c: a refusal because of the module's signature, and the fix */
bool kp_explain_signature_refusal(const struct kp_module *mod, int err);

/* trust.c: only root may be able to change a module file */
int kp_check_trusted(const char *path, bool dir, char *resolved, size_t size);

/* install.c */
int kp_find_installed(const char *release, const char *what, char *path,
		      size_t size);
int kp_resolve_module(const char *what, char *path, size_t size);

/* transition.c */
enum kp_wait {
	KP_WAIT_DONE,
	KP_WAIT_TIMEOUT,
	KP_WAIT_ERROR,
};
enum kp_wait kp_wait_transition(const char *patch, unsigned int seconds);
int kp_wait_patch_gone(const char *patch, unsigned int seconds);
int kp_remove_when_free(const char *name, unsigned int seconds);
int kp_settle(const char *patch, bool target, unsigned int timeout,
	      unsigned int stall_timeout);

/* commands */
struct kp_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

extern const struct kp_cmd kp_cmd_load;
extern const struct kp_cmd kp_cmd_unload;
extern const struct kp_cmd kp_cmd_list;
extern const struct kp_cmd kp_cmd_info;
extern const struct kp_cmd kp_cmd_install;
extern const struct kp_cmd kp_cmd_uninstall;
extern const struct kp_cmd kp_cmd_signal;
extern const struct kp_cmd kp_cmd_version;

int kp_usage_error(const struct kp_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kp_print_usage(const struct kp_cmd *cmd);

#endif /* KPATCH_H */
