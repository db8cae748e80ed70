#!/usr/bin/env bash
# Integration test of the kpatch runtime tool on Debian's 6.1 kernel (or
# $KLPKIT_KREL) in qemu: load/list/info/unload of the kernel's livepatch
# sample, install + load --all + uninstall, refusal of a module whose
# vermagic names another release and of a module that is not a livepatch,
# refusal of module files a user other than root could change (and loading
# once the printed fix is applied), and a stalled transition (a kernel thread
# sleeping inside the function a livepatch replaces) that kpatch reports,
# signals and reverses.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$HERE/lib/common.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-10-kpatch-cli.XXXXXX")
# KLPKIT_KEEP=1 keeps the modules, the VM script and its console log
if [ -n "${KLPKIT_KEEP:-}" ]; then
	echo "# keeping $TMP" >&2
else
	trap 'rm -rf "$TMP"' EXIT
fi

# Checks made inside the VM (each prints "TAP ok|not ok - DESC").
VM_CHECKS=34
HOST_CHECKS=5

# ---------------------------------------------------------------- kernel

klp_need_kernel

tap_plan $((HOST_CHECKS + VM_CHECKS))
# shellcheck disable=SC2153 # KREL and TREE come from klp_need_kernel
tap_diag "kernel $KREL, tree $TREE"

# ---------------------------------------------------------------- host side

