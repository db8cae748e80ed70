#!/usr/bin/env bash
# klp-convert's sealed-ENDBR check (x86 IBT) on fixtures built by gcc
# (test/unit/klp-convert/make-endbr-fixtures): a fake vmlinux with
# endbr64 functions and a hand-made .ibt_endbr_seal, the same without it,
# and a module with its own seal list.  Direct calls are accepted, taking
# the address of a sealed function or of one without ENDBR is refused
# (exit 3, one exact message per reference), the address of the patch's
# own function is accepted, and nothing changes without a seal section.
# Then the seal list of Debian's 6.12 -dbg vmlinux, if it is in the cache.
# qemu's TCG does not enforce IBT: fixtures are the only test of this.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"

KC=$TOPDIR/klp-convert/klp-convert
[ -x "$KC" ] || bail "klp-convert is built (run make)"
if ! command -v gcc >/dev/null || ! command -v readelf >/dev/null; then
	skip_all "needs gcc and readelf"
fi
[ "$(uname -m)" = x86_64 ] || skip_all "the fixtures are x86-64 code"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
F=$W/fx

plan 20

"$TOPDIR/test/unit/klp-convert/make-endbr-fixtures" "$F" >"$W/fx.log" 2>&1
ok $? "fixtures build (vmlinux with and without .ibt_endbr_seal, ibt-mod.ko, patch modules)" || diag_file "$W/fx.log"
cd "$F" || exit 1

# run_kc OUT-PREFIX ARGS...: stdout/stderr in OUT-PREFIX.{out,err}, status in $rc
run_kc() {
	local p=$1
	shift
	"$KC" "$@" >"$p.out" 2>"$p.err"
	rc=$?
}
IBT=(-s vmlinux=vmlinux-ibt -S Module.symvers)
NOIBT=(-s vmlinux=vmlinux-noibt -S Module.symvers)

# expect MODULE SITE OBJ FUNC RELOC WHY: the message of one refused reference
expect() {
	printf '%s: error: %s takes the address of %s function '\''%s'\'' (%s), %s; an indirect call through that pointer would crash with "Missing ENDBR" on a CPU that enforces indirect branch tracking: call %s through a wrapper function defined in the patch and take the wrapper'\''s address (the address of a function the patch adds is fine), or use a pointer to %s that the kernel already holds\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "$4" "$4"
}
sealed() {	# sealed OBJ: why a function of OBJ in its seal list faults
	local how=loads
	[ "$1" = vmlinux ] && how=boots
	echo "whose ENDBR is sealed (made a NOP) when $1 $how: $1's .ibt_endbr_seal lists it, as $1 never takes its address"
}
NO_ENDBR="which has no ENDBR at its entry: the compiler saw only direct calls to it"

# secinfo FILE SECTION: "ADDRESS OFFSET SIZE" (hex) of a section
secinfo() {
	readelf -SW "$1" | awk -v s="$2" '{ for (i = 1; i < NF; i++) if ($i == s) { print $(i + 2), $(i + 3), $(i + 4); exit } }'
}
# the fixture is what it claims: endbr64 where the compiler put one
entry() {	# entry VMLINUX FUNC: the first 4 bytes of FUNC, as hex
	local addr text_addr text_off _
	addr=$(nm "$1" | awk -v f="$2" '$3 == f { print $1 }')
	read -r text_addr text_off _ < <(secinfo "$1" .text)
	od -An -tx1 -j $((0x$addr - 0x$text_addr + 0x$text_off)) -N 4 "$1" | tr -d ' \n'
}
[ "$(entry vmlinux-ibt sealed_fn)" = f30f1efa ] && [ "$(entry vmlinux-ibt open_fn)" = f30f1efa ] &&
	[ "$(entry vmlinux-ibt plain_static)" != f30f1efa ] &&
	[ "$(secinfo vmlinux-ibt .ibt_endbr_seal | cut -d' ' -f3)" = 000008 ] &&
	[ -z "$(secinfo vmlinux-noibt .ibt_endbr_seal)" ]
ok $? "fixture: sealed_fn and open_fn start with endbr64, plain_static does not; a seal list of 2 entries (none in vmlinux-noibt)"

# ---------------------------------------------------------------- (a) direct calls

run_kc "$W/a" "${IBT[@]}" -v p-call.ko out-call.ko
[ "$rc" = 0 ] && [ -s out-call.ko ] &&
	readelf -rW out-call.ko | grep -q 'R_X86_64_PLT32 .* \.klp\.sym\.vmlinux\.sealed_fn,0' &&
	readelf -rW out-call.ko | grep -q 'R_X86_64_PLT32 .* exported_sealed'
ok $? "(a) calls and a tail call to sealed functions, a call to a static without ENDBR, a sealed function in .altinstructions: converted (exit 0)" || diag_file "$W/a.err"
! grep -q 'sealed ENDBR' "$W/a.err"
ok $? "(a) only calls: the seal list is not even read" || diag_file "$W/a.err"

