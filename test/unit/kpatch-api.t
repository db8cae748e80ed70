#!/usr/bin/env bash
# kpatch's patch-author API in kmod/patch (kpatch-macros.h, kpatch-syscall.h):
# a source written for kpatch (test/unit/kpatch-api/kpatch-style.c: callbacks
# taking patch_object *, every macro, type and helper used once) compiles
# with kbuild against the prepared Debian tree and carries the metadata that
# create-diff-object and the template read; KPATCH_FORCE_UNSAFE, which 6.1
# livepatch cannot honour, stops the build with its reason.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
FIXTURES=$TOPDIR/test/unit/kpatch-api

need_kernel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp "$FIXTURES"/*.c "$work/src/"
printf 'obj-m += kpatch-style.o force-unsafe.o\n' >"$work/src/Kbuild"

# kbuild OBJ: compile one fixture as kpatch-build compiles the patched
# sources (function sections, kmod/patch on the include path), under the
# tree's build lock
kbuild() {
	flock "$TREE/.klpkit-build.lock" make -s -C "$TREE" M="$work/src" \
		KCFLAGS="-ffunction-sections -fdata-sections -I$TOPDIR/kmod/patch" \
		"$1" </dev/null >"$work/$1.log" 2>&1
}
o=$work/src/kpatch-style.o
# section_size NAME: the size of section NAME of $o, in hex
section_size() { readelf -SW "$o" | awk -v s="$1" '$2 == s { print $6 }'; }
# relocs NAME: the symbol and addend of each relocation of section NAME
relocs() {
	readelf -rW "$o" | awk -v s="'.rela$1'" '
		/^Relocation section/ { on = ($3 == s); next }
		on && NF >= 5 { print $5, $6, $7 }'
}

KINDS="pre_patch post_patch pre_unpatch post_unpatch"
plan 12

kbuild kpatch-style.o
ok $? "a source written for kpatch's API compiles against $KREL" ||
	diag_file "$work/kpatch-style.o.log" 40
[ -f "$o" ] || bail "no object to inspect" "$work/kpatch-style.o.log"

for k in $KINDS; do
	fn=kapi_$k
	[ "$(section_size ".klpkit.callbacks.$k")" = 000010 ] &&
		relocs ".klpkit.callbacks.$k" | grep -qE "(^| )(\.text(\.unlikely)?\.)?$fn( |$)"
	ok $? "KPATCH_${k^^}_CALLBACK($fn): one 16-byte .klpkit.callbacks.$k entry pointing to it" ||
		diag "$(readelf -SW "$o" | grep klpkit; relocs ".klpkit.callbacks.$k")"
done

relocs .klpkit.ignore.functions | grep -qE "(^| )kapi_ignored( |$)"
ok $? "KPATCH_IGNORE_FUNCTION(kapi_ignored) marks it in .klpkit.ignore.functions" ||
	diag "$(relocs .klpkit.ignore.functions)"

# one KPATCH_IGNORE_SECTION and the two of KPATCH_SYSCALL_METADATA
strs=$(strings -a "$o")
[ "$(section_size .klpkit.ignore.sections)" = 000018 ] &&
	grep -qx .data.kapi_sectioned <<<"$strs" && grep -qx __syscalls_metadata <<<"$strs" &&
	grep -qx _ftrace_events <<<"$strs"
ok $? "KPATCH_IGNORE_SECTION and KPATCH_SYSCALL_METADATA: three .klpkit.ignore.sections entries" ||
	diag "$(readelf -SW "$o" | grep -E 'klpkit|syscalls_metadata|ftrace_events')"

[ -n "$(section_size .data.kapi_sectioned)" ]
ok $? "__kpatch_section(.data.kapi_sectioned) names the section"

defined=$(nm "$o" | awk '$2 == "T" { print $3 }')
absent=
for s in __x64_sys_kapi0 __x64_sys_kapi1 __x64_sys_kapi2 __x64_sys_kapi3 \
	__x64_sys_kapi4 __x64_sys_kapi5 __x64_sys_kapi6 __x64_sys_kapix \
	__ia32_sys_kapi6; do
	grep -qx "$s" <<<"$defined" || absent+=" $s"
done
[ -z "$absent" ]
ok $? "KPATCH_SYSCALL_DEFINE0..6 and KPATCH_SYSCALL_DEFINEx define the syscall entry points" ||
	diag "missing:$absent"

# the body of a KPATCH_SYSCALL_DEFINEn is renamed: no __do_sys_kapi1 symbol
! nm "$o" | grep -qE ' __do_sys_kapi[1-6x]$'
ok $? "KPATCH_SYSCALL_DEFINE1..6 bodies are not __do_sys_* (notrace) functions" ||
	diag "$(nm "$o" | grep do_sys)"

nm "$o" | grep -qE ' [Uu] printk_deferred$|_printk_deferred$'
ok $? "KPATCH_PRINTK_DEFERRED calls printk_deferred" || diag "$(nm "$o" | grep -i printk)"

kbuild force-unsafe.o
rc=$?
[ "$rc" != 0 ] && grep -q 'KPATCH_FORCE_UNSAFE(kapi_always_busy): Linux 6.1 livepatch cannot skip the consistency check' \
	"$work/force-unsafe.o.log"
ok $? "KPATCH_FORCE_UNSAFE stops the build and says why (status $rc)" ||
	diag_file "$work/force-unsafe.o.log"
[ "$TAP_FAILED" -eq 0 ]
