#!/usr/bin/env bash
# klp-convert on small fixtures (test/unit/klp-convert/make-fixtures): the
# exact .klp.rela sections, .klp.sym symbols, positions and flags; the
# module metadata it fixes; refusals; --check; --list; and --check against
# the real -dbg vmlinux of Debian's 6.1 kernel (skipped if it cannot be
# fetched).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"

KC=$TOPDIR/klp-convert/klp-convert
TOOL=$TOPDIR/test/unit/kelf-tool
VIEW=$TOPDIR/test/unit/elf-view
[ -x "$KC" ] || bail "klp-convert is built (run make)"
if ! command -v gcc >/dev/null || ! command -v readelf >/dev/null; then
	skip_all "needs gcc and readelf"
fi

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
F=$W/fx

plan 60

"$TOPDIR/test/unit/klp-convert/make-fixtures" "$F" >"$W/fx.log" 2>&1
ok $? "fixtures build (fake vmlinux, fake-mod.ko, patch modules)" || diag_file "$W/fx.log"
cd "$F" || exit 1

TABLES=(-s vmlinux=vmlinux -s fake-mod.ko -s other-mod.ko -S Module.symvers)


# run_kc OUT-PREFIX ARGS...: stdout/stderr in OUT-PREFIX.{out,err}, status in $rc
run_kc() {
	local p=$1
	shift
	"$KC" "$@" >"$p.out" 2>"$p.err"
	rc=$?
}

# ---------------------------------------------------------------- conversion

run_kc "$W/conv" "${TABLES[@]}" patch.ko out.ko
ok "$rc" "patch.ko converts (exit 0)" || diag_file "$W/conv.err"

# The livepatch relocation sections: name, SHF_ALLOC|SHF_INFO_LINK|SHF_RELA_LIVEPATCH,
# sh_link = .symtab, sh_info = the section they apply to.
secidx() { readelf -SW out.ko | sed -n "s/^ *\[ *\([0-9]*\)\] $1 .*/\1/p"; }
symtab=$(secidx '\.symtab')
klp_secs=$(readelf -SW out.ko | grep -o '\.klp\.rela\.[^ ]*' | sort | tr '\n' ' ')
want_secs=".klp.rela.fake_mod..text.mod_helper .klp.rela.fake_mod..text.new_mod_global .klp.rela.vmlinux..altinstructions .klp.rela.vmlinux..data.fn_ptr .klp.rela.vmlinux..text.new_a_caller .klp.rela.vmlinux..text.original_address "
[ "$klp_secs" = "$want_secs" ]
ok $? "exactly the expected .klp.rela sections" || diag "got: $klp_secs"

