#!/usr/bin/env bash
# klpkit as a Debian package (debian/): dpkg-buildpackage -us -uc -b on a
# fresh clone of HEAD builds klpkit_VERSION_ARCH.deb holding exactly what
# `make install PREFIX=/usr UNITDIR=/lib/systemd/system` installs (same
# files, same modes; man pages compressed), with the unit enabled by the
# package, the tools runnable from the unpacked package, lintian without
# errors, and nothing left in the clone that git status shows.
# About 1.5 min (compile + lintian).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/tool-deb.sh"

for t in dpkg-buildpackage dh lintian fakeroot git; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps installs it)"
done
T=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-debpkg.XXXXXX")
trap 'rm -rf "$T"' EXIT
VERSION=$(sed -n 's/^VERSION *:= *//p' "$TOPDIR/mk/common.mk")
ARCH=$(dpkg --print-architecture)
DEB=$T/$(tool_deb_name)

plan 10
start=$SECONDS
build_tool_deb "$T"
rc=$?
[ "$rc" -ne 2 ] || bail "git clone of $TOPDIR failed" "$T/clone.log"
ok "$rc" "dpkg-buildpackage -us -uc -b on a fresh clone ($((SECONDS - start)) s)" ||
	diag_file "$T/build.log" 30
[ -f "$DEB" ]
ok $? "it made klpkit_${VERSION}_$ARCH.deb (the version of mk/common.mk)" || diag "$(ls "$T")"

st=$(git -C "$T/src" status --porcelain 2>&1)
[ -z "$st" ]
ok $? "git status shows nothing new in the clone after the build" || diag "$st"

# "MODE PATH" of every file and link under DIR (man pages without .gz)
list_tree() {
	(cd "$1" && find . -path ./usr/share/doc -prune -o ! -type d -printf '%m %p\n') |
		sed 's|^\([0-9]*\) \./|\1 /|; s|\(/share/man/man[0-9]/[^ ]*\)\.gz$|\1|' | LC_ALL=C sort
}
dpkg-deb -x "$DEB" "$T/pkg" 2>"$T/x.log"
make -s -C "$T/src" install DESTDIR="$T/ref" PREFIX=/usr UNITDIR=/lib/systemd/system \
	>"$T/install.log" 2>&1 || diag_file "$T/install.log"
d=$(diff <(list_tree "$T/ref") <(list_tree "$T/pkg"))
[ -z "$d" ] && [ -s "$T/pkg/usr/sbin/kpatch" ]
ok $? "the package holds exactly what make install installs, same modes ($(list_tree "$T/pkg" | wc -l) files)" ||
	diag "< make install only, > package only:"$'\n'"$d"
[ -s "$T/pkg/usr/share/doc/klpkit/copyright" ] && [ -s "$T/pkg/usr/share/doc/klpkit/changelog.gz" ]
ok $? "/usr/share/doc/klpkit: copyright and changelog"

dpkg-deb -e "$DEB" "$T/ctl"
grep -q "^[[:space:]]*deb-systemd-helper enable 'kpatch.service'" "$T/ctl/postinst" &&
	grep -qx 'ExecStart=/usr/sbin/kpatch load --all' "$T/pkg/lib/systemd/system/kpatch.service"
ok $? "postinst enables kpatch.service, which runs /usr/sbin/kpatch load --all" ||
	diag_file "$T/ctl/postinst"
dep=$(dpkg-deb -f "$DEB" Depends)
missing=''
for p in libkmod2 libelf1 gcc make patchutils dwarves; do
	[[ ", $dep," == *", $p"[\ ,]* ]] || missing+=" $p"
done
[ -z "$missing" ]
ok $? "Depends: shared libraries (shlibs) and the tools kpatch-build runs" ||
	diag "Depends lacks$missing: $dep"

"$T/pkg/usr/bin/kpatch-build" --version 2>&1 | grep -q "kpatch-build (klpkit) $VERSION"
ok $? "the packaged kpatch-build runs"
[ "$("$T/pkg/usr/sbin/kpatch" version 2>&1)" = "$VERSION" ]
ok $? "the packaged kpatch runs"

start=$SECONDS
lintian "$DEB" >"$T/lintian.log" 2>&1
grep -v '^running with root privileges' "$T/lintian.log" | sed 's/^/# lintian: /'
! grep -q '^E: ' "$T/lintian.log"
ok $? "lintian: no errors ($(grep -c '^W: ' "$T/lintian.log") warnings, $((SECONDS - start)) s)" ||
	diag_file "$T/lintian.log"
[ "$TAP_FAILED" -eq 0 ]
