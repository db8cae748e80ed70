# shellcheck shell=bash
# Real kernel objects for tests: built from Debian's linux-source with the
# distro config in the tree prepared by kpatch-build/kernel-cache.
TOPDIR=${TOPDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KERNEL_CACHE=$TOPDIR/kpatch-build/kernel-cache

# kernel_release: the Debian release the tests target (KLPKIT_TEST_KREL or
# the stock 6.1 kernel).
kernel_release() {
	if [ -n "${KLPKIT_TEST_KREL:-}" ]; then
		echo "$KLPKIT_TEST_KREL"
	else
		"$KERNEL_CACHE" default-release
	fi
}

# need_kernel: set KREL and TREE (prepared) for a test file.  When apt
# cannot reach Debian's mirror (kernel-cache exit 3) the whole file is
# skipped; any other failure to prepare the kernel fails it: a broken
# preparation must never look like a skip.
need_kernel() {
	local err rc=0
	err=$(mktemp)
	KREL=$(kernel_release 2>"$err") || rc=$?
	[ "$rc" -ne 0 ] || TREE=$("$KERNEL_CACHE" prepare "$KREL" 2>>"$err") || rc=$?
	if [ "$rc" -eq 3 ]; then
		skip_all "Debian's package mirror is unreachable: $(grep -m1 'error' "$err")"
	elif [ "$rc" -ne 0 ]; then
		bail "prepare the test kernel ${KREL:-(release unknown)} (kernel-cache exit $rc)" "$err"
	fi
	rm -f "$err"
	KCACHE_DIR=$("$KERNEL_CACHE" path "$KREL" dir)
	export KREL TREE KCACHE_DIR
}

# kernel_tree KREL: prepare (once) and print the source tree.
kernel_tree() {
	"$KERNEL_CACHE" prepare "$1" >/dev/null && "$KERNEL_CACHE" path "$1" tree
}

# build_function_section_objects KREL OUTDIR OBJ...: compile each OBJ (path
# relative to the tree, e.g. fs/proc/meminfo.o) with -ffunction-sections
# -fdata-sections and copy it to OUTDIR/OBJ.  Kept across runs.
build_function_section_objects() {
	local krel=$1 out=$2 tree obj missing=()
	shift 2
	for obj in "$@"; do
		[ -s "$out/$obj" ] || missing+=("$obj")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	tree=$(kernel_tree "$krel") || return 1
	# the same lock as kpatch-build: one build in the tree at a time
	flock "$tree/.klpkit-build.lock" make -C "$tree" -s -j"$(nproc)" \
		KCFLAGS="-ffunction-sections -fdata-sections" "${missing[@]}" </dev/null >&2 || return 1
	for obj in "${missing[@]}"; do
		mkdir -p "$out/$(dirname "$obj")"
		cp "$tree/$obj" "$out/$obj.tmp" && mv "$out/$obj.tmp" "$out/$obj" || return 1
	done
}

# The kernel directories diffed against themselves (cdo-selfdiff.t): a
# representative set for `make check`, more with KLPKIT_SUITE=full;
# KLPKIT_SELFDIFF_DIRS overrides both.
selfdiff_dirs() {
	if [ -n "${KLPKIT_SELFDIFF_DIRS:-}" ]; then
		echo "$KLPKIT_SELFDIFF_DIRS"
	elif [ "${KLPKIT_SUITE:-check}" = full ]; then
		echo "fs/proc kernel/livepatch kernel/sched net/ipv4 fs/ext4 mm kernel"
	else
		echo "fs/proc kernel/livepatch net/ipv4"
	fi
}

# Objects kelf-roundtrip.t (and the fuzz seeds) read.
# shellcheck disable=SC2034 # used by the files that source this one
ROUNDTRIP_OBJS=(fs/proc/meminfo.o kernel/sched/core.o net/ipv4/tcp.o fs/proc/cmdline.o)

# build_selfdiff_dir KREL DIR: build DIR/ of the tree with function sections
# (once; kept in the cache with a manifest of the objects kbuild produced)
# and print the directory holding its objects.  Build output goes to stderr.
build_selfdiff_dir() {
	local krel=$1 d=$2 tree out
	out=$("$KERNEL_CACHE" path "$krel" dir)/test-objects/selfdiff/$d
	if [ ! -s "$out/.manifest" ]; then
		tree=$(kernel_tree "$krel") || return 1
		flock "$tree/.klpkit-build.lock" make -s -C "$tree" -j"$(nproc)" \
			KCFLAGS="-ffunction-sections -fdata-sections" "$d/" </dev/null >&2 || return 1
		rm -rf "$out" && mkdir -p "$out" || return 1
		(cd "$tree/$d" && find . -name '*.o' ! -name '*.mod.o' -print0 |
			xargs -0 cp --parents -t "$out") || return 1
		(cd "$out" && find . -name '*.o' | sort >.manifest.tmp && mv .manifest.tmp .manifest) ||
			return 1
	fi
	echo "$out"
}
