#!/usr/bin/env bash
# Module signing (kpatch-build --sign-key/--sign-cert, kpatch-build/lib/sign.sh):
# the option checks of kpatch-build (before anything is built), then
# sign_module on a small hand-made .ko in a fake target tree whose
# "make scripts" builds the kernel's own scripts/sign-file.c: modinfo names
# the certificate's CN and the hash of CONFIG_MODULE_SIG_HASH, the PKCS#7
# signature verifies against the certificate (openssl cms), and a target
# without CONFIG_MODULE_SIG, an already signed module are refused.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KB=$TOPDIR/kpatch-build/kpatch-build
T=$(mktemp -d /tmp/sign-t.XXXXXX)
trap 'rm -rf "$T"' EXIT

command -v openssl >/dev/null || skip_all "openssl is not installed"
CN='klpkit test'
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$CN" -days 2 \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=other" -days 2 \
	-keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
PATCH=$TOPDIR/kpatch-build/demo/cmdline-marker.patch

plan 16

# kb ARGS...: kpatch-build's status in $rc, stderr in $T/err
kb() {
	rc=0
	KLPKIT_CACHE=$T/cache "$KB" "$@" "$PATCH" >/dev/null 2>"$T/err" || rc=$?
}
err_has() { grep -q -e "$1" "$T/err" || { diag "stderr: $(cat "$T/err")"; return 1; }; }

# ------------------------------------------------ kpatch-build's option checks
kb --sign-key "$T/key.pem"
[ "$rc" = 2 ] && err_has 'error: --sign-key needs --sign-cert CERT'
ok $? "--sign-key without --sign-cert: usage error"
kb --sign-key "$T/no/key.pem" --sign-cert "$T/cert.pem"
[ "$rc" = 2 ] && err_has "error: signing key '$T/no/key.pem' not found (--sign-key)"
ok $? "a missing key: usage error naming it"
kb --sign-key "$T/cert.pem" --sign-cert "$T/cert.pem"
[ "$rc" = 2 ] && err_has "error: signing key '$T/cert.pem' is not a PEM private key"
ok $? "a key that is not a private key: usage error naming it"
kb --sign-key "$T/key.pem" --sign-cert "$T/key.pem"
[ "$rc" = 2 ] && err_has "error: signing certificate '$T/key.pem' is not a PEM X.509 certificate"
ok $? "a certificate that is not one: usage error naming it"
kb --sign-key "$T/other.key" --sign-cert "$T/cert.pem"
[ "$rc" = 2 ] && err_has "error: signing key '$T/other.key' does not match certificate '$T/cert.pem' (subject CN '$CN')"
ok $? "a key that does not match the certificate: usage error naming both"

# ------------------------------------------------ sign_module
# the kernel's sign-file source, from the prepared tree of the test kernel
TKREL=$(kernel_release 2>/dev/null) || TKREL=''
SRC=''
[ -z "$TKREL" ] || SRC=$("$TOPDIR/kpatch-build/kernel-cache" path "$TKREL" tree 2>/dev/null)/scripts/sign-file.c
if [ ! -f "$SRC" ]; then
	skip 11 "no prepared kernel tree with scripts/sign-file.c"
	exit 0
fi

# a fake target tree: a config, and "make scripts" builds scripts/sign-file
TREE=$T/tree
mkdir -p "$TREE/scripts"
cat >"$TREE/Makefile" <<EOF
.PHONY: scripts
scripts:
	gcc -o scripts/sign-file $SRC -lcrypto
EOF
config() {	# config SETTINGS...: the fake tree's .config
	printf '%s\n' CONFIG_LIVEPATCH=y "$@" >"$TREE/.config"
}
echo 'int klpkit_sign_test;' >"$T/obj.c"
gcc -c -o "$T/obj.o" "$T/obj.c"
printf '%s\0' name=livepatch_sign vermagic=6.1.0-99-amd64 license=GPL >"$T/modinfo"
objcopy --add-section .modinfo="$T/modinfo" --set-section-flags .modinfo=alloc,readonly \
	"$T/obj.o" "$T/unsigned.ko"

# sign KO: sign_module in a subshell with kpatch-build's helpers stubbed;
# status in $rc, messages in $T/err
sign() {
	rc=0
	(
		# shellcheck disable=SC2030 # this subshell only
		E_USAGE=2 KREL=6.1.0-99-amd64 LOG=$T/log
		die() { case "$1" in [0-9]) shift ;; esac; echo "error: $*" >&2; exit 1; }
		say() { echo "$*" >&2; }
		phase() { :; }
		run() { "$@" >>"$LOG" 2>&1; }
		json_str() { printf '"%s"' "$1"; }
		. "$TOPDIR/kpatch-build/lib/sign.sh"
		SIGN_KEY=$T/key.pem SIGN_CERT=$T/cert.pem
		sign_module "$1" && sign_report >"$T/report"
	) 2>"$T/err" || rc=$?
}

