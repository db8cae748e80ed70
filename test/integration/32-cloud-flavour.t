#!/usr/bin/env bash
# Another Debian flavour end to end (`make check-full` only: KLPKIT_SUITE=full):
# the cloud flavour of the test kernel's series (6.1.0-N-cloud-amd64 for the
# stock 6.1; KLPKIT_TEST_KREL itself when it names a cloud release) is
# prepared by kernel-cache, checked to be bootable in our qemu setup
# (CONFIG_LIVEPATCH=y, the 8250 serial console built in: no modules are
# loaded before the test script), cmdline-string.patch of the series' patch
# directory is built against it, and the module is loaded in that kernel
# under qemu: /proc/cmdline changes, the patch is disabled and unloaded.
# Run it under flock /tmp/klpkit-kbuild.lock (it compiles kernel objects).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
VMRUN=$TOPDIR/kpatch-build/vm-run

[ "${KLPKIT_SUITE:-check}" = full ] || skip_all "the cloud flavour runs in make check-full (KLPKIT_SUITE=full)"

# the release: the cloud flavour of the test kernel's series and flavour
err=$(mktemp)
rc=0
base=$(kernel_release 2>"$err") || rc=$?
if [ "$rc" -eq 0 ]; then
	series=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$base")
	flavour=$(sed -E 's/^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+[a-z0-9]+)?-//' <<<"$base")
	case "$flavour" in
	cloud-*) krel=$base ;;
	*) krel=$("$KERNEL_CACHE" default-release "$series" "cloud-$flavour" 2>"$err") || rc=$? ;;
	esac
fi
[ "$rc" -ne 3 ] || skip_all "Debian's package mirror is unreachable: $(grep -m1 error "$err")"
[ "$rc" -eq 0 ] || bail "find the cloud release of the test kernel ${base:-(release unknown)} (exit $rc)" "$err"
DIR=$TOPDIR/test/integration/debian-$series
PATCH=$DIR/cmdline-string.patch
[ -f "$PATCH" ] || skip_all "no $PATCH for the series $series"

t0=$SECONDS
TREE=$("$KERNEL_CACHE" prepare "$krel" 2>"$err") || rc=$?
[ "$rc" -ne 3 ] || skip_all "Debian's package mirror is unreachable: $(grep -m1 error "$err")"
[ "$rc" -eq 0 ] || bail "prepare $krel (kernel-cache exit $rc)" "$err"
prepare_s=$((SECONDS - t0))
rm -f "$err"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
plan 6
diag "release $krel (of $base), tree $TREE, kernel-cache prepare: ${prepare_s}s"

config=$("$KERNEL_CACHE" path "$krel" config)
grep -qx 'CONFIG_LIVEPATCH=y' "$config"
ok $? "$krel: CONFIG_LIVEPATCH=y" || diag "$config: $(grep 'CONFIG_LIVEPATCH[= ]' "$config")"
grep -qx 'CONFIG_SERIAL_8250_CONSOLE=y' "$config" && grep -qx 'CONFIG_SERIAL_8250=y' "$config" &&
	grep -qx 'CONFIG_BLK_DEV_INITRD=y' "$config"
ok $? "$krel: the 8250 serial console and the initramfs are built in (qemu console=ttyS0)" ||
	diag "$config: $(grep -E 'CONFIG_(SERIAL_8250|SERIAL_8250_CONSOLE|BLK_DEV_INITRD)[= ]' "$config")"

mod=cmdline_string_cloud
t0=$SECONDS
"$KPB" -a "$krel" -n "$mod" -o "$W" --report "$W/$mod.json" "$PATCH" >"$W/$mod.out" 2>&1
rc=$?
build_s=$((SECONDS - t0))
[ "$rc" -eq 0 ] && [ -s "$W/$mod.ko" ] && [ "$(jq -r .target "$W/$mod.json")" = "$krel" ]
ok $? "kpatch-build -a $krel: $mod.ko (${build_s}s)" || diag_file "$W/$mod.out" 25

vermagic=$(modinfo -F vermagic "$W/$mod.ko" 2>/dev/null)
[[ $vermagic == "$krel "* ]]
ok $? "its vermagic is $krel's ('$vermagic')"
changed=$(jq -r '[.objects[].diff | select(. != null) | .changed_functions[]?.name] | sort | join(" ")' "$W/$mod.json" 2>/dev/null)
[ "$changed" = cmdline_proc_show ]
ok $? "the one changed function is cmdline_proc_show (got: '$changed')"

# the suite's own VM test, after checking that the booted kernel is $krel
{
	# shellcheck disable=SC2016 # $KREL is the VM's (uname -r)
	printf 'assert_eq "$KREL" "%s" "the booted kernel"\n' "$krel"
	cat "$DIR/cmdline-string-LOADED.test"
} >"$W/cloud.test"
t0=$SECONDS
if [ -s "$W/$mod.ko" ]; then
	"$VMRUN" --krel "$krel" --script "$W/cloud.test" --env "MOD=$mod" --env "KO=/modules/$mod.ko" \
		--module "$W/$mod.ko" --timeout 240 >"$W/$mod.vm" 2>&1
	rc=$?
else
	echo "no module: the build failed" >"$W/$mod.vm"
	rc=1
fi
ok $rc "in qemu on $krel: loaded, /proc/cmdline patched, disabled, unloaded ($((SECONDS - t0))s: $(grep -o 'PASS in .*\|FAIL after .*' "$W/$mod.vm" | head -n 1))" ||
	diag_file "$W/$mod.vm" 40
[ "$TAP_FAILED" -eq 0 ]
