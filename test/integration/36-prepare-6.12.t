#!/usr/bin/env bash
# Debian's 6.12 kernel prepared whatever the host has (issue: on a machine
# with rustc on PATH, make olddefconfig rewrote CONFIG_RUSTC_VERSION and
# CONFIG_RUSTC_LLVM_VERSION of Debian's config):
# - the prepared tree's .config is Debian's (the headers' .config), comments
#   aside;
# - a rustc that Kconfig would believe (scripts/rustc-version.sh of the tree
#   reads a version from it) first on PATH still leaves Debian's .config
#   unchanged by make olddefconfig (run on a copy: KCONFIG_CONFIG);
# - the tree's .kernelvariables hides RUSTC from every make of the tree;
# - kpatch-build learns from the tree that objtool runs on linked modules
#   (--objtool-link in its log) and a patch builds; its module keeps the
#   16-byte CALL_PADDING in front of the changed function.
# The release: KLPKIT_TEST_KREL_6_12, else the newest 6.12 (series_release).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build

if [ -z "${KLPKIT_PREPARE_612_RUN:-}" ]; then
	second_series_exec "$0" KLPKIT_PREPARE_612_RUN=1
fi
need_kernel
debconf=$KCACHE_DIR/headers/.config
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
plan 7

strip_comments() { grep -v '^#' "$1" | grep -v '^$'; }

diff <(strip_comments "$debconf") <(strip_comments "$TREE/.config") >"$T/d1"
ok $? "$KREL: the prepared .config is Debian's" || diag_file "$T/d1"

mkdir -p "$T/bin"
cat >"$T/bin/rustc" <<'SH'
#!/bin/sh
case "$*" in
--version) echo "rustc 1.95.0 (klpkit test 2026-01-01)" ;;
*) exit 0 ;;
esac
SH
chmod +x "$T/bin/rustc"
v=$("$TREE/scripts/rustc-version.sh" "$T/bin/rustc" 2>/dev/null)
[ -n "$v" ] && [ "$v" != 0 ]
ok $? "the tree's rustc-version.sh believes the test rustc (version $v)"

cp "$debconf" "$T/config"
PATH=$T/bin:$PATH make -s -C "$TREE" KCONFIG_CONFIG="$T/config" olddefconfig </dev/null >"$T/make.log" 2>&1
ok $? "make olddefconfig on a copy of Debian's config, with that rustc first on PATH" || diag_file "$T/make.log"
diff <(strip_comments "$debconf") <(strip_comments "$T/config") >"$T/d2"
ok $? "it changed no line" || diag_file "$T/d2"

grep -q '^override RUSTC := klpkit-absent-rustc$' "$TREE/.kernelvariables"
ok $? "the tree's .kernelvariables hides rustc from its make" || diag_file "$TREE/.kernelvariables"

mkdir -p "$T/out"
"$KPB" -a "$KREL" -n prep612 -o "$T/out" --skip-cleanup \
	"$TOPDIR/test/integration/debian-6.1/cmdline-string.patch" >"$T/kpb.out" 2>"$T/kpb.err"
rc=$?
work=$(sed -n 's/^kpatch-build: work directory kept: \([^ ]*\) (log: .*/\1/p' "$T/kpb.err")
log=$(sed -n 's/^kpatch-build: work directory kept: .* (log: \(.*\))$/\1/p' "$T/kpb.err")
[ "$rc" -eq 0 ] && [ -n "$log" ] && grep -qF -- '--objtool-link' "$log"
ok $? "kpatch-build passes --objtool-link for $KREL and builds (exit $rc)" || diag_file "$T/kpb.err"

# the changed function starts 16 bytes into its section, after 16 NOPs
readelf -sW "$T/out/prep612.ko" | awk '$8 == "cmdline_proc_show" && $4 == "FUNC" { print strtonum("0x" $2) }' >"$T/v"
bytes=$(readelf -x .text.cmdline_proc_show "$T/out/prep612.ko" 2>/dev/null |
	awk '/^  0x/ { printf "%s%s%s%s", $2, $3, $4, $5 }' | cut -c1-32)
[ "$(cat "$T/v")" = 16 ] && [ "$bytes" = "$(printf '90%.0s' {1..16})" ]
ok $? "cmdline_proc_show keeps its 16-byte padding (at $(cat "$T/v"), padding $bytes)"
[ -z "$work" ] || rm -rf "$work"
[ "$TAP_FAILED" -eq 0 ]
