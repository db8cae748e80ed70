#!/usr/bin/env bash
# Round trip (read -> write -> read) of real Debian 6.1 kernel objects built
# with function sections: the readelf views must be equivalent and ld -r must
# accept the rewrite.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"

OBJS=("${ROUNDTRIP_OBJS[@]}")
TOOL=$TOPDIR/test/unit/kelf-tool
VIEW=$TOPDIR/test/unit/elf-view

need_kernel
objdir=$KCACHE_DIR/test-objects
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# built by scripts/prepare-test-objects before the tests, here if missing
build_function_section_objects "$KREL" "$objdir" "${OBJS[@]}" 2>"$work/build.log" ||
	bail "build ${OBJS[*]} for $KREL with function sections" "$work/build.log"
plan $((${#OBJS[@]} * 3))
for obj in "${OBJS[@]}"; do
	in=$objdir/$obj
	out=$work/$(basename "$obj" .o).rt.o
	"$TOOL" copy "$in" "$out" 2>"$work/err"
	ok $? "$obj: read, write and read back" || diag_file "$work/err"
	"$VIEW" "$in" >"$work/a" 2>&1 && "$VIEW" "$out" >"$work/b" 2>&1 &&
		diff -q "$work/a" "$work/b" >/dev/null
	ok $? "$obj: readelf -S -s -r views equivalent ($(grep -c '^S' "$work/a") sections, $(grep -c '^Y' "$work/a") symbols, $(grep -c '^R' "$work/a") relocations)" ||
		diff "$work/a" "$work/b" | head -20 | sed 's/^/# /'
	ld -r -o "$work/ld.o" "$out" 2>"$work/err"
	ok $? "$obj: ld -r accepts the rewrite" || diag_file "$work/err"
done
[ "$TAP_FAILED" -eq 0 ]
