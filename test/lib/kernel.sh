# shellcheck shell=bash
# Real kernel objects for tests: built from Debian's linux-source with the
# distro config in the tree prepared by kpatch-build/kernel-cache.
TOPDIR=${TOPDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KERNEL_CACHE=$TOPDIR/kpatch-build/kernel-cache

# kernel_release: the Debian release the tests target.  One variable
# selects it: KLPKIT_TEST_KREL names the release (6.1.0-57-cloud-amd64);
# else KLPKIT_TEST_SERIES names a series (6.12: kernel-cache default-release
# 6.12, its newest release); else the stock 6.1 kernel.  KLPKIT_TEST_KREL wins
# when both are set.
kernel_release() {
	if [ -n "${KLPKIT_TEST_KREL:-}" ]; then
		echo "$KLPKIT_TEST_KREL"
	elif [ -n "${KLPKIT_TEST_SERIES:-}" ]; then
		"$KERNEL_CACHE" default-release "$KLPKIT_TEST_SERIES"
	else
		"$KERNEL_CACHE" default-release
	fi
}

# kernel_series KREL: the kernel series of a Debian release (6.1.0-57-amd64:
# 6.1; 6.12.117+deb12-amd64: 6.12).
kernel_series() {
	local v=${1%%[-+]*}
	echo "${v%.*}"
}

# The second series the integration tests cover besides the test kernel's
# (31-debian-6.12.t): Debian 12's 6.12 kernels.
# shellcheck disable=SC2034 # used by the files that source this one
SECOND_SERIES=6.12

# series_release SERIES: the Debian release of SERIES the tests of that
# series target: KLPKIT_TEST_KREL_<SERIES, dots as _> (KLPKIT_TEST_KREL_6_12=
# 6.12.117+deb12-amd64) when set, else kernel-cache default-release SERIES.
series_release() {
	local var=KLPKIT_TEST_KREL_${1//./_}
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return 0
	fi
	"$KERNEL_CACHE" default-release "$1"
}

# second_series_exec TEST [VAR=VALUE...]: replace this test file by TEST (a
# .t file written for the test kernel) run on the second series' release
# (series_release), with the VAR=VALUE settings.  Skips when Debian's
# mirror is unreachable or the test kernel already is of that series (TEST
# covers it then); fails when the release cannot be named.
second_series_exec() {
	local t=$1 main
	shift
	second_release
	main=$(kernel_release 2>/dev/null) || main=''
	if [ -n "$main" ] && [ "$(kernel_series "$main")" = "$SECOND_SERIES" ]; then
		skip_all "the test kernel $main is a $SECOND_SERIES kernel: $(basename "$t") covers it"
	fi
	KLPKIT_TEST_KREL=$SECOND exec env "$@" "$t"
}

# second_release: SECOND, the second series' release (series_release);
# skips the test when Debian's mirror is unreachable, fails it when the
# release cannot be named
second_release() {
	local err rc=0
	err=$(mktemp)
	SECOND=$(series_release "$SECOND_SERIES" 2>"$err") || rc=$?
	if [ "$rc" -eq 3 ]; then
		skip_all "Debian's package mirror is unreachable: $(grep -m1 'error' "$err")"
	elif [ "$rc" -ne 0 ] || [ -z "$SECOND" ]; then
		bail "find Debian's $SECOND_SERIES release to test (exit $rc)" "$err"
	fi
	rm -f "$err"
}

# second_selfdiff_dirs: the directories cdo-selfdiff-6.12.t diffs on the
# second series (KLPKIT_SELFDIFF_DIRS_6_12 overrides; KLPKIT_SUITE=full
# adds the whole of kernel/, mm/, fs/ and net/: about 3000 objects, hours
# to build cold on 2 cores, kept in the cache once built)
second_selfdiff_dirs() {
	local var=KLPKIT_SELFDIFF_DIRS_${SECOND_SERIES//./_}
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
	elif [ "${KLPKIT_SUITE:-check}" = full ]; then
		echo "fs/proc kernel/livepatch mm kernel fs net"
	else
		echo "fs/proc kernel/livepatch"
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
		# only the objects go: the manifests of subdirectories built on
		# their own (fs/proc inside fs) stay valid, the copy refreshes them
		mkdir -p "$out" && find "$out" -name '*.o' -delete || return 1
		(cd "$tree/$d" && find . -name '*.o' ! -name '*.mod.o' -print0 |
			xargs -0 cp --parents -t "$out") || return 1
		(cd "$out" && find . -name '*.o' | sort >.manifest.tmp && mv .manifest.tmp .manifest) ||
			return 1
	fi
	echo "$out"
}

# Other architectures at the object level (cross-selfdiff.t): Debian's
# name for each, its kernel flavour, the kernel's ARCH and the compiler.
declare -A CROSS_DEBARCH=([aarch64]=arm64 [ppc64le]=ppc64el [s390x]=s390x)
declare -A CROSS_FLAVOUR=([aarch64]=arm64 [ppc64le]=powerpc64le [s390x]=s390x)
# build_cross_dir's (and cross_config's) status when Debian has no image of
# the test kernel's series for that architecture (6.12 in bookworm: amd64
# only): the objects are skipped, not failed
CROSS_UNAVAILABLE=4
declare -A CROSS_KARCH=([aarch64]=arm64 [ppc64le]=powerpc [s390x]=s390)
declare -A CROSS_PREFIX=([aarch64]=aarch64-linux-gnu- [ppc64le]=powerpc64le-linux-gnu-
	[s390x]=s390x-linux-gnu-)

# The architectures cross-selfdiff.t builds: aarch64 for `make check`, all
# three with KLPKIT_SUITE=full; KLPKIT_CROSS_ARCHES overrides both.
cross_arches() {
	if [ -n "${KLPKIT_CROSS_ARCHES:-}" ]; then
		echo "$KLPKIT_CROSS_ARCHES"
	elif [ "${KLPKIT_SUITE:-check}" = full ]; then
		echo "aarch64 ppc64le s390x"
	else
		echo "aarch64"
	fi
}

# The directories cross-selfdiff.t diffs (KLPKIT_CROSS_DIRS overrides).
cross_dirs() {
	echo "${KLPKIT_CROSS_DIRS:-fs/proc}"
}

# cross_config KREL ARCH: print Debian's kernel config for ARCH, taken from
# its linux-image package of KREL's ABI (or, when that one is missing, the
# newest apt has for ARCH of the same series and name shape).  apt runs with
# a private state (package lists, cache, status) for ARCH alone: the
# system's dpkg architectures and lists are left alone.  Kept in the kernel
# cache.
cross_config() {
	local krel=$1 arch=$2 dir st deb pkg abi series flavour=${CROSS_FLAVOUR[$2]} opts
	dir=$("$KERNEL_CACHE" path "$krel" dir)/cross/$arch
	if [ ! -s "$dir/config" ]; then
		st=$dir/apt
		mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$dir/deb" || return 1
		: >"$st/status"
		opts=(-o "Dir::State::Lists=$st/lists" -o "Dir::Cache=$st/cache"
			-o "Dir::State::status=$st/status" -o "APT::Architecture=${CROSS_DEBARCH[$arch]}"
			-o "APT::Architectures=${CROSS_DEBARCH[$arch]}" -o Acquire::Languages=none
			-o APT::Sandbox::User=root)
		apt-get "${opts[@]}" -qq update >&2 || return 1
		# the ABI: 6.1.0-57 of 6.1.0-57-amd64, 6.12.117+deb12 of 6.12.117+deb12-amd64
		[[ $krel =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+[a-z]+[0-9]+)? ]] || return 1
		abi=${BASH_REMATCH[0]} series=$(kernel_series "$krel")
		# that ABI's image, or the newest of the same series and shape
		pkg=$(apt-cache "${opts[@]}" pkgnames "linux-image-$series." |
			awk -v want="linux-image-$abi-$flavour" '
				function shape(s) { sub(/-unsigned$/, "", s); gsub(/[0-9]+/, "#", s); return s }
				BEGIN { ws = shape(want) }
				$0 == want || $0 == want "-unsigned" { print; found = 1; exit }
				shape($0) == ws { all[n++] = $0 }
				END { if (!found) for (i = 0; i < n; i++) print all[i] }' |
			sort -V | tail -n 1)
		[ -n "$pkg" ] || {
			echo "Debian has no $series image like linux-image-$abi-$flavour for ${CROSS_DEBARCH[$arch]} in apt" >&2
			rm -rf "$st"
			return "$CROSS_UNAVAILABLE"
		}
		echo "$arch: config from $pkg" >&2
		(cd "$dir/deb" && rm -f ./*.deb && apt-get "${opts[@]}" -qq download "$pkg:${CROSS_DEBARCH[$arch]}") >&2 ||
			return 1
		deb=$(ls "$dir"/deb/*.deb) &&
			dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './boot/config-*' >"$dir/config.tmp" &&
			[ -s "$dir/config.tmp" ] && mv "$dir/config.tmp" "$dir/config" || return 1
		echo "$pkg" >"$dir/config.package"
		rm -rf "$dir/deb" "$st"
	fi
	echo "$dir/config"
}

# cross_source KREL: extract (once, into the kernel cache) KREL's source
# tarball for out-of-tree builds of other architectures; print its path.
cross_source() {
	local krel=$1 dir tarball
	dir=$("$KERNEL_CACHE" path "$krel" dir)/cross/src
	if [ ! -e "$dir/.extracted" ]; then
		tarball=$("$KERNEL_CACHE" path "$krel" source-tarball) || return 1
		rm -rf "$dir" && mkdir -p "$dir" &&
			tar -xf "$tarball" -C "$dir" --strip-components=1 && touch "$dir/.extracted" ||
			return 1
	fi
	echo "$dir"
}

# build_cross_dir KREL ARCH DIR: build DIR/ of KREL's source for ARCH with
# Debian's ARCH config and function sections, out of tree (O=, once; kept
# in the cache with a manifest of the objects kbuild produced), and print
# the directory holding its objects.  Build output goes to stderr.
build_cross_dir() {
	local krel=$1 arch=$2 d=$3 src cfg cache out make_args
	cache=$("$KERNEL_CACHE" path "$krel" dir)/cross
	out=$cache/$arch/objects/$d
	[ -s "$out/.manifest" ] && { echo "$out"; return 0; }
	command -v "${CROSS_PREFIX[$arch]}gcc" >/dev/null ||
		{ echo "${CROSS_PREFIX[$arch]}gcc is missing (scripts/install-deps)" >&2; return 1; }
	mkdir -p "$cache" || return 1
	# shellcheck disable=SC2016 # expanded by the inner bash
	cfg=$(flock "$cache/.apt.lock" bash -c '. "$1"; cross_config "$2" "$3"' _ \
		"${BASH_SOURCE[0]}" "$krel" "$arch") || return
	# shellcheck disable=SC2016 # expanded by the inner bash
	src=$(flock "$cache/.src.lock" bash -c '. "$1"; cross_source "$2"' _ "${BASH_SOURCE[0]}" "$krel") ||
		return 1
	make_args=(-s -C "$src" O="$cache/$arch/build" ARCH="${CROSS_KARCH[$arch]}"
		CROSS_COMPILE="${CROSS_PREFIX[$arch]}" -j"$(nproc)")
	mkdir -p "$cache/$arch/build" || return 1
	if [ ! -e "$cache/$arch/build/.config" ]; then
		# Debian's signing certificates are not in the source package
		cp "$cfg" "$cache/$arch/build/.config" &&
			"$src/scripts/config" --file "$cache/$arch/build/.config" \
				--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" &&
			flock "$cache/.build.lock" make "${make_args[@]}" olddefconfig </dev/null >&2 ||
			return 1
	fi
	flock "$cache/.build.lock" make "${make_args[@]}" \
		KCFLAGS="-ffunction-sections -fdata-sections" "$d/" </dev/null >&2 || return 1
	rm -rf "$out" && mkdir -p "$out" || return 1
	(cd "$cache/$arch/build/$d" && find . -name '*.o' ! -name '*.mod.o' -print0 |
		xargs -0 cp --parents -t "$out") || return 1
	(cd "$out" && find . -name '*.o' | sort >.manifest.tmp && mv .manifest.tmp .manifest) ||
		return 1
	echo "$out"
}
