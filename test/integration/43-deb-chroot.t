#!/usr/bin/env bash
# The .debs installed in a Debian 12 chroot (`make check-full` only:
# KLPKIT_SUITE=full): a minimal bookworm root made by debootstrap
# --variant=minbase from the machine's apt mirror (cached as a tarball under
# ${KLPKIT_CACHE:-~/.cache/klpkit}/debootstrap/, with the packages apt
# downloaded, so a rerun takes seconds), the tool package built from a clean
# clone (test/lib/tool-deb.sh) and a patch-module package made by
# kpatch-build/lib/deb.sh from a hand-made livepatch .ko (test/lib/fake-ko.sh)
# for a release KREL.  In the chroot (proc mounted, a policy-rc.d that
# forbids starting services, network through the host): `apt-get install
# ./klpkit_*.deb` resolves its Depends from the mirror; the patch package's
# `Depends: linux-image-KREL` is satisfied by a DUMMY package made with
# dpkg-deb (Package: linux-image-KREL, no files): no kernel is installed or
# built.  Checked: both packages ii, `kpatch list` sees the module installed
# for KREL, the file in /var/lib/klpkit/KREL/ (root, 644), kpatch.service
# enabled by the package, and `apt-get purge` removes the module so that
# `kpatch list` no longer shows it.  Runs as root (debootstrap, chroot).
# Skipped when the mirror is unreachable; a failing debootstrap fails it.
# Cold about 6 min (debootstrap 3, apt downloads 1.5, dpkg-buildpackage 1),
# warm about 2.5 min (dpkg-buildpackage, apt-get install from the cached .debs).
# shellcheck disable=SC2016 # dpkg-query's own ${...} formats
set -u
umask 022
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/fake-ko.sh"
. "$TOPDIR/test/lib/tool-deb.sh"
# shellcheck source=../../kpatch-build/lib/deb.sh
. "$TOPDIR/kpatch-build/lib/deb.sh"

SUITE=bookworm
KREL=6.1.0-99-amd64
MODNAME=livepatch_fix
PKG=livepatch-fix-$KREL
CACHE=${KLPKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/klpkit}/debootstrap
TARBALL=$CACHE/$SUITE-minbase.tar
ARCHIVES=$CACHE/$SUITE-apt-archives	# the .debs apt downloaded in the chroot

[ "${KLPKIT_SUITE:-check}" = full ] || skip_all "the Debian chroot test runs in make check-full (KLPKIT_SUITE=full)"
[ "$(id -u)" -eq 0 ] || skip_all "debootstrap and chroot need root"
for t in debootstrap dpkg-buildpackage dh fakeroot git dpkg-deb objcopy gcc wget mount chroot; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps installs it)"
done

# the_mirror: the first Debian archive URI of the machine's apt sources
# (one-line sources.list and deb822 .sources), not the security archive
the_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([a-z]+:[^[:space:]]+)[[:space:]]+.*/\2/p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sed -nE 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
	done
} 2>/dev/null
MIRROR=$(the_mirror | grep -E '/debian/?$' | grep -v security | head -n1)
MIRROR=${MIRROR%/}
[ -n "$MIRROR" ] || bail "no Debian mirror (URI ending in /debian) in /etc/apt/sources.list{,.d/*}"
wget -q -T 20 -t 2 -O /dev/null "$MIRROR/dists/$SUITE/Release" ||
	skip_all "the Debian mirror $MIRROR is unreachable (dists/$SUITE/Release)"

