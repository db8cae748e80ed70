#!/usr/bin/env bash
# Whole-directory robustness: build real directories of the Debian tree with
# function sections and diff every object against itself.  Each must give
# exit 3 ("no functional change"), with no crash and no sanitizer report.
# KLPKIT_SELFDIFF_DIRS overrides the directory list.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object
read -r -a DIRS <<<"${KLPKIT_SELFDIFF_DIRS:-fs/proc kernel/livepatch kernel/sched net/ipv4 fs/ext4 mm}"

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release"
tree=$(kernel_tree "$krel") || skip_all "cannot prepare the kernel tree for $krel"
cache=$("$KERNEL_CACHE" path "$krel" dir)
vmlinux=$("$KERNEL_CACHE" path "$krel" vmlinux)
symvers=$("$KERNEL_CACHE" path "$krel" symvers)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plan $((${#DIRS[@]} * 2))
for d in "${DIRS[@]}"; do
	out=$cache/test-objects/selfdiff/$d
	if [ ! -e "$out/.done" ]; then
		flock "$tree/.klpkit-build.lock" make -s -C "$tree" -j"$(nproc)" \
			KCFLAGS="-ffunction-sections -fdata-sections" "$d/" </dev/null >"$work/build.log" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			mkdir -p "$out" && (cd "$tree/$d" && find . -name '*.o' ! -name '*.mod.o' \
				! -name 'built-in.a' -print0 | xargs -0 cp --parents -t "$out") &&
				touch "$out/.done"
			rc=$?
		fi
		ok $rc "built $d with function sections" || diag_file "$work/build.log"
	else
		ok 0 "built $d with function sections (cached)"
	fi
	bad=0 total=0
	while IFS= read -r -d '' o; do
		total=$((total + 1))
		"$CDO" "$o" "$o" vmlinux "$vmlinux" "$symvers" selfdiff "$work/x.o" \
			>/dev/null 2>"$work/err"
		rc=$?
		if [ $rc -ne 3 ] || grep -qE 'Sanitizer|runtime error' "$work/err"; then
			bad=$((bad + 1))
			diag "${o#"$out"/}: exit $rc"
			diag_file "$work/err" 5
		fi
	done < <(find "$out" -name '*.o' -print0)
	[ "$bad" -eq 0 ] && [ "$total" -gt 0 ]
	ok $? "$d: $total objects diffed against themselves, $bad failures"
done
[ "$TAP_FAILED" -eq 0 ]
