#!/usr/bin/env bash
# Target providers without a kernel build: the shared pieces of
# kpatch-build/lib/common.sh (banner parser, JSON writer, config comparison,
# stamps, locks, compiler comparison), kpatch-build's choice of provider and
# its use of the contract (through a fake provider, KLPKIT_PROVIDER), and
# provider-tree's refusals of a tree, config and vmlinux that do not belong
# together (doc/providers.md).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
# shellcheck source=../../kpatch-build/lib/common.sh
. "$TOPDIR/kpatch-build/lib/common.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
PT=$TOPDIR/kpatch-build/provider-tree
KC=$TOPDIR/kpatch-build/kernel-cache
PATCH=$TOPDIR/kpatch-build/demo/cmdline-marker.patch

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
plan 62

# is WHAT GOT WANT
is() {
	[ "$2" = "$3" ]
	ok $? "$1" || diag "got '$2', want '$3'"
}

# --- the banner parser -------------------------------------------------------
DEB='Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)'
banner_parse "$DEB"
ok $? "banner_parse: Debian 6.1 banner"
is "  release" "$BANNER_RELEASE" 6.1.0-57-amd64
is "  builder" "$BANNER_BUILDER" debian-kernel@lists.debian.org
is "  compiler (its own parentheses kept)" "$BANNER_COMPILER" 'gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0'
is "  linker" "$BANNER_LINKER" 'GNU ld (GNU Binutils for Debian) 2.40'
is "  build string" "$BANNER_BUILD" '#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)'
banner_parse 'Linux version 4.18.0-348.el8.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc version 8.5.0 20210514 (Red Hat 8.5.0-4) (GCC) ) #1 SMP Mon Oct 4 12:17:22 EDT 2021'
is "banner_parse: a pre-5.8 banner names no linker" "$BANNER_RELEASE|$BANNER_COMPILER|$BANNER_LINKER" \
	'4.18.0-348.el8.x86_64|gcc version 8.5.0 20210514 (Red Hat 8.5.0-4) (GCC)|'
banner_parse 'Linux version 6.8.0-31-generic (buildd@lcy02) (Ubuntu clang version 18.1.3 (1ubuntu1), Ubuntu LLD 18.1.3) #31-Ubuntu SMP'
is "banner_parse: clang and lld" "$BANNER_COMPILER|$BANNER_LINKER" 'Ubuntu clang version 18.1.3 (1ubuntu1)|Ubuntu LLD 18.1.3'
! banner_parse 'Linux version %s (%s)'
ok $? "banner_parse refuses a format string (no toolchain group)"
! banner_parse 'Linux version 6.1 (a) (gcc (unbalanced'
ok $? "banner_parse refuses unbalanced parentheses"
printf 'xx\0Linux version \0Linux version 6.1.0-1-amd64 (a) (gcc-12 x, ld y) #1\0Linux version 6.12.5+deb12-amd64 (b) (gcc-14 z, ld w) #2\0' >"$T/vmlinux.bin"
is "banner_read: the first real banner of a binary" "$(banner_read "$T/vmlinux.bin")" \
	'Linux version 6.1.0-1-amd64 (a) (gcc-12 x, ld y) #1'
is "banner_read FILE RELEASE: that release's ('+' taken literally)" \
	"$(banner_read "$T/vmlinux.bin" 6.12.5+deb12-amd64)" 'Linux version 6.12.5+deb12-amd64 (b) (gcc-14 z, ld w) #2'
! banner_read "$T/vmlinux.bin" 6.12.5xdeb12-amd64 >/dev/null
ok $? "banner_read FILE RELEASE: none of another release"

# --- the JSON writer -----------------------------------------------------------
s=$(printf 'q"b\\s/n\nt\tr\rc\001\037d\177 é </script>')
is "json_str escapes quote, backslash and control characters" "$(json_str "$s")" \
	'"q\"b\\s/n\nt\tr\rc\u0001\u001fd\u007f é </script>"'
is "json_str: jq reads back the same string" "$(json_str "$s" | jq -j .)" "$s"
is "json_str of the empty string" "$(json_str '')" '""'
is "json_num: numbers pass, others are null" \
	"$(json_num 0) $(json_num 12.5) $(json_num -3) $(json_num 01) $(json_num 1e5) $(json_num x)" \
	'0 12.5 -3 null null null'
is "json_str_array" "$(json_str_array a 'b"c' '')" '["a", "b\"c", ""]'
is "json_str_array of nothing" "$(json_str_array)" '[]'

