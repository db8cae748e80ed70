#!/usr/bin/env bash
# Integration test of kernel-cache and vm-run: prepare Debian's stock 6.1
# kernel (or $KLPKIT_TEST_KREL), build the kernel's own livepatch sample against
# the prepared tree, boot the distro kernel in qemu and watch it patch and
# unpatch /proc/cmdline; then check that vm-run notices failing scripts,
# panics, warnings, bad taint and hangs.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$HERE/lib/common.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-00-vm-sample.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- kernel

klp_need_kernel

tap_plan 16
# shellcheck disable=SC2153 # KREL and TREE come from klp_need_kernel
tap_diag "kernel $KREL, tree $TREE (kernel-cache prepare: ${PREPARE_S}s)"

t0=$SECONDS
again=$(klp_prepare "$KREL" 2>"$TMP/prepare2.err")
if [ "$again" = "$TREE" ] && grep -q 'already prepared' "$TMP/prepare2.err" && ((SECONDS - t0 < 30)); then
	tap_ok "a second prepare is a quick no-op ($((SECONDS - t0))s)"
else
	tap_not_ok "a second prepare is a quick no-op"
	tap_diag - <"$TMP/prepare2.err"
fi

paths_ok=1
for what in dir tree vmlinux vmlinuz config boot-config symvers modules system-map source-tarball; do
	if ! p=$("$KLP_KERNEL_CACHE" path "$KREL" "$what") || [ ! -e "$p" ]; then
		paths_ok=0
		tap_diag "kernel-cache path $KREL $what failed or does not exist: '$p'"
	fi
done
"$KLP_KERNEL_CACHE" path "$KREL" no-such-thing >/dev/null 2>&1
[ $? = 2 ] || { paths_ok=0; tap_diag "an unknown WHAT does not fail with status 2"; }
tap_check "kernel-cache path gives existing files for every WHAT" [ "$paths_ok" = 1 ]

# the package set: one Debian version for all four packages, or refusal
VERSION=$("$KLP_KERNEL_CACHE" info "$KREL" | sed -n 's/^VERSION=//p')
SERIES=$("$KLP_KERNEL_CACHE" info "$KREL" | sed -n 's/^SERIES=//p')
dry=$(KLPKIT_CACHE=$TMP/cache "$KLP_KERNEL_CACHE" fetch "$KREL" --dry-run 2>"$TMP/dry.err")
n=$(grep -o "=$VERSION\b" <<<"$dry" | wc -l)
if [ "$n" = 4 ] && [[ $dry == *"linux-image-$KREL-dbg=$VERSION"* ]] && [[ $dry == *"linux-source-$SERIES=$VERSION"* ]] &&
	[ ! -e "$TMP/cache/$KREL/info" ]; then
	tap_ok "fetch --dry-run pins all four packages to $VERSION and writes nothing"
else
	tap_not_ok "fetch --dry-run pins all four packages to $VERSION and writes nothing"
	tap_diag "$dry"
	tap_diag - <"$TMP/dry.err"
fi
# an apt that lacks linux-source-X.Y at the image's version
mkdir -p "$TMP/fakebin"
cat >"$TMP/fakebin/apt-cache" <<EOF
#!/bin/bash
/usr/bin/apt-cache "\$@" | awk 'BEGIN { RS = ""; ORS = "\n\n" }
	!(index(\$0, "Package: linux-source-$SERIES\n") && index(\$0, "Version: $VERSION\n"))'
EOF
chmod +x "$TMP/fakebin/apt-cache"
PATH=$TMP/fakebin:$PATH KLPKIT_CACHE=$TMP/cache "$KLP_KERNEL_CACHE" fetch "$KREL" >/dev/null 2>"$TMP/mismatch.err"
rc=$?
if [ "$rc" = 1 ] && grep -q "refusing a mismatched package set" "$TMP/mismatch.err" &&
	grep -q "linux-source-$SERIES=$VERSION is not available" "$TMP/mismatch.err" && [ ! -e "$TMP/cache/$KREL" ]; then
	tap_ok "fetch refuses a set whose linux-source is not at the image's version"
else
	tap_not_ok "fetch refuses a set whose linux-source is not at the image's version (exit $rc)"
	tap_diag - <"$TMP/mismatch.err"