# kpatch without sanitizers (the VM has no ASan runtime), built aside
VERSION=$(sed -n 's/^VERSION *:= *//p' "$KLP_TOPDIR/mk/common.mk")
if gcc -std=gnu11 -O2 -g -Wall -D_GNU_SOURCE -DPROJECT_VERSION="\"$VERSION\"" \
	-o "$TMP/kpatch" "$KLP_TOPDIR"/kpatch/*.c -lkmod 2>"$TMP/cc.err"; then
	tap_ok "plain kpatch build for the VM"
else
	tap_not_ok "plain kpatch build for the VM"
	tap_diag - <"$TMP/cc.err"
	exit 1
fi

mkdir -p "$TMP/mod"
SAMPLE=$(build_sample_livepatch "$TMP/mod" 2>"$TMP/sample.err")
tap_check "build samples/livepatch/livepatch-sample.ko" [ -f "$SAMPLE" ]
[ -f "$SAMPLE" ] || { tap_diag - <"$TMP/sample.err"; exit 1; }

# The target: a kernel thread that sleeps inside klp_busy_fn() until the
# module is removed, so a livepatch of klp_busy_fn cannot switch it.
cat >"$TMP/klp_busy_target.c" <<'EOF'
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>

static struct task_struct *busy_task;

noinline void klp_busy_fn(void)
{
	pr_info("klp_busy_target: sleeping in klp_busy_fn\n");
	while (!kthread_should_stop())
		msleep_interruptible(50);
}

static int klp_busy_thread(void *arg)
{
	klp_busy_fn();
	return 0;
}

static int __init klp_busy_init(void)
{
	busy_task = kthread_run(klp_busy_thread, NULL, "klp_busy");
	return PTR_ERR_OR_ZERO(busy_task);
}

static void __exit klp_busy_exit(void)
{
	kthread_stop(busy_task);
}

module_init(klp_busy_init);
module_exit(klp_busy_exit);
MODULE_LICENSE("GPL");
EOF
# The livepatch replacing klp_busy_fn in the module klp_busy_target.
cat >"$TMP/klp_busy_patch.c" <<'EOF'
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

static void livepatch_klp_busy_fn(void)
{
	pr_info("klp_busy_patch: replacement klp_busy_fn\n");
}

static struct klp_func funcs[] = {
	{ .old_name = "klp_busy_fn", .new_func = livepatch_klp_busy_fn, },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "klp_busy_target", .funcs = funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klp_busy_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit klp_busy_patch_exit(void)
{
}

module_init(klp_busy_patch_init);
module_exit(klp_busy_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
EOF
TARGET=$(build_ext_module "$TMP/mod" klp_busy_target "$TMP/klp_busy_target.c" 2>"$TMP/target.err")
BUSY=$(build_ext_module "$TMP/mod" klp_busy_patch "$TMP/klp_busy_patch.c" 2>"$TMP/busy.err")
tap_check "build the stall test modules (klp_busy_target, klp_busy_patch)" \
	[ -f "$TARGET" ] && [ -f "$BUSY" ]
[ -f "$TARGET" ] || tap_diag - <"$TMP/target.err"
[ -f "$BUSY" ] || tap_diag - <"$TMP/busy.err"

# The sample with another release in its vermagic (same length, so the
# .modinfo layout is unchanged): a real module built for "another kernel".
OTHER=$(echo "$KREL" | tr '0-9' '9876543210')
objcopy -O binary --only-section=.modinfo "$SAMPLE" "$TMP/modinfo"
LC_ALL=C sed "s/vermagic=$KREL /vermagic=$OTHER /" "$TMP/modinfo" >"$TMP/modinfo.other"
objcopy --update-section .modinfo="$TMP/modinfo.other" "$SAMPLE" "$TMP/mod/livepatch-other.ko"
tap_check "vermagic-mismatched copy of the sample ($OTHER)" \
	[ "$(modinfo -F vermagic "$TMP/mod/livepatch-other.ko" | cut -d' ' -f1)" = "$OTHER" ]

# ---------------------------------------------------------------- VM script

cat >"$TMP/vm.sh" <<'EOF'
LP=/sys/kernel/livepatch
check() { # check DESC CMD...: one TAP line, never stops the script
	_d=$1
	shift
	if "$@"; then echo "TAP ok - $_d"; else echo "TAP not ok - $_d"; fi
}
has() { grep -q -e "$2" "$1" || { echo "# $1 lacks '$2':"; sed 's/^/#   /' "$1"; return 1; }; }
kp() { # kp ARGS...: run kpatch, output in /tmp/out and /tmp/err, status in $rc
	rc=0
	kpatch "$@" >/tmp/out 2>/tmp/err || rc=$?
	sed 's/^/[kpatch out] /' /tmp/out
	sed 's/^/[kpatch err] /' /tmp/err
}
status() { [ "$rc" = "$1" ] || { echo "# exit status $rc, expected $1"; return 1; }; }
loaded() { grep -q "^$1 " /proc/modules; }

orig=$(cat /proc/cmdline)
kp version
check "kpatch version runs in the VM" eval 'status 0 && [ -s /tmp/out ]'

kp info /modules/livepatch-sample.ko
check "info of the sample: modinfo, livepatch=Y, not loaded" \
	eval 'status 0 && has /tmp/out "^name: *livepatch_sample" && has /tmp/out "^vermagic: *$KREL SMP" && has /tmp/out "^loaded: *no"'

kp load /modules/livepatch-sample.ko
check "load of the sample: status 0" status 0
check "the sample patched /proc/cmdline" eval '[ "$(cat /proc/cmdline)" = "this has been live patched" ]'
kp list
check "list shows the sample enabled with its object and function" \
	eval 'status 0 && has /tmp/out "^livepatch_sample \[enabled\]$" && has /tmp/out "^  vmlinux \[patched\] cmdline_proc_show,1$"'
kp info /modules/livepatch-sample.ko
check "info of the loaded sample: enabled, functions from sysfs" \
	eval 'status 0 && has /tmp/out "^loaded: *enabled" && has /tmp/out "^  vmlinux:cmdline_proc_show$"'
kp load /modules/livepatch-sample.ko
check "loading it again: status 0, already loaded" eval 'status 0 && has /tmp/err "already loaded"'
kp signal
check "signal without a transition: status 0" eval 'status 0 && has /tmp/err "no livepatch in transition"'
kp unload livepatch_sample
check "unload of the sample: status 0" status 0
check "unload restored /proc/cmdline, removed the patch and the module" \
	eval '[ "$(cat /proc/cmdline)" = "$orig" ] && [ ! -e $LP/livepatch_sample ] && ! loaded livepatch_sample'
kp unload livepatch_sample
check "unload of a patch not loaded: status 1" status 1

dmesg -c >/dev/null
kp load /modules/livepatch-other.ko
check "load of a module built for another release: status 3, vermagic reason" \
	eval 'status 3 && has /tmp/err "built for kernel $OTHER, not $KREL"'
check "the mismatched module never reached the kernel" \
	eval '! loaded livepatch_sample && ! dmesg | grep -qi "magic"'
kp load /modules/klp_busy_target.ko
check "load of a module that is not a livepatch: status 3" \
	eval 'status 3 && has /tmp/err "not a livepatch module" && ! loaded klp_busy_target'

kp install /modules/livepatch-sample.ko
check "install puts the sample under /var/lib/klpkit/KREL/" \
	eval 'status 0 && [ -f /var/lib/klpkit/$KREL/livepatch-sample.ko ]'
kp install -k 6.1.0-0-amd64 /modules/livepatch-sample.ko
check "install -k with another release: status 3" status 3
kp list
check "list shows the installed sample" eval 'status 0 && has /tmp/out "^livepatch_sample ($KREL)$"'
kp load --all
check "load --all loads the installed sample" \
	eval 'status 0 && [ "$(cat /proc/cmdline)" = "this has been live patched" ]'
kp unload --all
check "unload --all unloads it" eval 'status 0 && [ "$(cat /proc/cmdline)" = "$orig" ] && ! loaded livepatch_sample'
kp load livepatch-sample
check "load by installed name" eval 'status 0 && [ "$(cat /proc/cmdline)" = "this has been live patched" ]'
kp unload livepatch-sample.ko
check "unload by file name" eval 'status 0 && ! loaded livepatch_sample'
kp uninstall livepatch_sample
check "uninstall removes the module and the emptied directories" \
	eval 'status 0 && [ ! -e /var/lib/klpkit ]'

# trust boundary: a module someone but root could change is refused
mkdir -m 775 /tmp/gw
cp /modules/livepatch-sample.ko /tmp/gw/
kp load /tmp/gw/livepatch-sample.ko
check "load from a group-writable directory: status 3, names it and the fix" \
	eval 'status 3 && has /tmp/err "refused: directory /tmp/gw is writable by group (mode 0775)" && has /tmp/err "fix: chmod go-w /tmp/gw$" && ! loaded livepatch_sample'
kp install /modules/livepatch-sample.ko
IMOD=/var/lib/klpkit/$KREL/livepatch-sample.ko
chown 65534 "$IMOD"
kp load --all
check "load --all refuses an installed module not owned by root: status 3, path and fix" \
	eval 'status 3 && has /tmp/err "refused: file $IMOD is owned by uid 65534, not root" && has /tmp/err "fix: chown root:root $IMOD$" && ! loaded livepatch_sample && [ ! -e $LP/livepatch_sample ]'
chown 0:0 "$IMOD" # the printed fix; the initramfs has no /etc/passwd for "root"
kp load --all
check "after the fix, load --all loads it" \
	eval 'status 0 && [ "$(cat /proc/cmdline)" = "this has been live patched" ]'
kp unload --all
kp uninstall livepatch_sample
check "unload and uninstall after the trust checks" \
	eval 'status 0 && ! loaded livepatch_sample && [ ! -e /var/lib/klpkit ]'

busy_pid() { # the pid of the kthread klp_busy (busybox has no pgrep here)
	for _c in /proc/[0-9]*/comm; do
		[ "$(cat "$_c" 2>/dev/null)" = klp_busy ] || continue
		_c=${_c%/comm}
		echo "${_c#/proc/}"
		return 0
	done
	return 1
}
busy_sleeping() { _p=$(busy_pid) && grep -q klp_busy_fn "/proc/$_p/stack"; }
insmod /modules/klp_busy_target.ko
wait_for busy_sleeping 30 "klp_busy sleeping in klp_busy_fn"
log "klp_busy (pid $(busy_pid)) stack: $(tr '\n' ' ' <"/proc/$(busy_pid)/stack")"
kp load -t 3 -s 3 /modules/klp_busy_patch.ko
check "stalled load: status 4" status 4
check "stalled load names the blocking kthread and its stack" \
	eval 'has /tmp/err "klp_busy: patch_state 0, target 1" && has /tmp/err "klp_busy_fn"'