# --- config comparison, stamps, locks ---------------------------------------------
printf '# comment\nCONFIG_A=y\n\nCONFIG_B="x"\n# CONFIG_C is not set\n' >"$T/c1"
printf 'CONFIG_B="x"\nCONFIG_A=y\n' >"$T/c2"
printf 'CONFIG_B="x"\nCONFIG_A=m\n' >"$T/c3"
config_same "$T/c1" "$T/c2"
ok $? "config_same: comments, blank lines and order aside"
is "config_differences: one changed setting is 2 lines" "$(config_differences "$T/c1" "$T/c3")" 2
mkdir "$T/st"
! stamp_ok "$T/st" fetched
ok $? "stamp_ok: no stamp"
stamp_set "$T/st" fetched && stamp_set "$T/st" prepared key1
stamp_ok "$T/st" fetched && stamp_ok "$T/st" prepared key1 && ! stamp_ok "$T/st" prepared key2
ok $? "stamp_set/stamp_ok, with and without a key"
stamp_clear "$T/st" fetched prepared
[ -z "$(ls -A "$T/st")" ]
ok $? "stamp_clear removes them"
flock "$T/lock" sleep 1 &
holder=$!
for _ in $(seq 50); do flock -n "$T/lock" true || break; sleep 0.1; done
(lock_take "$T/lock" nonblock)
[ $? -eq 1 ]
ok $? "lock_take nonblock: 1 while another process holds the lock"
wait "$holder"
(lock_take "$T/lock" nonblock)
ok $? "lock_take nonblock: 0 once it is free"

cc_line=$(gcc --version | head -n 1)
compiler_compare "$cc_line"
ok $? "compiler_compare: the local gcc's own --version matches"
! compiler_compare "gcc (Other 0.0.1) 0.0.1" && [[ "${CC_NOTES[0]}" == *"'gcc (Other 0.0.1) 0.0.1' but the local 'gcc' is '$cc_line'"* ]]
ok $? "compiler_compare: another gcc, named in the reason" || diag "${CC_NOTES[@]}"

# --- a fake tree for provider-tree ---------------------------------------------------
# (nothing here compiles: every check before make prepare)
tree=$T/tree
mkdir -p "$tree/include/generated" "$T/tmp" "$T/mods"
printf 'VERSION = 6\nPATCHLEVEL = 1\n' >"$tree/Makefile"
printf 'CONFIG_A=y\n' >"$tree/.config"
printf 'CONFIG_A=m\n' >"$T/other.config"
mkvmlinux() {	# mkvmlinux FILE RELEASE COMPILER
	printf '\177ELF\0\0Linux version %s (me@host) (%s, GNU ld 2.40) #1 SMP\0' "$2" "$3" >"$1"
}
mkvmlinux "$T/vmlinux" 6.1.99-custom "$cc_line"
pt() { "$PT" -s "$tree" -v "$T/vmlinux" "$@" 2>"$T/pt.err"; }

is "provider-tree default-release: the vmlinux's release" "$(pt default-release)" 6.1.99-custom
pt check-release 6.1.99-custom && ! pt check-release 6.1.0-57-amd64
ok $? "provider-tree check-release: 0 for it, 1 for another"
is "provider-tree default-release SERIES: the vmlinux's release when it is of SERIES" "$(pt default-release 6.1)" 6.1.99-custom
pt default-release 6.12 >/dev/null
[ $? -eq 1 ] && grep -qF "is the vmlinux of 6.1.99-custom, not of the series 6.12" "$T/pt.err"
ok $? "provider-tree default-release of another series: 1, naming both" || diag_file "$T/pt.err"
touch "$tree/Module.symvers"
is "provider-tree path: tree, vmlinux, config, symvers, modules" \
	"$(for w in tree vmlinux config symvers; do pt path 6.1.99-custom "$w"; done; pt --modules-dir "$T/mods" path 6.1.99-custom modules)" \
	"$tree"$'\n'"$T/vmlinux"$'\n'"$tree/.config"$'\n'"$tree/Module.symvers"$'\n'"$T/mods"
pt path 6.1.99-custom modules >/dev/null
[ $? -eq 1 ] && grep -qF 'give --modules-dir DIR' "$T/pt.err"
ok $? "provider-tree path modules without --modules-dir: 1, says what to give"
pt path 6.1.99-custom nonsense >/dev/null
is "provider-tree path: an unknown WHAT is a usage error" $? 2
rm "$tree/Module.symvers"

