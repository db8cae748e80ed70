#!/usr/bin/env bash
# The maintainer scripts of a kpatch-build --deb package on the running
# target kernel: debian-6.1/cmdline-string.patch built with --deb for the
# test kernel, the package unpacked as dpkg would (dpkg-deb -x into the
# VM's root, its postinst and prerm from dpkg-deb -e), then in qemu, with
# the kernel the package depends on running:
#   postinst configure with KPATCH_RELEASE naming another kernel, or with
#     DPKG_ROOT set (an image build): exit 0, nothing loaded;
#   postinst configure: exit 0, the patch enabled, /proc/cmdline patched,
#     kpatch list shows it installed and loaded;
#   prerm upgrade + postinst configure (a reinstall): unloaded, then loaded
#     again;
#   prerm remove: exit 0, unloaded, /proc/cmdline as before; prerm remove
#     again (not loaded): exit 0.
# (43-deb-chroot.t installs the packages with apt in a chroot, where no
# kernel runs; this test runs the scripts where one does, without dpkg,
# which the VM's busybox root does not have.)
set -u
. "$(dirname "$0")/lib/common.sh"
KPB=$KLP_TOPDIR/kpatch-build/kpatch-build
PATCH=$KLP_TOPDIR/test/integration/debian-6.1/cmdline-string.patch
NAME=livepatch_deb_vm

klp_need_kernel
command -v dpkg-deb >/dev/null || bail "dpkg-deb is not installed"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/tmp" "$W/out" "$W/root" "$W/control"
VM_CHECKS=8
tap_plan $((3 + VM_CHECKS))

export DEBEMAIL='klpkit tests <tests@example.org>' SOURCE_DATE_EPOCH=1796000000
TMPDIR=$W/tmp "$KPB" -a "$KREL" -n "$NAME" -o "$W/out" --deb --deb-version 1 "$PATCH" \
	>"$W/build.out" 2>&1
rc=$?
DEB=$(find "$W/out" -name '*.deb' | head -n 1)
[ "$rc" -eq 0 ] && [ -n "$DEB" ]
tap_result $? "kpatch-build --deb: exit $rc, package $(basename "${DEB:-none}")" "$W/build.out"
[ -n "$DEB" ] || exit 1

# unpacked as dpkg does it: the files at their place, owned by root
dpkg-deb -x "$DEB" "$W/root" && dpkg-deb -e "$DEB" "$W/control" &&
	[ -f "$W/root/var/lib/klpkit/$KREL/$NAME.ko" ] &&
	[ -x "$W/control/postinst" ] && [ -x "$W/control/prerm" ]
rc=$?
find "$W/root" "$W/control" >"$W/files" 2>&1
tap_result "$rc" "the package holds /var/lib/klpkit/$KREL/$NAME.ko, a postinst and a prerm" "$W/files"

cat >"$W/vm.sh" <<EOF
NAME=$NAME
KREL=$KREL
EOF
cat >>"$W/vm.sh" <<'EOF'
LP=/sys/kernel/livepatch
orig=$(cat /proc/cmdline)
# check DESC COMMAND...: one TAP line, with the last output when it fails
check() {
	desc=$1
	shift
	if "$@"; then
		echo "TAP ok - $desc"
	else
		echo "TAP not ok - $desc"
		sed 's/^/TAP #   /' /tmp/out
	fi
}
# script ARGS...: run a maintainer script as dpkg does (sh, set -e inside)
script() {
	rc=0
	"$@" >/tmp/out 2>&1 || rc=$?
	sed 's/^/[script] /' /tmp/out
}
patched() { [ "$(cat /proc/cmdline)" = "$orig klpkit=1" ]; }
unpatched() { [ "$(cat /proc/cmdline)" = "$orig" ] && [ ! -e $LP/$NAME ]; }

KPATCH_RELEASE=6.1.0-0-other script /debian/postinst configure
check "postinst configure for another kernel: exit 0, nothing loaded" \
	eval '[ $rc -eq 0 ] && unpatched'
DPKG_ROOT=/target script /debian/postinst configure
check "postinst configure with DPKG_ROOT set (image build): exit 0, nothing loaded" \
	eval '[ $rc -eq 0 ] && unpatched'
script /debian/postinst configure
(wait_transition $NAME) >/dev/null 2>&1 || true
check "postinst configure on $KREL: exit 0, the patch enabled, /proc/cmdline patched" \
	eval '[ $rc -eq 0 ] && [ "$(cat $LP/$NAME/enabled 2>/dev/null)" = 1 ] && patched'
kpatch list >/tmp/out 2>&1 || true
sed 's/^/[list] /' /tmp/out
check "kpatch list: loaded and installed for $KREL" \
	eval 'grep -q "^$NAME \[enabled\]" /tmp/out && grep -q "^$NAME ($KREL)$" /tmp/out'
script /debian/prerm upgrade 1
check "prerm upgrade (a reinstall): exit 0, unloaded" eval '[ $rc -eq 0 ] && unpatched'
script /debian/postinst configure 1
(wait_transition $NAME) >/dev/null 2>&1 || true
check "postinst configure 1 after it: loaded again" eval '[ $rc -eq 0 ] && patched'
script /debian/prerm remove
check "prerm remove: exit 0, unloaded, /proc/cmdline as before" \
	eval '[ $rc -eq 0 ] && unpatched && ! grep -q "^$NAME " /proc/modules'
script /debian/prerm remove
check "prerm remove when not loaded: exit 0" eval '[ $rc -eq 0 ] && unpatched'
EOF

"$KLP_VM_RUN" --krel "$KREL" --bin "$KLP_TOPDIR/kpatch/kpatch:/usr/sbin/kpatch" \
	--file "$W/root/var/lib/klpkit:/var/lib/klpkit" --file "$W/control:/debian" \
	--script "$W/vm.sh" >"$W/vm.raw" 2>"$W/vm.err"
vmrc=$?
tr -d '\r' <"$W/vm.raw" >"$W/vm.out"
n=0
while IFS= read -r line; do
	case "$line" in
	"TAP ok - "*) n=$((n + 1)); tap_ok "${line#TAP ok - }" ;;
	"TAP not ok - "*) n=$((n + 1)); tap_not_ok "${line#TAP not ok - }" ;;
	"TAP #"*) tap_diag "${line#TAP #}" ;;
	esac
done <"$W/vm.out"
while [ "$n" -lt "$VM_CHECKS" ]; do
	n=$((n + 1))
	tap_not_ok "VM check $n did not run"
done
cat "$W/vm.err" >>"$W/vm.out"
[ "$vmrc" -eq 0 ]
tap_result $? "the VM ran to the end: no Oops, no WARNING, taint O|E|K at most (vm-run exit $vmrc)" "$W/vm.out"
tap_done
