#!/usr/bin/env bash
# kpatch-build --verify and --sign-key/--sign-cert on a real patch
# (debian-6.1/cmdline-string.patch) for the test kernel:
#   1. --verify --sign-key/--sign-cert --report: exit 0, the report says
#      "verified": true and names the signer; modinfo -F signer is the
#      certificate's CN; the PKCS#7 signature (the tree's
#      scripts/extract-module-sig.pl) verifies against the certificate;
#   2. --verify with KLPKIT_VERIFY_APPEND=module.sig_enforce=1 and no
#      signing: the kernel refuses the unsigned module, exit 6, no module
#      written, "verified": false with kpatch load's reason (the signature
#      message of kpatch load, the kernel's own line in the kept console log);
#   3. in the VM (vm-run) with module.sig_enforce=1, the module signed in 1.
#      by a key the kernel does not trust is refused with kpatch's message
#      naming the signer and the fix.
# Run it under flock /tmp/klpkit-kbuild.lock (it compiles kernel objects).
set -u
. "$(dirname "$0")/lib/common.sh"
KPB=$KLP_TOPDIR/kpatch-build/kpatch-build
PATCH=$KLP_TOPDIR/test/integration/debian-6.1/cmdline-string.patch
NAME=livepatch_verify_sign
CN='klpkit test'

klp_need_kernel
command -v openssl >/dev/null || bail "openssl is not installed"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/tmp" "$W/out" "$W/cache-logs"
tap_plan 12

openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$CN" -days 2 \
	-keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null || bail "openssl req failed"

# 1. verified and signed
KO=$W/out/$NAME.ko
TMPDIR=$W/tmp "$KPB" -a "$KREL" -n "$NAME" -o "$W/out" --verify \
	--sign-key "$W/key.pem" --sign-cert "$W/cert.pem" --report "$W/R.json" "$PATCH" >"$W/ok.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ -f "$KO" ] && grep -q "verify: PASS: $NAME.ko loaded in $KREL" "$W/ok.out"
tap_result $? "--verify --sign-key --sign-cert: exit 0, module written, PASS printed" "$W/ok.out"
[ "$(jq -r '.verified, .verify_reason, .signer, .exit_code' "$W/R.json" 2>/dev/null | paste -sd' ')" = "true null $CN 0" ]
tap_result $? "the report: \"verified\": true, no reason, \"signer\": \"$CN\"" "$W/R.json"
[ "$(modinfo -F signer "$KO")" = "$CN" ] && [ "$(modinfo -F sig_hashalgo "$KO")" = \
	"$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$TREE/.config")" ]
tap_result $? "modinfo -F signer is the certificate's CN, the hash the config's"
perl "$TREE/scripts/extract-module-sig.pl" -s "$KO" >"$W/sig.der" 2>/dev/null &&
	perl "$TREE/scripts/extract-module-sig.pl" -0 "$KO" >"$W/content" 2>/dev/null &&
	openssl cms -verify -binary -inform DER -in "$W/sig.der" -content "$W/content" \
		-certfile "$W/cert.pem" -noverify -out /dev/null 2>"$W/cms.err"
tap_result $? "the module's PKCS#7 signature verifies against the certificate (openssl cms)" "$W/cms.err"

# 2. verification fails: the kernel enforces signatures, the module is unsigned
mkdir -p "$W/signed"
[ ! -f "$KO" ] || mv "$KO" "$W/signed/$NAME.ko"
KLPKIT_VERIFY_APPEND=module.sig_enforce=1 TMPDIR=$W/tmp \
	"$KPB" -a "$KREL" -n "$NAME" -o "$W/out" --verify --report "$W/R2.json" "$PATCH" >"$W/fail.out" 2>&1
rc=$?
[ "$rc" -eq 6 ] && [ ! -e "$KO" ]
tap_result $? "--verify with module.sig_enforce=1 and an unsigned module: exit 6, no module written" "$W/fail.out"
grep -q "verify: FAIL: $NAME.ko in $KREL (qemu): kpatch load exited with status 1: " "$W/fail.out"
tap_result $? "FAIL printed with the reason" "$W/fail.out"
[ "$(jq -r '.verified, .exit_code, .output' "$W/R2.json" 2>/dev/null | paste -sd' ')" = "false 6 null" ] &&
	jq -r .verify_reason "$W/R2.json" | grep -q "refused because of its signature (EKEYREJECTED): the kernel enforces module signatures (module.sig_enforce=1); /modules/$NAME.ko is unsigned"
tap_result $? "the report: \"verified\": false, the reason is kpatch load's signature message" "$W/R2.json"
grep -q "\[kpatch load\] kpatch: fix: sign the module .*mokutil --import CERT.der" "$W/fail.out"
tap_result $? "kpatch load's fix is shown" "$W/fail.out"
log=$(sed -n 's/^kpatch-build: verify: console log of the VM: //p' "$W/fail.out")
grep -q '^  \[dmesg\] .*Loading of unsigned module is rejected' "$W/fail.out" && [ -f "$log" ] &&
	grep -q 'Loading of unsigned module is rejected' "$log"
tap_result $? "the kernel's own refusal (dmesg) is shown, the console log kept" "$W/fail.out"
[ -z "$log" ] || rm -f "$log"

# 3. signed by a key the kernel does not trust, in the VM
cat >"$W/vm.sh" <<EOF
rc=0
kpatch load /modules/$NAME.ko >/tmp/out 2>&1 || rc=\$?
sed 's/^/[kpatch] /' /tmp/out
echo "load status \$rc"
EOF
"$KLP_VM_RUN" --krel "$KREL" --append module.sig_enforce=1 --module "$W/signed/$NAME.ko" \
	--bin "$KLP_TOPDIR/kpatch/kpatch:/usr/sbin/kpatch" --script "$W/vm.sh" >"$W/vm.out" 2>"$W/vm.err"
mv "$W/vm.out" "$W/vm.out.raw"
tr -d '\r' <"$W/vm.out.raw" >"$W/vm.out"
vmrc=$?
[ "$vmrc" -eq 0 ] && grep -q '^load status 1' "$W/vm.out" &&
	grep -q "^\[kpatch\] kpatch: /modules/$NAME.ko: kernel refused module $NAME: Key was rejected by service" "$W/vm.out"
tap_result $? "VM with module.sig_enforce=1: the kernel refuses the signed module (EKEYREJECTED), kpatch load status 1" "$W/vm.out"
grep -q "\[kpatch\] kpatch: $NAME: refused because of its signature (EKEYREJECTED): the kernel enforces module signatures (module.sig_enforce=1); /modules/$NAME.ko is signed by '$CN', a key the kernel does not trust" "$W/vm.out"
tap_result $? "kpatch names the signer the kernel does not trust" "$W/vm.out"
grep -q "\[kpatch\] kpatch: fix: .*kpatch-build --sign-key KEY.pem --sign-cert CERT.pem.*mokutil --import CERT.der" "$W/vm.out"
tap_result $? "and the fix (sign with a trusted key, enroll it with mokutil --import)" "$W/vm.out"
tap_done
