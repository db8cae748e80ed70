#!/usr/bin/env bash
# build_selfdiff_dir (test/lib/kernel.sh) with nested directories, on a stub
# kernel cache and tree: building a directory after one of its
# subdirectories (fs after fs/proc, kernel after kernel/livepatch: the
# self-diff lists do that) keeps the subdirectory's manifest, so it is not
# rebuilt on the next run, and drops objects kbuild no longer produces.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/fs/proc" "$work/cache"
printf '%%/:\n\t@:\n' >"$work/tree/Makefile"
touch "$work/tree/fs/a.o" "$work/tree/fs/proc/b.o" "$work/tree/fs/proc/b.mod.o"
cat >"$work/kernel-cache" <<STUB
#!/bin/sh
case "\$1 \$3" in
"path dir") echo "$work/cache" ;;
"path tree") echo "$work/tree" ;;
esac
STUB
chmod +x "$work/kernel-cache"
KERNEL_CACHE=$work/kernel-cache
sd=$work/cache/test-objects/selfdiff

plan 4
build_selfdiff_dir K fs/proc >/dev/null 2>"$work/log" && [ "$(cat "$sd/fs/proc/.manifest")" = ./b.o ]
ok $? "fs/proc: its manifest lists its object" || diag_file "$work/log"
touch "$sd/fs/stale.o"
build_selfdiff_dir K fs >"$work/out" 2>"$work/log" && [ "$(cat "$work/out")" = "$sd/fs" ]
ok $? "fs: built, its directory printed" || diag_file "$work/log"
[ "$(tr '\n' ' ' <"$sd/fs/.manifest")" = "./a.o ./proc/b.o " ] && [ ! -e "$sd/fs/stale.o" ]
ok $? "fs: its manifest lists the objects of fs/ and fs/proc/, an object kbuild did not build is gone" ||
	diag "$(cat "$sd/fs/.manifest")"
[ -s "$sd/fs/proc/.manifest" ] && [ -e "$sd/fs/proc/b.o" ]
ok $? "fs/proc: its manifest and object are kept after fs was built"
