#!/usr/bin/env bash
# Whole-directory robustness: real directories of the Debian tree built with
# function sections (scripts/prepare-test-objects builds them before the
# tests; built here when missing), every object diffed against itself.  Each
# must give exit 3 ("no functional change"), with no crash and no sanitizer
# report, and every object kbuild produced must have been diffed.
# The directories: selfdiff_dirs in test/lib/kernel.sh (KLPKIT_SUITE=full
# adds more; KLPKIT_SELFDIFF_DIRS overrides).  The objects are diffed in
# parallel, KLPKIT_SELFDIFF_JOBS at a time (default: nproc).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object
read -r -a DIRS <<<"$(selfdiff_dirs)"

need_kernel
vmlinux=$("$KERNEL_CACHE" path "$KREL" vmlinux)
symvers=$("$KERNEL_CACHE" path "$KREL" symvers)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# selfdiff_one OUT OBJ N: diff OUT/OBJ against itself; its exit status,
# stderr and output (there must be none) in $work/N.rc, .err, .o
selfdiff_one() {
	"$CDO" "$1/$2" "$1/$2" vmlinux "$vmlinux" "$symvers" selfdiff "$work/$3.o" \
		>/dev/null 2>"$work/$3.err"
	echo $? >"$work/$3.rc"
}
# how many objects are diffed at a time
jobs=${KLPKIT_SELFDIFF_JOBS:-$(nproc)}

plan ${#DIRS[@]}
for d in "${DIRS[@]}"; do
	if ! out=$(build_selfdiff_dir "$KREL" "$d" 2>"$work/build.log"); then
		ok 1 "$d: built with function sections" || diag_file "$work/build.log"
		continue
	fi
	want=$(wc -l <"$out/.manifest")
	mapfile -t objs <"$out/.manifest"
	for i in "${!objs[@]}"; do
		[ "$(jobs -rp | wc -l)" -lt "$jobs" ] || wait -n
		selfdiff_one "$out" "${objs[$i]}" "$i" &
	done
	wait
	bad=0 total=0
	for i in "${!objs[@]}"; do
		total=$((total + 1))
		rc=$(cat "$work/$i.rc" 2>/dev/null) || rc='(none)'
		if [ "$rc" != 3 ] || [ -e "$work/$i.o" ] || grep -qE 'Sanitizer|runtime error' "$work/$i.err"; then
			bad=$((bad + 1))
			diag "${objs[$i]#./}: exit $rc$([ -e "$work/$i.o" ] && echo ', output written')"
			diag_file "$work/$i.err" 5
		fi
		rm -f "$work/$i".*
	done
	[ "$bad" -eq 0 ] && [ "$total" -gt 0 ] && [ "$total" -eq "$want" ]
	ok $? "$d: $total of the $want objects kbuild built diffed against themselves, $bad failures"
done
[ "$TAP_FAILED" -eq 0 ]
