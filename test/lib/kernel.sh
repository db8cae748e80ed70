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
