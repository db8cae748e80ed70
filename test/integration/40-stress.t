#!/usr/bin/env bash
# Stress: one patch module (debian-6.1/cmdline-string.patch, built once with
# kpatch-build) is loaded, enabled, disabled and unloaded $KLPKIT_STRESS_ROUNDS
# (25 with KLPKIT_SUITE=full, else 8) times in one VM (2 vCPUs) while background workers keep calling the
# patched function (cat /proc/cmdline in a loop).  Every transition must
# complete, every read must show either the original or the patched text,
# both must have been seen, nothing may oops or taint beyond O|E|K (vm-run),
# and the final behaviour is the original one.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$HERE/lib/common.sh"

# 25 rounds in `make check-full`, 8 in `make check`
if [ "${KLPKIT_SUITE:-check}" = full ]; then ROUNDS=25; else ROUNDS=8; fi
ROUNDS=${KLPKIT_STRESS_ROUNDS:-$ROUNDS}
PATCH=$HERE/debian-6.1/cmdline-string.patch
MOD=stress_cmdline
TMP=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-40-stress.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

klp_need_kernel
[ -x "$KLP_TOPDIR/create-diff-object/create-diff-object" ] || klp_bail "the tools are built (run make)"

tap_plan 5

start=$SECONDS
if "$KLP_TOPDIR/kpatch-build/kpatch-build" -a "$KREL" -n "$MOD" -o "$TMP" "$PATCH" >"$TMP/build.out" 2>&1 &&
	[ -s "$TMP/$MOD.ko" ]; then
	tap_ok "kpatch-build $(basename "$PATCH") → $MOD.ko ($((SECONDS - start))s)"
else
	tap_not_ok "kpatch-build $(basename "$PATCH")"
	tail -n 25 "$TMP/build.out" | tap_diag -
	for i in 2 3 4 5; do tap_not_ok "no module (test $i)"; done
	tap_done
fi

cat >"$TMP/stress.sh" <<'EOF'
# runs in the VM (vm-lib.sh sourced): $MOD $KO $ROUNDS
orig=$(cat /proc/cmdline)
patched="$orig klpkit=1"
# workers: read /proc/cmdline without pause; count the reads of each text,
# note any other text
worker() {
	n=0 p=0
	while [ ! -e /tmp/stop ]; do
		c=$(cat /proc/cmdline)
		n=$((n + 1))
		if [ "$c" = "$patched" ]; then
			p=$((p + 1))
		elif [ "$c" != "$orig" ]; then
			echo "$c" >>/tmp/bad
		fi
	done
	echo "$n $p" >"/tmp/worker.$1"
}
worker 1 &
worker 2 &
i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	insmod "$KO" || fail "round $i: insmod failed"
	wait_transition "$MOD" 60 >/dev/null
	patch_enabled "$MOD" || fail "round $i: $MOD is not enabled"
	assert_eq "$(cat /proc/cmdline)" "$patched" "round $i: patched /proc/cmdline" >/dev/null
	disable_patch "$MOD" 60 >/dev/null
	assert_eq "$(cat /proc/cmdline)" "$orig" "round $i: /proc/cmdline after disabling" >/dev/null
	rmmod "$MOD" || fail "round $i: rmmod failed"
	grep -q "^$MOD " /proc/modules && fail "round $i: $MOD still in /proc/modules"
	log "round $i done"
done
touch /tmp/stop
wait
[ ! -s /tmp/bad ] || fail "a worker read an unexpected /proc/cmdline: $(head -n 1 /tmp/bad)"
read -r n1 p1 </tmp/worker.1
read -r n2 p2 </tmp/worker.2
echo "STRESS rounds=$i reads=$((n1 + n2)) patched_reads=$((p1 + p2))"
[ $((p1 + p2)) -gt 0 ] || fail "the workers never saw the patched text"
[ $((n1 + n2 - p1 - p2)) -gt 0 ] || fail "the workers never saw the original text"
assert_eq "$(cat /proc/cmdline)" "$orig" "final /proc/cmdline"
assert_eq "$(ls /sys/kernel/livepatch)" "" "livepatches left"
EOF

start=$SECONDS
"$KLP_VM_RUN" --krel "$KREL" --script "$TMP/stress.sh" --smp 2 --timeout 900 \
	--module "$TMP/$MOD.ko" --env "MOD=$MOD" --env "KO=/modules/$MOD.ko" \
	--env "ROUNDS=$ROUNDS" >"$TMP/vm.out" 2>&1
vmrc=$?
took=$((SECONDS - start))
summary=$(grep -o 'STRESS rounds=.*' "$TMP/vm.out" | tail -n 1)
verdict=$(grep -o 'PASS in .*\|FAIL after .*' "$TMP/vm.out" | head -n 1)

rounds=$(grep -c "^\[vm\] round [0-9]* done" "$TMP/vm.out")
if [ "$rounds" = "$ROUNDS" ]; then
	tap_ok "$ROUNDS rounds of insmod, transition, enabled=0, rmmod completed"
else
	tap_not_ok "$ROUNDS rounds completed (got $rounds)"
fi
if [ -n "$summary" ] && ! grep -q '^FAIL: a worker' "$TMP/vm.out"; then
	tap_ok "workers read only the original or the patched text (${summary#STRESS })"
else
	tap_not_ok "workers read only the original or the patched text"
fi
if grep -q "^ok: final /proc/cmdline" "$TMP/vm.out" && grep -q "^ok: livepatches left" "$TMP/vm.out"; then
	tap_ok "final behaviour is the original, no livepatch left"
else
	tap_not_ok "final behaviour is the original, no livepatch left"
fi
if [ "$vmrc" = 0 ]; then
	tap_ok "VM: no oops, warning or unexpected taint ($verdict, ${took}s)"
else
	tap_not_ok "VM: ${verdict:-no verdict} (${took}s)"
	tail -n 40 "$TMP/vm.out" | tap_diag -
fi
tap_done
