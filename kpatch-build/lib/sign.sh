# shellcheck shell=bash
# Module signing for kpatch-build (--sign-key KEY --sign-cert CERT): sourced
# by kpatch-build after lib/common.sh; it defines functions and nothing else.
#
#   sign_option --sign-key|--sign-cert FILE
#                                the option's file (kpatch-build's parse_args)
#   sign_check_options           the key and the certificate (PEM) are both
#                                given, readable, parse, and belong together;
#                                run at option time, before anything is built
#   sign_module KO               sign KO in place with the target tree's
#                                scripts/sign-file (built with the tree's own
#                                "make scripts" if absent) and the hash the
#                                target config names (CONFIG_MODULE_SIG_HASH);
#                                nothing without --sign-key; sets SIGN_SIGNER
#   sign_report                  the report's "signer" line (CN, or null)
#   sign_is_signed KO            KO ends with a module signature
#   sign_cert_cn CERT            the certificate's subject CN
#
# Uses kpatch-build's die, phase, run, say, $TREE, $KREL, $E_USAGE.  A key
# protected by a passphrase is read with $KBUILD_SIGN_PIN, as sign-file does.

SIGN_KEY='' SIGN_CERT='' SIGN_SIGNER='' SIGN_FILE=''
SIGN_MARKER='~Module signature appended~'	# then a newline: the file's end

sign_is_signed() {	# sign_is_signed KO: does KO end with a module signature?
	tail -c $((${#SIGN_MARKER} + 1)) "$1" 2>/dev/null | cmp -s - <(printf '%s\n' "$SIGN_MARKER")
}

sign_option() {
	case "$1" in
	--sign-key) SIGN_KEY=$(readlink -m "$2") ;;
	--sign-cert) SIGN_CERT=$(readlink -m "$2") ;;
	esac
}

# _sign_openssl ARGS...: openssl with the key's passphrase from
# KBUILD_SIGN_PIN (never a prompt)
_sign_openssl() {
	openssl "$@" -passin "pass:${KBUILD_SIGN_PIN:-}" 2>&1
}

# sign_cert_cn CERT: the certificate's subject CN (what modinfo -F signer shows)
sign_cert_cn() {
	openssl x509 -in "$1" -noout -subject -nameopt multiline 2>/dev/null |
		sed -n 's/^ *commonName *= *//p' | head -n1
}

sign_check_options() {
	[ -n "$SIGN_KEY$SIGN_CERT" ] || return 0
	[ -n "$SIGN_KEY" ] || die "$E_USAGE" "--sign-cert needs --sign-key KEY (the certificate's private key, PEM)"
	[ -n "$SIGN_CERT" ] || die "$E_USAGE" "--sign-key needs --sign-cert CERT (the X.509 certificate of the key, PEM)"
	local what f
	for what in key cert; do
		if [ "$what" = key ]; then f=$SIGN_KEY; else f=$SIGN_CERT; fi
		[ -f "$f" ] || die "$E_USAGE" "signing $what '$f' not found (--sign-$what)"
		[ -r "$f" ] || die "$E_USAGE" "signing $what '$f' is not readable (--sign-$what): check its permissions"
	done
	command -v openssl >/dev/null ||
		die "$E_USAGE" "--sign-key needs openssl to check the key and certificate: apt-get install openssl"
	local kpub cpub out
	if ! kpub=$(_sign_openssl pkey -in "$SIGN_KEY" -pubout); then
		out=$(head -n1 <<<"$kpub")
		die "$E_USAGE" "signing key '$SIGN_KEY' is not a PEM private key openssl can read (--sign-key; a passphrase goes in KBUILD_SIGN_PIN): ${out:-unreadable}"
	fi
	if ! cpub=$(openssl x509 -in "$SIGN_CERT" -noout -pubkey 2>&1); then
		die "$E_USAGE" "signing certificate '$SIGN_CERT' is not a PEM X.509 certificate (--sign-cert; convert a DER one with: openssl x509 -inform DER -in CERT.der -out CERT.pem)"
	fi
	[ "$kpub" = "$cpub" ] ||
		die "$E_USAGE" "signing key '$SIGN_KEY' does not match certificate '$SIGN_CERT' (subject CN '$(sign_cert_cn "$SIGN_CERT")'): give the key the certificate was made for"
}

# _sign_config NAME: the value of CONFIG_NAME in the target's config
_sign_config() {
	sed -n "s/^CONFIG_$1=//p" "$TREE/.config" | tail -n1 | tr -d '"'
}

# _sign_file: SIGN_FILE, the tree's scripts/sign-file, built with its own
# make if absent
_sign_file() {
	local sf=$TREE/scripts/sign-file
	SIGN_FILE=$sf
	if [ ! -x "$sf" ]; then
		say "building $sf (make scripts in the target tree)"
		run make -C "$TREE" scripts </dev/null ||
			die "building scripts/sign-file in $TREE failed (make -C $TREE scripts; is libssl-dev installed?)"
		[ -x "$sf" ] || die "make scripts in $TREE did not build scripts/sign-file (CONFIG_MODULE_SIG_FORMAT off?)"
	fi
}

sign_module() {
	[ -n "$SIGN_KEY" ] || return 0
	local ko=$1 hash sf
	phase sign "Signing the module ${MODNAME:-${ko##*/}}"
	[ "$(_sign_config MODULE_SIG)" = y ] ||
		die "$KREL's config has no CONFIG_MODULE_SIG: that kernel does not check module signatures, so a signature would not be read; build without --sign-key/--sign-cert"
	hash=$(_sign_config MODULE_SIG_HASH)
	[ -n "$hash" ] || die "$KREL's config sets CONFIG_MODULE_SIG but no CONFIG_MODULE_SIG_HASH: cannot tell which hash its kernel expects"
	_sign_file
	sf=$SIGN_FILE
	! sign_is_signed "$ko" || die "${ko##*/} is already signed"
	run "$sf" "$hash" "$SIGN_KEY" "$SIGN_CERT" "$ko" ||
		die "$sf $hash failed to sign ${ko##*/} with $SIGN_KEY and $SIGN_CERT (see the log)"
	sign_is_signed "$ko" || die "$sf left no signature on ${ko##*/}"
	SIGN_SIGNER=$(sign_cert_cn "$SIGN_CERT")
	say "signed with $hash by '${SIGN_SIGNER:-?}' ($SIGN_CERT)"
}

sign_report() {
	[ -n "$SIGN_KEY" ] || return 0
	if [ -n "$SIGN_SIGNER" ]; then
		printf '  "signer": %s,\n' "$(json_str "$SIGN_SIGNER")"
	else
		printf '  "signer": null,\n'
	fi
}
