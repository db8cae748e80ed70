#!/usr/bin/env bash
# Malformed objects: every tool that reads them (libkelf's kelf-tool,
# create-diff-object given it as the patched object, klp-convert --check)
# exits 1 with ONE line "FILE: error: ..." naming the element, writes
# nothing, and never crashes or prints a sanitizer report.  Then the
# sanitizer crashes mutation fuzzing found in the tools (issue 11), and
# temporary outputs removed when a tool is killed while writing.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
TOOL=$TOPDIR/test/unit/kelf-tool
CDO=$TOPDIR/create-diff-object/create-diff-object
KC=$TOPDIR/klp-convert/klp-convert
CORRUPT=$TOPDIR/test/unit/corrupt-elf

# kind : text the error must contain
CASES=(
	"truncate:extends past the end of the file"
	"section-past-end:extends past the end of the file"
	"wrong-machine:wrong machine 243 (riscv) in the ELF header: klpkit supports x86_64, aarch64, ppc64le, s390x"
	"not-elf:not an ELF file"
	"bad-symbol-shndx:section index 999 out of range"
	"rela-past-end:points past the end of"
	"bad-rela-symbol:symbol index 50000 out of range"
	"bad-sh-link:sh_link 5000 out of range"
	"bad-shstrndx:section name table index"
	"bad-name:is not in '.strtab'"
	"shnum-zero:no section header table (e_shnum 0"
	"symbol-size-past-section:size 0xfffffff0 runs past the end of section"
	"symbol-value-past-section:value 0x7fff0000000 size"
	"huge-align:alignment 0x100000000 is not a power of two up to"
	"odd-align:alignment 0x18 is not a power of two"
	"link-to-rela:names relocation section '.rela"
	"symbol-in-rela:defined in relocation section '.rela"
	"rela-on-strtab:relocates '.strtab', a table libkelf regenerates"
	"symbol-in-strtab:defined in section '.strtab', a table libkelf regenerates"
	"addend-overflow:addend +9223372036854775806 points outside the address space"
	"huge-bss:implausible size 0x8000000000000000"
	"compressed-text:SHF_COMPRESSED on an allocated section"
	"stray-symtab-shndx:section '.comment': extended section indexes (SHT_SYMTAB_SHNDX) that do not match"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# with ftrace hooks (-pg -mfentry) so that create-diff-object's output and
# compare stages see the damage when the read does not stop it
cat >"$work/f.c" <<'C'
static int counter;
int table[4] = { 1, 2, 3, 4 };
int foo(int x) { counter += x; return counter; }
static int __attribute__((noinline)) bar(int y) { return y * 3 + counter; }
int baz(int z) { return bar(z) + 1; }
C
gcc -O2 -pg -mfentry -ffunction-sections -fdata-sections -c "$work/f.c" -o "$work/f.o" || exit 1
readelf -s --wide "$work/f.o" >"$work/f.symtab"

# one_error FILE ERR WANT: exactly one line, "FILE: error: ...WANT...", no
# sanitizer report
one_error() {
	[ "$(wc -l <"$2")" -eq 1 ] && grep -qF "$1: error: " "$2" && grep -qF -- "$3" "$2" &&
		! grep -qE 'Sanitizer|runtime error' "$2"
}
# no_output OUT: neither OUT nor a temporary file next to it
no_output() {
	! compgen -G "$1*" >/dev/null
}

plan $((${#CASES[@]} * 6 + 1 + 7 + 2 + 2 + 1 + 3 + 5))
"$TOOL" check "$work/f.o" >/dev/null 2>"$work/err"
ok $? "the intact object reads cleanly" || diag_file "$work/err"
for c in "${CASES[@]}"; do
	kind=${c%%:*}
	want=${c#*:}
	bad=$work/$kind.o
	# a function copied whole to the output (was a 4 GiB over-read in
	# output.c append()), data compared byte by byte (was a SEGV in compare.c)
	case $kind in
	symbol-size-past-section) "$CORRUPT" "$kind" "$work/f.o" "$bad" baz ;;
	symbol-value-past-section) "$CORRUPT" "$kind" "$work/f.o" "$bad" table ;;
	*) "$CORRUPT" "$kind" "$work/f.o" "$bad" ;;
	esac

	"$TOOL" check "$bad" >/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ]
	ok $? "$kind: kelf-tool: exit status 1 (got $rc)" || diag_file "$work/err"
	one_error "$bad" "$work/err" "$want"
	ok $? "$kind: kelf-tool: one line naming the file, '$want'" || diag_file "$work/err"

	"$CDO" "$work/f.o" "$bad" vmlinux "$work/f.symtab" /dev/null test "$work/out-$kind.o" \
		>/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ] && no_output "$work/out-$kind.o"
	ok $? "$kind: create-diff-object: exit status 1 (got $rc), no output" || diag_file "$work/err"
	one_error "$bad" "$work/err" "$want"
	ok $? "$kind: create-diff-object: one line naming the file, '$want'" || diag_file "$work/err"

	"$KC" --check "$bad" >/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ]
	ok $? "$kind: klp-convert --check: exit status 1 (got $rc)" || diag_file "$work/err"
	one_error "$bad" "$work/err" "$want"
	ok $? "$kind: klp-convert --check: one line naming the file, '$want'" || diag_file "$work/err"
