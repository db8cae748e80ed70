// SPDX-License-Identifier: GPL-2.0
/*
 * Module files and the kernel's module loader, through libkmod:
 * modinfo of a .ko, the checks done before insertion, insert, remove.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libkmod.h>

#include "kpatch.h"

static struct kmod_ctx *kp_kmod(void)
{
	static struct kmod_ctx *ctx;

	if (!ctx) {
		ctx = kmod_new(NULL, NULL);
		if (!ctx)
			return NULL;
		/* kpatch reports every failure itself */
		if (!getenv("KPATCH_DEBUG"))
			kmod_set_log_priority(ctx, LOG_EMERG);
	}
	return ctx;
}

static int new_from_path(const char *path, struct kmod_module **km)
{
	struct kmod_ctx *ctx = kp_kmod();
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_path(ctx, path, km);
	return ret < 0 ? ret : 0;
}

/* Call FN for every modinfo key/value pair of the .ko at PATH. */
int kp_module_each_info(const char *path, kp_info_fn fn, void *arg)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *km;
	int ret;

	if (!kp_is_file(path))
		return -ENOENT;
	ret = new_from_path(path, &km);
	if (ret)
		return ret;
	ret = kmod_module_get_info(km, &list);
	if (ret >= 0) {
		kmod_list_foreach(l, list)
			fn(kmod_module_info_get_key(l),
			   kmod_module_info_get_value(l), arg);
		kmod_module_info_free_list(list);
	}
	kmod_module_unref(km);
	if (ret == 0 || ret == -ENOENT)
		return -ENOEXEC;	/* no .modinfo: not a module */
	return ret < 0 ? ret : 0;
}

static void copy_field(char *dst, size_t size, const char *val)
{
	kp_fmt(dst, size, "%s", val ? val : "");
}

static void collect_info(const char *key, const char *value, void *arg)
{
	struct kp_module *mod = arg;

	if (!strcmp(key, "name"))
		copy_field(mod->name, sizeof(mod->name), value);
	else if (!strcmp(key, "vermagic"))
		copy_field(mod->vermagic, sizeof(mod->vermagic), value);
	else if (!strcmp(key, "livepatch"))
		mod->livepatch = value && !strcmp(value, "Y");
	else if (!strcmp(key, "signer"))
		copy_field(mod->signer, sizeof(mod->signer), value);
	else if (!strcmp(key, "klpkit_funcs") && value && !mod->funcs)
		mod->funcs = strdup(value);
}

static void name_from_path(struct kp_module *mod)
{
	char tmp[KP_PATH_MAX];
	char *base;

	kp_fmt(tmp, sizeof(tmp), "%s", mod->path);
	base = basename(tmp);
	kp_fmt(mod->name, sizeof(mod->name), "%s", base);
	if (kp_has_suffix(mod->name, ".ko"))
		mod->name[strlen(mod->name) - 3] = '\0';
}

/*
 * Read what kpatch needs from the .ko at PATH. Prints the reason and
 * returns a kp_exit code on failure.
 */
int kp_module_open(const char *path, struct kp_module *mod)
{
	int ret;

	memset(mod, 0, sizeof(*mod));
	kp_fmt(mod->path, sizeof(mod->path), "%s", path);
	if (!kp_is_file(path)) {
		kp_err("%s: no such module file", path);
		return KP_EFAIL;
	}
	ret = kp_module_each_info(path, collect_info, mod);
	if (ret) {
		kp_err("%s: not a kernel module (%s)", path, strerror(-ret));
		kp_module_close(mod);
		return KP_EREFUSED;
	}
	if (!mod->name[0])
		name_from_path(mod);
	kp_normalize_name(mod->name);
	kp_fmt(mod->release, sizeof(mod->release), "%s", mod->vermagic);
	mod->release[strcspn(mod->release, " ")] = '\0';
	return KP_OK;
}

void kp_module_close(struct kp_module *mod)
{
	free(mod->funcs);
	mod->funcs = NULL;
}

/* Refuse, with the reason, what the kernel would refuse or misuse. */
int kp_module_check(const struct kp_module *mod, const char *release)
{
	if (!mod->livepatch) {
		kp_err("%s: not a livepatch module (no livepatch=Y in modinfo)",
		       mod->path);
		return KP_EREFUSED;
	}
	if (!mod->release[0]) {
		kp_err("%s: module has no vermagic", mod->path);
		return KP_EREFUSED;
	}
	if (release && strcmp(mod->release, release)) {
		kp_err("%s: module built for kernel %s, not %s (vermagic \"%s\")",
		       mod->path, mod->release, release, mod->vermagic);
		return KP_EREFUSED;
	}
	return KP_OK;
}

/* Insert the module; 0 or -errno (reported). */
int kp_module_insert(const struct kp_module *mod)
{
	struct kmod_module *km;
	int ret;

	ret = new_from_path(mod->path, &km);
	if (!ret) {
		ret = kmod_module_insert_module(km, 0, NULL);
		kmod_module_unref(km);
	}
	if (ret) {
		kp_err("%s: kernel refused module %s: %s", mod->path, mod->name,
		       strerror(-ret));
		kp_explain_signature_refusal(mod, -ret);
	}
	return ret;
}

/* Remove the loaded module NAME; 0 or -errno (not reported). */
int kp_module_remove(const char *name)
{
	struct kmod_ctx *ctx = kp_kmod();
	struct kmod_module *km;
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, name, &km);
	if (ret < 0)
		return ret;
	ret = kmod_module_remove_module(km, 0);
	kmod_module_unref(km);
	return ret;
}
