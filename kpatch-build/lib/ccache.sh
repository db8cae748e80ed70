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
#   compiler_cache_stats       "HITS MISSES": the cache's counts so far
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
		CCACHE_NOHASHDIR=1)
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

compiler_cache_stats() {	# "HITS MISSES" of the cache so far (0 0 without it)
	if [ "${CCACHE:-1}" -ne 1 ]; then
		echo "0 0"
		return 0
	fi
	CCACHE_DIR=$(ccache_dir) ccache --print-stats 2>/dev/null |
		awk -F'\t' '$1 ~ /^(direct_cache_hit|preprocessed_cache_hit|cache_miss)$/ { n[$1] = $2 }
			END { print n["direct_cache_hit"] + n["preprocessed_cache_hit"], n["cache_miss"] + 0 }'
}
