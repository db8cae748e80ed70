#!/usr/bin/env bash
# kpatch-build/lib/ccache.sh with the real ccache, without a kernel: two
# small "trees" whose include/generated/autoconf.h differ only in
# CONFIG_BUILD_SALT (Debian's config sets it to the release, so every ABI
# has its own) share ccache's direct mode: a compile in the second tree is a
# direct hit, not a preprocessed one (which runs the preprocessor first).  A
# third tree whose configuration differs is a miss.  And nm-shim/nm, which
# kpatch-build puts first in PATH: nm told the object format, the same
# output, a clear error without the nm it replaces.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/kpatch-build/lib/ccache.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
if ! command -v ccache >/dev/null || [ ! -x /usr/lib/ccache/gcc ]; then
	skip_all "ccache is not installed"
fi
plan 9

# what ccache.sh uses of kpatch-build
CCACHE=1 DISTCC=0 E_USAGE=2 LOG=/dev/null
warn() { echo "warning: $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }
export KLPKIT_CCACHE_DIR=$W/ccache

tree() {	# tree DIR SALT FOO: a tree with one source file
	mkdir -p "$1/include/generated"
	printf '#define CONFIG_X86 1\n#define CONFIG_BUILD_SALT "%s"\n#define CONFIG_FOO %s\n' "$2" "$3" \
		>"$1/include/generated/autoconf.h"
	printf 'int foo(void) { return CONFIG_FOO; }\n' >"$1/x.c"
}
# compile DIR: the "kernel" compile of x.o in DIR through ccache; prints the
# statistics log's result line (direct_cache_hit, preprocessed_cache_hit,
# cache_miss)
compile() {
	local WORK=$1/work
	mkdir -p "$WORK"
	rm -f "$WORK/ccache-stats.log"
	compiler_cache_env "$1"
	(cd "$1" && env "${CC_ENV[@]}" gcc -O2 -include ./include/generated/autoconf.h -c x.c -o x.o) ||
		return 1
	grep -E '^(direct_cache_hit|preprocessed_cache_hit|cache_miss)$' "$WORK/ccache-stats.log"
}

tree "$W/a" 6.1.0-55-amd64 1
tree "$W/b" 6.1.0-56-amd64 1
tree "$W/c" 6.1.0-57-amd64 2
got=$(compile "$W/a")
[ "$got" = cache_miss ]
ok $? "the first tree: a miss (got: $got)"
got=$(compile "$W/b")
[ "$got" = direct_cache_hit ]
ok $? "another tree, only the build salt differs: a direct-mode hit (got: $got)"
cmp -s "$W/a/x.o" "$W/b/x.o"
ok $? "  the same object"
! grep -q BUILD_SALT "$W/b/.klpkit-autoconf-unsalted" &&
	grep -q '^#define CONFIG_FOO 1$' "$W/b/.klpkit-autoconf-unsalted"
ok $? "  hashed instead of autoconf.h: the tree's configuration without the salt line"
got=$(compile "$W/c")
[ "$got" = cache_miss ]
ok $? "another configuration (CONFIG_FOO): a miss (got: $got)"

# --- nm-shim ---------------------------------------------------------------------
SHIM=$TOPDIR/kpatch-build/nm-shim/nm
printf '#!/bin/sh\necho "$@"\n' >"$W/fake-nm"
chmod +x "$W/fake-nm"
got=$(KLPKIT_NM=$W/fake-nm KLPKIT_NM_TARGET=elf64-x86-64 "$SHIM" -u a.o)
[ "$got" = "--target=elf64-x86-64 -u a.o" ]
ok $? "nm-shim: the format first, then nm's arguments (got: $got)"
got=$(KLPKIT_NM=$W/fake-nm "$SHIM" a.o)
[ "$got" = "a.o" ]
ok $? "nm-shim without a format: nm as it is (got: $got)"
fmt=$(objdump -f "$W/a/x.o" | sed -n 's/.*file format //p')
got=$(KLPKIT_NM=$(type -P nm) KLPKIT_NM_TARGET=$fmt "$SHIM" "$W/a/x.o")
[ -n "$fmt" ] && [[ "$got" == *" T foo" ]] && [ "$got" = "$(nm "$W/a/x.o")" ]
ok $? "nm-shim: the same symbols as nm (format '$fmt': $got)"
out=$(env -u KLPKIT_NM "$SHIM" "$W/a/x.o" 2>&1)
rc=$?
[ "$rc" -eq 127 ] && [[ "$out" == *"KLPKIT_NM is not set"* ]]
ok $? "nm-shim without KLPKIT_NM: exit 127, says so (got $rc: $out)"