check "stalled load signalled (or left it to the kernel), then reversed" \
	eval '{ has /tmp/err "signalled blocking tasks" || has /tmp/err "the kernel signals blocking tasks by itself"; } && has /tmp/err "reversing the transition" && has /tmp/err "system is as before"'
check "after the stall the patch and its module are gone" \
	eval '[ ! -e $LP/klp_busy_patch ] && ! loaded klp_busy_patch && loaded klp_busy_target'
kp list
check "list shows no loaded patch after the revert" \
	eval 'status 0 && [ "$(sed -n 2p /tmp/out)" = "" ]'
kpatch load -t 8 -s 4 /modules/klp_busy_patch.ko >/tmp/bg.out 2>/tmp/bg.err &
bg=$!
wait_for '[ -d $LP/klp_busy_patch ]' 30 "klp_busy_patch in sysfs"
log "sysfs of the patch in transition: $(ls $LP/klp_busy_patch | tr '\n' ' ')"
kp list
check "list during the stalled transition: enabling... and the blocking kthread" \
	eval 'status 0 && has /tmp/out "^klp_busy_patch \[enabling...\]$" && has /tmp/out "^  klp_busy_target \[patched\] klp_busy_fn,1$" && has /tmp/out "klp_busy: patch_state 0, target 1"'
