#!/usr/bin/env bash
# Unit tests of the kpatch runtime tool, on the host: help and man page in
# step, install/uninstall/list against a temporary install root, refusals
# of hand-made .ko files, and load/unload/signal/list against a fake
# sysfs/procfs tree (test/unit/fake-sysfs: an LD_PRELOAD shim fakes module
# insertion and removal, fake-kernel plays the livepatch transitions).
# The checks are single-quoted strings given to eval, expanded when run:
# shellcheck disable=SC2016,SC2034
set -u
umask 022

TOP=$(cd "$(dirname "$0")/../.." && pwd)
FAKEDIR=$TOP/test/unit/fake-sysfs
KPATCH=${KPATCH:-$TOP/kpatch/kpatch}
MAN=$TOP/man/kpatch.1
REL=6.1.0-99-amd64
T=$(mktemp -d /tmp/kpatch-cli.XXXXXX)
FAKE_PID=

cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

n=0
fails=0
ok() { # ok DESC COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		fails=$((fails + 1))
	fi
}

diag() { sed 's/^/# /' "$@" >&2; }

# run ARGS...: kpatch with stdout in $T/out, stderr in $T/err, status in $rc
rc=0
run() {
	"$KPATCH" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	return 0
}
status_is() { [ "$rc" = "$1" ] || { echo "# exit status $rc, expected $1" >&2; diag "$T/err"; return 1; }; }
out_has() { grep -q -e "$1" "$T/out" || { echo "# stdout lacks '$1'" >&2; diag "$T/out"; return 1; }; }
err_has() { grep -q -e "$1" "$T/err" || { echo "# stderr lacks '$1'" >&2; diag "$T/err"; return 1; }; }
err_empty() { [ ! -s "$T/err" ] || { diag "$T/err"; return 1; }; }

# ---------------------------------------------------------------- fixtures
if [ ! -x "$KPATCH" ]; then
	make --no-print-directory -C "$TOP/kpatch" >&2 || { echo "1..0 # SKIP cannot build kpatch"; exit 0; }
fi

# make_ko FILE MODINFO...: an object with a hand-written .modinfo section
make_ko() {
	local file=$1
	shift
	printf '%s\0' "$@" >"$T/modinfo"
	objcopy --add-section .modinfo="$T/modinfo" \
		--set-section-flags .modinfo=alloc,readonly "$T/obj.o" "$file"
}
echo 'int klpkit_test_object;' >"$T/obj.c"
gcc -c -o "$T/obj.o" "$T/obj.c"
VM="$REL SMP preempt mod_unload modversions "
make_ko "$T/lp.ko" name=livepatch_test "vermagic=$VM" livepatch=Y license=GPL \
	"klpkit_funcs=vmlinux:cmdline_proc_show ext4:ext4_file_open"
make_ko "$T/livepatch-two.ko" name=livepatch_two "vermagic=$VM" livepatch=Y license=GPL
make_ko "$T/plain.ko" name=plain_module "vermagic=$VM" license=GPL
make_ko "$T/other.ko" name=livepatch_other \
	"vermagic=6.1.0-1-amd64 SMP preempt mod_unload modversions " livepatch=Y
cp "$T/obj.o" "$T/nomodinfo.ko"

gcc -O2 -Wall -Wno-format-truncation -shared -fPIC -o "$T/fake-kmod.so" \
	"$FAKEDIR/fake-kmod.c" -ldl

F=$T/fake
mkdir -p "$F/sys/kernel/livepatch" "$F/sys/module" "$F/proc"
echo "console=ttyS0 quiet" >"$F/proc/cmdline"
export KPATCH_SYSFS=$F/sys KPATCH_PROCFS=$F/proc KPATCH_RELEASE=$REL
export KPATCH_INSTALL_DIR=$T/root/var/lib/klpkit
export FAKE_ROOT=$F LD_PRELOAD=$T/fake-kmod.so
# a sanitized kpatch must accept the shim in front of its runtime
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

