#!/usr/bin/env bash
# The integration suite: every patch in debian-SERIES/ is built with
# kpatch-build against the test kernel (kernel_release: Debian's current 6.1
# kernel unless KLPKIT_TEST_KREL says otherwise; SERIES is its series, 6.1 or
# 6.12), and every NAME-LOADED.test runs in that kernel (qemu -accel tcg) with
# module NAME loaded by the test itself.  31-debian-6.12.t runs this file for
# Debian's 6.12 kernel.
#
# Patch headers (text before the diff, ignored by patch):
#   Expect-Exit: N         (FAIL patches) kpatch-build's exit status
#   Expect-Error: TEXT     (FAIL patches) text its stderr must contain
#   Build-Options: ...     extra kpatch-build options (e.g. -R)
#   Extra-Patches: F...    more patch files (same directory) for the same module
#   Target-Modules: M...   Debian modules the VM test needs (modprobe M)
#   Extra-Modules: N...    other patch modules of this suite the VM test needs
#   VM-Programs: F.c...    C programs (same directory) compiled on the host and
#                          put on the VM's PATH under their base name
#   Suite: full            only with KLPKIT_SUITE=full (`make check-full`);
#                          `make check` runs the others
#                          (built here too when KLPKIT_PATCHES leaves them out)
#                          unless debian-SERIES/check.list names the patches
#                          `make check` runs (one a line, # comments)
#   Expect-Sections: S...  sections the built module must have (readelf -S)
#   Expect-Changed: F...   exactly the changed (not new) functions of the build
#                          (kpatch-build --report): guards against functions
#                          pulled in by a false change; "(none)": no changed
#                          function at all (callbacks or new code only)
#   Known-Failure: [CHECKS:] TEXT
#                          a tool bug makes checks fail today: they are
#                          reported as TAP TODO with TEXT (not failures; prove
#                          lists them when they pass again).  CHECKS, comma
#                          separated, from build, sections, changed, loaded,
#                          message; default build,loaded (message for -FAIL)
# Extra patches of Extra-Patches are named *.diff so that they are not built
# alone.  In the VM: $MOD is the module name, $KO its path; /modules/ has them
# all.  KLPKIT_PATCHES='GLOB...' limits the run (e.g. KLPKIT_PATCHES='cmdline*'
# or 'cmdline* *-FAIL').
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
VMRUN=$TOPDIR/kpatch-build/vm-run

need_kernel
krel=$KREL
moddir=$("$KERNEL_CACHE" path "$krel" modules)
DIR=$TOPDIR/test/integration/debian-$(kernel_series "$krel")
[ -d "$DIR" ] || bail "no patch suite for $krel: $DIR is missing"

# select SUFFIX: the files NAME$SUFFIX for the globs NAME of KLPKIT_PATCHES
select_files() {
	local g globs
	read -r -a globs <<<"${KLPKIT_PATCHES:-*}"
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2086 # g is a glob
		(cd "$DIR" && ls -d $g"$1" 2>/dev/null)
	done | sort -u
}
header() { sed -n "s/^$2: *//p" "$DIR/$1" | head -n 1; }
# in_suite PATCH: does the selected suite run PATCH?
in_suite() {
	[ "${KLPKIT_SUITE:-check}" = full ] || [ -n "${KLPKIT_PATCHES:-}" ] && return 0
	if [ -f "$DIR/check.list" ]; then
		sed 's/#.*//; s/[[:space:]]*$//' "$DIR/check.list" | grep -qxF -- "$1"
	else
		[ "$(header "$1" Suite)" != full ]
	fi
}
mapfile -t patches < <(select_files .patch | while read -r p; do in_suite "$p" && echo "$p"; done)
mapfile -t vmtests < <(select_files -LOADED.test |
	while read -r t; do in_suite "${t%-LOADED.test}.patch" && echo "$t"; done)
modname() { local n=${1%.patch}; echo "${n//-/_}"; }

# todo PATCH CHECK: the Known-Failure text if it applies to CHECK
todo() {
	local kf checks
	kf=$(header "$1" Known-Failure)
	[ -n "$kf" ] || return 0
	if [[ $kf =~ ^([a-z]+(,[a-z]+)*):\ *(.*)$ ]]; then
		checks=${BASH_REMATCH[1]} kf=${BASH_REMATCH[3]}
	else
		case "$1" in *-FAIL.patch) checks=message ;; *) checks=build,loaded ;; esac
	fi
	[[ ",$checks," == *",$2,"* ]] && echo "$kf"
	return 0
}

# check RC DESC [TODO]: ok/not ok, "# TODO TEXT" when a Known-Failure applies
check() {
	local rc=$1 desc=$2 todo=${3:-}
	if [ -z "$todo" ]; then
		ok "$rc" "$desc"
		return
	fi
	TAP_N=$((TAP_N + 1))
	if [ "$rc" -eq 0 ]; then echo "ok $TAP_N - $desc # TODO $todo"; else echo "not ok $TAP_N - $desc # TODO $todo"; fi
	return "$rc"
}