done

# --- the architecture comes from e_machine: x86-64 is x86_64 (62); a
# machine libkelf has no arch for (0x1234, patched into a copy) is refused
# by every tool with one line naming it
arch=$("$TOOL" arch "$work/f.o" 2>"$work/err")
[ "$arch" = "x86_64 62" ]
ok $? "the arch of an x86-64 object is x86_64 (got '$arch')" || diag_file "$work/err"
cp "$work/f.o" "$work/unknown.o"
printf '\x34\x12' | dd of="$work/unknown.o" bs=1 seek=18 conv=notrunc status=none
want="wrong machine 4660 (unknown) in the ELF header: klpkit supports x86_64"
for tool in kelf-tool create-diff-object klp-convert; do
	case $tool in
	kelf-tool) "$TOOL" check "$work/unknown.o" ;;
	create-diff-object) "$CDO" "$work/f.o" "$work/unknown.o" vmlinux "$work/f.symtab" /dev/null \
		test "$work/out-unknown.o" ;;
	klp-convert) "$KC" --check "$work/unknown.o" ;;
	esac >/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ] && no_output "$work/out-unknown.o"
	ok $? "unknown machine: $tool: exit status 1 (got $rc), nothing written" || diag_file "$work/err"
	one_error "$work/unknown.o" "$work/err" "$want"
	ok $? "unknown machine: $tool: one line naming the file and the machine" || diag_file "$work/err"
done

# --- compressed debug sections (gcc -gz) are valid: their relocations
# apply to the inflated contents
gcc -O2 -g -gz=zlib -ffunction-sections -c "$work/f.c" -o "$work/gz.o" &&
	"$TOOL" copy "$work/gz.o" "$work/gz-copy.o" 2>"$work/err" &&
	readelf -SW "$work/gz-copy.o" | grep -q '\.debug_info .* C ' &&
	ld -r -o "$work/gz-ld.o" "$work/gz-copy.o" 2>>"$work/err"
ok $? "gcc -gz object: read, written with its sections still compressed, ld -r accepts it" ||
	diag_file "$work/err"

# --- one string table for symbol and section names is valid ELF: the
# writer gives symbols a .strtab of their own (it wrote both into one)
"$CORRUPT" shared-strtab "$work/f.o" "$work/shared.o" &&
	"$TOOL" copy "$work/shared.o" "$work/shared-copy.o" 2>"$work/err" &&
	[ "$(readelf -sW "$work/shared-copy.o" | awk '$8 == "baz"')" != "" ]
ok $? "shared string table: written and read back, symbol names intact" || diag_file "$work/err"

# --- create-diff-object: a function whose symbol ends inside a relocated
# field (its __fentry__ call): valid ELF, but the copy would carry a
# relocation past its end (found by fuzz-cdo)
"$CORRUPT" short-symbol "$work/f.o" "$work/short.o" foo
"$TOOL" check "$work/short.o" >/dev/null 2>"$work/err"
ok $? "short-symbol: libkelf reads it" || diag_file "$work/err"
"$CDO" "$work/f.o" "$work/short.o" vmlinux "$work/f.symtab" /dev/null test "$work/short-out.o" \
	>/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] && no_output "$work/short-out.o" &&
	[ "$(grep -c ': error: ' "$work/err")" -eq 1 ] &&
	grep -qE "short.o: error: \.text\.foo\+0x[0-9a-f]+: R_X86_64_[A-Z0-9_]+ runs past the end of the 0x3 bytes" "$work/err" &&
	! grep -qE 'Sanitizer|runtime error' "$work/err"
ok $? "short-symbol: create-diff-object: exit 1 (got $rc), one error naming the relocation, no output" ||
	diag_file "$work/err"

