// SPDX-License-Identifier: GPL-2.0
/*
 * Why the kernel refused a module because of its signature, and the fix:
 * module.sig_enforce=1 (or CONFIG_MODULE_SIG_FORCE) rejects an unsigned
 * module or one signed by a key the kernel does not trust with EKEYREJECTED
 * (ENOKEY, EBADMSG for a signature that does not verify); lockdown (Secure
 * Boot) refuses it with EPERM.
 */
#include <errno.h>
#include <string.h>

#include "kpatch.h"

/* The kernel's lockdown mode ("none", "integrity", ...), or "" if unknown. */
static void lockdown_mode(char *buf, size_t size)
{
	char path[KP_PATH_MAX], line[128];
	char *open_br, *close_br;

	buf[0] = '\0';
	kp_fmt(path, sizeof(path), "%s/kernel/security/lockdown", kp_sysfs_root());
	if (kp_read_str(path, line, sizeof(line)))
		return;
	open_br = strchr(line, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (open_br && close_br)
		kp_fmt(buf, size, "%.*s", (int)(close_br - open_br - 1), open_br + 1);
}

static bool sig_enforced(void)
{
	char path[KP_PATH_MAX], val[8];

	kp_fmt(path, sizeof(path), "%s/module/module/parameters/sig_enforce",
	       kp_sysfs_root());
	return !kp_read_str(path, val, sizeof(val)) && val[0] == 'Y';
}

static const char *errno_name(int err)
{
	switch (err) {
	case EKEYREJECTED: return "EKEYREJECTED";
	case ENOKEY: return "ENOKEY";
	case EBADMSG: return "EBADMSG";
	case EPERM: return "EPERM";
	default: return "?";
	}
}

/* Which policy refused ERR, or NULL when ERR is no signature refusal. */
static const char *refusing_policy(int err, char *buf, size_t size)
{
	char mode[32];

	lockdown_mode(mode, sizeof(mode));
	switch (err) {
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		if (sig_enforced())
			return "the kernel enforces module signatures (module.sig_enforce=1)";
		if (mode[0] && strcmp(mode, "none")) {
			kp_fmt(buf, size, "the kernel is locked down (lockdown=%s)", mode);
			return buf;
		}
		return "the kernel checks module signatures";
	case EPERM:
		if (mode[0] && strcmp(mode, "none")) {
			kp_fmt(buf, size, "the kernel is locked down (lockdown=%s, e.g. by Secure Boot) and loads only modules signed by a key it trusts",
			       mode);
			return buf;
		}
		return NULL;	/* no CAP_SYS_MODULE, modules disabled, ... */
	default:
		return NULL;
	}
}

/* Print why the kernel refused MOD with ERR (positive errno), if it was its
 * signature, and the fix. True when it was. */
bool kp_explain_signature_refusal(const struct kp_module *mod, int err)
{
	char buf[128], what[KP_NAME_MAX + 96];
	const char *policy = refusing_policy(err, buf, sizeof(buf));

	if (!policy)
		return false;
	if (!mod->signer[0])
		kp_fmt(what, sizeof(what), "%s is unsigned", mod->path);
	else if (err == EBADMSG)
		kp_fmt(what, sizeof(what), "the signature of %s (signer '%s') does not verify",
		       mod->path, mod->signer);
	else
		kp_fmt(what, sizeof(what), "%s is signed by '%s', a key the kernel does not trust",
		       mod->path, mod->signer);
	kp_err("%s: refused because of its signature (%s): %s; %s",
	       mod->name, errno_name(err), policy, what);
	kp_err("fix: sign the module with a key the kernel trusts (kpatch-build --sign-key KEY.pem --sign-cert CERT.pem ...) and enroll its certificate as a Machine Owner Key: openssl x509 -in CERT.pem -outform DER -out CERT.der; mokutil --import CERT.der; reboot and confirm the key in MokManager");
	return true;
}
