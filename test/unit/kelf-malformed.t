#!/usr/bin/env bash
# Malformed objects: a clear error naming the file and the element, exit 1,
# no crash and no sanitizer report.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
TOOL=$TOPDIR/test/unit/kelf-tool

# kind : text the error must contain
CASES=(
	"truncate:extends past the end of the file"
	"section-past-end:extends past the end of the file"
	"wrong-machine:wrong machine 183"
	"not-elf:not an ELF file"
	"bad-symbol-shndx:section index 999 out of range"
	"rela-past-end:points past the end of"
	"bad-rela-symbol:symbol index 50000 out of range"
	"bad-sh-link:sh_link 5000 out of range"
	"bad-shstrndx:section name table index"
	"bad-name:is not in '.strtab'"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/f.c" <<'C'
static int counter;
int foo(int x) { counter += x; return counter; }
static int __attribute__((noinline)) bar(int y) { return y * 3 + counter; }
int baz(int z) { return bar(z) + 1; }
C
gcc -O2 -ffunction-sections -fdata-sections -c "$work/f.c" -o "$work/f.o" || exit 1

plan $((${#CASES[@]} * 2 + 1))
"$TOOL" check "$work/f.o" >/dev/null 2>"$work/err"
ok $? "the intact object reads cleanly" || diag_file "$work/err"
for c in "${CASES[@]}"; do
	kind=${c%%:*}
	want=${c#*:}
	"$TOPDIR/test/unit/corrupt-elf" "$kind" "$work/f.o" "$work/$kind.o"
	"$TOOL" check "$work/$kind.o" >/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ]
	ok $? "$kind: exit status 1 (got $rc)" || diag_file "$work/err"
	grep -qF "$work/$kind.o: error: " "$work/err" && grep -qF -- "$want" "$work/err" &&
		! grep -qE 'Sanitizer|runtime error' "$work/err"
	ok $? "$kind: error names the file and says '$want'" || diag_file "$work/err"
done
[ "$TAP_FAILED" -eq 0 ]
