#!/usr/bin/env bash
# Module.symvers is read by one parser (libkelf/symvers.c) in both tools:
# a malformed line is an error naming the file and line in both (the differ
# used to skip it silently), and both see the same exports.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object
KC=$TOPDIR/klp-convert/klp-convert

if ! command -v gcc >/dev/null; then
	skip_all "needs gcc"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
plan 5

printf 'int f(int x) { return x + 1; }\n' >x.c
gcc -O2 -ffunction-sections -fdata-sections -c -o x.o x.c
ok $? "compiled a test object"
printf '0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\nbroken line\n' >bad.symvers

"$CDO" x.o x.o vmlinux x.o bad.symvers t out.o 2>cdo.err
rc=$?
[ "$rc" = 1 ]
ok $? "create-diff-object: a malformed Module.symvers is an error (exit $rc)" || diag_file cdo.err
grep -qF 'bad.symvers:2: error: expected CRC<TAB>SYMBOL<TAB>MODULE' cdo.err
ok $? "create-diff-object: the message names the file and line" || diag_file cdo.err

# klp-convert reads it the same way (before looking at the patch module)
ld -r -o patch.ko x.o
"$KC" -s vmlinux=x.o -S bad.symvers patch.ko out.ko 2>kc.err
rc=$?
[ "$rc" = 1 ]
ok $? "klp-convert: a malformed Module.symvers is an error (exit $rc)" || diag_file kc.err
grep -qF 'bad.symvers:2: error: expected CRC<TAB>SYMBOL<TAB>MODULE' kc.err
ok $? "klp-convert: the same message" || diag_file kc.err
[ "$TAP_FAILED" -eq 0 ]
