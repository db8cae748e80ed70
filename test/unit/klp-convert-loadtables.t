#!/usr/bin/env bash
# klp-convert and the arch's tables the module loader walks before
# livepatch writes a module's relocations (x86-64, Linux 6.2+):
# - .call_sites: the entry of a call that is a .klp.rela relocation to a
#   module symbol (written when that module is patched, after the walk) is
#   removed; calls relocated by .klp.rela.vmlinux (written while the patch
#   module loads) and ordinary ones stay;
# - .static_call_sites: an entry whose key is a .klp.rela relocation (a
#   symbol the kernel does not export; 6.12 fails the load with "Failed to
#   fixup __raw_static_call() usage" for a trampoline) is removed, with its
#   relocations in both the ordinary and the livepatch section; the entry
#   of an exported key stays and its relocations follow it.
# Fixtures: test/unit/klp-convert/make-fixtures plus one patch module with
# hand-made tables.
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
plan 8

"$TOPDIR/test/unit/klp-convert/make-fixtures" "$W" >"$W/fx.log" 2>&1
ok $? "fixtures build" || diag_file "$W/fx.log"
cd "$W" || exit 1
# cs_user: a call to b.c's dup_fn (a .klp.sym: livepatch relocates it),
# then to exported_fn (the loader relocates it); both listed in .call_sites
cat >cs.c <<'C'
#include "klpkit-meta.h"
/* cs_user patches fake_mod; 1: a fake_mod static (.klp.rela.fake_mod, late),
 * 2: exported_fn (ordinary), 3: b.c's dup_fn (.klp.rela.vmlinux, early) */
asm(".pushsection .text.cs_user, \"ax\"\n"
    ".globl cs_user\n.type cs_user, @function\ncs_user:\n"
    "1: call \".klp.sym.fake_mod.mod_dup,2\"\n"
    "2: call exported_fn\n"
    "3: call \".klp.sym.vmlinux.dup_fn,3\"\n"
    "ret\n.size cs_user, . - cs_user\n.popsection\n"
    ".pushsection .call_sites, \"a\"\n.long 1b - .\n.long 2b - .\n.long 3b - .\n.popsection\n"
    /* a static call whose key is unexported (hidden_fn), then an exported one */
    ".pushsection .static_call_sites, \"a\"\n"
    ".long 3b - .\n.long hidden_fn - . + 1\n"
    ".long 2b - .\n.long exported_fn - . + 1\n.popsection");
extern int cs_user(void);
static const char s_func[] __attribute__((section(".klpkit.strings"))) = "mod_global";
static const char s_obj[] __attribute__((section(".klpkit.strings"))) = "fake_mod";
static const struct klpkit_func f[] __attribute__((used, section(".klpkit.funcs"), aligned(8))) = {
	{ .new_func = (unsigned long)cs_user, .name = (unsigned long)s_func,
	  .objname = (unsigned long)s_obj },
};
C
gcc -O2 -fno-pic -fno-pie -mcmodel=kernel -ffunction-sections -fdata-sections \
	-I"$TOPDIR/kmod/patch" -c -o cs.o cs.c 2>"$W/cc.log" && ld -r -o cs.ko cs.o mod.o 2>>"$W/cc.log"
ok $? "patch module with 3 .call_sites and 2 .static_call_sites entries builds" || diag_file "$W/cc.log"

"$KC" -v -s vmlinux=vmlinux -s fake-mod.ko -S Module.symvers cs.ko cs.out.ko >"$W/kc.out" 2>"$W/kc.err"
ok $? "it converts (exit 0)" || diag_file "$W/kc.err"
size() { readelf -SW cs.out.ko | awk -v s="$1" '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == s { print strtonum("0x" $5) }'; }
# relas SECTION: "OFFSET SYMBOL+ADDEND" lines of every relocation section applying to SECTION
relas() {
	readelf -rW cs.out.ko | awk -v s="$1" '
		/^Relocation section/ { name = $3; gsub(/\047/, "", name)
			on = (name == ".rela" s || name ~ ("^\\.klp\\.rela\\.[^.]*\\." s "$")); next }
		on && NF >= 5 && $1 ~ /^[0-9a-f]+$/ { print strtonum("0x" $1), $5 ($6 == "+" || $6 == "-" ? $6 $7 : "") }'
}
[ "$(size .call_sites)" = 8 ]
ok $? ".call_sites keeps 2 of its 3 entries (got $(size .call_sites) bytes)" || diag "$(readelf -SW cs.out.ko | grep sites)"
got=$(relas .call_sites | sort | tr '\n' ';')
[ "$got" = "0 .text.cs_user+5;4 .text.cs_user+a;" ]
ok $? ".call_sites: the exported_fn and the vmlinux dup_fn calls, in order (got '$got')" || diag "$(readelf -rW cs.out.ko | grep -A4 call_sites)"
[ "$(size .static_call_sites)" = 8 ]
ok $? ".static_call_sites keeps the exported key's entry (got $(size .static_call_sites) bytes)"
got=$(relas .static_call_sites | sort | tr '\n' ';')
[ "$got" = "0 .text.cs_user+5;4 exported_fn+1;" ]
ok $? ".static_call_sites: its relocations moved to entry 0, the unexported key's livepatch relocation is gone (got '$got')" ||
	diag "$(readelf -rW cs.out.ko | grep -B1 -A4 static_call)"
grep -qF ".call_sites: 1 entry removed" "$W/kc.err" && grep -qF ".static_call_sites: 1 entry removed" "$W/kc.err"
ok $? "klp-convert names both tables" || diag_file "$W/kc.err"
[ "$TAP_FAILED" -eq 0 ]
