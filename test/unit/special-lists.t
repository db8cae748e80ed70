#!/usr/bin/env bash
# The special-section table (create-diff-object/special-*.c) is the one
# list: --help prints its *_STRUCT_SIZE variables, and the places that
# cannot print them (the man page, kpatch-build's struct size probe) name
# the same set; sections.c names no special section itself.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object

from_help() {
	"$CDO" --help | sed -n '/^Environment:/,/^override/p' | grep -oE '[A-Z_]+_STRUCT_SIZE' | sort -u
}
from_table() {
	cat "$TOPDIR"/create-diff-object/special-*.c | grep -oE '"[A-Z_]+_STRUCT_SIZE"' | tr -d '"' | sort -u
}
from_man() {
	sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$TOPDIR/man/create-diff-object.1" |
		grep -oE '[A-Z_]+_STRUCT_SIZE' | sort -u
}
from_probe() {
	sed -n 's/^SIZE(\([A-Z_]*\),.*/\1_STRUCT_SIZE/p' "$TOPDIR/kpatch-build/struct-sizes.c" | sort -u
}

plan 5
table=$(from_table)
[ -n "$table" ]
ok $? "the table names $(wc -w <<<"$table") size variables"
for src in help man probe; do
	d=$(diff <(echo "$table") <(from_$src))
	[ -z "$d" ]
	ok $? "$src lists exactly the table's size variables" || diag "< table only, > $src only:"$'\n'"$d"
done
# sections.c takes SK_SPECIAL from the table: no row of its own
! grep -n 'SK_SPECIAL }' "$TOPDIR/create-diff-object/sections.c"
ok $? "sections.c has no SK_SPECIAL row of its own"
[ "$TAP_FAILED" -eq 0 ]
