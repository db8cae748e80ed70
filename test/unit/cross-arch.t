#!/usr/bin/env bash
# create-diff-object on other architectures at the object level: the small
# C fixtures of test/unit/cross-cases/*.c compiled twice (without and with
# -DPATCHED) by each installed cross compiler with that architecture's
# kernel code-generation flags (its ftrace entry convention included), then
# diffed.  Each fixture states what it expects in "// expect:" lines:
#   exit N              the exit status
#   changed F / new F   the exact set of changed / new functions in --report
#   section NAME        the output has a section NAME
#   message TEXT        stderr contains TEXT
# "// expect-ARCH:" lines, when a fixture has any for ARCH, replace all of
# its "// expect:" lines on that architecture.  Every output must read back (kelf-tool check, readelf) as an object of
# the same machine.  An architecture whose compiler is missing is skipped.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
CDO=${CDO:-$TOPDIR/create-diff-object/create-diff-object}
KELF_TOOL=$TOPDIR/test/unit/kelf-tool
CASES=$TOPDIR/test/unit/cross-cases

# ARCH  compiler  flags (from arch/*/Makefile of 6.1: what shapes the code
# create-diff-object reads, ftrace's entry above all)
COMMON="-O2 -g -std=gnu11 -ffreestanding -fno-common -fno-strict-aliasing -fno-PIE
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
	-fno-delete-null-pointer-checks -fno-stack-protector"
declare -A CC FLAGS
CC[aarch64]=aarch64-linux-gnu-gcc
FLAGS[aarch64]="-mabi=lp64 -mgeneral-regs-only -mbranch-protection=pac-ret+leaf
	-fno-omit-frame-pointer -fpatchable-function-entry=2"
# 6.12's CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS: two NOPs more, in front of
# each function (ftrace keeps a pointer there), and the record points at them
CC[aarch64-callops]=aarch64-linux-gnu-gcc
FLAGS[aarch64-callops]="${FLAGS[aarch64]%=2}=4,2"
# ppc64le: the kernel is built with -mcmodel=medium; a patch is compiled
# with -mcmodel=large (as kpatch does), so its references to kernel data go
# through .toc entries; the medium model is refused (the last test).
CC[ppc64le]=powerpc64le-linux-gnu-gcc
PPC_FLAGS="-m64 -mabi=elfv2 -mcpu=power8 -mno-altivec -mno-vsx
	-mno-pcrel -mno-prefixed -msoft-float -pg -mprofile-kernel"
FLAGS[ppc64le]="$PPC_FLAGS -mcmodel=large"
CC[s390x]=s390x-linux-gnu-gcc
FLAGS[s390x]="-m64 -march=z10 -mbackchain -msoft-float -pg -mfentry -mnop-mcount
	-mrecord-mcount -mpacked-stack"
ARCHES=(aarch64 aarch64-callops ppc64le s390x)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -t cases < <(find "$CASES" -name '*.c' -printf '%f\n' | sed 's/\.c$//' | sort)
# expectations ARCH CASE: "KIND ARG" lines for ARCH
expectations() {
	if grep -q "^// expect-$1: " "$CASES/$2.c"; then
		sed -n "s#^// expect-$1: ##p" "$CASES/$2.c"
	else
		sed -n 's#^// expect: ##p' "$CASES/$2.c"
	fi
}

# per arch: one "built" test, then per case the function set, one test per
# exit/section/message line, and the read-back of an output
per_case() { echo $((1 + $(expectations "$1" "$2" | grep -c '^\(exit\|section\|message\) ') + 1)); }
n=0
for a in "${ARCHES[@]}"; do
	n=$((n + 1))
	for c in "${cases[@]}"; do n=$((n + $(per_case "$a" "$c"))); done
done
plan $((n + 2))

# the ELF machine readelf names for each arch
declare -A MACHINE=([aarch64]=AArch64 [aarch64-callops]=AArch64 [ppc64le]="PowerPC64" [s390x]="IBM S/390")