# --- create-diff-object: a symbol table that carries the name of a callback
# table is still the symbol table, never patch content (the output had two
# symbol tables; found by fuzz-cdo)
cat >"$work/cb.c" <<'C'
int cb_state;
static int pre(void *obj) { return cb_state++; }
struct cb { int (*fn)(void *); const char *objname; };
static struct cb cb_entry __attribute__((used, section(".klpkit.callbacks.pre_patch"), aligned(8))) = { pre, 0 };
int cb_user(int x) { return x + cb_state; }
C
gcc -O2 -pg -mfentry -ffunction-sections -fdata-sections -c "$work/cb.c" -o "$work/cb.o" &&
	readelf -s --wide "$work/cb.o" >"$work/cb.symtab" &&
	"$CORRUPT" rename-symtab "$work/cb.o" "$work/cb-bad.o" .klpkit.callbacks.pre_patch &&
	"$CDO" "$work/cb.o" "$work/cb-bad.o" vmlinux "$work/cb.symtab" /dev/null test \
		"$work/cb-out.o" >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] && "$TOOL" check "$work/cb-out.o" >/dev/null 2>>"$work/err" &&
	[ "$(readelf -SW "$work/cb-out.o" | grep -c ' SYMTAB ')" -eq 1 ] &&
	[ "$(readelf -SW "$work/cb-out.o" | grep -c '\.klpkit\.callbacks\.pre_patch  *PROGBITS')" -eq 1 ] &&
	! grep -qE 'Sanitizer|runtime error' "$work/err"
ok $? "rename-symtab: create-diff-object keeps the callback table, writes one symbol table (exit $rc)" ||
	{ diag_file "$work/err"; readelf -SW "$work/cb-out.o" 2>&1 | sed 's/^/# /'; }

# --- klp-convert: a section linked to a relocation section that the
# conversion empties and frees (was a use-after-free in kelf_write)
if "$TOPDIR/test/unit/klp-convert/make-fixtures" "$work/fx" >"$work/fx.log" 2>&1; then
	(
		cd "$work/fx" &&
			"$CORRUPT" link-to-rela patch.ko bad-link.ko .rela.text.original_address &&
			"$KC" -s vmlinux=vmlinux -s fake-mod.ko -s other-mod.ko -S Module.symvers \
				bad-link.ko out.ko
	) >/dev/null 2>"$work/err"
	rc=$?
	[ "$rc" -eq 1 ] && no_output "$work/fx/out.ko"
	ok $? "link-to-rela: klp-convert: exit status 1 (got $rc), no output" || diag_file "$work/err"
	one_error bad-link.ko "$work/err" "sh_link"
	ok $? "link-to-rela: klp-convert: one line naming the file and the link" || diag_file "$work/err"
	(cd "$work/fx" && "$KC" -s vmlinux=vmlinux -s fake-mod.ko -s other-mod.ko \
		-S Module.symvers patch.ko out.ko) >/dev/null 2>"$work/err"
	ok $? "the intact patch.ko still converts" || diag_file "$work/err"
else
	skip 3 "klp-convert fixtures do not build"
	diag_file "$work/fx.log"
fi

# --- outputs never left behind: an output that cannot be written, and a
# tool killed by a signal while writing (SIGXFSZ from a file size limit)
"$CORRUPT" huge-align "$work/f.o" "$work/align.o"
"$TOOL" copy "$work/align.o" "$work/align-out.o" 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] && no_output "$work/align-out.o"
ok $? "huge-align: kelf-tool copy refuses it (exit $rc), nothing written" || diag_file "$work/err"
big=$work/big.o
for i in $(seq 1 400); do echo "int big_$i(int x) { return x * $i + $i; }"; done >"$work/big.c"
gcc -O2 -ffunction-sections -fdata-sections -c "$work/big.c" -o "$big" || exit 1
# (the shell's own "File size limit exceeded" note goes to shell.log)
{ (ulimit -f 16 && exec "$TOOL" copy "$big" "$work/xfsz.o") 2>"$work/err"; } 2>>"$work/shell.log"
rc=$?
[ "$rc" -eq $((128 + 25)) ] && no_output "$work/xfsz.o"
ok $? "killed by SIGXFSZ while writing (exit $rc): no output, no temporary file" ||
	{ diag_file "$work/err"; find "$work" -maxdepth 1 | sed 's/^/# /'; }
# SIGTERM and SIGINT at a point in the write: kelf-tool stops itself with
# the signal from the step it is told (KELF_TOOL_RAISE=SIG), after the
# temporary file exists
# (with the signal's default action: a shell started in the background hands
# its children SIGINT ignored, and libkelf rightly keeps an ignored signal
# ignored)
for sig in TERM INT; do
	{ KELF_TOOL_RAISE=$sig env --default-signal="$sig" "$TOOL" copy "$big" "$work/sig.o" \
		2>"$work/err"; } 2>>"$work/shell.log"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" -eq "$want" ] && no_output "$work/sig.o"
	ok $? "killed by SIG$sig while writing (exit $rc, want $want): no output, no temporary file" ||
		{ diag_file "$work/err"; find "$work" -maxdepth 1 | sed 's/^/# /'; }
done
(ulimit -f 16 && exec "$TOOL" copy "$work/f.o" "$work/small.o") 2>"$work/err"
ok $? "the same limit lets a small object through" || diag_file "$work/err"
[ "$TAP_FAILED" -eq 0 ]