# kpb OPTIONS...: kpatch-build the demo patch; $rc, $T/out, $T/err (its
# error lines), nothing compiled
kpb() {
	KLPKIT_CACHE=${KPB_CACHE:-$T/cache} TMPDIR=$T/tmp "$KPB" -o "$T" "$@" "$PATCH" >"$T/out" 2>&1
	rc=$?
	grep 'error:' "$T/out" >"$T/err"
}
# refused RC TEXT DESC: exit RC, exactly one error line, containing TEXT
refused() {
	[ "$rc" -eq "$1" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$2" "$T/err"
	ok $? "$3" || diag_file "$T/out"
}

# --- kpatch-build's options and the generic provider's refusals ----------------------
kpb --symvers "$T/x"
refused 2 "give it with -s DIR" "--symvers without -s: usage error"
kpb --modules-dir "$T/mods"
refused 2 "give it with -s DIR" "--modules-dir without -s: usage error"
kpb -s "$tree" -v "$T/none"
refused 2 "vmlinux '$T/none' not found" "-v of a missing file: usage error naming it"
kpb -s "$T/none" -v "$T/vmlinux"
refused 2 "kpatch-build: error: $T/none: no such directory" "-s of a missing directory: usage error naming it"
kpb -s "$T" -v "$T/vmlinux"
refused 1 "kpatch-build: error: $T is not a kernel source tree" "-s of a directory that is no kernel tree: one line naming it"
kpb -s "$tree"
refused 1 "kpatch-build: error: $tree/vmlinux is missing: build the tree (make), or give the target's vmlinux with -v" \
	"-s without -v and no DIR/vmlinux: one line naming it"
kpb -s "$tree" -v "$T/vmlinux"
refused 1 "$tree/Module.symvers is missing: the tree is not built" "an unbuilt tree (no Module.symvers): one line naming it"
kpb -s "$tree" -v "$T/vmlinux" --symvers "$T/none.symvers"
refused 2 "$T/none.symvers: no such file" "--symvers of a missing file: usage error naming it"
touch "$tree/Module.symvers"
kpb -s "$tree" -v "$T/vmlinux" -c "$T/other.config"
refused 1 "$T/other.config differs from the tree's $tree/.config in 2 setting line(s)" \
	"-c that differs from the tree's .config: one line naming both"
mv "$tree/.config" "$tree/config.saved"
kpb -s "$tree" -v "$T/vmlinux"
refused 1 "$tree/.config is missing: the tree is not configured" "a tree without .config and no -c: one line"
mv "$tree/config.saved" "$tree/.config"
kpb -s "$tree" -v "$T/vmlinux" -a 6.1.0-57-amd64
refused 1 "$T/vmlinux is the vmlinux of 6.1.99-custom, not of 6.1.0-57-amd64" "-a of another release than the vmlinux's: one line"
kpb -s "$tree" -v "$T/vmlinux" -a 6.12
refused 1 "$T/vmlinux is the vmlinux of 6.1.99-custom, not of the series 6.12" "-a SERIES of another series than the vmlinux's: one line"
echo '#define UTS_RELEASE "6.1.98"' >"$tree/include/generated/utsrelease.h"
kpb -s "$tree" -v "$T/vmlinux"
refused 1 "$tree builds release 6.1.98 (include/generated/utsrelease.h) but $T/vmlinux is 6.1.99-custom" \
	"a vmlinux that is not the tree's release: one line naming both"
rm "$tree/include/generated/utsrelease.h"
mkvmlinux "$T/vmlinux" 6.1.99-custom "gcc (Other 0.0.1) 0.0.1"
kpb -s "$tree" -v "$T/vmlinux"
refused 1 "the kernel was built with 'gcc (Other 0.0.1) 0.0.1'" "a vmlinux of another compiler: one line naming it"
kpb -s "$tree" -v "$T/vmlinux" --skip-compiler-check
refused 1 "make prepare modules_prepare failed in $tree" "--skip-compiler-check goes on to make prepare (which fails in the fake tree)"
[ -z "$(find "$T/cache" -mindepth 1 -maxdepth 1 ! -name logs 2>/dev/null)" ]
ok $? "with -s, kernel-cache is never run (the kernel cache has no release)"

# --- the Debian provider: selected without -s --------------------------------------
# a fake prepared cache of 6.1.0-9-amd64: kernel-cache prepare and path need
# no apt then
kc=$T/kc/6.1.0-9-amd64
mkdir -p "$kc/tree/scripts" "$kc/headers" "$kc/image/boot" "$kc/image/lib/modules/6.1.0-9-amd64" "$kc/dbg"
printf 'KREL=6.1.0-9-amd64\nVERSION=6.1.1-1\nSERIES=6.1\nIMAGE_PKG=linux-image-6.1.0-9-amd64\n' >"$kc/info"
touch "$kc/.stamp-fetched" "$kc/.stamp-prepared" "$kc/tree/scripts/module.lds" "$kc/tree/Module.symvers" \
	"$kc/headers/Module.symvers" "$kc/image/boot/vmlinuz-6.1.0-9-amd64"
printf 'CONFIG_A=y\n' >"$kc/tree/.config"
mkvmlinux "$kc/dbg/vmlinux-6.1.0-9-amd64" 6.1.0-9-amd64 "$cc_line"
KPB_CACHE=$T/kc kpb -a 6.1.0-9-amd64 --report "$T/kc.json"
[ "$rc" -eq 4 ] && grep -qF "CONFIG_LIVEPATCH is not enabled in 6.1.0-9-amd64's config" "$T/out" &&
	[ "$(jq -r .provider "$T/kc.json")" = kernel-cache ]
ok $? "without -s the target provider is kernel-cache (its tree is the one checked)" || diag_file "$T/out"
# (releases apt can fetch: kernel-cache-releases.t)
mkdir -p "$T/noapt"
printf '#!/bin/sh\nexit 100\n' >"$T/noapt/apt-cache"
chmod +x "$T/noapt/apt-cache"
PATH=$T/noapt:$PATH KLPKIT_CACHE=$T/kc "$KC" check-release 6.1.0-9-amd64
ok $? "kernel-cache check-release: a release in the cache (info without ARCH) is served without apt"
is "kernel-cache path KREL image: the vmlinuz" "$(KLPKIT_CACHE=$T/kc "$KC" path 6.1.0-9-amd64 image)" \
	"$kc/image/boot/vmlinuz-6.1.0-9-amd64"

# --- the contract as kpatch-build uses it (a fake provider) -------------------------
cat >"$T/provider" <<'EOF'
#!/bin/bash
# fake provider: logs its command, then behaves as $FAKE_MODE says
echo "$*" >>"$FAKE_LOG"
case "$1:$FAKE_MODE" in
default-release:*) echo 9.9.9-fake ;;
check-release:*) exit 0 ;;
prepare:fail5) echo 'fake: error: /x/y is not what it should be: do z' >&2; exit 5 ;;
prepare:usage) echo 'fake: error: bad option' >&2; exit 2 ;;
prepare:compiler) printf 'fake: error: compiler mismatch\nfake:   install gcc-99\n' >&2; exit 4 ;;
prepare:*) echo "$FAKE_TREE" ;;
path:*)
	case "$3" in
	tree) echo "$FAKE_TREE" ;;
	vmlinux) echo "$FAKE_VMLINUX" ;;
	symvers) echo "$FAKE_TREE/Module.symvers" ;;
	*) echo "fake: error: no $3" >&2; exit 1 ;;
	esac ;;
