#!/usr/bin/env bash
# klp-convert and the arch's table of calls the module loader rewrites
# before livepatch relocates (x86-64 .call_sites, call-depth tracking,
# Linux 6.2+): an entry whose call became a .klp.rela relocation is
# removed, every other entry (and its relocation) is kept; a module
# without the table is untouched.  Fixtures: test/unit/klp-convert/
# make-fixtures plus one patch module with hand-made .call_sites.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
KC=${KC:-$TOPDIR/klp-convert/klp-convert}
[ -x "$KC" ] || bail "klp-convert is built (run make)"
if ! command -v gcc >/dev/null || ! command -v readelf >/dev/null; then
	skip_all "needs gcc and readelf"
fi

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
plan 6

"$TOPDIR/test/unit/klp-convert/make-fixtures" "$W" >"$W/fx.log" 2>&1
ok $? "fixtures build" || diag_file "$W/fx.log"
cd "$W" || exit 1
# cs_user: a call to b.c's dup_fn (a .klp.sym: livepatch relocates it),
# then to exported_fn (the loader relocates it); both listed in .call_sites
cat >cs.c <<'C'
#include "klpkit-meta.h"
asm(".pushsection .text.cs_user, \"ax\"\n"
    ".globl cs_user\n.type cs_user, @function\ncs_user:\n"
    "1: call \".klp.sym.vmlinux.dup_fn,3\"\n"
    "2: call exported_fn\n"
    "ret\n.size cs_user, . - cs_user\n.popsection\n"
    ".pushsection .call_sites, \"a\"\n.long 1b - .\n.long 2b - .\n.popsection");
extern int cs_user(void);
static const char s_func[] __attribute__((section(".klpkit.strings"))) = "a_caller";
static const char s_obj[] __attribute__((section(".klpkit.strings"))) = "vmlinux";
static const struct klpkit_func f[] __attribute__((used, section(".klpkit.funcs"), aligned(8))) = {
	{ .new_func = (unsigned long)cs_user, .name = (unsigned long)s_func,
	  .objname = (unsigned long)s_obj },
};
C
gcc -O2 -fno-pic -fno-pie -mcmodel=kernel -ffunction-sections -fdata-sections \
	-I"$TOPDIR/kmod/patch" -c -o cs.o cs.c 2>"$W/cc.log" && ld -r -o cs.ko cs.o mod.o 2>>"$W/cc.log"
ok $? "patch module with two .call_sites entries builds" || diag_file "$W/cc.log"

"$KC" -v -s vmlinux=vmlinux -S Module.symvers cs.ko cs.out.ko >"$W/kc.out" 2>"$W/kc.err"
ok $? "it converts (exit 0)" || diag_file "$W/kc.err"
size=$(readelf -SW cs.out.ko | awk '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == ".call_sites" { print strtonum("0x" $5) }')
[ "$size" = 4 ]
ok $? ".call_sites keeps one 4-byte entry (got ${size:-none})" || diag "$(readelf -SW cs.out.ko | grep call_sites)"
# the kept entry points at the second call (cs_user+5: 1b is 5 bytes long)
rel=$(readelf -rW cs.out.ko | awk '/^Relocation section .\.rela\.call_sites/ { on = 1; next } /^Relocation section/ { on = 0 } on && $1 ~ /^0+$/ { print $5, $NF }')
[ "$rel" = ".text.cs_user 5" ] || [ "$rel" = "cs_user 5" ]
ok $? "its relocation is the exported_fn call at cs_user+5 (got '${rel}')" || diag "$(readelf -rW cs.out.ko | grep -A4 call_sites)"
grep -qF ".call_sites: 1 entry of calls livepatch relocates removed" "$W/kc.err"
ok $? "klp-convert says it removed one entry" || diag_file "$W/kc.err"
[ "$TAP_FAILED" -eq 0 ]