T=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-debchroot.XXXXXX")
ROOT=$T/root
cleanup() {	# unmount what is mounted under ROOT, then delete, never across a mount
	local m
	if [ -d "$ROOT" ]; then
		awk -v r="$ROOT/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts | sort -r |
			while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
	fi
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------- the packages
t0=$SECONDS
mkdir -p "$T/tool" "$T/build" "$T/out" "$T/debs"
build_tool_deb "$T/tool"
rc=$?
[ "$rc" -ne 2 ] || bail "git clone of $TOPDIR failed" "$T/tool/clone.log"
[ "$rc" -eq 0 ] || bail "dpkg-buildpackage of the tool failed" "$T/tool/build.log"
TOOL=$T/tool/$(tool_deb_name)
[ -f "$TOOL" ] || bail "dpkg-buildpackage made no $(tool_deb_name)" "$T/tool/build.log"
export DEBEMAIL='klpkit tests <tests@example.org>' SOURCE_DATE_EPOCH=1796000000
OBJ=$(fake_ko_obj "$T/build") || bail "gcc failed"
make_ko "$T/build/livepatch-fix.ko" "name=$MODNAME" "vermagic=$KREL SMP preempt mod_unload modversions " \
	livepatch=Y license=GPL || bail "objcopy failed"
printf 'fix 1\n' >"$T/fix.patch"
PATCHDEB=$(deb_package "$T/out" "$KREL" "$T/build/livepatch-fix.ko" 1 "$T/fix.patch" 2>"$T/deb.log") ||
	bail "deb_package failed" "$T/deb.log"
mkdir -p "$T/dummy/DEBIAN"
printf 'Package: linux-image-%s\nVersion: 1\nArchitecture: all\nMaintainer: %s\nDescription: %s\n' \
	"$KREL" "$DEBEMAIL" "dummy stand-in for the kernel (no files; klpkit tests)" >"$T/dummy/DEBIAN/control"
dpkg-deb --root-owner-group --build "$T/dummy" "$T/debs/linux-image-$KREL.deb" >/dev/null ||
	bail "dpkg-deb of the dummy linux-image-$KREL failed"
cp "$TOOL" "$PATCHDEB" "$T/debs/"
diag "packages built in $((SECONDS - t0)) s: $(cd "$T/debs" && echo *)"

# ------------------------------------------------ the root (cached tarball)
t0=$SECONDS
mkdir -p "$CACHE" "$ARCHIVES" "$ROOT"
if [ ! -s "$TARBALL" ]; then
	debootstrap --variant=minbase "$SUITE" "$T/boot" "$MIRROR" >"$T/debootstrap.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		# a mirror that became unreachable meanwhile skips; anything else fails
		grep -qE "Failed getting release file|Couldn't download|unable to resolve|Connection (refused|timed out)" \
			"$T/debootstrap.log" && ! wget -q -T 20 -O /dev/null "$MIRROR/dists/$SUITE/Release" &&
			skip_all "the Debian mirror $MIRROR became unreachable during debootstrap"
		bail "debootstrap --variant=minbase $SUITE $MIRROR failed (status $rc)" "$T/debootstrap.log"
	fi
	if ! tar --numeric-owner -C "$T/boot" -cf "$TARBALL.tmp.$$" . ||
		! mv "$TARBALL.tmp.$$" "$TARBALL"; then
		rm -f "$TARBALL.tmp.$$"
		bail "could not write $TARBALL"
	fi
	rm -rf --one-file-system "${T:?}/boot"
	how="debootstrap, cached as $TARBALL"
else
	how="from the cache $TARBALL"
fi
{ tar --numeric-owner -C "$ROOT" -xf "$TARBALL" 2>"$T/tar.log" && [ -x "$ROOT/usr/bin/apt-get" ]; } ||
	bail "unpacking $TARBALL failed (delete it to debootstrap again)" "$T/tar.log"
root_s=$((SECONDS - t0))

printf '#!/bin/sh\n# klpkit tests: no service starts in this chroot\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
echo force-unsafe-io >"$ROOT/etc/dpkg/dpkg.cfg.d/klpkit-test"	# a throw-away root: no fsync
cp -r "$T/debs" "$ROOT/tmp/debs"
mount -t proc proc "$ROOT/proc" || bail "mount -t proc on $ROOT/proc failed"
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive "$@"; }

plan 11
ok 0 "a minimal Debian $SUITE root ($how, $root_s s)"