config CONFIG_MODULE_SIG=y 'CONFIG_MODULE_SIG_HASH="sha256"'
cp "$T/unsigned.ko" "$T/m.ko"
sign "$T/m.ko"
[ "$rc" = 0 ] && [ -x "$TREE/scripts/sign-file" ]
ok $? "sign_module builds the tree's scripts/sign-file (make scripts) and signs" || diag "$(cat "$T/err" "$T/log")"
[ "$(modinfo -F signer "$T/m.ko")" = "$CN" ]
ok $? "modinfo -F signer names the certificate's CN" || diag "signer: $(modinfo -F signer "$T/m.ko")"
[ "$(modinfo -F sig_hashalgo "$T/m.ko")" = sha256 ]
ok $? "the hash is CONFIG_MODULE_SIG_HASH's (sha256)"
grep -q "\"signer\": \"$CN\"" "$T/report"
ok $? "the report names the signer"

# verify_sig KO CERT: the PKCS#7 signature of KO (struct module_signature:
# 12 bytes, sig_len big-endian at 8; then the 28-byte marker) against CERT
verify_sig() {
	local len siglen
	len=$(stat -c %s "$1")
	siglen=$((16#$(tail -c $((28 + 4)) "$1" | head -c 4 | od -An -tx1 | tr -d ' \n')))
	head -c $((len - 28 - 12 - siglen)) "$1" >"$T/content"
	tail -c $((28 + 12 + siglen)) "$1" | head -c "$siglen" >"$T/sig.der"
	openssl cms -verify -binary -inform DER -in "$T/sig.der" -content "$T/content" \
		-certfile "$2" -noverify -out /dev/null 2>"$T/cms.err"
}
verify_sig "$T/m.ko" "$T/cert.pem" && cmp -s "$T/content" "$T/unsigned.ko"
ok $? "the signature verifies against the certificate (openssl cms), over the unsigned module" || diag "$(cat "$T/cms.err")"
cp "$T/m.ko" "$T/tampered.ko"
printf 'X' | dd of="$T/tampered.ko" bs=1 seek=100 conv=notrunc 2>/dev/null
! verify_sig "$T/tampered.ko" "$T/cert.pem" && ! verify_sig "$T/m.ko" "$T/other.pem"
ok $? "the check is real: a changed module or another certificate does not verify"

sign "$T/m.ko"
[ "$rc" = 1 ] && grep -q 'error: m.ko is already signed' "$T/err"
ok $? "an already signed module is refused" || diag "$(cat "$T/err")"

config CONFIG_MODULE_SIG=y 'CONFIG_MODULE_SIG_HASH="sha512"'
cp "$T/unsigned.ko" "$T/m512.ko"
sign "$T/m512.ko"
[ "$rc" = 0 ] && [ "$(modinfo -F sig_hashalgo "$T/m512.ko")" = sha512 ] && verify_sig "$T/m512.ko" "$T/cert.pem"
ok $? "CONFIG_MODULE_SIG_HASH=\"sha512\": signed with sha512" || diag "$(cat "$T/err")"

config '# CONFIG_MODULE_SIG is not set'
cp "$T/unsigned.ko" "$T/nosig.ko"
sign "$T/nosig.ko"
[ "$rc" = 1 ] && grep -q "error: 6.1.0-99-amd64's config has no CONFIG_MODULE_SIG: that kernel does not check module signatures" "$T/err" &&
	cmp -s "$T/nosig.ko" "$T/unsigned.ko"
ok $? "a target without CONFIG_MODULE_SIG: refused, module untouched" || diag "$(cat "$T/err")"

config CONFIG_MODULE_SIG=y 'CONFIG_MODULE_SIG_HASH="sha256"'
rm -f "$TREE/scripts/sign-file"
printf '.PHONY: scripts\nscripts: ; @echo no sign-file here\n' >"$TREE/Makefile"
cp "$T/unsigned.ko" "$T/nobuild.ko"
sign "$T/nobuild.ko"
[ "$rc" = 1 ] && grep -q "error: make scripts in $TREE did not build scripts/sign-file" "$T/err"
ok $? "a tree whose make scripts builds no sign-file: refused, naming the tree" || diag "$(cat "$T/err")"

# sign_module does nothing without --sign-key
rc=0
( . "$TOPDIR/kpatch-build/lib/sign.sh"; sign_module "$T/unsigned.ko"; [ -z "$(sign_report)" ] ) || rc=$?
[ "$rc" = 0 ] && ! modinfo -F signer "$T/unsigned.ko" | grep -q .
ok $? "without --sign-key nothing is signed and the report has no signer"
[ "$TAP_FAILED" -eq 0 ]
