# shellcheck shell=bash
# Shared helpers of the integration tests (bash; source it):
#
#   . "$(dirname "$0")/lib/common.sh"
#
# Paths
#   KLP_TOPDIR, KLP_KERNEL_CACHE, KLP_VM_RUN, KLP_VM_LIB
# Kernel
#   klp_krel                      the release under test: $KLPKIT_TEST_KREL (the one
#                                 variable every test reads), else the newest of
#                                 the series $KLPKIT_TEST_SERIES (e.g. 6.12), else
#                                 Debian 12's stock 6.1 (kernel_release of
#                                 test/lib/kernel.sh)
#   klp_prepare KREL              kernel-cache prepare KREL; prints the tree;
#                                 returns kernel-cache's status (3 = apt/mirror problem)
#   klp_need_kernel               the preamble of a test file: sets KREL, TREE,
#                                 KLP_KREL and PREPARE_S (seconds); skips the file
#                                 only when Debian's mirror is unreachable, fails it
#                                 (one "not ok", before any plan) otherwise
#   build_ext_module OUTDIR NAME SRC.c...
#                                 build an out-of-tree module against the prepared
#                                 tree of $KLP_KREL (default: klp_krel); prints the .ko
#   build_sample_livepatch OUTDIR build the kernel's own
#                                 samples/livepatch/livepatch-sample.c; prints the .ko
#                                 (module name livepatch_sample; once loaded,
#                                 /proc/cmdline reads "this has been live patched")
# TAP
#   tap_plan N | tap_skip_all REASON | tap_ok DESC | tap_not_ok DESC
#   tap_check DESC CMD...         ok when CMD succeeds
#   tap_result STATUS DESC [FILE] ok when STATUS is 0, else not ok with the
#                                 last 30 lines of FILE as diagnostics
#   tap_diag TEXT...              "# "-prefixed diagnostics (also reads stdin with -)
#   tap_done                      exit 1 if any test failed or the count is off

# shellcheck disable=SC2034 # used by the tests that source this file
KLP_TOPDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KLP_KERNEL_CACHE=$KLP_TOPDIR/kpatch-build/kernel-cache
# shellcheck disable=SC2034
KLP_VM_RUN=$KLP_TOPDIR/kpatch-build/vm-run
# shellcheck disable=SC2034
KLP_VM_LIB=$KLP_TOPDIR/kpatch-build/lib/vm-lib.sh
# shellcheck disable=SC2034
KLP_SAMPLE_TEXT='this has been live patched'

# The release, the preparation and its skip/fail rule are test/lib/kernel.sh's.
# shellcheck source=../../lib/tap.sh
. "$KLP_TOPDIR/test/lib/tap.sh"
# shellcheck source=../../lib/kernel.sh
. "$KLP_TOPDIR/test/lib/kernel.sh"

klp_krel() {
	kernel_release
}

klp_prepare() {
	"$KLP_KERNEL_CACHE" prepare "$1"
}

klp_bail() {	# klp_bail DESC [FILE]: the whole file fails with one "not ok"
	bail "$@"
}

klp_need_kernel() {
	local t0=$SECONDS
	need_kernel
	PREPARE_S=$((SECONDS - t0))
	# shellcheck disable=SC2153 # KREL comes from need_kernel
	export KLP_KREL=$KREL PREPARE_S
}

# build_ext_module OUTDIR NAME SRC.c...: sources are copied to OUTDIR/NAME.build
build_ext_module() {
	local out=$1 name=$2 krel tree dir log s objs=()
	shift 2
	krel=${KLP_KREL:-$(klp_krel)} || return 1
	tree=$("$KLP_KERNEL_CACHE" path "$krel" tree) || return 1
	dir=$out/$name.build
	rm -rf "$dir"
	mkdir -p "$dir"
	for s in "$@"; do
		cp "$s" "$dir/" || return 1
		s=${s##*/}
		objs+=("${s%.c}.o")
	done
	if [ ${#objs[@]} -eq 1 ] && [ "${objs[0]}" = "$name.o" ]; then
		echo "obj-m := $name.o" >"$dir/Kbuild"
	else
		printf 'obj-m := %s.o\n%s-y := %s\n' "$name" "$name" "${objs[*]}" >"$dir/Kbuild"
	fi
	log=$dir/build.log
	if ! make -C "$tree" M="$dir" modules </dev/null >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		echo "build_ext_module: building $name against $tree failed (log: $log)" >&2
		return 1
	fi
	[ -f "$dir/$name.ko" ] || { echo "build_ext_module: $dir/$name.ko missing" >&2; return 1; }
	cp "$dir/$name.ko" "$out/$name.ko"
	echo "$out/$name.ko"
}

build_sample_livepatch() {
	local out=$1 krel tree
	krel=${KLP_KREL:-$(klp_krel)} || return 1
	tree=$("$KLP_KERNEL_CACHE" path "$krel" tree) || return 1
	mkdir -p "$out"
	KLP_KREL=$krel build_ext_module "$out" livepatch-sample "$tree/samples/livepatch/livepatch-sample.c"
}

# ---------------------------------------------------------------- TAP

TAP_N=0 TAP_FAILED=0 TAP_PLANNED=''
tap_plan() {
	TAP_PLANNED=$1
	echo "1..$1"
}
tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}
tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
tap_check() {
	local desc=$1
	shift
	if "$@"; then tap_ok "$desc"; else tap_not_ok "$desc"; fi
}
tap_result() {	# tap_result STATUS DESC [FILE]: ok if STATUS is 0, else not ok and FILE's last lines
	if [ "$1" -eq 0 ]; then
		tap_ok "$2"
	else
		tap_not_ok "$2"
		[ -z "${3:-}" ] || tail -n 30 "$3" | tap_diag -
	fi
}
tap_diag() {
	if [ "${1:-}" = - ]; then
		sed 's/^/# /'
	else
		printf '# %s\n' "$@"
	fi
}
tap_done() {
	if [ -n "$TAP_PLANNED" ] && [ "$TAP_N" != "$TAP_PLANNED" ]; then
		tap_diag "planned $TAP_PLANNED tests but ran $TAP_N"
		exit 1
	fi
	[ "$TAP_FAILED" = 0 ] || exit 1
	exit 0
}