# ---------------------------------------------------------------- (b) pointers in data

run_kc "$W/b" "${IBT[@]}" p-data.ko out-data.ko
{
	expect p-data.ko "ptrs+0x0 (.rodata.ptrs+0x0, in $F/p-data.c:4)" vmlinux sealed_fn R_X86_64_64 "$(sealed vmlinux)"
	expect p-data.ko "ptrs+0x8 (.rodata.ptrs+0x8, in $F/p-data.c:4)" vmlinux exported_sealed R_X86_64_64 "$(sealed vmlinux)"
	echo "p-data.ko: 2 problems: out-data.ko not written"
} >"$W/b.want"
[ "$rc" = 3 ]
ok $? "(b) addresses of sealed functions (unexported and exported) stored in data: refused (exit 3, got $rc)"
cmp -s "$W/b.want" "$W/b.err"
ok $? "(b) exactly one message per reference: the function, the variable+offset, its source line, the remedy" ||
	diff "$W/b.want" "$W/b.err" | sed 's/^/# /'
[ ! -e out-data.ko ]
ok $? "(b) nothing written"

# ---------------------------------------------------------------- (c) lea of a function without ENDBR

run_kc "$W/c" "${IBT[@]}" p-lea.ko out-lea.ko
{
	expect p-lea.ko "new_k_caller+0xa (.text.new_k_caller+0xa, in $F/p-lea.c:7)" vmlinux plain_static R_X86_64_PC32 "$NO_ENDBR"
	echo "p-lea.ko: 1 problem: out-lea.ko not written"
} >"$W/c.want"
[ "$rc" = 3 ] && cmp -s "$W/c.want" "$W/c.err"
ok $? "(c) leaq of a static without ENDBR (.klp.sym): refused with the function+offset and line of the lea (exit $rc)" ||
	diff "$W/c.want" "$W/c.err" | sed 's/^/# /'

# without DWARF in the module (kpatch-build): the site only; kpatch-build's
# site_lines (lib/common.sh) adds the line from the patched object
run_kc "$W/c2" "${IBT[@]}" p-lea-nodbg.ko out-lea.ko
expect p-lea-nodbg.ko "new_k_caller+0xa (.text.new_k_caller+0xa)" vmlinux plain_static R_X86_64_PC32 "$NO_ENDBR" >"$W/c2.want"
echo "p-lea-nodbg.ko: 1 problem: out-lea.ko not written" >>"$W/c2.want"
[ "$rc" = 3 ] && cmp -s "$W/c2.want" "$W/c2.err"
ok $? "(c) a module without DWARF: the same refusal, without a line (exit $rc)" ||
	diff "$W/c2.want" "$W/c2.err" | sed 's/^/# /'
# shellcheck source=../../kpatch-build/lib/common.sh
. "$TOPDIR/kpatch-build/lib/common.sh"
sed 's/^p-lea.ko: /p-lea-nodbg.ko: /' "$W/c.want" >"$W/c3.want"
site_lines p-lea.o p-data.o <"$W/c2.err" >"$W/c3.out"
cmp -s "$W/c3.want" "$W/c3.out"
ok $? "(c) kpatch-build's site_lines adds the line of the lea from the patched object (addr2line)" ||
	diff "$W/c3.want" "$W/c3.out" | sed 's/^/# /'

# ---------------------------------------------------------------- (d) the patch's own function

run_kc "$W/d" "${IBT[@]}" -v p-own.ko out-own.ko
[ "$rc" = 0 ] && [ -s out-own.ko ] && ! grep -q 'error' "$W/d.err"
ok $? "(d) addresses of the patch's own new function, of open_fn (ENDBR, not sealed) and of a static call trampoline (no ENDBR by design): converted (exit $rc)" || diag_file "$W/d.err"
grep -qx 'klp-convert: vmlinux: 2 sealed ENDBR in .ibt_endbr_seal (IBT)' "$W/d.err"
ok $? "(d) -v: the seal list was read (2 entries)" || diag_file "$W/d.err"

# ---------------------------------------------------------------- (e) no seal list: as before

bad=0
for p in call data lea own; do
	run_kc "$W/e-$p" "${NOIBT[@]}" "p-$p.ko" "out-$p.ko"
	if [ "$rc" != 0 ] || [ -s "$W/e-$p.err" ]; then
		bad=1
		diag "p-$p.ko: exit $rc"
		diag_file "$W/e-$p.err"
	fi
done
ok $bad "(e) every patch against the vmlinux without .ibt_endbr_seal: converted, nothing printed"
readelf -rW out-data.ko | awk '/^Relocation section/ { sec = $3 } / R_X86_64_64 / { print sec, $5 }' >"$W/e.relas"
grep -qx "'.klp.rela.vmlinux..rodata.ptrs' .klp.sym.vmlinux.sealed_fn,0" "$W/e.relas" &&
	grep -qx "'.rela.rodata.ptrs' exported_sealed" "$W/e.relas"
