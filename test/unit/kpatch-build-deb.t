#!/usr/bin/env bash
# kpatch-build --deb without a kernel build: kpatch-build/lib/deb.sh on a
# hand-made livepatch .ko (a .modinfo with name=, vermagic=, livepatch=Y).
# The package's control fields, files and maintainer scripts; lintian; then
# a real installation with dpkg into a scratch root (its own admindir, the
# dependencies as empty packages), where `kpatch list` (KPATCH_INSTALL_DIR)
# sees the module installed, and removal leaves nothing. The maintainer
# scripts, as installed, then load and unload the module through kpatch on
# a fake sysfs (test/unit/fake-sysfs) when its kernel "runs", and do nothing
# for another kernel or another root (DPKG_ROOT). kpatch-build's options.
# shellcheck disable=SC2016 # the maintainer scripts' own "$module"
set -u
umask 022
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/fake-ko.sh"
# shellcheck source=../../kpatch-build/lib/deb.sh
. "$TOPDIR/kpatch-build/lib/deb.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
KPATCH=$TOPDIR/kpatch/kpatch
FAKEDIR=$TOPDIR/test/unit/fake-sysfs

for t in dpkg-deb lintian objcopy gcc modinfo; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps installs it)"
done
[ -x "$KPATCH" ] || skip_all "build kpatch first (make)"
T=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-debmod.XXXXXX")
FAKE_PID=
cleanup() {
	[ -z "$FAKE_PID" ] || kill "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
REL=6.1.0-99-amd64
PKG=livepatch-fix-$REL
ARCH=amd64
export DEBEMAIL='klpkit tests <tests@example.org>' SOURCE_DATE_EPOCH=1796000000
plan 35

OBJ=$(fake_ko_obj "$T") || bail "gcc failed"
VM="$REL SMP preempt mod_unload modversions "
mkdir -p "$T/out" "$T/build" "$T/cross"
make_ko "$T/build/livepatch-fix.ko" name=livepatch_fix "vermagic=$VM" livepatch=Y license=GPL
make_ko "$T/build/plain.ko" name=plain_module "vermagic=$VM" license=GPL
make_ko "$T/build/other.ko" name=livepatch_other "vermagic=6.1.0-1-amd64 SMP " livepatch=Y
printf 'fix 1\n' >"$T/fix-one.patch"
printf 'fix 2\n' >"$T/fix-two.patch"

# ------------------------------------------------------------ the package
deb=$(deb_package "$T/out" "$REL" "$T/build/livepatch-fix.ko" 1 "$T/fix-one.patch" "$T/fix-two.patch" 2>"$T/err")
[ "$deb" = "$T/out/${PKG}_1_$ARCH.deb" ] && [ -f "$deb" ]
ok $? "deb_package writes OUTDIR/${PKG}_1_$ARCH.deb and prints its path" || diag_file "$T/err"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = "$PKG" ] && [ "$(field Version)" = 1 ] && [ "$(field Architecture)" = "$ARCH" ]
ok $? "Package $PKG (from the module name), Version 1, Architecture $ARCH (from the ELF header)"
[ "$(field Depends)" = "klpkit, linux-image-$REL" ]
ok $? "Depends: klpkit and exactly linux-image-$REL" || diag "$(field Depends)"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $2, $6 }' >"$T/files"
want="-rw-r--r-- root/root ./usr/share/doc/$PKG/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/$PKG/copyright
-rw-r--r-- root/root ./var/lib/klpkit/$REL/livepatch-fix.ko"
[ "$(cat "$T/files")" = "$want" ]
ok $? "files: the module in /var/lib/klpkit/$REL/ (root, 644), copyright, changelog" ||
	diag "$(cat "$T/files")"
dpkg-deb -x "$deb" "$T/x"
cmp -s "$T/build/livepatch-fix.ko" "$T/x/var/lib/klpkit/$REL/livepatch-fix.ko"
ok $? "the packaged module is the built one, byte for byte"
cl=$(gzip -dc "$T/x/usr/share/doc/$PKG/changelog.gz")
grep -q "^$PKG (1) unstable; urgency=medium" <<<"$cl" && grep -q -- '- fix-one.patch' <<<"$cl" &&
	grep -q -- '- fix-two.patch' <<<"$cl" && grep -q "^ -- $DEBEMAIL  .* 2026 " <<<"$cl"