# --------------------------------------------------------- installation
t0=$SECONDS
cp "$ARCHIVES"/*.deb "$ROOT/var/cache/apt/archives/" 2>/dev/null
in_root apt-get update -q >"$T/apt.log" 2>&1 &&
	in_root sh -c 'cd /tmp/debs && apt-get install -y -q --no-install-recommends ./klpkit_*.deb' >>"$T/apt.log" 2>&1
ok $? "apt-get install ./$(tool_deb_name): Depends resolved from $MIRROR ($((SECONDS - t0)) s)" ||
	diag_file "$T/apt.log" 30
diag "$(grep -c '^Setting up ' "$T/apt.log") packages set up, $(awk '/^Get:/ && NF >= 8' "$T/apt.log" | wc -l) downloaded (the rest from $ARCHIVES)"
cp "$ROOT"/var/cache/apt/archives/*.deb "$ARCHIVES/" 2>/dev/null
t0=$SECONDS
in_root sh -c "cd /tmp/debs && apt-get install -y -q ./linux-image-$KREL.deb ./$(basename "$PATCHDEB")" \
	>"$T/apt.log" 2>&1
ok $? "apt-get install of $PKG and the dummy linux-image-$KREL ($((SECONDS - t0)) s)" ||
	diag_file "$T/apt.log" 30

st=$(in_root dpkg -l klpkit "$PKG" "linux-image-$KREL" 2>&1 | awk '/^[a-z][a-z]/ { print $1, $2 }' | LC_ALL=C sort)
[ "$st" = "ii klpkit
ii linux-image-$KREL
ii $PKG" ]
ok $? "dpkg -l: klpkit, $PKG (and the dummy) are ii" || diag "$st"

in_root kpatch list >"$T/list" 2>&1
[ "$(sed -n '/^Installed patch modules:/,$p' "$T/list")" = "Installed patch modules:
$MODNAME ($KREL)" ]
ok $? "chroot ROOT kpatch list: $MODNAME installed for $KREL" || diag_file "$T/list"

I=$ROOT/var/lib/klpkit
got=$(stat -c '%U:%G %a %n' "$I/$KREL" "$I/$KREL/livepatch-fix.ko" 2>&1 | sed "s|$ROOT||")
[ "$got" = "root:root 755 /var/lib/klpkit/$KREL
root:root 644 /var/lib/klpkit/$KREL/livepatch-fix.ko" ]
ok $? "the module is /var/lib/klpkit/$KREL/livepatch-fix.ko, root:root 644 (directory 755)" || diag "$got"
cmp -s "$T/build/livepatch-fix.ko" "$I/$KREL/livepatch-fix.ko"
ok $? "the installed module is the built one, byte for byte"

W=/etc/systemd/system/multi-user.target.wants/kpatch.service
[ "$(readlink "$ROOT$W")" = /lib/systemd/system/kpatch.service ] && [ -f "$ROOT/lib/systemd/system/kpatch.service" ]
ok $? "kpatch.service is enabled: $W -> /lib/systemd/system/kpatch.service" ||
	diag "$(ls -l "$ROOT$W" 2>&1)"

# --------------------------------------------------------------- purge
in_root apt-get purge -y -q "$PKG" >"$T/apt.log" 2>&1
rc=$?
st=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null)
[ "$rc" -eq 0 ] && { [ -z "$st" ] || [ "$st" = "un " ]; }
ok $? "apt-get purge $PKG: not installed any more" || { diag "status $rc, dpkg: '$st'"; diag_file "$T/apt.log"; }
[ ! -e "$I/$KREL/livepatch-fix.ko" ] && [ ! -e "$I/$KREL" ]
ok $? "the module file and /var/lib/klpkit/$KREL are gone" || diag "$(find "$I" 2>&1)"
in_root kpatch list >"$T/list" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(sed -n '/^Installed patch modules:/,$p' "$T/list")" = "Installed patch modules:" ]
ok $? "kpatch list no longer shows $MODNAME (status $rc)" || diag_file "$T/list"
[ "$TAP_FAILED" -eq 0 ]
