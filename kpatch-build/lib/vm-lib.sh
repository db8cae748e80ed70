# shellcheck shell=sh
# klpkit VM test helpers.  vm-run copies this file to /klpkit/vm-lib.sh in the
# initramfs and sources it before the test script, which runs with "sh -e"
# semantics (busybox ash, or bash when the script's #! asks for it).  Plain
# POSIX sh: it must work in both shells.
#
#   log MSG...                      print "[vm] MSG" on the console
#   fail MSG...                     print "FAIL: MSG" and exit 1
#   assert_eq ACTUAL EXPECTED [WHAT]
#   assert_ne ACTUAL UNEXPECTED [WHAT]
#   assert_contains HAYSTACK NEEDLE [WHAT]
#   assert_not_contains HAYSTACK NEEDLE [WHAT]
#   wait_for COND_CMD [TIMEOUT_S] [WHAT]  poll until the command succeeds
#   wait_transition NAME [TIMEOUT_S]      wait until the livepatch NAME finished
#                                         its transition (transition reads 0)
#   disable_patch NAME [TIMEOUT_S]        echo 0 > enabled, wait until
#                                         /sys/kernel/livepatch/NAME is gone
#   patch_enabled NAME                    true if NAME is loaded and enabled
#   taint                                 print /proc/sys/kernel/tainted
#
# TIMEOUT_S defaults to $KLP_WAIT_TIMEOUT (60 s): TCG guests are slow.
#
# Note: busybox insmod retries a failed finit_module() with init_module(), so
# the init of a module that refuses to load (e.g. a livepatch whose pre-patch
# callback fails) runs twice: expect its messages once or twice in dmesg.

KLP_SYSFS=${KLP_SYSFS:-/sys/kernel/livepatch}
KLP_WAIT_TIMEOUT=${KLP_WAIT_TIMEOUT:-60}

log() {
	echo "[vm] $*"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

assert_eq() {
	if [ "$1" = "$2" ]; then
		echo "ok: ${3:-value} = '$2'"
	else
		fail "${3:-value}: expected '$2', got '$1'"
	fi
}

assert_ne() {
	if [ "$1" != "$2" ]; then
		echo "ok: ${3:-value} != '$2'"
	else
		fail "${3:-value}: expected something other than '$2'"
	fi
}

assert_contains() {
	case "$1" in
	*"$2"*) echo "ok: ${3:-output} contains '$2'" ;;
	*) fail "${3:-output} does not contain '$2'; it is: '$1'" ;;
	esac
}

assert_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-output} contains '$2'; it is: '$1'" ;;
	*) echo "ok: ${3:-output} does not contain '$2'" ;;
	esac
}

# wait_for CMD [TIMEOUT_S] [WHAT]: CMD is evaluated by the shell
wait_for() {
	_klp_t=$(((${2:-$KLP_WAIT_TIMEOUT}) * 10))
	_klp_i=0
	while ! eval "$1"; do
		_klp_i=$((_klp_i + 1))
		[ "$_klp_i" -lt "$_klp_t" ] || fail "timed out after ${2:-$KLP_WAIT_TIMEOUT} s waiting for: ${3:-$1}"
		sleep 0.1
	done
	return 0
}

wait_transition() {
	[ -d "$KLP_SYSFS/$1" ] || fail "livepatch $1 is not loaded ($KLP_SYSFS/$1 missing)"
	wait_for "[ \"\$(cat '$KLP_SYSFS/$1/transition' 2>/dev/null)\" = 0 ]" "${2:-$KLP_WAIT_TIMEOUT}" \
		"the transition of livepatch $1"
	log "livepatch $1: transition complete (enabled=$(cat "$KLP_SYSFS/$1/enabled"))"
}

disable_patch() {
	[ -d "$KLP_SYSFS/$1" ] || fail "livepatch $1 is not loaded ($KLP_SYSFS/$1 missing)"
	echo 0 >"$KLP_SYSFS/$1/enabled" || fail "could not write 0 to $KLP_SYSFS/$1/enabled"
	wait_for "[ ! -d '$KLP_SYSFS/$1' ]" "${2:-$KLP_WAIT_TIMEOUT}" "livepatch $1 to disappear from sysfs"
	log "livepatch $1: disabled"
}

patch_enabled() {
	[ "$(cat "$KLP_SYSFS/$1/enabled" 2>/dev/null)" = 1 ]
}

taint() {
	cat /proc/sys/kernel/tainted
}