ok $? "changelog: version, the patches, the maintainer from DEBEMAIL, SOURCE_DATE_EPOCH" || diag "$cl"
dpkg-deb -e "$deb" "$T/ctl"
[ -x "$T/ctl/postinst" ] && [ -x "$T/ctl/prerm" ] && shellcheck -s sh "$T/ctl/postinst" "$T/ctl/prerm" &&
	grep -qF 'kpatch load "$module"' "$T/ctl/postinst" && grep -qF 'kpatch unload "$module"' "$T/ctl/prerm"
ok $? "postinst (kpatch load) and prerm (kpatch unload): executable, shellcheck -s sh clean"
lintian "$deb" >"$T/lintian.log" 2>&1
grep -v '^running with root' "$T/lintian.log" | sed 's/^/# lintian: /'
! grep -q '^E: ' "$T/lintian.log"
ok $? "lintian: no errors ($(grep -c '^W: ' "$T/lintian.log") warnings)"

deb2=$(deb_package "$T/out" "$REL" "$T/build/livepatch-fix.ko" 1:2-1 "$T/fix-one.patch" 2>"$T/err")
[ "$deb2" = "$T/out/${PKG}_2-1_$ARCH.deb" ] && [ "$(dpkg-deb -f "$deb2" Version)" = 1:2-1 ] &&
	dpkg-deb -c "$deb2" | grep -q "/usr/share/doc/$PKG/changelog.Debian.gz$"
ok $? "version 1:2-1: file name without the epoch, changelog.Debian.gz (not native)" || diag_file "$T/err"
rm -f "$deb2"
out=$(env -u DEBEMAIL -u EMAIL DEBFULLNAME='A B' bash -c '. "$1"; deb_package "$2" "$3" "$4" 1 "$5"' \
	- "$TOPDIR/kpatch-build/lib/deb.sh" "$T/cross" "$REL" "$T/build/livepatch-fix.ko" "$T/fix-one.patch" 2>&1 >/dev/null)