run_case() {	# run_case ARCH CASE
	local a=$1 c=$2 d=$work/$1 rc got want kind arg
	local o=$d/orig/$c.o p=$d/patched/$c.o out=$d/$c.out.o
	readelf -s --wide "$o" >"$d/$c.symtab"
	"$CDO" --report "$d/$c.json" "$o" "$p" vmlinux "$d/$c.symtab" /dev/null test "$out" \
		>"$d/$c.stdout" 2>"$d/$c.err"
	rc=$?
	grep -qE 'Sanitizer|runtime error' "$d/$c.err" && rc="$rc (sanitizer report)"
	want=$(expectations "$a" "$c" | grep '^\(changed\|new\) ' | sort)
	got=$(jq -r '(.changed_functions[] | "changed \(.name)"),
		(.new_functions[] | "new \(.name)")' "$d/$c.json" 2>/dev/null | sort)
	[ "$want" = "$got" ]
	ok $? "$a $c: functions in the report: ${got//$'\n'/, }" ||
		{ diag "expected: ${want//$'\n'/, }"; diag_file "$d/$c.err"; }
	while read -r kind arg; do
		case "$kind" in
		exit)
			[ "$rc" = "$arg" ]
			ok $? "$a $c: exit status $arg (got $rc)" || diag_file "$d/$c.err" ;;
		section)
			readelf -SW "$out" 2>/dev/null | grep -qE " $arg +(PROGBITS|NOBITS)"
			ok $? "$a $c: output has section $arg" ||
				diag "$(readelf -SW "$out" 2>&1 | tail -n 20)" ;;
		message)
			grep -qF -- "$arg" "$d/$c.err"
			ok $? "$a $c: says '$arg'" || diag_file "$d/$c.err" ;;
		esac
	done < <(expectations "$a" "$c" | grep '^\(exit\|section\|message\) ')
	if [ ! -e "$out" ]; then
		[ "$rc" != 0 ]
		ok $? "$a $c: no output without a change (exit $rc)"
		return
	fi
	"$KELF_TOOL" check "$out" >"$d/$c.check" 2>&1 &&
		readelf -hW "$out" 2>&1 | grep -q "Machine: *${MACHINE[$a]}" &&
		! readelf -aW "$out" 2>&1 >/dev/null | grep -q .
	ok $? "$a $c: the output reads back as a ${MACHINE[$a]} object" ||
		{ diag_file "$d/$c.check"; diag "$(readelf -aW "$out" 2>&1 >/dev/null | head)"; }
}

for a in "${ARCHES[@]}"; do
	cc=${CC[$a]}
	if ! command -v "$cc" >/dev/null; then
		skip 1 "$cc is not installed (scripts/install-deps installs it)"
		for c in "${cases[@]}"; do skip "$(per_case "$a" "$c")" "$cc is not installed"; done
		continue
	fi
	mkdir -p "$work/$a/orig" "$work/$a/patched" "$work/$a/src"
	cp "$CASES"/*.c "$work/$a/src/"
	built=0
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		(cd "$work/$a/src" && "$cc" $COMMON ${FLAGS[$a]} -c "$c.c" -o "../orig/$c.o" &&
			"$cc" $COMMON ${FLAGS[$a]} -DPATCHED -c "$c.c" -o "../patched/$c.o") \
			>>"$work/$a/build.log" 2>&1 || built=1
	done
	ok "$built" "$a: built ${#cases[@]} fixtures twice with $cc" || diag_file "$work/$a/build.log"
	for c in "${cases[@]}"; do run_case "$a" "$c"; done
done

# CALL_OPS: a copied function keeps the two NOPs in front of it (the
# kernel's ftrace writes its ops pointer there): at offset 8 of its section
out=$work/aarch64-callops/changed-func.out.o
if command -v "${CC[aarch64-callops]}" >/dev/null; then
	v=$(readelf -sW "$out" 2>/dev/null | awk '$4 == "FUNC" && $8 == "compute" { print $2 }')
	pre=$(readelf -x .text.compute "$out" 2>/dev/null | awk '$1 == "0x00000000" { print $2, $3 }')
	rec=$(readelf -rW "$out" 2>/dev/null | sed -n '/rela__patchable_function_entries/,/^$/p' |
		awk '/R_AARCH64_ABS64/ { print $5, $6, $7 }')
	[ "$v" = 0000000000000008 ] && [ "$pre" = "1f2003d5 1f2003d5" ] && [ "$rec" = "compute - 8" ]
	ok $? "aarch64-callops changed-func: the function sits at offset 8 after its two NOPs, its ftrace record points at them (got value $v, bytes $pre, record $rec)"
else
	skip 1 "${CC[aarch64-callops]} is not installed"
fi

# ppc64le -mcmodel=medium: a changed function reaching kernel data through a
# TOC16 relocation is refused, naming the relocation and the way out.
cc=${CC[ppc64le]}
if command -v "$cc" >/dev/null; then
	d=$work/ppc64le-medium
	mkdir -p "$d"
	for v in orig patched; do
		def=-DORIG
		[ $v = patched ] && def=-DPATCHED
		# shellcheck disable=SC2086
		"$cc" $COMMON $PPC_FLAGS -mcmodel=medium "$def" \
			-c "$CASES/changed-func.c" -o "$d/$v.o" 2>>"$d/build.log"
	done
	readelf -s --wide "$d/orig.o" >"$d/symtab"
	"$CDO" "$d/orig.o" "$d/patched.o" vmlinux "$d/symtab" /dev/null test "$d/out.o" 2>"$d/err"
	rc=$?
	[ "$rc" -eq 1 ] && [ ! -e "$d/out.o" ] &&
		grep -q "refers to cross_value.* with R_PPC64_TOC16_HA: .*-mcmodel=large" "$d/err"
	ok $? "ppc64le -mcmodel=medium changed-func: refused (exit $rc), naming TOC16_HA and -mcmodel=large" ||
		{ diag_file "$d/build.log"; diag_file "$d/err"; }
else
	skip 1 "$cc is not installed"
fi
[ "$TAP_FAILED" -eq 0 ]
