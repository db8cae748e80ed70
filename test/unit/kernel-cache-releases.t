#!/usr/bin/env bash
# kernel-cache serves every Debian kernel release apt can fetch for this
# machine's dpkg architecture (every series and flavour), resolved from apt's
# metadata: releases, check-release, default-release SERIES [FLAVOUR] and the
# list of releases a typo gets, compared with a listing computed here
# independently (apt-cache pkgnames, then one apt-cache show of the -dbg
# packages qualified with the architecture).  Nothing is downloaded: the
# cache is an empty directory.  Without apt's package lists (no
# linux-source-* known) the apt-dependent checks are skipped, counted as such.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
KC=$TOPDIR/kpatch-build/kernel-cache

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export KLPKIT_CACHE=$T/cache
plan 17

# is WHAT GOT WANT
is() {
	[ "$2" = "$3" ]
	ok $? "$1" || diag "got '$2', want '$3'"
}
# kc ARGS...: kernel-cache; $rc, stdout in $T/out, stderr in $T/err
kc() {
	"$KC" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# --- without apt: the cache and empty package lists --------------------------------
mkdir -p "$T/noapt"
printf '#!/bin/sh\necho "E: No packages found" >&2\nexit 100\n' >"$T/noapt/apt-cache"
chmod +x "$T/noapt/apt-cache"
arch=$(dpkg --print-architecture)
mkdir -p "$KLPKIT_CACHE/6.1.0-9-cloud-x" "$KLPKIT_CACHE/6.1.0-9-other"
printf 'KREL=6.1.0-9-cloud-x\nVERSION=6.1.1-1\nSERIES=6.1\nARCH=%s\n' "$arch" >"$KLPKIT_CACHE/6.1.0-9-cloud-x/info"
printf 'KREL=6.1.0-9-other\nVERSION=6.1.1-1\nSERIES=6.1\nARCH=not-%s\n' "$arch" >"$KLPKIT_CACHE/6.1.0-9-other/info"
PATH=$T/noapt:$PATH kc check-release 6.1.0-9-cloud-x
is "check-release: a release in the cache is served, apt not asked" "$rc" 0
PATH=$T/noapt:$PATH kc check-release 6.1.0-9-other
[ "$rc" -eq 1 ] && grep -qF "for the architecture not-$arch, not for this machine's $arch" "$T/err"
ok $? "check-release: a cached release of another architecture is refused, naming both" || diag_file "$T/err"
PATH=$T/noapt:$PATH kc check-release 6.1.0-57-amd64
is "check-release without apt's lists: exit 3 (tests skip on it)" "$rc" 3
PATH=$T/noapt:$PATH kc default-release 6.12
is "default-release 6.12 without apt's lists: exit 3" "$rc" 3
kc default-release 6.x
[ "$rc" -eq 2 ] && grep -qF "invalid kernel series '6.x'" "$T/err"
ok $? "default-release 6.x: a usage error naming it" || diag_file "$T/err"
rm -rf "${KLPKIT_CACHE:?}"/*

# --- the releases apt can fetch, computed independently ----------------------------
apt-cache pkgnames linux- 2>/dev/null >"$T/names"	# one apt-cache run for every listing below
if ! grep -q '^linux-source-' "$T/names"; then
	skip 12 "apt's package lists are empty (apt-get update)"
	[ "$TAP_FAILED" -eq 0 ]
	exit
fi
# every -dbg package of a release (three-number version: the metapackages
# linux-image-6.12-amd64-dbg have two), then those apt has for this architecture
mapfile -t cands < <(sed -n 's/^linux-image-\([0-9]*\.[0-9]*\.[0-9].*\)-dbg$/\1/p' "$T/names" | sort -u)
args=()
for k in "${cands[@]}"; do args+=("linux-image-$k-dbg:$arch"); done
apt-cache show "${args[@]}" 2>/dev/null | sed -n 's/^Package: linux-image-\(.*\)-dbg$/\1/p' | sort -uV >"$T/want"
# a -dbg package apt has only for another architecture (arm64 with dpkg's
# foreign architectures enabled)
foreign=$(printf '%s\n' "${cands[@]}" | grep -vxF -f "$T/want" | head -n 1)
pick() { grep -E "$1" "$T/want" | tail -n 1; }	# the newest release matching an ERE
diag "$(wc -l <"$T/want") releases for $arch; one of another architecture: ${foreign:-none}"

kc releases
sort -V "$T/out" | diff - "$T/want" >"$T/d"
ok $? "releases: exactly the independent listing ($(wc -l <"$T/want") releases)" || diag_file "$T/d"

for re in '^6\.1\.0-[0-9]+-cloud-' '^6\.1\.0-[0-9]+-rt-' '^6\.12\.[0-9]+\+.*-cloud-'; do
	k=$(pick "$re")
	if [ -z "$k" ]; then
		skip 1 "apt has no release matching $re"
		continue
	fi
	kc check-release "$k"
	is "check-release $k (apt, no cache)" "$rc" 0 || diag_file "$T/err"
done

if [ -n "$foreign" ]; then
	kc check-release "$foreign"
	[ "$rc" -eq 1 ] && grep -qF "not of this machine's architecture $arch" "$T/err"
	ok $? "check-release $foreign: refused, another architecture" || diag_file "$T/err"
else
	skip 1 "apt knows no release of a foreign architecture"
fi

# a series metapackage (linux-image-6.12-amd64) of a flavour of this architecture
meta=''
while read -r m; do
	s=${m%%-*} f=${m#*-}
	grep -qE "^${s//./\\.}\.[0-9]+[-+][^-]*-$f\$" "$T/want" && { meta=$m; break; }
done < <(sed -n 's/^linux-image-\([0-9]*\.[0-9]*-[a-z].*\)$/\1/p' "$T/names" |
	grep -v -- '-dbg$\|-unsigned$\|-template$' | sort -V)
if [ -n "$meta" ]; then
	kc check-release "$meta"
	[ "$rc" -eq 1 ] && grep -qF "linux-image-$meta is a metapackage" "$T/err"
	ok $? "check-release $meta: refused, a metapackage (naming what it stands for)" || diag_file "$T/err"
else
	skip 1 "apt knows no series metapackage (linux-image-X.Y-FLAVOUR)"
fi

# expand "T for N in 47, 50, 53-57" lines of the message into releases
expand() {
	local line t list part a b n
	while IFS= read -r line; do
		line=${line#kernel-cache:     }
		if [[ $line =~ ^([^ ]+)\ for\ N\ in\ (.*)$ ]]; then
			t=${BASH_REMATCH[1]}
			IFS=', ' read -r -a list <<<"${BASH_REMATCH[2]}"
			for part in "${list[@]}"; do
				[ -n "$part" ] || continue
				a=${part%-*} b=${part#*-}
				for ((n = a; n <= b; n++)); do echo "${t/N/$n}"; done
			done
		elif [[ $line =~ ^[0-9][^\ ]*$ ]]; then
			echo "$line"
		fi
	done
}
typo=6.1.0-9999-amd64
kc check-release "$typo"
expand <"$T/err" | sort -V | diff - "$T/want" >"$T/d"
dr=$?
[ "$rc" -eq 1 ] && grep -qF "apt knows neither linux-image-$typo nor" "$T/err" && [ "$dr" -eq 0 ]
ok $? "check-release $typo: refused, the message lists every release apt can fetch ($(wc -l <"$T/err") lines)" ||
	{ diag_file "$T/err"; diag_file "$T/d"; }
[ "$(wc -l <"$T/err")" -le 20 ]
ok $? "  grouped by series and flavour: at most 20 lines"
KLPKIT_CACHE=$T/cache2 "$KC" fetch "$typo" --dry-run >/dev/null 2>"$T/err2"
[ $? -eq 1 ] && diff <(expand <"$T/err2" | sort -V) "$T/want" >/dev/null && [ ! -e "$T/cache2/$typo" ]
ok $? "fetch $typo: the same refusal, nothing left in the cache" || diag_file "$T/err2"

k=$(pick '^6\.12\.')
if [ -n "$k" ] && [ "$arch" = amd64 ]; then
	kc default-release 6.12
	[ "$rc" -eq 0 ] && [[ $(cat "$T/out") =~ ^6\.12\.[0-9]+\+deb12-amd64$ ]] && grep -qxF "$(cat "$T/out")" "$T/want"
	ok $? "default-release 6.12: a 6.12.N+deb12-amd64 release apt can fetch ($(cat "$T/out"))" || diag_file "$T/err"
	kc default-release 6.12 cloud-amd64
	[ "$rc" -eq 0 ] && [[ $(cat "$T/out") =~ ^6\.12\.[0-9]+\+deb12-cloud-amd64$ ]] && grep -qxF "$(cat "$T/out")" "$T/want"
	ok $? "default-release 6.12 cloud-amd64: $(cat "$T/out")" || diag_file "$T/err"
else
	skip 2 "no 6.12 release for amd64 in apt"
fi
kc default-release
d61=$(cat "$T/out")
[ "$rc" -eq 0 ] && [[ $d61 == 6.1.* ]] && grep -qxF "$d61" "$T/want"
ok $? "default-release: the stock 6.1 release, one apt can fetch ($d61)" || diag_file "$T/err"
[ "$TAP_FAILED" -eq 0 ]
