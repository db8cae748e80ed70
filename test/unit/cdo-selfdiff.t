#!/usr/bin/env bash
# Whole-directory robustness: real directories of the Debian tree built with
# function sections (scripts/prepare-test-objects builds them before the
# tests; built here when missing), every object diffed against itself.  Each
# must give exit 3 ("no functional change"), with no crash and no sanitizer
# report, and every object kbuild produced must have been diffed.
# The directories: selfdiff_dirs in test/lib/kernel.sh (KLPKIT_SUITE=full
# adds more; KLPKIT_SELFDIFF_DIRS overrides).
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

plan ${#DIRS[@]}
for d in "${DIRS[@]}"; do
	if ! out=$(build_selfdiff_dir "$KREL" "$d" 2>"$work/build.log"); then
		ok 1 "$d: built with function sections" || diag_file "$work/build.log"
		continue
	fi
	want=$(wc -l <"$out/.manifest")
	bad=0 total=0
	while IFS= read -r o; do
		total=$((total + 1))
		"$CDO" "$out/$o" "$out/$o" vmlinux "$vmlinux" "$symvers" selfdiff "$work/x.o" \
			>/dev/null 2>"$work/err"
		rc=$?
		if [ $rc -ne 3 ] || [ -e "$work/x.o" ] || grep -qE 'Sanitizer|runtime error' "$work/err"; then
			bad=$((bad + 1))
			diag "${o#./}: exit $rc$([ -e "$work/x.o" ] && echo ', output written')"
			diag_file "$work/err" 5
			rm -f "$work/x.o"
		fi
	done <"$out/.manifest"
	[ "$bad" -eq 0 ] && [ "$total" -gt 0 ] && [ "$total" -eq "$want" ]
	ok $? "$d: $total of the $want objects kbuild built diffed against themselves, $bad failures"
done
[ "$TAP_FAILED" -eq 0 ]
