#!/usr/bin/env bash
# Round trip (read -> write -> read) of real Debian 6.1 kernel objects built
# with function sections: the readelf views must be equivalent and ld -r must
# accept the rewrite.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"

OBJS=(fs/proc/meminfo.o kernel/sched/core.o net/ipv4/tcp.o fs/proc/cmdline.o)
TOOL=$TOPDIR/test/unit/kelf-tool
VIEW=$TOPDIR/test/unit/elf-view

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release (apt lists?)"
objdir=$("$KERNEL_CACHE" path "$krel" dir 2>/dev/null)/test-objects
if [ "$objdir" = /test-objects ]; then
	"$KERNEL_CACHE" fetch "$krel" >/dev/null || skip_all "cannot fetch kernel $krel"
	objdir=$("$KERNEL_CACHE" path "$krel" dir)/test-objects
fi

plan $((${#OBJS[@]} * 3 + 1))
build_function_section_objects "$krel" "$objdir" "${OBJS[@]}" 2>/tmp/kelf-rt-build.$$
ok $? "built ${OBJS[*]} for $krel with -ffunction-sections -fdata-sections" ||
	diag_file /tmp/kelf-rt-build.$$
rm -f /tmp/kelf-rt-build.$$

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
