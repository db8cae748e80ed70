#!/usr/bin/env bash
# make install puts every tool where the README says, and the installed
# kpatch-build finds its helpers (libexec/klpkit) and template (share/klpkit).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
P=$dest/usr/local
FILES=(bin/kpatch-build sbin/kpatch libexec/klpkit/create-diff-object
	libexec/klpkit/klp-convert libexec/klpkit/kernel-cache libexec/klpkit/includers
	libexec/klpkit/objmap.mk libexec/klpkit/objmap libexec/klpkit/fix-lines
	libexec/klpkit/struct-sizes.c libexec/klpkit/provider-tree libexec/klpkit/lib/common.sh
	libexec/klpkit/lib/ccache.sh libexec/klpkit/lib/releases.sh libexec/klpkit/lib/kbuild.sh
	libexec/klpkit/kbuild-record
	libexec/klpkit/lib/deb.sh
	libexec/klpkit/lib/sign.sh libexec/klpkit/lib/verify.sh libexec/klpkit/lib/vm-lib.sh
	libexec/klpkit/vm-run libexec/klpkit/nm-shim/nm
	share/klpkit/patch/livepatch-patch.c share/klpkit/patch/Kbuild
	share/klpkit/patch/kpatch-macros.h share/man/man1/kpatch-build.1
	share/man/man1/kpatch.1 share/man/man1/create-diff-object.1
	share/man/man1/klp-convert.1 lib/systemd/system/kpatch.service
	share/bash-completion/completions/kpatch)
plan $((${#FILES[@]} + 5))
make -s -C "$TOPDIR" install DESTDIR="$dest" PREFIX=/usr/local >"$dest.log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr/local" || diag_file "$dest.log"
rm -f "$dest.log"
for f in "${FILES[@]}"; do
	[ -s "$P/$f" ]
	ok $? "installed $f"
done
grep -q "^ExecStart=/usr/local/sbin/kpatch " "$P/lib/systemd/system/kpatch.service"
ok $? "the unit runs the installed kpatch"
"$P/bin/kpatch-build" --version | grep -q 'kpatch-build (klpkit)'
ok $? "installed kpatch-build --version"
# an unknown release gets as far as kernel-cache: the helpers were found
out=$(KLPKIT_CACHE=$dest/cache TMPDIR=$dest "$P/bin/kpatch-build" -a 0.0.0-0-amd64 \
	"$TOPDIR/kpatch-build/demo/cmdline-marker.patch" 2>&1)
[ $? -eq 1 ] && grep -q 'kernel-cache: error: apt knows neither linux-image-0.0.0-0-amd64' <<<"$out"
ok $? "installed kpatch-build runs its kernel-cache from libexec/klpkit" || diag "$out"
# vm-run (kpatch-build --verify) asks the installed kernel-cache for the kernel
echo true >"$dest/t.sh"
out=$(KLPKIT_CACHE=$dest/cache "$P/libexec/klpkit/vm-run" --krel 0.0.0-0-amd64 --script "$dest/t.sh" 2>&1)
[ $? -eq 2 ] && grep -q "kernel 0.0.0-0-amd64 is not in the cache.*run: $P/libexec/klpkit/kernel-cache fetch" <<<"$(tr '\n' ' ' <<<"$out")"
ok $? "installed vm-run runs its kernel-cache from libexec/klpkit" || diag "$out"
[ "$TAP_FAILED" -eq 0 ]
