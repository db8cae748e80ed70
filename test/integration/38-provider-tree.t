#!/usr/bin/env bash
# The generic target provider (provider-tree): kpatch-build -s SRCDIR -c CONFIG
# -v VMLINUX pointed at the prepared Debian tree as if it were a kernel of the
# user's own.  It builds a livepatch for a vmlinux function without any
# Debian knowledge (no kernel-cache call), and the module passes klp-convert
# --check against that vmlinux and Module.symvers; a config or vmlinux that
# does not belong to the tree is refused before anything compiles.
# Run it under flock /tmp/klpkit-kbuild.lock (it compiles kernel objects).
set -u
. "$(dirname "$0")/lib/common.sh"
KPB=$KLP_TOPDIR/kpatch-build/kpatch-build
KLPC=$KLP_TOPDIR/klp-convert/klp-convert
PATCH=$KLP_TOPDIR/test/integration/debian-6.1/cmdline-string.patch

klp_need_kernel
VMLINUX=$("$KLP_KERNEL_CACHE" path "$KREL" vmlinux) || bail "the vmlinux of $KREL"
CONFIG=$("$KLP_KERNEL_CACHE" path "$KREL" config) || bail "the config of $KREL"
SYMVERS=$TREE/Module.symvers

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/tmp" "$W/out"
tap_plan 11

# kpb NAME OPTIONS...: kpatch-build the patch as module NAME, output in
# $W/NAME.out, exit status in $rc; the kernel cache is an empty one, so a
# kernel-cache call would fail
kpb() {
	local name=$1
	shift
	KLPKIT_CACHE=$W/no-cache TMPDIR=$W/tmp "$KPB" -n "$name" -o "$W/out" "$@" "$PATCH" \
		>"$W/$name.out" 2>&1
	rc=$?
}

# 1. refusals, before anything compiles
sed 's/^CONFIG_LIVEPATCH=y$/# CONFIG_LIVEPATCH is not set/' "$CONFIG" >"$W/other.config"
kpb badconfig -s "$TREE" -c "$W/other.config" -v "$VMLINUX"
[ "$rc" -eq 1 ] && [ ! -e "$W/out/badconfig.ko" ] &&
	grep -qF "error: $W/other.config differs from the tree's $TREE/.config in 1 setting line(s)" "$W/badconfig.out"
tap_result $? "a config that is not the tree's: exit 1, one line naming both" "$W/badconfig.out"
kpb badrel -a 6.1.0-0-amd64 -s "$TREE" -c "$CONFIG" -v "$VMLINUX"
[ "$rc" -eq 1 ] &&
	grep -qF "error: $VMLINUX is the vmlinux of $KREL, not of 6.1.0-0-amd64" "$W/badrel.out"
tap_result $? "-a of another release than the vmlinux's: exit 1, naming the vmlinux" "$W/badrel.out"
kpb novmlinux -s "$TREE" -c "$CONFIG"
[ "$rc" -eq 1 ] && grep -qF "error: $TREE/vmlinux is missing" "$W/novmlinux.out"
tap_result $? "no -v and no SRCDIR/vmlinux: exit 1, naming it" "$W/novmlinux.out"

# 2. the build
cfg_sum=$(md5sum <"$TREE/.config")
t0=$SECONDS
kpb custom -s "$TREE" -c "$CONFIG" -v "$VMLINUX" --report "$W/custom.json"
took=$((SECONDS - t0))
KO=$W/out/custom.ko
[ "$rc" -eq 0 ] && [ -s "$KO" ]
tap_result $? "kpatch-build -s TREE -c CONFIG -v VMLINUX built custom.ko (${took}s)" "$W/custom.out"
grep -qF "Preparing target kernel $KREL" "$W/custom.out"
tap_result $? "the release came from the vmlinux ($KREL)" "$W/custom.out"
[ "$(jq -r .provider "$W/custom.json" 2>/dev/null)" = provider-tree ] &&
	[ "$(jq -r .target "$W/custom.json")" = "$KREL" ]
tap_result $? "the report names provider-tree and $KREL" "$W/custom.json"
changed=$(jq -r '[.objects[].diff | select(. != null) | .changed_functions[]?.name] | join(" ")' "$W/custom.json" 2>/dev/null)
[ "$changed" = cmdline_proc_show ]
tap_result $? "changed: cmdline_proc_show (got '$changed')"
[ ! -e "$W/no-cache/$KREL" ]
tap_result $? "no kernel-cache was run (its cache stays empty)"
"$KLPC" --check --symbols "vmlinux=$VMLINUX" --symvers "$SYMVERS" "$KO" >"$W/check.out" 2>&1
tap_result $? "klp-convert --check accepts the module" "$W/check.out"
vermagic=$(modinfo -F vermagic "$KO" 2>/dev/null)
[ "${vermagic%% *}" = "$KREL" ]
tap_result $? "its vermagic is the tree's release ('$vermagic')"
[ "$(md5sum <"$TREE/.config")" = "$cfg_sum" ]
tap_result $? "the tree's .config is untouched"
tap_done
