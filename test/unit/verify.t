#!/usr/bin/env bash
# kpatch-build --verify (kpatch-build/lib/verify.sh) without a VM: a fake
# vm-run beside it records its arguments and plays a verdict; verify_module
# must pass the target's image, the module, kpatch and the patched modules
# to vm-run, turn each verdict into PASS or FAIL with the reason (the failed
# step, an Oops line, a taint, a setup error), exit 6 on failure and fill
# the report's "verified"/"verify_reason".  The real VM runs are
# test/integration/39-verify-sign.t.
# shellcheck disable=SC2030,SC2031 # kpatch-build's globals, set in subshells on purpose
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/kpatch-build/lib/common.sh"
T=$(mktemp -d /tmp/verify-t.XXXXXX)
trap 'rm -rf "$T"' EXIT

mkdir -p "$T/libexec" "$T/moddir" "$T/work"
touch "$T/vmlinuz" "$T/moddir/modules.dep"
printf '#!/bin/sh\nexit 0\n' >"$T/kpatch"
chmod +x "$T/kpatch"
echo module >"$T/m.ko"
# the fake vm-run: arguments to args, then $T/play (stdout, stderr, status)
cat >"$T/libexec/vm-run" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$@" >"$T/args"
cat "$T/play.out"
cat "$T/play.err" >&2
exit \$(cat "$T/play.rc")
EOF
chmod +x "$T/libexec/vm-run"

# play RC STDOUT STDERR: the next verdict of the fake vm-run
play() { echo "$1" >"$T/play.rc"; printf '%s' "$2" >"$T/play.out"; printf '%s' "$3" >"$T/play.err"; }

# verify [PARENT...]: verify_module in a subshell with kpatch-build's helpers
# stubbed; status in $rc, stderr in $T/err, the report lines in $T/report
verify() {
	rc=0
	(
		E_UNVERIFIED=6 KREL=6.1.0-99-amd64 MODNAME=livepatch_t WORK=$T/work
		LOG=$T/log LIBEXEC=$T/libexec MODDIR=$T/moddir KLPKIT_KPATCH=$T/kpatch
		KLPKIT_CACHE=$T/cache
		die() { case "$1" in [0-9]) local c=$1; shift ;; esac; echo "error: $*" >&2
			verify_report >"$T/report"; exit "${c:-1}"; }
		say() { echo "kpatch-build: $*" >&2; }
		kept_log() { echo "$KLPKIT_CACHE/logs/$MODNAME.$1.log"; }
		phase() { :; }
		waitfor() { "$@"; }
		provider() { echo "$T/vmlinuz"; }
		declare -A PARENT=()
		OBJS=()
		local p i=0
		for p in "$@"; do OBJS+=("o$i.o"); PARENT[o$i.o]=$p; i=$((i + 1)); done
		. "$TOPDIR/kpatch-build/lib/verify.sh"
		verify_option
		verify_module "$T/m.ko"
		verify_report >"$T/report"
	) 2>"$T/err" || rc=$?
}
err_has() { grep -qF -e "$1" "$T/err" || { diag "stderr: $(cat "$T/err")"; return 1; }; }

plan 10

play 0 $'[kpatch load] kpatch: livepatch_t: loaded and enabled\nKLPKIT-VERIFY-DONE\n' \
	$'vm-run: booting vmlinuz\nvm-run: PASS in 9.4s (taint 45056 = OEK)\n'
verify vmlinux
[ "$rc" = 0 ] && err_has "verify: PASS: livepatch_t.ko loaded in 6.1.0-99-amd64 (qemu), transition complete, disabled and unloaded; no warning or oops in dmesg, taint OEK; 9.4 s in the VM"
ok $? "a clean VM run: PASS with the taint and the time"
[ "$(cat "$T/report")" = $'  "verified": true,\n  "verify_reason": null,' ]
ok $? "report: verified true, no reason" || diag "$(cat "$T/report")"
grep -qx -- "--kernel" "$T/args" && grep -qx "$T/vmlinuz" "$T/args" && grep -qx "$T/work/verify/livepatch_t.ko" "$T/args" &&
	grep -qx "$T/kpatch:/usr/sbin/kpatch" "$T/args" && ! grep -qx -- --append "$T/args" && ! grep -qx -- --target-module "$T/args"