ok $? "(e) without a seal list the pointers convert as before: .klp.sym.vmlinux.sealed_fn,0, exported_sealed kept" ||
	diag_file "$W/e.relas"

# ---------------------------------------------------------------- a target module's own seal list

run_kc "$W/m" "${IBT[@]}" -s ibt-mod.ko p-mod.ko out-mod.ko
{
	expect p-mod.ko "mod_ptrs+0x0 (.rodata.mod_ptrs+0x0, in $F/p-mod.c:6)" ibt_mod mod_sealed R_X86_64_64 "$(sealed ibt_mod)"
	expect p-mod.ko "mod_ptrs+0x10 (.rodata.mod_ptrs+0x10, in $F/p-mod.c:6)" ibt_mod mod_plain R_X86_64_64 "$NO_ENDBR"
	echo "p-mod.ko: 2 problems: out-mod.ko not written"
} >"$W/m.want"
[ "$rc" = 3 ] && cmp -s "$W/m.want" "$W/m.err"
ok $? "module patch: mod_sealed (in ibt_mod's .ibt_endbr_seal, a relocation) and mod_plain (no ENDBR) refused, mod_open accepted (exit $rc)" ||
	diff "$W/m.want" "$W/m.err" | sed 's/^/# /'

# ---------------------------------------------------------------- Debian's 6.12 -dbg vmlinux

KREL=${KLPKIT_TEST_KREL_IBT:-6.12.117+deb12-amd64}
real=$("$TOPDIR/kpatch-build/kernel-cache" path "$KREL" vmlinux 2>/dev/null)
symvers=$("$TOPDIR/kpatch-build/kernel-cache" path "$KREL" symvers 2>/dev/null)
if [ -z "$real" ] || [ ! -f "$real" ] || [ ! -f "$symvers" ]; then
	skip 5 "Debian's $KREL -dbg vmlinux is not in the cache (kpatch-build/kernel-cache fetch $KREL)"
	[ "$TAP_FAILED" -eq 0 ]
	exit
fi
diag "real vmlinux: $real"
# the first entry of its seal list, independently: address + s32 at it
read -r seal_addr seal_off seal_size < <(secinfo "$real" .ibt_endbr_seal)
rel=$(od -An -td4 -j $((0x$seal_off)) -N 4 "$real" | tr -d ' ')
first=$(printf '%016x' $((0x$seal_addr + rel)))
first_fn=$(nm "$real" | awk -v a="$first" '$1 == a && ($2 == "T" || $2 == "t") { print $3; exit }')
[ -n "$seal_size" ] && [ $((0x$seal_size / 4)) -gt 0 ] && [ -n "$first_fn" ]
ok $? "$KREL: .ibt_endbr_seal has $((0x${seal_size:-0} / 4)) entries; the first is $first_fn ($first)"

cat >real.c <<C
extern char klp_show[] __asm__("\\".klp.sym.vmlinux.cmdline_proc_show,0\\"");
extern char klp_first[] __asm__("\\".klp.sym.vmlinux.$first_fn,0\\"");
extern int _printk(const char *, ...);
void *show_ptr = klp_show;
int show(void) { return _printk("%p", show_ptr); }
void *first_ptr = klp_first;
C
gcc -O2 -fno-pic -fno-pie -mcmodel=kernel -c -o real.o real.c && ld -r -o real.ko real.o mod.o
ok $? "a module taking the addresses of cmdline_proc_show and of $first_fn builds"
t0=$(date +%s%N)
run_kc "$W/r" -v -s "vmlinux=$real" -S "$symvers" real.ko real-out.ko
ms=$((($(date +%s%N) - t0) / 1000000))
n=$(sed -n 's/^klp-convert: vmlinux: \([0-9]*\) sealed ENDBR in .ibt_endbr_seal (IBT)$/\1/p' "$W/r.err")
[ "$rc" = 3 ] && [ "${n:-0}" = $((0x$seal_size / 4)) ]
ok $? "$KREL: klp-convert reads the whole seal list (${n:-none} entries, ${ms} ms) and refuses the module (exit $rc)" || diag_file "$W/r.err"
grep -c ': error: ' "$W/r.err" | grep -qx 1 &&
	grep -q "^real.ko: error: first_ptr+0x0 (.data.first_ptr+0x0\|^real.ko: error: first_ptr+0x0 (.data+0x" "$W/r.err" &&
	grep -q "takes the address of vmlinux function '$first_fn' (R_X86_64_64), $(sealed vmlinux);" "$W/r.err"
ok $? "$KREL: one refusal, for $first_fn (sealed); cmdline_proc_show (address-taken in vmlinux) is not sealed" || diag_file "$W/r.err"
[ "$ms" -lt 10000 ]
ok $? "$KREL: the check stays cheap on the 339 MiB vmlinux (${ms} ms < 10 s, symbols-only read)"
[ "$TAP_FAILED" -eq 0 ]