COMMANDS="load unload list info install uninstall signal version"
echo "1..102"

# ------------------------------------------------------- help and man page
for c in $COMMANDS; do
	run "$c" --help
	ok "$c --help: usage on stdout, status 0" \
		eval 'status_is 0 && out_has "^Usage: kpatch $c" && err_empty'
done
run --help
ok "--help lists every command" eval 'status_is 0 && [ "$(sed -n "/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p" "$T/out" | xargs)" = "$COMMANDS" ]'

# help_opts CMD: option names in `kpatch CMD --help` (or global --help)
help_opts() {
	"$KPATCH" "$@" --help | sed -n '/^Options:/,/^$/p' | grep -E '^  -' |
		sed -E 's/^  (-[^ ]+( --?[^ ]+)?).*/\1/' |
		grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort | xargs
}
# man_opts SECTION: option names in the .TP tags of a .SS command section
# of kpatch.1, or of ".SH OPTIONS" for SECTION "global"
man_opts() {
	awk -v want="$1" '
		/^\.SH/ { sec = ($2 == "OPTIONS") ? "global" : ""; next }
		/^\.SS/ { s = $2; gsub(/"/, "", s); sec = s; next }
		/^\.TP/ { tag = 1; next }
		tag { tag = 0; if (sec == want) print }' "$MAN" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g' |
		grep -oE -- '(^|[ "])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' "' | sort | xargs
}
for c in $COMMANDS; do
	h=$(help_opts "$c")
	m=$(man_opts "$c")
	ok "kpatch.1 options of $c equal --help's ($h)" [ -n "$h" -a "$h" = "$m" ]
done
h=$(help_opts)
m=$(man_opts global)
ok "kpatch.1 global options equal --help's ($h)" [ -n "$h" -a "$h" = "$m" ]
m=$(grep '^\.SS' "$MAN" | awk '{ gsub(/"/, "", $2); print $2 }' | xargs)
ok "kpatch.1 documents every command" [ "$m" = "$COMMANDS" ]
ok "kpatch.1 documents exit statuses 0-5" \
	eval '[ "$(sed -n "/^\.SH \"EXIT STATUS\"/,/^\.SH/p" "$MAN" | grep -A1 "^\.TP" | grep -c "^\.B [0-5]$")" = 6 ]'

run version
ok "version prints the project version" \
	eval 'status_is 0 && [ "$(cat "$T/out")" = "$(sed -n "s/^VERSION *:= *//p" "$TOP/mk/common.mk")" ]'
run -v
ok "-v is version" eval 'status_is 0 && [ -s "$T/out" ]'

# ------------------------------------------------------------ usage errors
run
ok "no command: status 2" status_is 2
run frobnicate
ok "unknown command: status 2" eval 'status_is 2 && err_has "unknown command"'
run load --bogus x
ok "unknown option: status 2, hint on stderr" eval 'status_is 2 && err_has "kpatch load --help"'
run load
ok "load without MODULE: status 2" status_is 2
run load -t abc "$T/lp.ko"
ok "load with a bad timeout: status 2" status_is 2
run unload --all extra
ok "unload --all NAME: status 2" status_is 2
run install
ok "install without MODULE: status 2" status_is 2

# ------------------------------------------------------------------- info
run info "$T/lp.ko"
ok "info shows modinfo fields" eval 'status_is 0 && out_has "^Patch information for livepatch_test:" && out_has "^vermagic: *$REL SMP" && out_has "^livepatch: *Y"'
ok "info shows the klpkit_funcs functions" eval 'out_has "^  vmlinux:cmdline_proc_show$" && out_has "^  ext4:ext4_file_open$" && out_has "^loaded: *no"'
run info "$T/livepatch-two.ko"
ok "info without klpkit_funcs says so" eval 'status_is 0 && out_has "not recorded"'
run info "$T/nomodinfo.ko"
ok "info of an object without modinfo: status 3" eval 'status_is 3 && err_has "not a kernel module"'
run info "$T/missing.ko"
ok "info of a missing file: status 1" status_is 1

# ---------------------------------------------------- install / uninstall
IDIR=$KPATCH_INSTALL_DIR
run install "$T/lp.ko"
ok "install copies to INSTALL_DIR/KREL/" eval 'status_is 0 && cmp -s "$T/lp.ko" "$IDIR/$REL/lp.ko"'
ok "installed file is mode 644" [ "$(stat -c %a "$IDIR/$REL/lp.ko")" = 644 ]
run install "$T/lp.ko"
ok "install twice: status 1, already installed" eval 'status_is 1 && err_has "already installed"'
run install -k 6.1.0-5-amd64 "$T/livepatch-two.ko"
ok "install -k with another vermagic: status 3" eval 'status_is 3 && err_has "built for kernel $REL"'
run install "$T/plain.ko"
ok "install of a non-livepatch module: status 3" eval 'status_is 3 && err_has "livepatch=Y"'
run install --kernel-version="$REL" "$T/livepatch-two.ko"
ok "install --kernel-version=KREL" eval 'status_is 0 && [ -f "$IDIR/$REL/livepatch-two.ko" ]'
run install "$T/other.ko"
ok "install of another release goes to its own directory" eval 'status_is 0 && [ -f "$IDIR/6.1.0-1-amd64/other.ko" ]'
run list
ok "list shows installed modules per release, then file name" eval 'status_is 0 && [ "$(sed -n "/^Installed patch modules:/,\$p" "$T/out")" = "Installed patch modules:
livepatch_other (6.1.0-1-amd64)
livepatch_two ($REL)
livepatch_test ($REL)" ]'
run info livepatch_test
ok "info finds an installed module by module name" eval 'status_is 0 && out_has "^filename: *$IDIR/$REL/lp.ko"'
run uninstall livepatch-two
ok "uninstall by name with '-'" eval 'status_is 0 && [ ! -e "$IDIR/$REL/livepatch-two.ko" ]'
run uninstall livepatch_two
ok "uninstall of a missing module: status 1" eval 'status_is 1 && err_has "not installed"'
run uninstall -k 6.1.0-1-amd64 other.ko
ok "uninstall -k removes the emptied release directory" eval 'status_is 0 && [ ! -e "$IDIR/6.1.0-1-amd64" ]'

# --------------------------------------------- load refusals (no kernel)
: >"$F/kmod.log"
run load "$T/plain.ko"
ok "load of a non-livepatch module: status 3, reason" eval 'status_is 3 && err_has "not a livepatch module (no livepatch=Y"'
run load "$T/other.ko"
ok "load of a module for another kernel: status 3, vermagic" eval 'status_is 3 && err_has "built for kernel 6.1.0-1-amd64, not $REL"'
run load "$T/nomodinfo.ko"
ok "load of a non-module: status 3" status_is 3
ok "refused modules never reached the module loader" [ ! -s "$F/kmod.log" ]
mv "$F/sys/kernel/livepatch" "$F/sys/kernel/lp.off"
run load "$T/lp.ko"
ok "load on a kernel without livepatch: status 3" eval 'status_is 3 && err_has "no livepatch support" && [ ! -s "$F/kmod.log" ]'
mv "$F/sys/kernel/lp.off" "$F/sys/kernel/livepatch"

# --------------------------------------------- fake kernel: load, unload
"$FAKEDIR/fake-kernel" "$F" &
FAKE_PID=$!
PD=$F/sys/kernel/livepatch/livepatch_test

run load "$T/lp.ko"
ok "load: status 0, patch enabled" eval 'status_is 0 && [ "$(cat "$PD/enabled")" = 1 ] && [ "$(cat "$PD/transition")" = 0 ]'
ok "load inserted the module once" [ "$(grep -c '^insert livepatch_test$' "$F/kmod.log")" = 1 ]
run list
ok "list shows the loaded patch, its object and functions" eval 'status_is 0 && [ "$(sed -n "1,3p" "$T/out")" = "Loaded patch modules:
livepatch_test [enabled]
  vmlinux [patched] cmdline_proc_show,1" ]'
run info "$T/lp.ko"
ok "info shows the loaded state" eval 'status_is 0 && out_has "^loaded: *enabled"'
run load livepatch_test
ok "load of a loaded patch: status 0, no second insert" eval 'status_is 0 && err_has "already loaded" && [ "$(grep -c "^insert" "$F/kmod.log")" = 1 ]'
run signal
ok "signal with no transition: status 0" eval 'status_is 0 && err_has "no livepatch in transition"'
run unload livepatch-test
ok "unload: status 0, patch and module gone" eval 'status_is 0 && [ ! -e "$PD" ] && [ ! -e "$F/sys/module/livepatch_test" ]'
ok "unload removed the module" grep -q '^delete livepatch_test$' "$F/kmod.log"
run unload livepatch_test
ok "unload of a patch not loaded: status 1" eval 'status_is 1 && err_has "no such livepatch loaded"'

echo 1 >"$F/insert-errno"
run load "$T/lp.ko"
ok "kernel refusing the insertion: status 1" eval 'status_is 1 && err_has "kernel refused module"'
ok "a refusal that is not about signatures gets no signing advice" eval '! grep -q signature "$T/err"'

# refusals because of the module's signature (module.sig_enforce=1, lockdown)
mkdir -p "$F/sys/module/module/parameters" "$F/sys/kernel/security"
echo Y >"$F/sys/module/module/parameters/sig_enforce"
echo 129 >"$F/insert-errno"	# EKEYREJECTED
run load "$T/lp.ko"
ok "sig_enforce refusing an unsigned module: what the kernel said, why, the fix" \
	eval 'status_is 1 && err_has "kernel refused module livepatch_test: Key was rejected by service" && err_has "livepatch_test: refused because of its signature (EKEYREJECTED): the kernel enforces module signatures (module.sig_enforce=1); $T/lp.ko is unsigned" && err_has "fix: sign the module .*kpatch-build --sign-key KEY.pem --sign-cert CERT.pem" && err_has "mokutil --import CERT.der"'
# a signature made as scripts/sign-file makes it (PKCS#7, detached, no
# certificates, then struct module_signature and the marker)
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=klpkit test" -days 2 \
	-keyout "$T/sign.key" -out "$T/sign.crt" 2>/dev/null
openssl cms -sign -binary -noattr -outform DER -nocerts -md sha256 \
	-signer "$T/sign.crt" -inkey "$T/sign.key" -in "$T/lp.ko" -out "$T/lp.sig"
cp "$T/lp.ko" "$T/lp-signed.ko"
siglen=$(stat -c %s "$T/lp.sig")
{
	cat "$T/lp.sig"
	printf '\0\0\2\0\0\0\0\0'
	# shellcheck disable=SC2059 # the format is the big-endian length
	printf "$(printf '\\%03o' $((siglen >> 24 & 255)) $((siglen >> 16 & 255)) $((siglen >> 8 & 255)) $((siglen & 255)))"
	printf '~Module signature appended~\n'
} >>"$T/lp-signed.ko"
run load "$T/lp-signed.ko"
ok "sig_enforce refusing a module signed by an untrusted key names its signer" \
	eval 'status_is 1 && err_has "$T/lp-signed.ko is signed by .klpkit test., a key the kernel does not trust" && err_has "mokutil --import"'
echo N >"$F/sys/module/module/parameters/sig_enforce"
echo "none [integrity] confidentiality" >"$F/sys/kernel/security/lockdown"
echo 1 >"$F/insert-errno"	# EPERM
run load "$T/lp.ko"
ok "lockdown refusing an unsigned module (EPERM): why and the fix" \
	eval 'status_is 1 && err_has "refused because of its signature (EPERM): the kernel is locked down (lockdown=integrity" && err_has "is unsigned" && err_has "mokutil --import"'
echo "[none] integrity confidentiality" >"$F/sys/kernel/security/lockdown"
run load "$T/lp.ko"
ok "EPERM without lockdown: no signing advice" eval 'status_is 1 && err_has "kernel refused module" && ! grep -q signature "$T/err"'
rm -rf "$F/insert-errno" "$F/sys/module/module" "$F/sys/kernel/security"

# ------------------------------------------------ stalled transitions
echo enable >"$F/stall-livepatch_test"
: >"$F/kmod.log"
run load -t 1 -s 1 "$T/lp.ko"
ok "stalled load: status 4" status_is 4
ok "stalled load reports the blocking task and its stack" eval 'err_has "task 4242 (pid 4242) fake_busy: patch_state 0, target 1" && err_has "fake_busy_func+0x1d"'
ok "stalled load signalled the blocking tasks" err_has "signalled blocking tasks"
ok "stalled load reversed and removed the module" eval 'err_has "reversing the transition" && [ ! -e "$PD" ] && [ ! -e "$F/sys/module/livepatch_test" ] && grep -q "^delete livepatch_test" "$F/kmod.log"'

"$KPATCH" load -t 5 -s 5 "$T/lp.ko" >"$T/bg.out" 2>"$T/bg.err" &
bg=$!
for _ in $(seq 50); do [ -s "$F/proc/4242/task/4242/stack" ] && break; sleep 0.1; done
run list
ok "list during a transition shows enabling... and the blocker" eval 'status_is 0 && out_has "^livepatch_test \[enabling...\]" && out_has "^  blocking tasks:" && out_has "fake_busy: patch_state 0, target 1"'
run signal
ok "signal writes 1 to the signal attribute" eval 'status_is 0 && [ "$(cat "$PD/signal")" = 1 ]'
mv "$PD/signal" "$T/signal.saved"
run signal
ok "signal on a kernel without the attribute: status 0, says why" \
	eval 'status_is 0 && err_has "signals blocking tasks by itself"'
mv "$T/signal.saved" "$PD/signal"
rm -f "$F/stall-livepatch_test"
wait "$bg"
bgrc=$?
ok "load finishes once the blocker switched" eval '[ "$bgrc" = 0 ] && [ "$(cat "$PD/enabled")" = 1 ]'

echo disable >"$F/stall-livepatch_test"
run unload -t 1 -s 1 livepatch_test
ok "stalled unload: status 4, patch re-enabled and kept" eval 'status_is 4 && err_has "target 0" && [ "$(cat "$PD/enabled")" = 1 ] && [ "$(cat "$PD/transition")" = 0 ]'
echo both >"$F/stall-livepatch_test"
run unload -t 1 -s 1 livepatch_test
ok "unload whose reversal stalls too: status 5" eval 'status_is 5 && err_has "reversed transition did not finish"'
rm -f "$F/stall-livepatch_test"
run unload --all
ok "unload --all clears everything" eval 'status_is 0 && [ -z "$(ls "$F/sys/kernel/livepatch")" ] && [ ! -e "$F/sys/module/livepatch_test" ]'

# ------------------------------------------------------------ load --all
"$KPATCH" install "$T/livepatch-two.ko" 2>/dev/null
echo "console=ttyS0 klpkit.skip" >"$F/proc/cmdline"
: >"$F/kmod.log"
run load --all
ok "load --all honours klpkit.skip" eval 'status_is 0 && err_has "klpkit.skip" && [ ! -s "$F/kmod.log" ]'
echo "console=ttyS0" >"$F/proc/cmdline"
run load --all
ok "load --all loads every installed module" eval 'status_is 0 && [ -d "$PD" ] && [ -d "$F/sys/kernel/livepatch/livepatch_two" ]'
run unload --all
ok "unload --all unloads both" eval 'status_is 0 && [ -z "$(ls "$F/sys/kernel/livepatch")" ]'
KPATCH_RELEASE=6.1.0-7-amd64 run load --all
ok "load --all with nothing installed: status 0" eval 'status_is 0 && err_has "no modules installed"'

# ------------------------------------------------------- trust boundary
# A module file, and every directory on its path (symlinks followed), must
# be owned by root and not writable by group or others. Run as another
# user, kpatch trusts its own files as root's, so the owner cases need root.
: >"$F/kmod.log"
mkdir -m 775 "$T/gw"
cp "$T/lp.ko" "$T/gw/lp.ko"
run load "$T/gw/lp.ko"
ok "load from a group-writable directory: status 3, names it and the fix" \
	eval 'status_is 3 && err_has "^kpatch: $T/gw/lp.ko: refused: directory $T/gw is writable by group (mode 0775), " && err_has "; fix: chmod go-w $T/gw$"'
cp "$T/lp.ko" "$T/ow.ko"
chmod 646 "$T/ow.ko"
run load "$T/ow.ko"
ok "load of a file writable by others: status 3, names it and the fix" \
	eval 'status_is 3 && err_has "refused: file $T/ow.ko is writable by others (mode 0646), " && err_has "; fix: chmod go-w $T/ow.ko$"'
mkdir "$T/links"
ln -s ../gw/lp.ko "$T/links/to-bad.ko"
run load "$T/links/to-bad.ko"
ok "load through a symlink into a group-writable directory: status 3, names the real directory" \
	eval 'status_is 3 && err_has "^kpatch: $T/links/to-bad.ko: refused: directory $T/gw is writable by group"'
ln -s "$T/lp.ko" "$T/gw/to-good.ko"
run load "$T/gw/to-good.ko"
ok "load through a symlink that sits in a group-writable directory: status 3" \
	eval 'status_is 3 && err_has "refused: directory $T/gw is writable by group"'
ln -s gw "$T/gwlink"
run load "$T/gwlink/lp.ko"
ok "load through a symlinked directory: the directory it resolves to is checked" \
	eval 'status_is 3 && err_has "refused: directory $T/gw is writable by group"'
if [ "$(id -u)" = 0 ]; then
	cp "$T/lp.ko" "$T/nobody.ko"
	chown 65534 "$T/nobody.ko"
	run load "$T/nobody.ko"
	ok "load of a file not owned by root: status 3, names it and the fix" \
		eval 'status_is 3 && err_has "refused: file $T/nobody.ko is owned by uid 65534, not root, " && err_has "; fix: chown root:root $T/nobody.ko$"'
	mkdir -m 1777 "$T/nobody-sticky"
	cp "$T/lp.ko" "$T/nobody-sticky/lp.ko"
	chown 65534:65534 "$T/nobody-sticky"
	run load "$T/nobody-sticky/lp.ko"
	ok "load from a sticky directory of another owner: status 3, both fixes" \
		eval 'status_is 3 && err_has "directory $T/nobody-sticky is owned by uid 65534, not root, and writable by group and others (mode 1777)" && err_has "; fix: chown root:root $T/nobody-sticky; chmod go-w $T/nobody-sticky$"'
else
	echo "ok $((n += 1)) # SKIP giving a file to another uid needs root"
	echo "ok $((n += 1)) # SKIP giving a directory to another uid needs root"
fi
ok "untrusted modules never reached the module loader" [ ! -s "$F/kmod.log" ]
ln -s ../lp.ko "$T/links/good.ko"
run load "$T/links/good.ko"
ok "load through a symlink in a root-only directory to a root-only file: status 0" \
	eval 'status_is 0 && [ "$(cat "$PD/enabled")" = 1 ] && grep -q "^insert livepatch_test$" "$F/kmod.log"'
run unload livepatch_test
mkdir -m 1777 "$T/sticky"
cp "$T/lp.ko" "$T/sticky/lp.ko"
run load "$T/sticky/lp.ko"
ok "load of a root file in a root-owned sticky directory (like /tmp): status 0" \
	eval 'status_is 0 && [ "$(cat "$PD/enabled")" = 1 ]'
run unload livepatch_test

KPATCH_INSTALL_DIR=$T/root2 run install "$T/gw/lp.ko"
ok "install of a module from a group-writable directory: status 3, nothing copied" \
	eval 'status_is 3 && err_has "refused: directory $T/gw is writable by group" && [ ! -e "$T/root2" ]'
mkdir -m 777 "$T/badroot"
KPATCH_INSTALL_DIR=$T/badroot/klpkit run install "$T/lp.ko"
ok "install under a directory writable by others: status 3, names it, nothing copied" \
	eval 'status_is 3 && err_has "refused: directory $T/badroot is writable by group and others (mode 0777), " && [ ! -e "$T/badroot/klpkit" ]'
chmod o+w "$IDIR/$REL/livepatch-two.ko"
: >"$F/kmod.log"
run load --all
ok "load --all refuses an installed module writable by others: status 3" \
	eval 'status_is 3 && err_has "refused: file $IDIR/$REL/livepatch-two.ko is writable by others" && ! grep -q livepatch_two "$F/kmod.log"'
fix=$(sed -n 's/^kpatch: .*; fix: //p' "$T/err")
eval "$fix"
run load --all
ok "load --all loads it once the printed fix ($fix) is applied" \
	eval 'status_is 0 && [ -d "$F/sys/kernel/livepatch/livepatch_two" ]'
run unload --all

touch "$F/stop"
wait "$FAKE_PID"
FAKE_PID=

# ------------------------------------------------ systemd unit, completion
unset LD_PRELOAD
if ! command -v systemd-analyze >/dev/null && [ "$(id -u)" = 0 ] &&
	command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null 2>&1
fi
mkdir -p "$T/man/man1"
cp "$MAN" "$T/man/man1/"
sed "s|@SBINDIR@|$TOP/kpatch|g" "$TOP/contrib/kpatch.service" >"$T/kpatch.service"
if command -v systemd-analyze >/dev/null; then
	ok "kpatch.service passes systemd-analyze verify" \
		eval 'MANPATH=$T/man systemd-analyze verify "$T/kpatch.service" >&2'
	ok "kpatch.service skip condition parses" \
		eval 'systemd-analyze condition "$(grep "^ConditionKernelCommandLine=" "$T/kpatch.service")" >/dev/null 2>&1'
else
	echo "ok $((n += 1)) # SKIP systemd-analyze not available"
	echo "ok $((n += 1)) # SKIP systemd-analyze not available"
fi
ok "kpatch.service runs load --all and honours klpkit.skip" \
	eval 'grep -qx "ExecStart=@SBINDIR@/kpatch load --all" "$TOP/contrib/kpatch.service" && grep -qx "ConditionKernelCommandLine=!klpkit.skip" "$TOP/contrib/kpatch.service"'

ok "bash completion passes shellcheck" shellcheck -s bash "$TOP/contrib/kpatch.bash-completion"
# complete WORDS...: COMPREPLY of the completion for the command line WORDS
# (the last word is the one completed), with bash-completion's helpers stubbed
complete_words() {
	bash -c '
		_init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${words[cword]}; prev=${words[cword-1]}; }
		_filedir() { :; }
		compopt() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_kpatch; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ \
		"$TOP/contrib/kpatch.bash-completion" "$@"
}
ok "completion of commands" eval '[ "$(complete_words kpatch un)" = "uninstall unload" ]'
ok "completion of load options" eval '[ "$(complete_words kpatch load --st)" = "--stall-timeout=" ]'
ok "completion of installed modules for uninstall" \
	eval '[ "$(complete_words kpatch uninstall -k "$REL" l)" = "livepatch-two.ko lp.ko" ]'

[ -n "${KEEP:-}" ] && { trap - EXIT; echo "# kept $T" >&2; }
[ "$fails" = 0 ]
