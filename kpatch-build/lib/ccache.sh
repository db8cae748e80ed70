# shellcheck shell=bash
# The compiler cache of kpatch-build (sourced by it; defines functions only).
#
# ccache (Debian's package) caches every compile: a second patch to a file
# already built skips its original compile, and another release whose
# preprocessed source and flags are the same (flavours, neighbouring ABIs)
# skips both.  Masquerade mode — ccache's directory of compiler names first
# in PATH — leaves kbuild's command lines exactly as they are, so nothing
# else of the tree is rebuilt.  CCACHE_BASEDIR (the tree) and
# CCACHE_NOHASHDIR let the trees of different releases share results.  With
# --distcc, ccache hands the compiles it cannot answer to distcc
# (CCACHE_PREFIX; distcc's own DISTCC_HOSTS says where).
#
#   compiler_cache_env TREE    set CC_ENV: the environment of a compiling
#                              make ("env "${CC_ENV[@]}" make …")
#   compiler_cache_stats       "HITS MISSES": this build's counts so far
#
# The counts come from this build's own statistics log (CCACHE_STATSLOG, in
# the work directory), not from the cache's totals: builds of other releases
# running at the same time share the cache.
#
# Settings (kpatch-build's variables): CCACHE=0 (--no-ccache) turns it off,
# DISTCC=1 (--distcc); KLPKIT_CCACHE_LIBDIR (default /usr/lib/ccache),
# KLPKIT_CCACHE_DIR (default CACHE/ccache: CACHE as for kernel-cache).

declare -a CC_ENV=()

ccache_dir() {
	echo "${KLPKIT_CCACHE_DIR:-${KLPKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/klpkit}/ccache}"
}

compiler_cache_env() {	# compiler_cache_env TREE
	local libdir=${KLPKIT_CCACHE_LIBDIR:-/usr/lib/ccache}
	CC_ENV=()
	[ "${CCACHE:-1}" -eq 1 ] || return 0
	if [ ! -x "$libdir/gcc" ] || ! command -v ccache >/dev/null; then
		[ "${DISTCC:-0}" -eq 0 ] ||
			die "$E_USAGE" "--distcc goes through ccache, which is not installed (apt-get install ccache)"
		warn "ccache is not installed ($libdir/gcc missing): every object is compiled anew (apt-get install ccache, or --no-ccache to silence this)"
		CCACHE=0
		return 0
	fi
	CC_ENV=(PATH="$libdir:$PATH" CCACHE_DIR="$(ccache_dir)" CCACHE_BASEDIR="$1"
		CCACHE_NOHASHDIR=1 CCACHE_STATSLOG="$WORK/ccache-stats.log")
	compiler_cache_unsalted "$1"
	if [ "${DISTCC:-0}" -eq 1 ]; then
		command -v distcc >/dev/null ||
			die "$E_USAGE" "--distcc: distcc is not installed (apt-get install distcc)"
		[ -n "${DISTCC_HOSTS:-}" ] || [ -s "${DISTCC_DIR:-$HOME/.distcc}/hosts" ] ||
			[ -s /etc/distcc/hosts ] ||
			die "$E_USAGE" "--distcc: no distcc hosts: set DISTCC_HOSTS (e.g. 'localhost/2 build1/8') or list them in ~/.distcc/hosts"
		CC_ENV+=(CCACHE_PREFIX=distcc)
	fi
	echo "compiler cache: ${CC_ENV[*]}" >>"$LOG"
}

# compiler_cache_unsalted TREE: ccache's direct mode without the build salt.
# Every object includes include/generated/autoconf.h, and Debian's config
# sets CONFIG_BUILD_SALT to the release (6.1.0-55-amd64): no two ABIs share
# a direct-mode hit, each compile of another release runs the preprocessor
# to find its result (a third of a compile; 84 times for a header patch of
# 42 objects).  So that header is left out of direct mode's manifest
# (CCACHE_IGNOREHEADERS) and a copy without the salt line is hashed instead
# (CCACHE_EXTRAFILES: the configuration still decides).  The salt itself
# only reaches build-salt ELF notes (include/linux/build-salt.h):
# init/version.c and each module's .mod.c (6.12: scripts/module-common.c)
# also include utsrelease.h, whose release string keeps them apart; the
# vDSO's note is never part of a patch module.
compiler_cache_unsalted() {
	local conf=$1/include/generated/autoconf.h copy=$1/.klpkit-autoconf-unsalted
	[ -s "$conf" ] || return 0
	if ! grep -v '^#define CONFIG_BUILD_SALT ' "$conf" | cmp -s - "$copy"; then
		if ! { grep -v '^#define CONFIG_BUILD_SALT ' "$conf" >"$copy.tmp" && mv "$copy.tmp" "$copy"; }; then
			rm -f "$copy.tmp"
			return 0
		fi
	fi
	CC_ENV+=(CCACHE_IGNOREHEADERS="include/generated/autoconf.h:./include/generated/autoconf.h:$conf"
		CCACHE_EXTRAFILES="$copy")
}

compiler_cache_stats() {	# "HITS MISSES" of this build so far (0 0 without the cache)
	if [ "${CCACHE:-1}" -ne 1 ] || [ ! -s "$WORK/ccache-stats.log" ]; then
		echo "0 0"
		return 0
	fi
	# one line per counter a compile touched, after a "# SOURCE" line
	awk '$0 == "direct_cache_hit" || $0 == "preprocessed_cache_hit" { h++ }
		$0 == "cache_miss" { m++ } END { print h + 0, m + 0 }' "$WORK/ccache-stats.log"
}
