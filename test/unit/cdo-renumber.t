#!/usr/bin/env bash
# Correlation of compiler-numbered names on real Debian 6.1 objects (from the
# self-diff set): the patched copy gets renumbered clones (foo.isra.0 →
# foo.isra.7, jhash.constprop.0 → .constprop.4) and renumbered per-use
# statics (_rs.2 → _rs.9, __already_done.8 → .3).  Nothing changed, so the
# differ must find no functional change (exit 3), and a renamed clone that
# also changed must be reported under the original's name.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release"
cache=$("$KERNEL_CACHE" path "$krel" dir 2>/dev/null) || skip_all "kernel $krel not fetched"
objs=$cache/test-objects/selfdiff
[ -f "$objs/net/ipv4/.done" ] || "$TOPDIR/test/unit/cdo-selfdiff.t" >/dev/null 2>&1
[ -f "$objs/net/ipv4/.done" ] || skip_all "the self-diff objects of net/ipv4 are not built"
vmlinux=$("$KERNEL_CACHE" path "$krel" vmlinux)
symvers=$("$KERNEL_CACHE" path "$krel" symvers)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# object : renames (old=new,...)
CASES=(
	"net/ipv4/ping.o:ping_get_first.isra.0=ping_get_first.isra.7"
	"net/ipv4/cipso_ipv4.o:jhash.constprop.0=jhash.constprop.4"
	"net/ipv4/sysctl_net_ipv4.o:_rs.2=_rs.9"
	"net/ipv4/ip_tunnel.o:__already_done.8=__already_done.3"
)
plan $((${#CASES[@]} + 2))
for c in "${CASES[@]}"; do
	o=${c%%:*}
	args=()
	IFS=, read -r -a renames <<<"${c#*:}"
	for r in "${renames[@]}"; do args+=(--redefine-sym "$r"); done
	objcopy "${args[@]}" "$objs/$o" "$work/p.o"
	"$CDO" "$objs/$o" "$work/p.o" vmlinux "$vmlinux" "$symvers" t "$work/out.o" 2>"$work/err"
	rc=$?
	[ $rc -eq 3 ] && ! grep -qE 'Sanitizer|runtime error' "$work/err"
	ok $? "$o with ${c#*:}: no functional change (exit $rc)" || diag_file "$work/err"
done

# A renamed clone that really changed: reported and patched under the
# running kernel's name.  Flip one byte of a "mov" immediate in it.
o=net/ipv4/ping.o
objcopy --redefine-sym ping_get_first.isra.0=ping_get_first.isra.7 "$objs/$o" "$work/p.o"
off=$(readelf -SW "$work/p.o" | awk '$2 == ".text.ping_get_first.isra.0" { print $5 }')
python3 - "$work/p.o" "$off" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2], 16)
b = bytearray(open(path, "rb").read())
# the last byte of the function section before the return thunk jump: a
# "ret"-path instruction is irrelevant; change an int3 padding or code byte
# that carries no relocation: the first byte after the 5-byte fentry call
b[off + 5] ^= 0x01
open(path, "wb").write(b)
PY
"$CDO" "$objs/$o" "$work/p.o" vmlinux "$vmlinux" "$symvers" t "$work/out.o" 2>"$work/err"
rc=$?
[ $rc -eq 0 ] && grep -q 'changed function: ping_get_first.isra.0$' "$work/err"
ok $? "a changed renamed clone is reported as ping_get_first.isra.0 (exit $rc)" || diag_file "$work/err"
readelf -sW "$work/out.o" | grep -q ' ping_get_first.isra.0$'
ok $? "the output defines ping_get_first.isra.0, the running kernel's name" ||
	diag "$(readelf -sW "$work/out.o" | tail -n 15)"
[ "$TAP_FAILED" -eq 0 ]
