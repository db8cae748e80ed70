#!/usr/bin/env bash
# Other architectures at the object level, on real kernel objects: a
# directory of KREL's linux-source built for each architecture with
# Debian's config of that architecture and function sections (out of tree,
# kept in the kernel cache: build_cross_dir in test/lib/kernel.sh), every
# object diffed against itself.  Each must give exit 3 ("no functional
# change"), no output, no crash and no sanitizer report.  The parent symbol
# table is the object's own (no vmlinux of that architecture is needed for
# a self-diff).
# Architectures: cross_arches (aarch64 for `make check`, all three with
# KLPKIT_SUITE=full); an architecture whose cross compiler is missing, or
# of which Debian has no image of the test kernel's series, is skipped.  Directories: cross_dirs (fs/proc; KLPKIT_CROSS_DIRS overrides).
# scripts/prepare-test-objects builds them before the tests.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object
read -r -a ARCHES <<<"$(cross_arches)"
read -r -a DIRS <<<"$(cross_dirs)"

need_kernel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plan $((${#ARCHES[@]} * ${#DIRS[@]}))
for a in "${ARCHES[@]}"; do
	if ! command -v "${CROSS_PREFIX[$a]}gcc" >/dev/null; then
		skip ${#DIRS[@]} "${CROSS_PREFIX[$a]}gcc is not installed (scripts/install-deps)"
		continue
	fi
	for d in "${DIRS[@]}"; do
		rc=0
		out=$(build_cross_dir "$KREL" "$a" "$d" 2>"$work/build.log") || rc=$?
		if [ "$rc" -eq "$CROSS_UNAVAILABLE" ]; then
			skip 1 "$a $d: $(tail -n 1 "$work/build.log")"
			continue
		elif [ "$rc" -ne 0 ]; then
			ok 1 "$a $d: built with Debian's $a config and function sections" ||
				diag_file "$work/build.log"
			continue
		fi
		want=$(wc -l <"$out/.manifest")
		bad=0 total=0
		while IFS= read -r o; do
			total=$((total + 1))
			readelf -s --wide "$out/$o" >"$work/symtab"
			"$CDO" "$out/$o" "$out/$o" vmlinux "$work/symtab" /dev/null selfdiff "$work/x.o" \
				>/dev/null 2>"$work/err"
			rc=$?
			if [ $rc -ne 3 ] || [ -e "$work/x.o" ] ||
				grep -qE 'Sanitizer|runtime error' "$work/err"; then
				bad=$((bad + 1))
				diag "${o#./}: exit $rc$([ -e "$work/x.o" ] && echo ', output written')"
				diag_file "$work/err" 5
				rm -f "$work/x.o"
			fi
		done <"$out/.manifest"
		[ "$bad" -eq 0 ] && [ "$total" -gt 0 ] && [ "$total" -eq "$want" ]
		ok $? "$a $d: $total of the $want objects kbuild built diffed against themselves, $bad failures"
	done
done
[ "$TAP_FAILED" -eq 0 ]