esac
EOF
chmod +x "$T/provider"
fake() {	# fake MODE OPTIONS...
	: >"$T/fake.log"
	FAKE_MODE=$1 FAKE_LOG=$T/fake.log FAKE_TREE=$tree FAKE_VMLINUX=$T/vmlinux KLPKIT_PROVIDER=$T/provider \
		kpb "${@:2}"
}
printf 'CONFIG_A=y\n' >"$tree/.config"	# no CONFIG_LIVEPATCH: stops at the check phase
fake ok -a '9.9.9-"q\z' --report "$T/r.json"
is "the contract's calls: prepare, then path tree, symvers, modules, vmlinux" "$(cat "$T/fake.log")" \
	'prepare 9.9.9-"q\z'$'\n''path 9.9.9-"q\z tree'$'\n''path 9.9.9-"q\z symvers'$'\n''path 9.9.9-"q\z modules'$'\n''path 9.9.9-"q\z vmlinux'
[ "$rc" -eq 4 ] && grep -qF "CONFIG_LIVEPATCH is not enabled" "$T/out"
ok $? "the provider's tree is the one checked (no CONFIG_LIVEPATCH: exit 4)" || diag_file "$T/out"
is "the report is JSON with the release and provider as given" \
	"$(jq -r '.target + "|" + .provider + "|" + (.exit_code | tostring) + "|" + (.output | tostring)' "$T/r.json" 2>&1)" \
	'9.9.9-"q\z|provider|4|null'
fake fail5 -a 9.9.9-fake
refused 1 "kpatch-build: error: /x/y is not what it should be: do z" "a provider's one-line error (exit 5) is kpatch-build's, exit 1"
fake usage -a 9.9.9-fake
refused 2 "kpatch-build: error: bad option" "a provider's usage error (exit 2) is kpatch-build's exit 2"
fake compiler -a 9.9.9-fake
[ "$rc" -eq 1 ] && grep -qF 'fake:   install gcc-99' "$T/out" && grep -qF 'use --skip-compiler-check' "$T/out"
ok $? "a provider's compiler mismatch (exit 4): its lines, then what to do" || diag_file "$T/out"
fake ok
is "without -a, -s or -v: the running kernel, if check-release accepts it" "$(head -n 1 "$T/fake.log")" "check-release $(uname -r)"
fake ok -a 6.12
[ "$(head -n 2 "$T/fake.log")" = "default-release 6.12"$'\n'"prepare 9.9.9-fake" ] &&
	grep -qF 'kpatch-build: -a 6.12: the target is 9.9.9-fake' "$T/out"
ok $? "-a SERIES: the provider's default-release SERIES is the target (and said)" || { diag_file "$T/fake.log"; diag_file "$T/out"; }
[ "$TAP_FAILED" -eq 0 ]