ok $? "vm-run gets the image, the module under its name, kpatch; a vmlinux patch loads no module" || diag "$(cat "$T/args")"
grep -q '^kpatch load /modules/livepatch_t.ko' "$T/work/verify/vm.sh" && grep -q '^kpatch unload livepatch_t' "$T/work/verify/vm.sh"
ok $? "the VM script loads and unloads with kpatch"

play 0 $'KLPKIT-VERIFY-DONE\n' $'vm-run: PASS in 9.0s (taint 45056 = OEK)\n'
KLPKIT_VERIFY_APPEND='module.sig_enforce=1' verify vmlinux ext4 ext4 nf_tables
[ "$rc" = 0 ] && [ "$(grep -A1 -x -- --target-module "$T/args" | grep -v -- '^--' | paste -sd' ')" = "ext4 nf_tables" ] &&
	grep -A1 -x -- --append "$T/args" | grep -qx module.sig_enforce=1 && grep -q '^modprobe ext4 ' "$T/work/verify/vm.sh"
ok $? "patched modules are loaded first (once each); KLPKIT_VERIFY_APPEND reaches the command line" || diag "$(cat "$T/args")"

play 1 $'[kpatch load] kpatch: /modules/livepatch_t.ko: kernel refused module livepatch_t: Invalid argument\n[dmesg] livepatch_t: Unknown symbol foo (err -2)\nFAIL: kpatch load exited with status 1: kernel refused module livepatch_t: Invalid argument\n' \
	$'vm-run: FAIL after 8.0s:\nvm-run:   - the test script failed with exit status 1\n'
verify vmlinux
[ "$rc" = 6 ] && err_has "verify: FAIL: livepatch_t.ko in 6.1.0-99-amd64 (qemu): kpatch load exited with status 1: kernel refused module livepatch_t: Invalid argument" &&
	err_has "  [dmesg] livepatch_t: Unknown symbol foo (err -2)" && ! grep -q 'exit status 1$' "$T/err"
ok $? "a failed load: exit 6, FAIL with kpatch's reason and the kernel's dmesg lines"
[ "$(sed -n 1p "$T/report")" = '  "verified": false,' ] &&
	grep -qF '"verify_reason": "kpatch load exited with status 1: kernel refused module livepatch_t: Invalid argument",' "$T/report"
ok $? "report: verified false with the reason" || diag "$(cat "$T/report")"

play 1 $'KLPKIT-VERIFY-DONE\n' \
	$'vm-run: FAIL after 12.0s:\nvm-run:   - kernel tainted 45568 (WOEK); not allowed: 512 (W), allowed mask 45056\nvm-run:   - dmesg reports problems: [ 3.1] WARNING: CPU: 0 PID: 1 at kernel/livepatch/core.c:1 (+4 more lines)\n'
verify vmlinux
[ "$rc" = 6 ] && err_has "FAIL: livepatch_t.ko in 6.1.0-99-amd64 (qemu): kernel tainted 45568 (WOEK); not allowed: 512 (W), allowed mask 45056; dmesg reports problems: [ 3.1] WARNING: CPU: 0 PID: 1 at kernel/livepatch/core.c:1 (+4 more lines)"
ok $? "a warning in dmesg and a taint after a clean load/unload: FAIL naming both"

play 2 '' $'vm-run: error: kernel image /x not found\n'
verify vmlinux
[ "$rc" = 6 ] && err_has "FAIL: livepatch_t.ko in 6.1.0-99-amd64 (qemu): vm-run could not start the VM: kernel image /x not found"
ok $? "vm-run cannot start the VM: FAIL with its error"

rc=0
( . "$TOPDIR/kpatch-build/lib/verify.sh"; verify_module "$T/m.ko"; [ -z "$(verify_report)" ] ) || rc=$?
[ "$rc" = 0 ]
ok $? "without --verify nothing runs and the report has no verified field"
[ "$TAP_FAILED" -eq 0 ]