fi

# ---------------------------------------------------------------- sample

KO=$(build_sample_livepatch "$TMP/mod" 2>"$TMP/build.err")
if [ -n "$KO" ] && [ -f "$KO" ]; then
	tap_ok "samples/livepatch/livepatch-sample.c builds as an external module"
else
	tap_not_ok "samples/livepatch/livepatch-sample.c builds as an external module"
	tap_diag - <"$TMP/build.err"
fi

vermagic=$(modinfo -F vermagic "$KO" 2>/dev/null | sed 's/ *$//')
tap_check "vermagic is '$KREL SMP preempt mod_unload modversions' (got '$vermagic')" \
	[ "$vermagic" = "$KREL SMP preempt mod_unload modversions" ]
tap_check "modinfo says livepatch=Y" [ "$(modinfo -F livepatch "$KO" 2>/dev/null)" = Y ]

# ---------------------------------------------------------------- VM: the sample

cat >"$TMP/sample.sh" <<'EOF'
orig=$(cat /proc/cmdline)
log "cmdline before: $orig"
insmod /modules/livepatch-sample.ko
wait_transition livepatch_sample
patch_enabled livepatch_sample || fail "livepatch_sample is not enabled"
now=$(cat /proc/cmdline)
log "cmdline patched: $now"
assert_contains "$now" "this has been live patched" "/proc/cmdline"
[ -d /sys/kernel/livepatch/livepatch_sample/vmlinux/cmdline_proc_show,1 ] || fail "no sysfs entry for cmdline_proc_show"
assert_eq "$(cat /sys/kernel/livepatch/livepatch_sample/vmlinux/patched)" 1 "vmlinux object patched flag"
disable_patch livepatch_sample
assert_eq "$(cat /proc/cmdline)" "$orig" "/proc/cmdline after disabling"
rmmod livepatch_sample
lsmod | grep -q livepatch_sample && fail "livepatch_sample still loaded after rmmod"
# a livepatch was applied: taint K (0x8000) stays set after unloading;
# vm-run checks that no bit beyond O|E|K is set
t=$(taint)
[ $((t & 0x8000)) -ne 0 ] || fail "taint $t: K (livepatch) is not set after a livepatch was applied"
log "taint: $t (K set)"
EOF
out=$("$KLP_VM_RUN" --krel "$KREL" --module "$KO" --script "$TMP/sample.sh" --log "$TMP/sample.log" 2>"$TMP/sample.err")
rc=$?
tap_diag - <<<"$out"
tap_diag - <"$TMP/sample.err"
tap_check "VM: the sample patches /proc/cmdline, disables and unloads cleanly" [ "$rc" = 0 ]
case "$out" in
*"cmdline patched: console=ttyS0"*) tap_not_ok "vm-run passes the script's output to stdout" ;;
*"cmdline patched: $KLP_SAMPLE_TEXT"*) tap_ok "vm-run passes the script's output to stdout" ;;
*) tap_not_ok "vm-run passes the script's output to stdout" ;;
esac

# ---------------------------------------------------------------- VM: runner features

cat >"$TMP/features.sh" <<'EOF'
#!/bin/bash
# runs under bash (copied in because of the #! line)
log "bash $BASH_VERSION, KREL=$KREL, FOO=$FOO"
[ "$FOO" = "a b'c" ] || fail "--env value mangled: $FOO"
modprobe vxlan
lsmod | grep -q '^udp_tunnel' || fail "dependency udp_tunnel not loaded by modprobe"
lsmod | grep -q '^vxlan' || fail "vxlan not loaded"
modprobe -r vxlan
assert_eq "$(cat /data/hello.txt)" "hello from the host" "--file"
hello-tool | grep -q 'dynamic ok' || fail "--bin tool did not run"
[ -d /sys/kernel/debug/tracing ] || [ -d /sys/kernel/debug ] || fail "debugfs not mounted"
EOF
cat >"$TMP/hello-tool.c" <<'EOF'
#include <stdio.h>
#include <zlib.h>
int main(void) { printf("dynamic ok (zlib %s)\n", zlibVersion()); return 0; }
EOF
echo "hello from the host" >"$TMP/hello.txt"
if gcc -O1 -o "$TMP/hello-tool" "$TMP/hello-tool.c" -lz 2>"$TMP/cc.err"; then
	"$KLP_VM_RUN" --krel "$KREL" --target-module vxlan --bin "$TMP/hello-tool" \
		--file "$TMP/hello.txt:/data/hello.txt" --env "FOO=a b'c" \
		--script "$TMP/features.sh" >"$TMP/features.out" 2>&1
	rc=$?
	tap_diag - <"$TMP/features.out"
	tap_check "VM: --target-module with deps, --bin with shared libs, --file, --env, bash script" [ "$rc" = 0 ]
