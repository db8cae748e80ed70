#!/usr/bin/env bash
# create-diff-object on small C fixtures (test/unit/cdo-cases/*.c) compiled
# twice by kbuild against the prepared Debian tree (so with the kernel's own
# flags, objtool and all), without and with -DPATCHED.  Each fixture states
# what it expects in "// expect:" lines:
#   exit N              the exit status
#   changed F / new F   the exact set of changed / new functions reported
#   klpsym NAME         the output has this undefined .klp.sym symbol
#   message TEXT        stderr contains TEXT
#   once TEXT           stderr contains TEXT on exactly one line
#   parent NAME         the object belongs to module NAME (default vmlinux)
#   section NAME        the output has a section NAME
#   symtab-without-files  the parent's symbol table has no STT_FILE symbols
#                       (like Debian's shipped .ko files)
#   symtab-elf          the parent's symbol table is the original object
#                       itself (ELF: section names and flags), not readelf text
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=${CDO:-$TOPDIR/create-diff-object/create-diff-object}
CASES=$TOPDIR/test/unit/cdo-cases

need_kernel
krel=$KREL tree=$TREE

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a case is NAME.c, or a directory NAME/ of .c files linked into one object
# (ld -r of several files: several STT_FILE blocks) with the expectations
# in NAME/expect
mapfile -t cases < <(find "$CASES" -mindepth 1 -maxdepth 1 \( -name '*.c' -o -type d \) \
	-printf '%f\n' | sed 's/\.c$//' | sort)
expectations() { if [ -d "$CASES/$1" ]; then cat "$CASES/$1/expect"; else cat "$CASES/$1.c"; fi; }
# Both builds in one directory, as kpatch-build does: __FILE__ must not differ.
mkdir -p "$work/src" "$work/orig" "$work/patched"
cp "$CASES"/*.c "$work/src/"
printf 'obj-m += %s.o\n' "${cases[@]}" >"$work/src/Kbuild"
for c in "${cases[@]}"; do
	[ -d "$CASES/$c" ] || continue
	parts=()
	for f in "$CASES/$c"/*.c; do
		cp "$f" "$work/src/$c-$(basename "$f")"
		parts+=("$c-$(basename "$f" .c).o")
	done
	echo "$c-y := ${parts[*]}" >>"$work/src/Kbuild"
done

# expectations: one test per expect line, plus the exact function sets
n=1
for c in "${cases[@]}"; do
	n=$((n + $(expectations "$c" | grep -c '^// expect: \(exit\|klpsym\|message\|once\|section\)') + 1))
done
plan "$n"

build() {	# build VARIANT EXTRA-KCFLAGS
	local c
	# shellcheck disable=SC2046
	make -s -C "$tree" M="$work/src" \
		KCFLAGS="-ffunction-sections -fdata-sections -I$TOPDIR/kmod/patch $2" \
		$(printf '%s.o ' "${cases[@]}") </dev/null >>"$work/build.log" 2>&1 || return 1
	for c in "${cases[@]}"; do
		mv "$work/src/$c.o" "$work/$1/$c.o" || return 1
	done
}
build orig "" && build patched -DPATCHED
ok $? "built ${#cases[@]} fixtures twice with kbuild for $krel" || diag_file "$work/build.log"

for c in "${cases[@]}"; do
	o=$work/orig/$c.o p=$work/patched/$c.o out=$work/$c.out.o
	readelf -s --wide "$o" >"$work/$c.symtab"
	if expectations "$c" | grep -q '^// expect: symtab-without-files'; then
		grep -v ' FILE ' "$work/$c.symtab" >"$work/$c.symtab.tmp" &&
			mv "$work/$c.symtab.tmp" "$work/$c.symtab"
	fi
	symtab=$work/$c.symtab
	expectations "$c" | grep -q '^// expect: symtab-elf' && symtab=$o
	parent=$(expectations "$c" | sed -n 's#^// expect: parent ##p')
	"$CDO" --report "$work/$c.json" "$o" "$p" "${parent:-vmlinux}" "$symtab" /dev/null \
		test "$out" >"$work/$c.stdout" 2>"$work/$c.err"
	rc=$?
	if grep -qE 'Sanitizer|runtime error' "$work/$c.err"; then
		rc="$rc (sanitizer report)"
	fi
	want_funcs=$(expectations "$c" | sed -n 's#^// expect: \(changed\|new\) \(.*\)#\1 \2#p' | sort)
	got_funcs=$(sed -n 's#.*: \(changed\|new\) function: \(.*\)#\1 \2#p' "$work/$c.err" | sort)
	[ "$want_funcs" = "$got_funcs" ]
	ok $? "$c: functions reported: ${got_funcs//$'\n'/, }" ||
		{ diag "expected: ${want_funcs//$'\n'/, }"; diag_file "$work/$c.err"; }
	while read -r kind arg; do
		case "$kind" in
		exit)
			[ "$rc" = "$arg" ]
			ok $? "$c: exit status $arg (got $rc)" || diag_file "$work/$c.err" ;;
		klpsym)
			readelf -s --wide "$out" 2>/dev/null | awk '$7 == "UND" { print $8 }' |
				grep -qxF -- "$arg"
			ok $? "$c: output refers to $arg" ||
				diag "$(readelf -s --wide "$out" 2>&1 | tail -n 20)" ;;
		message)
			grep -qF -- "$arg" "$work/$c.err"
			ok $? "$c: says '$arg'" || diag_file "$work/$c.err" ;;
		once)
			[ "$(grep -cF -- "$arg" "$work/$c.err")" -eq 1 ]
			ok $? "$c: says '$arg' once" || diag_file "$work/$c.err" ;;
		section)
			readelf -SW "$out" 2>/dev/null | grep -qE " $arg +(PROGBITS|NOBITS)"
			ok $? "$c: output has section $arg" || diag "$(readelf -SW "$out" 2>&1 | tail -n 20)" ;;
		esac
	done < <(expectations "$c" | sed -n 's#^// expect: \(exit\|klpsym\|message\|once\|section\) \(.*\)#\1 \2#p')
done
[ "$TAP_FAILED" -eq 0 ]
