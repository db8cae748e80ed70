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

need_kernel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the net/ipv4 objects of the self-diff set (scripts/prepare-test-objects)
objs=$(build_selfdiff_dir "$KREL" net/ipv4 2>"$work/build.log") ||
	bail "build net/ipv4 with function sections" "$work/build.log"
objs=${objs%/net/ipv4}
vmlinux=$("$KERNEL_CACHE" path "$KREL" vmlinux)
symvers=$("$KERNEL_CACHE" path "$KREL" symvers)

# renamed SYM.o OLD NEW: the rename really happened (objcopy is silent when
# OLD does not exist)
renamed() {
	local names
	names=$(readelf -sW "$1" | awk '{ print $8 }')
	! grep -qxF -- "$2" <<<"$names" && grep -qxF -- "$3" <<<"$names"
}

# object : renames (old=new,...)
CASES=(
	"net/ipv4/ping.o:ping_get_first.isra.0=ping_get_first.isra.7"
	"net/ipv4/cipso_ipv4.o:jhash.constprop.0=jhash.constprop.4"
	"net/ipv4/sysctl_net_ipv4.o:_rs.2=_rs.9"
	"net/ipv4/ip_tunnel.o:__already_done.8=__already_done.3"
)
plan $((${#CASES[@]} * 2 + 3))
for c in "${CASES[@]}"; do
	o=${c%%:*}
	args=()
	IFS=, read -r -a renames <<<"${c#*:}"
	for r in "${renames[@]}"; do args+=(--redefine-sym "$r"); done
	objcopy "${args[@]}" "$objs/$o" "$work/p.o"
	all=0
	for r in "${renames[@]}"; do renamed "$work/p.o" "${r%%=*}" "${r#*=}" || all=1; done
	ok $all "$o: objcopy renamed ${c#*:}"
	"$CDO" "$objs/$o" "$work/p.o" vmlinux "$vmlinux" "$symvers" t "$work/out.o" 2>"$work/err"
	rc=$?
	[ $rc -eq 3 ] && ! grep -qE 'Sanitizer|runtime error' "$work/err"
	ok $? "$o with ${c#*:}: no functional change (exit $rc)" || diag_file "$work/err"
done

# A renamed clone that really changed: reported and patched under the
# running kernel's name.  Flip one byte of a "mov" immediate in it.
o=net/ipv4/ping.o
objcopy --redefine-sym ping_get_first.isra.0=ping_get_first.isra.7 "$objs/$o" "$work/p.o"
renamed "$work/p.o" ping_get_first.isra.0 ping_get_first.isra.7
ok $? "$o: objcopy renamed ping_get_first.isra.0=ping_get_first.isra.7"
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