else
	tap_diag - <"$TMP/cc.err"
	tap_not_ok "VM: --target-module with deps, --bin with shared libs, --file, --env, bash script (cannot compile the tool)"
fi

# ---------------------------------------------------------------- VM: failures must be reported

# expect_fail DESC PATTERN VM-RUN-ARGS...: vm-run must exit 1 and say PATTERN
expect_fail() {
	local desc=$1 pat=$2 rc
	shift 2
	"$KLP_VM_RUN" --krel "$KREL" "$@" >"$TMP/neg.out" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && grep -qE -- "$pat" "$TMP/neg.out"; then
		tap_ok "$desc"
		grep -E -- "$pat" "$TMP/neg.out" | head -n 3 | tap_diag -
	else
		tap_not_ok "$desc (exit $rc, wanted 1 and /$pat/)"
		tap_diag - <"$TMP/neg.out"
	fi
}

printf 'log "about to fail"\nfalse\nlog "not reached"\n' >"$TMP/fail.sh"
expect_fail "VM: a failing script command makes vm-run fail (sh -e semantics)" \
	'test script failed with exit status 1' --script "$TMP/fail.sh"
if grep -q 'not reached' "$TMP/neg.out"; then
	tap_not_ok "VM: the script stops at the first failing command"
else
	tap_ok "VM: the script stops at the first failing command"
fi

printf 'log "crashing the kernel"\necho c > /proc/sysrq-trigger\nlog "still alive?"\n' >"$TMP/panic.sh"
expect_fail "VM: a kernel panic (sysrq c) is detected" 'kernel panic' --script "$TMP/panic.sh"

cat >"$TMP/klp_warn.c" <<'EOF'
#include <linux/module.h>
#include <linux/bug.h>

static int __init klp_warn_init(void)
{
	WARN(1, "klpkit vm-run self-test warning\n");
	return 0;
}

static void __exit klp_warn_exit(void)
{
}

module_init(klp_warn_init);
module_exit(klp_warn_exit);
MODULE_LICENSE("GPL");
EOF
WARN_KO=$(build_ext_module "$TMP/mod" klp_warn "$TMP/klp_warn.c" 2>"$TMP/warn-build.err")
if [ -f "$WARN_KO" ]; then
	printf 'insmod /modules/klp_warn.ko\nlog "module loaded"\n' >"$TMP/warn.sh"
	expect_fail "VM: a kernel WARNING is detected (dmesg and taint W)" \
		'dmesg reports problems: .*WARNING:' --module "$WARN_KO" --script "$TMP/warn.sh"
	grep -q 'not allowed: 512 (W)' "$TMP/neg.out" || tap_diag "(taint W was not reported as not allowed)"
	"$KLP_VM_RUN" --krel "$KREL" --module "$WARN_KO" --script "$TMP/warn.sh" \
		--allow-taint 0xb200 --allow-dmesg 'WARNING:|Call Trace' >"$TMP/warn-allowed.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || tap_diag - <"$TMP/warn-allowed.out"
	tap_check "VM: --allow-taint and --allow-dmesg accept an expected warning" [ "$rc" = 0 ]
else
	tap_diag - <"$TMP/warn-build.err"
	tap_not_ok "VM: a kernel WARNING is detected (cannot build the module)"
	tap_not_ok "VM: --allow-taint and --allow-dmesg accept an expected warning (cannot build the module)"
fi

printf 'log "hanging"\nsleep 1000\n' >"$TMP/hang.sh"
expect_fail "VM: a hang is cut by --timeout" 'timeout: the VM did not power off within 25s' \
	--timeout 25 --script "$TMP/hang.sh"

tap_done
