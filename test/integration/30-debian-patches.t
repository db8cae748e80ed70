#!/usr/bin/env bash
# The integration suite: every patch in debian-6.1/ is built with kpatch-build
# against Debian's current 6.1 kernel, and every NAME-LOADED.test runs in that
# kernel (qemu -accel tcg) with module NAME loaded by the test itself.
#
# Patch headers (text before the diff, ignored by patch):
#   Expect-Exit: N         (FAIL patches) kpatch-build's exit status
#   Expect-Error: TEXT     (FAIL patches) text its stderr must contain
#   Build-Options: ...     extra kpatch-build options (e.g. -R)
#   Extra-Patches: F...    more patch files (same directory) for the same module
#   Target-Modules: M...   Debian modules the VM test needs (modprobe M)
#   Extra-Modules: N...    other patch modules of this suite the VM test needs
# In the VM: $MOD is the module name, $KO its path; /modules/ has them all.
# KLPKIT_PATCHES=glob limits the run (e.g. KLPKIT_PATCHES='cmdline*').
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
DIR=$TOPDIR/test/integration/debian-6.1
KPB=$TOPDIR/kpatch-build/kpatch-build
VMRUN=$TOPDIR/test/integration/vm-run

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release"
kernel_tree "$krel" >/dev/null 2>&1 || skip_all "cannot prepare the kernel tree for $krel"
moddir=$("$KERNEL_CACHE" path "$krel" modules)

# shellcheck disable=SC2086 # KLPKIT_PATCHES is a glob
mapfile -t patches < <(cd "$DIR" && ls ${KLPKIT_PATCHES:-*}.patch 2>/dev/null)
# shellcheck disable=SC2086
mapfile -t vmtests < <(cd "$DIR" && ls ${KLPKIT_PATCHES:-*}-LOADED.test 2>/dev/null)
header() { sed -n "s/^$2: *//p" "$DIR/$1" | head -n 1; }
modname() { local n=${1%.patch}; echo "${n//-/_}"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nfail=$(printf '%s\n' "${patches[@]}" | grep -c -- '-FAIL\.patch$')
plan $((${#patches[@]} + nfail + ${#vmtests[@]}))

for p in "${patches[@]}"; do
	mod=$(modname "$p")
	read -r -a opts <<<"$(header "$p" Build-Options)"
	extra=()
	for e in $(header "$p" Extra-Patches); do extra+=("$DIR/$e"); done
	start=$SECONDS
	"$KPB" -a "$krel" -n "$mod" -o "$work" "${opts[@]}" --report "$work/$mod.json" \
		"$DIR/$p" "${extra[@]}" >"$work/$mod.out" 2>&1
	rc=$?
	took=$((SECONDS - start))
	case "$p" in
	*-FAIL.patch)
		want=$(header "$p" Expect-Exit)
		[ "$rc" = "$want" ] && [ ! -e "$work/$mod.ko" ]
		ok $? "$p: refused with exit $want (got $rc, ${took}s)" || diag_file "$work/$mod.out" 15
		grep -qF -- "$(header "$p" Expect-Error)" "$work/$mod.out"
		ok $? "$p: says '$(header "$p" Expect-Error)'" || diag_file "$work/$mod.out" 15
		;;
	*)
		[ "$rc" -eq 0 ] && [ -s "$work/$mod.ko" ]
		ok $? "$p: built $mod.ko (${took}s)" || diag_file "$work/$mod.out" 25
		;;
	esac
done

for t in "${vmtests[@]}"; do
	p=${t%-LOADED.test}.patch
	mod=$(modname "$p")
	args=(--krel "$krel" --script "$DIR/$t" --env "MOD=$mod" --env "KO=/modules/$mod.ko"
		--module "$work/$mod.ko" --timeout 240)
	for m in $(header "$p" Target-Modules); do
		args+=(--kmod-dir "$moddir" --target-module "$m")
	done
	for e in $(header "$p" Extra-Modules); do
		args+=(--module "$work/$(modname "$e").ko")
	done
	if [ ! -s "$work/$mod.ko" ]; then
		ok 1 "$t: no module to test ($p did not build)"
		continue
	fi
	"$VMRUN" "${args[@]}" >"$work/$mod.vm" 2>&1
	ok $? "$t: $(grep -o 'PASS in .*\|FAIL after .*' "$work/$mod.vm" | head -n 1)" ||
		diag_file "$work/$mod.vm" 40
done
[ "$TAP_FAILED" -eq 0 ]