# changed MOD: the changed functions of the build's report, sorted
changed() {
	jq -r '[.objects[].diff | select(. != null) | .changed_functions[]?.name] | sort | join(" ")' \
		"$work/$1.json" 2>/dev/null
}

# build PATCH: kpatch-build it into $work (output in $work/MOD.out), sets rc, took
build() {
	local p=$1 mod e opts extra=() start
	mod=$(modname "$p")
	read -r -a opts <<<"$(header "$p" Build-Options)"
	for e in $(header "$p" Extra-Patches); do extra+=("$DIR/$e"); done
	start=$SECONDS
	"$KPB" -a "$krel" -n "$mod" -o "$work" "${opts[@]}" --report "$work/$mod.json" \
		"$DIR/$p" "${extra[@]}" >"$work/$mod.out" 2>&1
	rc=$?
	took=$((SECONDS - start))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nfail=$(printf '%s\n' "${patches[@]}" | grep -c -- '-FAIL\.patch$')
nextra=0
for p in "${patches[@]}"; do
	[ -z "$(header "$p" Expect-Sections)" ] || nextra=$((nextra + 1))
	[ -z "$(header "$p" Expect-Changed)" ] || nextra=$((nextra + 1))
done
plan $((${#patches[@]} + nfail + nextra + ${#vmtests[@]}))

for p in "${patches[@]}"; do
	mod=$(modname "$p")
	build "$p"
	case "$p" in
	*-FAIL.patch)
		want=$(header "$p" Expect-Exit)
		[ "$rc" = "$want" ] && [ ! -e "$work/$mod.ko" ]
		check $? "$p: refused with exit $want (got $rc, ${took}s)" "$(todo "$p" build)" ||
			diag_file "$work/$mod.out" 15
		grep -qF -- "$(header "$p" Expect-Error)" "$work/$mod.out"
		check $? "$p: says '$(header "$p" Expect-Error)'" "$(todo "$p" message)" ||
			diag_file "$work/$mod.out" 15
		;;
	*)
		[ "$rc" -eq 0 ] && [ -s "$work/$mod.ko" ]
		check $? "$p: built $mod.ko (${took}s)" "$(todo "$p" build)" || diag_file "$work/$mod.out" 25
		diag "$p: changed: $(changed "$mod")"
		sects=$(header "$p" Expect-Sections)
		if [ -n "$sects" ]; then
			absent=''
			for sec in $sects; do
				readelf -SW "$work/$mod.ko" 2>/dev/null | grep -qE "\] ${sec//./\\.} " || absent+=" $sec"
			done
			[ -s "$work/$mod.ko" ] && [ -z "$absent" ]
			check $? "$p: $mod.ko has sections $sects${absent:+ (missing:$absent)}" "$(todo "$p" sections)"
		fi
		want=$(header "$p" Expect-Changed)
		if [ -n "$want" ]; then
			got=$(changed "$mod")
			[ "$want" != "(none)" ] || want=''
			want=$(tr ' ' '\n' <<<"$want" | sed '/^$/d' | sort | tr '\n' ' ')
			[ "${got:+$got }" = "$want" ]
			check $? "$p: changed functions are exactly: ${want% }${got:+ (got: $got)}" "$(todo "$p" changed)"
		fi
		;;
	esac
done

# modules of Extra-Modules that the KLPKIT_PATCHES selection left out
for t in "${vmtests[@]}"; do
	for e in $(header "${t%-LOADED.test}.patch" Extra-Modules); do
		[ -e "$work/$(modname "$e").out" ] || build "$e"
	done
done

for t in "${vmtests[@]}"; do
	p=${t%-LOADED.test}.patch
	mod=$(modname "$p")
	args=(--krel "$krel" --script "$DIR/$t" --env "MOD=$mod" --env "KO=/modules/$mod.ko"
		--module "$work/$mod.ko" --timeout 240)
	for m in $(header "$p" Target-Modules); do
		args+=(--kmod-dir "$moddir" --target-module "$m")
	done
	for e in $(header "$p" Extra-Modules); do
		args+=(--module "$work/$(modname "$e").ko")
	done
	for c in $(header "$p" VM-Programs); do
		gcc -O2 -static -o "$work/${c%.c}" "$DIR/$c" 2>>"$work/$mod.vm" &&
			args+=(--bin "$work/${c%.c}")
	done
	todo=$(todo "$p" loaded)
	if [ ! -s "$work/$mod.ko" ]; then
		check 1 "$t: no module to test ($p did not build)" "$todo"
		continue
	fi
	for e in $(header "$p" Extra-Modules); do
		if [ ! -s "$work/$(modname "$e").ko" ]; then
			check 1 "$t: no module to test ($e did not build)" "$todo"
			continue 2
		fi
	done
	"$VMRUN" "${args[@]}" >"$work/$mod.vm" 2>&1
	check $? "$t: $(grep -o 'PASS in .*\|FAIL after .*' "$work/$mod.vm" | head -n 1)" "$todo" ||
		diag_file "$work/$mod.vm" 40
done
[ "$TAP_FAILED" -eq 0 ]