kp signal
check "signal during the transition: status 0" \
	eval 'status 0 && { has /tmp/err "signalled the tasks" || has /tmp/err "signals blocking tasks by itself"; }'
bgrc=0
wait $bg || bgrc=$?
sed 's/^/[kpatch bg] /' /tmp/bg.err
check "the second stalled load reverted too (status 4), patch gone" \
	eval '[ $bgrc = 4 ] && [ ! -e $LP/klp_busy_patch ] && ! loaded klp_busy_patch'
rmmod klp_busy_target
log "taint: $(taint)"
EOF

# ---------------------------------------------------------------- VM run

args=(--krel "$KREL" --timeout 600 --bin "$TMP/kpatch"
	--module "$SAMPLE" --module "$TMP/mod/livepatch-other.ko"
	--env "OTHER=$OTHER" --script "$TMP/vm.sh" --log "$TMP/vm.log")
[ -f "$TARGET" ] && args+=(--module "$TARGET")
[ -f "$BUSY" ] && args+=(--module "$BUSY")
"$KLP_VM_RUN" "${args[@]}" >"$TMP/vm.out" 2>"$TMP/vm.err"
vmrc=$?
tr -d '\r' <"$TMP/vm.out" >"$TMP/vm.clean"
tap_check "VM run: script finished, no oops or warning, taint only O/E/K" [ "$vmrc" = 0 ]
[ "$vmrc" = 0 ] || { tap_diag - <"$TMP/vm.err"; tail -n 60 "$TMP/vm.clean" | tap_diag -; }

seen=0
while IFS= read -r line; do
	case $line in
	"TAP ok - "*) tap_ok "VM: ${line#TAP ok - }" ;;
	"TAP not ok - "*) tap_not_ok "VM: ${line#TAP not ok - }" ;;
	"# "*) echo "$line" ;;
	*) continue ;;
	esac
	case $line in "TAP "*) seen=$((seen + 1)) ;; esac
done < <(grep -E '^(TAP (ok|not ok) - |# )' "$TMP/vm.clean")
if [ "$seen" -lt "$VM_CHECKS" ]; then
	grep -E '\[kpatch (out|err)\]|FAIL|\[vm\]' "$TMP/vm.clean" | tail -n 40 | tap_diag -
fi
for ((i = seen; i < VM_CHECKS; i++)); do
	tap_not_ok "VM: check $((i + 1)) did not run"
done
tap_done
