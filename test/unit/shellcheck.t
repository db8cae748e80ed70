#!/usr/bin/env bash
# Every bash script of the project passes shellcheck.
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
cd "$TOPDIR" || exit 1
mapfile -t scripts < <(scripts/list-shell-scripts)
plan ${#scripts[@]}
for f in "${scripts[@]}"; do
	out=$(shellcheck -x -e SC1091 "$f" 2>&1)
	ok $? "shellcheck $f" || diag "$out"
done
[ "$TAP_FAILED" -eq 0 ]