grep -q "warning: --deb: neither DEBEMAIL nor EMAIL is set: the maintainer is A B <$(id -un)@.*set DEBEMAIL=" <<<"$out"
ok $? "without DEBEMAIL or EMAIL: USER@FQDN, with a warning saying what to set" || diag "$out"
rm -f "$T"/cross/*
# the architecture table on cross-compiled modules (test/unit/cross-*.t's compilers)
got='' want=''
for c in aarch64:arm64 powerpc64le:ppc64el s390x:s390x; do
	command -v "${c%%:*}-linux-gnu-gcc" >/dev/null || continue
	"${c%%:*}-linux-gnu-gcc" -c -o "$T/${c%%:*}.o" "$T/obj.c" &&
		OBJ=$T/${c%%:*}.o OBJCOPY=${c%%:*}-linux-gnu-objcopy \
			make_ko "$T/build/${c%%:*}.ko" name=livepatch_fix "vermagic=$VM" livepatch=Y
	d=$(deb_package "$T/cross" "$REL" "$T/build/${c%%:*}.ko" 1 "$T/fix-one.patch" 2>&1)
	got+=" $(dpkg-deb -f "$d" Architecture 2>&1)" want+=" ${c#*:}"
done
if [ -n "$want" ]; then
	[ "$got" = "$want" ]
	ok $? "Architecture of cross-compiled modules:$want" || diag "got:$got"
else
	skip 1 "no cross compilers (make deps installs them)"
fi

# ---------------------------------------------------------------- refusals
out=$(deb_package "$T/out" "$REL" "$T/build/other.ko" 1 "$T/fix-one.patch" 2>&1)
[ $? -eq 1 ] && grep -q "built for kernel '6.1.0-1-amd64' (vermagic), not $REL" <<<"$out"
ok $? "a module of another release is refused, naming both" || diag "$out"
out=$(deb_package "$T/out" "$REL" "$T/build/plain.ko" 1 "$T/fix-one.patch" 2>&1)
[ $? -eq 1 ] && grep -q 'not a livepatch module' <<<"$out"
ok $? "a module without livepatch=Y is refused" || diag "$out"
out=$(deb_package "$T/out" "$REL" "$T/build/livepatch-fix.ko" 'a b' "$T/fix-one.patch" 2>&1)
[ $? -eq 1 ] && grep -q "'a b' is not a Debian version" <<<"$out"
ok $? "an invalid version is refused" || diag "$out"
[ "$(find "$T/out" -type f | wc -l)" -eq 1 ] && [ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'klpkit-deb.*' -newer "$T/obj.c" 2>/dev/null)" ]
ok $? "refusals leave no file in OUTDIR and no staging directory"

# ------------------------------------------------ kpatch-build's options
out=$("$KPB" --help)
grep -q -- '--deb ' <<<"$out" && grep -q -- '--deb-version V' <<<"$out"
ok $? "kpatch-build --help lists --deb and --deb-version"
out=$(cd "$T" && "$KPB" --deb-version 'a b' "$T/fix-one.patch" 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q "'a b' is not a Debian version" <<<"$out"
ok $? "kpatch-build --deb-version with an invalid version: usage error 2 before any build" ||
	diag "status $rc: $out"

# ------------------------------------------ dpkg into a scratch root
ROOT=$T/root
DPKG=(dpkg --root="$ROOT" --force-script-chrootless --log=/dev/null)
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates" "$ROOT/var/lib/dpkg/triggers"
: >"$ROOT/var/lib/dpkg/status"
dummy() {	# dummy NAME: an empty package NAME
	mkdir -p "$T/dummy-$1/DEBIAN"
	printf 'Package: %s\nVersion: 1\nArchitecture: all\nMaintainer: %s\nDescription: empty %s\n' \
		"$1" "$DEBEMAIL" "$1" >"$T/dummy-$1/DEBIAN/control"
	dpkg-deb --root-owner-group --build "$T/dummy-$1" "$T/$1.deb" >/dev/null
}
dummy klpkit
dummy "linux-image-$REL"
"${DPKG[@]}" -i "$T/klpkit.deb" >"$T/dpkg.log" 2>&1 || diag_file "$T/dpkg.log"
"${DPKG[@]}" -i "$deb" >"$T/dpkg.log" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "depends on linux-image-$REL; however" "$T/dpkg.log"
ok $? "dpkg: without linux-image-$REL the package is not configured (status $rc)" ||
	diag_file "$T/dpkg.log"
"${DPKG[@]}" -i "$T/linux-image-$REL.deb" >"$T/dpkg.log" 2>&1 &&
	"${DPKG[@]}" --configure -a >>"$T/dpkg.log" 2>&1 &&
	[ "$(dpkg-query --root="$ROOT" -W -f='${db:Status-Abbrev}' "$PKG")" = "ii " ]
ok $? "with linux-image-$REL installed it configures: ii" || diag_file "$T/dpkg.log"
I=$ROOT/var/lib/klpkit
[ -f "$I/$REL/livepatch-fix.ko" ] && [ "$(stat -c '%U %a' "$I" "$I/$REL" "$I/$REL/livepatch-fix.ko" | xargs)" = "root 755 root 755 root 644" ]
ok $? "installed as /var/lib/klpkit/$REL/livepatch-fix.ko, root-owned, not group/other-writable"
KPATCH_INSTALL_DIR=$I "$KPATCH" list >"$T/list" 2>&1
[ "$(sed -n '/^Installed patch modules:/,$p' "$T/list")" = "Installed patch modules:
livepatch_fix ($REL)" ]
ok $? "kpatch list (KPATCH_INSTALL_DIR=ROOT/var/lib/klpkit) sees livepatch_fix installed for $REL" ||
	diag_file "$T/list"
KPATCH_INSTALL_DIR=$I KPATCH_RELEASE=$REL "$KPATCH" info livepatch_fix >"$T/info" 2>&1
grep -q "^filename: *$I/$REL/livepatch-fix.ko" "$T/info"
ok $? "kpatch info finds it by module name for the running release" || diag_file "$T/info"

# --------------- the installed maintainer scripts on a "running" $REL
gcc -O2 -shared -fPIC -o "$T/fake-kmod.so" "$FAKEDIR/fake-kmod.c" -ldl || bail "fake-kmod.so"
F=$T/fake
mkdir -p "$F/sys/kernel/livepatch" "$F/sys/module" "$F/proc" "$T/bin"
echo "console=ttyS0" >"$F/proc/cmdline"
: >"$F/kmod.log"
ln -s "$KPATCH" "$T/bin/kpatch"
"$FAKEDIR/fake-kernel" "$F" &
FAKE_PID=$!
INFO=$ROOT/var/lib/dpkg/info
script() {	# script RELEASE NAME ARGS...: run an installed maintainer script as
	# dpkg does on / (or, with SCRIPT_ROOT, chrootless for another root)
	local rel=$1 name=$2 root=()
	shift 2
	[ -z "${SCRIPT_ROOT:-}" ] || root=(DPKG_ROOT="$SCRIPT_ROOT")
	env -u DPKG_ROOT "${root[@]}" PATH="$T/bin:$PATH" KPATCH_RELEASE="$rel" KPATCH_SYSFS="$F/sys" \
		KPATCH_PROCFS="$F/proc" KPATCH_INSTALL_DIR="$I" FAKE_ROOT="$F" \
		LD_PRELOAD="$T/fake-kmod.so" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$INFO/$PKG.$name" "$@" >"$T/script.log" 2>&1
}
klist() { KPATCH_SYSFS="$F/sys" KPATCH_INSTALL_DIR="$I" "$KPATCH" list 2>&1 | sed -n '2p'; }
[ ! -s "$F/kmod.log" ]
ok $? "dpkg's chrootless scripts (DPKG_ROOT set) loaded nothing" || diag_file "$F/kmod.log"
script 6.1.0-5-amd64 postinst configure && [ ! -s "$F/kmod.log" ]
ok $? "postinst configure on another running kernel: status 0, nothing loaded" || diag_file "$T/script.log"
SCRIPT_ROOT=$ROOT script "$REL" postinst configure
[ ! -s "$F/kmod.log" ]
ok $? "postinst configure with DPKG_ROOT (another root): nothing loaded"
script "$REL" postinst configure
rc=$?
[ $rc -eq 0 ] && grep -q '^insert livepatch_fix$' "$F/kmod.log" && [ "$(klist)" = "livepatch_fix [enabled]" ]
ok $? "postinst configure on $REL: kpatch load, kpatch list shows it enabled" ||
	{ diag "status $rc, list: $(klist)"; diag_file "$T/script.log"; }
script "$REL" prerm upgrade 2
rc=$?
[ $rc -eq 0 ] && grep -q '^delete livepatch_fix$' "$F/kmod.log" && [ -z "$(klist)" ]
ok $? "prerm upgrade: kpatch unload, nothing loaded" || { diag "status $rc"; diag_file "$T/script.log"; }
script "$REL" postinst configure 1 && script "$REL" prerm remove
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^delete livepatch_fix$' "$F/kmod.log")" = 2 ] && [ -z "$(klist)" ]
ok $? "postinst configure again, prerm remove: loaded then unloaded" || diag_file "$T/script.log"
script "$REL" prerm remove && [ "$(grep -c '^delete' "$F/kmod.log")" = 2 ]
ok $? "prerm remove when not loaded: status 0, nothing to do"
script "$REL" postinst triggered x && [ "$(grep -c '^insert' "$F/kmod.log")" = 2 ]
ok $? "postinst triggered: status 0, nothing loaded"
script "$REL" postinst abort-upgrade 3 && [ "$(klist)" = "livepatch_fix [enabled]" ] &&
	script "$REL" prerm remove && [ -z "$(klist)" ]
ok $? "postinst abort-upgrade (an upgrade failed after prerm unloaded it): loaded again" ||
	diag_file "$T/script.log"
echo 1 >"$F/insert-errno"
script "$REL" postinst configure
rc=$?
rm -f "$F/insert-errno"
[ $rc -ne 0 ] && grep -q 'kpatch load failed' "$T/script.log"
ok $? "postinst: a failed load fails the configuration, with the reason" || diag_file "$T/script.log"
kill "$FAKE_PID" 2>/dev/null
wait "$FAKE_PID" 2>/dev/null
FAKE_PID=

# ------------------------------------------------------ upgrade, removal
deb3=$(deb_package "$T/out" "$REL" "$T/build/livepatch-fix.ko" 3 "$T/fix-one.patch" 2>&1) &&
	"${DPKG[@]}" -i "$deb3" >"$T/dpkg.log" 2>&1 &&
	[ "$(dpkg-query --root="$ROOT" -W -f='${Version} ${db:Status-Abbrev}' "$PKG")" = "3 ii " ] &&
	[ "$(find "$I" -type f)" = "$I/$REL/livepatch-fix.ko" ]
ok $? "dpkg -i of version 3 upgrades it in place (one module file)" || diag_file "$T/dpkg.log"
"${DPKG[@]}" --purge "$PKG" >"$T/dpkg.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -e "$I" ] && [ -z "$(dpkg-query --root="$ROOT" -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null)" ]
ok $? "dpkg --purge: module and /var/lib/klpkit gone" || diag_file "$T/dpkg.log"
KPATCH_INSTALL_DIR=$I "$KPATCH" list >"$T/list" 2>&1
[ "$(sed -n '/^Installed patch modules:/,$p' "$T/list")" = "Installed patch modules:" ]
ok $? "kpatch list: nothing installed any more" || diag_file "$T/list"
[ "$TAP_FAILED" -eq 0 ]