bad=0
for s in $want_secs; do
	base=${s#.klp.rela.*.}
	details=$(readelf -t -W out.ko | grep -A2 "\] $s\$")
	flags=$(sed -n 's/.*\[\([0-9a-f]\{16\}\)\].*/\1/p' <<<"$details")
	read -r _ _ _ _ _ lk inf _ < <(sed -n 2p <<<"$details")
	if [ "$flags" != 0000000000100042 ] || [ "$lk" != "$symtab" ] || [ "$inf" != "$(secidx "${base//./\\.}")" ]; then
		bad=1
		diag "$s: flags $flags link $lk info $inf (symtab $symtab, $base $(secidx "${base//./\\.}"))"
	fi
done
ok $bad "every .klp.rela section: flags 0x100042 (ALLOC|INFO_LINK|RELA_LIVEPATCH), sh_link .symtab, sh_info its base"

# relocations of a section as "TYPE SYMBOL ADDEND" lines
relas() {
	readelf -rW "$1" | awk -v s="$2" '
		/^Relocation section/ { cur = $3; gsub(/\047/, "", cur); next }
		cur == s && NF >= 5 && $1 ~ /^[0-9a-f]+$/ {
			print $3, $5, (NF >= 7 ? $6 $7 : "")
		}'
}
check_relas() {	# DESC SECTION EXPECTED-LINES
	local got
	got=$(relas out.ko "$2")
	[ "$got" = "$3" ]
	ok $? "$1" || diag "got:" "$got" "wanted:" "$3"
}
check_relas ".klp.rela.vmlinux..text.new_a_caller: dup_fn,3 (b.c's, address order), twin,1 (the global), hidden_global" \
	.klp.rela.vmlinux..text.new_a_caller "R_X86_64_PLT32 .klp.sym.vmlinux.dup_fn,3 -4
R_X86_64_PC32 .klp.sym.vmlinux.twin,1 -4
R_X86_64_PC32 .klp.sym.vmlinux.hidden_global,0 -4"
check_relas ".klp.rela.fake_mod..text.new_mod_global: fake_mod's export, global and static (mod_dup,2), and other_mod's export (the code's object)" \
	.klp.rela.fake_mod..text.new_mod_global "R_X86_64_PLT32 .klp.sym.fake_mod.fake_mod_export,0 -4
R_X86_64_PLT32 .klp.sym.fake_mod.mod_unexported,0 -4
R_X86_64_PLT32 .klp.sym.fake_mod.mod_dup,2 -4
R_X86_64_PLT32 .klp.sym.other_mod.other_export,0 -4"
check_relas ".klp.rela.fake_mod..text.mod_helper: a new helper's reference to fake_mod goes to fake_mod's section" \
	.klp.rela.fake_mod..text.mod_helper "R_X86_64_PLT32 .klp.sym.fake_mod.mod_dup,1 -4"
check_relas "function pointer to the original a_caller from code: R_X86_64_32S in .klp.rela.vmlinux..text.original_address" \
	.klp.rela.vmlinux..text.original_address "R_X86_64_32S .klp.sym.vmlinux.a_caller,0 +0"
check_relas "function pointer to the original a_caller from data: R_X86_64_64 in .klp.rela.vmlinux..data.fn_ptr" \
	.klp.rela.vmlinux..data.fn_ptr "R_X86_64_64 .klp.sym.vmlinux.a_caller,0 +0"
check_relas "a vmlinux global referenced from .altinstructions becomes a vmlinux livepatch relocation (allowed in 6.1)" \
	.klp.rela.vmlinux..altinstructions "R_X86_64_PC32 .klp.sym.vmlinux.hidden_fn,0 +0"
check_relas "the vmlinux export stays an ordinary relocation in .rela.text.new_a_caller" \
	.rela.text.new_a_caller "R_X86_64_PLT32 exported_fn -4"
! readelf -SW out.ko | grep -qE ' \.rela\.(text\.original_address|data\.fn_ptr|altinstructions) '
ok $? "emptied ordinary .rela sections are removed"

klp_syms=$(readelf -sW out.ko | awk '$NF ~ /^\.klp\.sym\./ { print $(NF - 1) $NF }' | sort | tr '\n' ' ')
want_syms="[0xff20].klp.sym.fake_mod.fake_mod_export,0 [0xff20].klp.sym.fake_mod.mod_dup,1 [0xff20].klp.sym.fake_mod.mod_dup,2 [0xff20].klp.sym.fake_mod.mod_unexported,0 [0xff20].klp.sym.other_mod.other_export,0 [0xff20].klp.sym.vmlinux.a_caller,0 [0xff20].klp.sym.vmlinux.dup_fn,3 [0xff20].klp.sym.vmlinux.hidden_fn,0 [0xff20].klp.sym.vmlinux.hidden_global,0 [0xff20].klp.sym.vmlinux.twin,1 "
[ "$klp_syms" = "$want_syms" ]
ok $? "exactly the expected .klp.sym symbols, all st_shndx SHN_LIVEPATCH (0xff20)" || diag "got: $klp_syms"
und=$(readelf -sW out.ko | awk '$7 == "UND" && $8 != "" { print $8 }' | tr '\n' ' ')
[ "$und" = "exported_fn " ]
ok $? "the only undefined symbol left is the vmlinux export" || diag "got: $und"

vers=$(readelf -x __versions out.ko | awk '/^  0x/ { for (i = 6; i <= NF; i++) printf "%s", $i }' | tr -c 'a-z_\n' ' ' | tr -s ' ')
[[ "$vers" == *module_layout* && "$vers" == *exported_fn* && "$vers" != *fake_mod_export* && "$vers" != *other_export* ]]
ok $? "__versions: the module exports' CRCs are dropped, module_layout and exported_fn stay" || diag "$vers"
modinfo=$(readelf -p .modinfo out.ko)
grep -q ' depends=$' <<<"$modinfo"
ok $? "modinfo depends= no longer names fake_mod,other_mod" || diag "$modinfo"
grep -q ' klpkit_funcs=vmlinux:a_caller fake_mod:mod_global$' <<<"$modinfo"
ok $? "modinfo klpkit_funcs=vmlinux:a_caller fake_mod:mod_global added" || diag "$modinfo"

if [ -x "$TOOL" ] && [ -x "$VIEW" ]; then
	"$TOOL" copy out.ko rt.ko 2>"$W/rt.err" && "$VIEW" out.ko >"$W/v1" && "$VIEW" rt.ko >"$W/v2" &&
		cmp -s "$W/v1" "$W/v2"
	ok $? "libkelf reads and rewrites the output unchanged (several relocation sections per base)" ||
		diag_file "$W/rt.err"
	run_kc "$W/again" "${TABLES[@]}" out.ko out2.ko
	"$VIEW" out2.ko >"$W/v3" 2>&1 && cmp -s "$W/v1" "$W/v3"
	ok $? "converting the output again changes nothing"
else
	ok 0 "# SKIP kelf-tool/elf-view not built"
	ok 0 "# SKIP kelf-tool/elf-view not built"
fi
cp patch.ko inplace.ko
run_kc "$W/inplace" "${TABLES[@]}" inplace.ko inplace.ko
[ "$rc" = 0 ] && cmp -s inplace.ko out.ko
ok $? "IN.ko may be OUT.ko (converted in place, same result)"

# ---------------------------------------------------------------- --list

run_kc "$W/list" --list vmlinux -s vmlinux
dups=$(awk '$3 == "dup_fn" || $3 == "twin" { print $2, $3 }' "$W/list.out" | tr '\n' ' ')
addrs=$(awk '$3 == "dup_fn" || $3 == "twin" { print $1 }' "$W/list.out")
symtab_twins=$(readelf -sW vmlinux | awk '$8 == "twin" { print $5 }' | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$dups" = "t dup_fn t dup_fn t dup_fn D twin d twin d twin " ] &&
	[ "$addrs" = "$(sort <<<"$addrs")" ] && [ "$symtab_twins" = "LOCAL LOCAL GLOBAL " ]
ok $? "--list vmlinux: address order (not symbol-table order)" || diag "$dups"
! grep -q abs_sym "$W/list.out"
ok $? "--list vmlinux: absolute symbols are not in kallsyms"
run_kc "$W/listm" --list fake-mod -s fake-mod.ko
# expected: the symbol table's named code/data symbols, minus .init.text's
init=$(readelf -SW fake-mod.ko | sed -n 's/^ *\[ *\([0-9]*\)\] \.init\.text .*/\1/p')
want=$(readelf -sW fake-mod.ko | awk -v i="$init" '$4 ~ /FUNC|OBJECT|NOTYPE/ && $7 ~ /^[0-9]+$/ && $7 != i && $8 != "" { print $8 }' | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$(awk '{ print $3 }' "$W/listm.out" | tr '\n' ' ')" = "$want" ] && [[ "$want" == "mod_dup mod_dup mod_mixed "* ]]
ok $? "--list of a module: symbol-table order, init symbols left out" || diag_file "$W/listm.out"

# ---------------------------------------------------------------- refusals

refused() {	# DESC FILE PATTERN
	rm -f "$F/refused.ko"
	run_kc "$W/ref" "${TABLES[@]}" "$2" refused.ko
	[ "$rc" = 3 ] && [ ! -e refused.ko ] && grep -qE -- "$3" "$W/ref.err"
	ok $? "refused (exit 3, nothing written): $1" || { diag "exit $rc"; diag_file "$W/ref.err"; }
}
refused "a module symbol in __jump_table (special section)" bad-special.ko \
	"__jump_table\+0x8: relocation to 'fake_mod_export'.*special section"
refused "an ambiguous static without position, with the candidates listed" bad-ambiguous.ko \
	"dup_fn' is ambiguous in vmlinux: 3 symbols"
grep -q 'klp.sym.vmlinux.dup_fn,3  ffffffff81000050 t .text  (in b.c)' "$W/ref.err"
ok $? "the candidates carry position, address, section and file" || diag_file "$W/ref.err"
refused "a position past the last same-named symbol" bad-pos.ko "position 4 of 'dup_fn' does not exist in vmlinux: there are only 3"
refused "a name nobody defines" bad-missing.ko "undefined symbol 'no_such_symbol' is not exported"
refused "a static referenced by its plain name (suggests .klp.sym names)" bad-local.ko \
	"exists only as a local .*klp.sym.OBJ.mod_dup,POS"
refused "a symbol name over 511 characters" bad-longname.ko "longer than 511 characters"
refused "an object name over 55 characters" bad-longobj.ko "object name is longer than 55 characters"
refused "an absolute symbol (not in kallsyms)" bad-abs.ko "'abs_sym' is not in the kallsyms of vmlinux"
refused "a module symbol whose position differs while the module loads (init symbol of the same name)" \
	bad-mixed.ko "mod_mixed' is ambiguous in fake_mod: 2 symbols .* while fake_mod is still loading"
refused "a malformed .klp.sym name" bad-badformat.ko "no ',POS' at the end"
refused "code patching vmlinux that calls a module's function" bad-vmlinux-code.ko \
	"code that patches vmlinux refers to '.klp.sym.fake_mod.fake_mod_export,0' of module fake_mod"
refused "two pre_patch callbacks for one object" bad-callbacks.ko "object vmlinux has two pre_patch callbacks"
refused "a relocation type the loader does not implement (GOTPCREL; PC32 beside it is accepted)" bad-gotpcrel.ko \
	"\.text\.via_got\+0x3: relocation R_X86_64_GOTPCREL to 'hidden_global': the 6.1 x86_64 loader \(apply_relocate_add\) does not implement this type"
[ "$(grep -c 'does not implement' "$W/ref.err")" = 1 ] && ! grep -q 'R_X86_64_PC32' "$W/ref.err"
ok $? "only the GOTPCREL relocation is refused, not the PC32 one" || diag_file "$W/ref.err"
run_kc "$W/nomod" -s vmlinux=vmlinux -s other-mod.ko -S Module.symvers patch.ko refused.ko
[ "$rc" = 3 ] && grep -q "exported by module fake_mod.*give --symbols fake_mod=PATH.ko or --modules DIR" "$W/nomod.err"
ok $? "refused: a module export without the module's table (says what to give)" || diag_file "$W/nomod.err"
mkdir -p mods/kernel/drivers && cp fake-mod.ko other-mod.ko mods/kernel/drivers/
run_kc "$W/moddir" -s vmlinux=vmlinux -m mods -S Module.symvers patch.ko out-m.ko
[ "$rc" = 0 ] && cmp -s out-m.ko out.ko
ok $? "--modules DIR finds fake-mod.ko and other-mod.ko by module name (same result as --symbols)" || diag_file "$W/moddir.err"

# ---------------------------------------------------------------- --check

run_kc "$W/chk" --check "${TABLES[@]}" out.ko
[ "$rc" = 0 ] && grep -q 'ok: 10 livepatch symbols (11 relocations) and 2 patched functions resolve uniquely in vmlinux, fake_mod, other_mod; 1 undefined symbol exported by vmlinux' "$W/chk.out"
ok $? "--check passes on the converted module" || { diag_file "$W/chk.out"; diag_file "$W/chk.err"; }
run_kc "$W/chk2" --check "${TABLES[@]}" patch.ko
[ "$rc" = 4 ] && grep -q "'.klp.sym.vmlinux.dup_fn,3' is not marked as a livepatch symbol" "$W/chk2.err" &&
	grep -q "undefined symbol 'hidden_global' is not exported.*Unknown symbol hidden_global" "$W/chk2.err" &&
	grep -q "'fake_mod_export' is exported by module fake_mod" "$W/chk2.err"
ok $? "--check fails (exit 4) on the unconverted module and says why" || diag_file "$W/chk2.err"
run_kc "$W/chk3" --check -s vmlinux=vmlinux2 -s fake-mod.ko -s other-mod.ko -S Module.symvers out.ko
[ "$rc" = 4 ] && grep -q "dup_fn,3: position 3 of 'dup_fn' does not exist in vmlinux: there are only 2" "$W/chk3.err"
ok $? "--check against another build (one dup_fn fewer) fails with the candidates" || diag_file "$W/chk3.err"
run_kc "$W/chk4" --check -s vmlinux=vmlinux -s other-mod.ko out.ko
[ "$rc" = 4 ] && grep -q "cannot verify: no symbol table of 'fake_mod'" "$W/chk4.err"
ok $? "--check without a table for fake_mod fails: cannot verify" || diag_file "$W/chk4.err"
# hand-made breakage of the converted module (section names edited in
# place, same lengths): a module symbol in a vmlinux section, a vmlinux
# symbol in a module section, a section of an object the patch does not patch
LC_ALL=C sed -e 's/\.klp\.rela\.fake_mod\.\.text\.new_mod_global/.klp.rela.vmlinux...text.new_mod_global/' \
	-e 's/\.klp\.rela\.vmlinux\.\.data\.fn_ptr/.klp.rela.nosuchm..data.fn_ptr/' \
	-e 's/\.klp\.rela\.fake_mod\.\.text\.mod_helper/.klp.rela.other_mod.text.mod_helper/' out.ko >renamed.ko
run_kc "$W/chk5" --check "${TABLES[@]}" renamed.ko
[ "$rc" = 4 ] && grep -q "symbol '.klp.sym.fake_mod.mod_unexported,0' of module fake_mod in a vmlinux section" "$W/chk5.err" &&
	grep -q "vmlinux symbol '.klp.sym.vmlinux.a_caller,0' in a module-specific section" "$W/chk5.err" &&
	grep -q "section '.klp.rela.nosuchm..data.fn_ptr' would never be written" "$W/chk5.err" &&
	grep -q "section '.klp.rela.other_mod.text.mod_helper' would never be written" "$W/chk5.err"
ok $? "--check: module symbols in vmlinux sections, vmlinux symbols in module sections, sections of unpatched objects" ||
	diag_file "$W/chk5.err"
# objcopy (BFD) folds .klp.rela sections into .rela ones and drops the
# livepatch symbols: --check must notice
objcopy out.ko objcopied.ko 2>/dev/null
run_kc "$W/chk6" --check "${TABLES[@]}" objcopied.ko
[ "$rc" = 4 ] && grep -q "without a symbol.*objcopy or strip after klp-convert" "$W/chk6.err"
ok $? "--check: a module rewritten by objcopy after klp-convert is refused" || diag_file "$W/chk6.err"

# ---------------------------------------------------------------- usage

run_kc "$W/u1" "${TABLES[@]/-S/}" patch.ko 2>/dev/null
[ "$rc" = 2 ]
ok $? "usage error (one file argument when converting): exit 2"
run_kc "$W/u2" -s vmlinux=vmlinux patch.ko o.ko
[ "$rc" = 2 ] && grep -q 'needs --symvers' "$W/u2.err"
ok $? "converting without --symvers: exit 2 with the reason"
run_kc "$W/u3" -s nonsense.txt -S Module.symvers patch.ko o.ko
[ "$rc" = 2 ] && grep -q 'write OBJ=PATH' "$W/u3.err"
ok $? "--symbols with an unknown kind of file: exit 2, asks for OBJ=PATH"
run_kc "$W/u4" "${TABLES[@]}" no-such.ko o.ko
[ "$rc" = 1 ] && grep -q 'no-such.ko: error: cannot open' "$W/u4.err"
ok $? "a missing input: exit 1 naming the file"
head -c 100 patch.ko >trunc.ko
run_kc "$W/u5" "${TABLES[@]}" trunc.ko o.ko
[ "$rc" = 1 ] && grep -q 'trunc.ko: error' "$W/u5.err"
ok $? "a truncated input: exit 1 naming the file"
"$KC" --help | grep -q 'Exit status'
ok $? "--help documents the exit status"

# ---------------------------------------------------------------- the real -dbg vmlinux

# KERNEL_CACHE and the test kernel release (KLPKIT_TEST_KREL, KLPKIT_TEST_SERIES)
. "$TOPDIR/test/lib/kernel.sh"
krel=$(kernel_release 2>"$W/fetch.err")
frc=$?
real_vmlinux='' real_symvers=''
if [ -n "$krel" ]; then
	"$KERNEL_CACHE" fetch "$krel" >/dev/null 2>"$W/fetch.err"
	frc=$?
	[ "$frc" -ne 0 ] || {
		real_vmlinux=$("$KERNEL_CACHE" path "$krel" vmlinux) &&
			real_symvers=$("$KERNEL_CACHE" path "$krel" symvers)
	}
fi
if [ -z "$real_vmlinux" ] || [ ! -f "$real_vmlinux" ]; then
	if [ "$frc" -eq 3 ]; then	# only an unreachable mirror is a skip
		skip 8 "the -dbg vmlinux of Debian's kernel cannot be fetched (mirror unreachable)"
	else
		for _ in $(seq 1 8); do ok 1 "fetch the -dbg vmlinux of ${krel:-the test kernel} (kernel-cache exit $frc)"; done
		diag_file "$W/fetch.err"
	fi
	[ "$TAP_FAILED" -eq 0 ]
	exit
fi
diag "real vmlinux: $real_vmlinux"
RT=(-s "vmlinux=$real_vmlinux" -S "$real_symvers")

t0=$(date +%s%N)
run_kc "$W/rlist" --list vmlinux -s "vmlinux=$real_vmlinux"
ms=$((($(date +%s%N) - t0) / 1000000))
# independent expectation: the linker's System.map of the same build, less
# what scripts/kallsyms leaves out (absolute symbols, its own tables)
sysmap=$("$KERNEL_CACHE" path "$krel" system-map)
awk '$2 != "A" && $2 != "a" && $3 !~ /^kallsyms_(addresses|offsets|relative_base|num_syms|names|markers|token_table|token_index|seqs_of_names)$/ { print $3 }' \
	"$sysmap" | LC_ALL=C sort >"$W/map.names"
awk '{ print $3 }' "$W/rlist.out" | LC_ALL=C sort >"$W/list.names"
[ "$rc" = 0 ] && [ -s "$W/map.names" ] && cmp -s "$W/map.names" "$W/list.names"
ok $? "--list on the real vmlinux: the names of System.map less absolute and kallsyms-table symbols ($(wc -l <"$W/rlist.out") entries, ${ms} ms)" ||
	diff "$W/map.names" "$W/list.names" | head -n 10 | sed 's/^/# /'
# a function name shared by several statics of the real kernel
dup=$(awk '$2 == "t" { n[$3]++ } END { for (s in n) if (n[s] == 3) print s }' "$W/rlist.out" | LC_ALL=C sort | head -n 1)
[ -n "$dup" ]
ok $? "the real vmlinux has a static function name used 3 times ($dup)"
# real_module NAME POS BANNER: a module referring to saved_command_line,0,
# cmdline_proc_show,0 and $dup,POS (.klp.sym names), _printk (export) and,
# if BANNER=1, linux_banner (plain, unexported)
real_module() {
	local banner_decl='' banner_arg=''
	if [ "$3" = 1 ]; then
		banner_decl='extern const char linux_banner[];'
		banner_arg=', linux_banner'
	fi
	cat >"$1.c" <<C
extern char *klp_scl __asm__("\\".klp.sym.vmlinux.saved_command_line,0\\"");
extern char klp_show[] __asm__("\\".klp.sym.vmlinux.cmdline_proc_show,0\\"");
extern char klp_dup[] __asm__("\\".klp.sym.vmlinux.$dup,$2\\"");
$banner_decl
extern int _printk(const char *, ...);
int show(void) { return _printk("%s %p %p", klp_scl, klp_show, klp_dup$banner_arg); }
C
	gcc -O2 -fno-pic -fno-pie -mcmodel=kernel -c -o "$1.o" "$1.c" && ld -r -o "$1.ko" "$1.o" mod.o
}
real_module real 2 1
real_module real0 0 1
real_module real9 9 1
real_module real9b 9 0

t0=$(date +%s%N)
run_kc "$W/rconv" "${RT[@]}" real.ko real-out.ko
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 0 ] && readelf -sW real-out.ko | grep -q 'OS \[0xff20\] .klp.sym.vmlinux.linux_banner,0$'
ok $? "real vmlinux: converts (plain linux_banner -> .klp.sym.vmlinux.linux_banner,0; ${ms} ms)" || diag_file "$W/rconv.err"
und=$(readelf -sW real-out.ko | awk '$7 == "UND" && $8 != "" { print $8 }' | tr '\n' ' ')
[ "$und" = "_printk " ]
ok $? "real vmlinux: the export _printk stays undefined" || diag "undefined: $und"
t0=$(date +%s%N)
run_kc "$W/rchk" --check "${RT[@]}" real-out.ko
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 0 ] && grep -q 'ok: 4 livepatch symbols' "$W/rchk.out"
ok $? "real vmlinux: --check passes (saved_command_line,0 cmdline_proc_show,0 $dup,2 linux_banner,0; ${ms} ms)" ||
	{ diag_file "$W/rchk.out"; diag_file "$W/rchk.err"; }
run_kc "$W/rconv0" "${RT[@]}" real0.ko real0-out.ko
[ "$rc" = 3 ] && grep -q "'$dup' is ambiguous in vmlinux: 3 symbols" "$W/rconv0.err" &&
	[ "$(grep -c "klp.sym.vmlinux.$dup,[123] " "$W/rconv0.err")" = 3 ]
ok $? "real vmlinux: $dup,0 is refused with its 3 candidates" || diag_file "$W/rconv0.err"
# converted without the vmlinux table (only a warning), then checked
run_kc "$W/rconv9" -S "$real_symvers" real9.ko real9-out.ko
[ "$rc" = 3 ] && grep -q "linux_banner' is not exported by vmlinux.*give --symbols vmlinux=PATH" "$W/rconv9.err"
ok $? "real vmlinux: without the vmlinux table a plain unexported name is refused" || diag_file "$W/rconv9.err"
run_kc "$W/rconv9b" -S "$real_symvers" real9b.ko real9-out.ko
run_kc "$W/rchk9" --check "${RT[@]}" real9-out.ko
[ "$rc" = 4 ] && grep -q "$dup,9: position 9 of '$dup' does not exist in vmlinux: there are only 3" "$W/rchk9.err"
ok $? "real vmlinux: --check fails on a module converted without verification ($dup,9)" ||
	{ diag_file "$W/rconv9b.err"; diag_file "$W/rchk9.err"; }

[ "$TAP_FAILED" -eq 0 ]
