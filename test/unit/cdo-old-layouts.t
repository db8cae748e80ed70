#!/usr/bin/env bash
# create-diff-object on objects with the layouts of other kernels than the
# default target (Linux 6.1): small assembly fixtures (test/unit/
# cdo-old-layouts/*.S) assembled by gcc twice, without and with -DPATCHED.
# No kernel tree needed.  Every object must diff against itself with exit 3
# ("no functional change", unless "self") and no sanitizer report; the
# orig→patched diff meets the fixture's "// expect:" lines:
#   self orig|patched N       that self-diff exits N instead
#   exit N                    its exit status (default 3)
#   changed F / new F         the exact set of changed / new functions
#   size SECTION N            the output section SECTION has N bytes
#   nosection SECTION         the output has no section SECTION
#   args OPTION...            create-diff-object options for that diff
#   symbol NAME VALUE         the output symbol NAME has st_value VALUE
#   nops SECTION N            the output SECTION starts with N one-byte NOPs
#   rela SECTION SYMBOL       a relocation of the output SECTION uses SYMBOL
#   insn SECTION TEXT         objdump -dr of the output SECTION, blanks
#                             squeezed, has a line containing TEXT
#   message TEXT              stderr contains TEXT
#   with VAR=VALUE message TEXT   run again with VAR=VALUE in the
#                             environment: same exit status, and stderr
#                             contains TEXT
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
CDO=${CDO:-$TOPDIR/create-diff-object/create-diff-object}
CASES=$TOPDIR/test/unit/cdo-old-layouts

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -t cases < <(find "$CASES" -maxdepth 1 -name '*.S' -printf '%f\n' | sed 's/\.S$//' | sort)

n=0
for c in "${cases[@]}"; do
	n=$((n + 4 + $(grep -c '^// expect: \(size\|nosection\|symbol\|nops\|rela\|insn\|message\|with\)' "$CASES/$c.S")))
done
plan "$n"

# cdo NAME ORIG PATCHED [VAR=VALUE]: exit status in $rc, stderr in $err;
# the parent (vmlinux) symbol table is that of ORIG; $ARGS: options
ARGS=()
cdo() {
	err=$work/$1.err
	readelf -s --wide "$2" >"$work/$1.symtab"
	env ${4:+"$4"} "$CDO" "${ARGS[@]}" "$2" "$3" vmlinux "$work/$1.symtab" /dev/null test \
		"$work/$1.out.o" >/dev/null 2>"$err"
	rc=$?
	if grep -qE 'Sanitizer|runtime error' "$err"; then
		rc="$rc (sanitizer report)"
	fi
}

for c in "${cases[@]}"; do
	src=$CASES/$c.S o=$work/$c.orig.o p=$work/$c.patched.o
	gcc -c -o "$o" "$src" 2>"$work/$c.as" && gcc -DPATCHED -c -o "$p" "$src" 2>>"$work/$c.as"
	ok $? "$c: assembled twice" || diag_file "$work/$c.as"
	ARGS=()
	for v in orig patched; do
		self=$(sed -n "s#^// expect: self $v ##p" "$src")
		cdo "$c.self.$v" "$work/$c.$v.o" "$work/$c.$v.o"
		[ "$rc" = "${self:-3}" ]
		ok $? "$c: $v diffed against itself: exit ${self:-3} (got $rc)" || diag_file "$err"
	done

	read -r -a ARGS <<<"$(sed -n 's#^// expect: args ##p' "$src")"
	cdo "$c" "$o" "$p"
	out=$work/$c.out.o
	want=$(sed -n 's#^// expect: exit ##p' "$src")
	want=${want:-3}
	want_funcs=$(sed -n 's#^// expect: \(changed\|new\) \(.*\)#\1 \2#p' "$src" | sort)
	got_funcs=$(sed -n 's#.*: \(changed\|new\) function: \(.*\)#\1 \2#p' "$err" | sort)
	[ "$rc" = "$want" ] && [ "$want_funcs" = "$got_funcs" ]
	ok $? "$c: exit $want (got $rc), functions: ${got_funcs//$'\n'/, }" ||
		{ diag "expected: ${want_funcs//$'\n'/, }"; diag_file "$err"; }
	while read -r kind a b; do
		case "$kind" in
		size)
			got=$(readelf -SW "$out" 2>/dev/null |
				awk -v s="$a" '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == s { print strtonum("0x" $5) }')
			[ "$got" = "$b" ]
			ok $? "$c: output section $a has $b bytes (got ${got:-none})" ||
				diag "$(readelf -SW "$out" 2>&1 | tail -n 20)" ;;
		nosection)
			! readelf -SW "$out" 2>/dev/null | grep -qE "\] $a( |\$)"
			ok $? "$c: the output has no section $a" ||
				diag "$(readelf -SW "$out" 2>&1 | tail -n 20)" ;;
		symbol)
			got=$(readelf -sW "$out" 2>/dev/null | awk -v s="$a" '$8 == s { print strtonum("0x" $2) }')
			[ "$got" = "$b" ]
			ok $? "$c: output symbol $a at $b (got ${got:-none})" ||
				diag "$(readelf -sW "$out" 2>&1 | tail -n 20)" ;;
		nops)
			got=$(readelf -x "$a" "$out" 2>/dev/null |
				awk '/^  0x/ { printf "%s%s%s%s", $2, $3, $4, $5 }' | fold -w2 |
				awk '$1 != "90" { exit } { n++ } END { print n + 0 }')
			[ "$got" = "$b" ]
			ok $? "$c: output section $a starts with $b NOPs (got $got)" ||
				diag "$(objdump -d -j "$a" "$out" 2>&1 | head -n 30)" ;;
		rela)
			readelf -rW "$out" 2>/dev/null |
				awk -v s=".rela$a" '/^Relocation section/ { in_s = ($3 == "'"'"'" s "'"'"'") }
					in_s && $5 == b { f = 1 } END { exit !f }' b="$b"
			ok $? "$c: a relocation of $a uses $b" || diag "$(readelf -rW "$out" 2>&1 | tail -n 20)" ;;
		insn)
			objdump -dr -j "$a" "$out" 2>/dev/null | tr -s ' \t' '  ' | grep -qF -- "$b"
			ok $? "$c: $a has '$b'" || diag "$(objdump -dr -j "$a" "$out" 2>&1 | tail -n 30)" ;;
		message)
			grep -qF -- "$a${b:+ $b}" "$err"
			ok $? "$c: says '$a${b:+ $b}'" || diag_file "$err" ;;
		with)
			cdo "$c.with" "$o" "$p" "$a"
			[ "$rc" = "$want" ] && grep -qF -- "${b#message }" "$err"
			ok $? "$c: with $a: exit $want (got $rc), says '${b#message }'" ||
				diag_file "$err" ;;
		esac
	done < <(sed -n 's#^// expect: \(size\|nosection\|symbol\|nops\|rela\|insn\|message\|with\) \(.*\)#\1 \2#p' "$src")
done
[ "$TAP_FAILED" -eq 0 ]
