#!/usr/bin/env bash
# create-diff-object and klp-convert give every symbol of the target kernel
# the same kallsyms position (libkelf/sympos.c), and that position is the
# kernel's:
#   vmlinux: System.map (scripts/mksysmap's `nm -n`) with what
#     scripts/kallsyms drops on top (absolute 'A', its kallsyms_* tables);
#   modules: the .symtab order (readelf) filtered by is_core_symbol() once
#     loaded and by "not undefined" while loading; a position is only given
#     when it is the same in both, else "?".
# Positions: 0 for a unique name, else 1-based among same-named symbols.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
CDO=$TOPDIR/create-diff-object/create-diff-object
KC=$TOPDIR/klp-convert/klp-convert
KERNEL_CACHE=${KERNEL_CACHE:-$TOPDIR/kpatch-build/kernel-cache}

need_kernel
vmlinux=$("$KERNEL_CACHE" path "$KREL" vmlinux) || bail "no vmlinux of $KREL"
sysmap=$("$KERNEL_CACHE" path "$KREL" system-map) || bail "no System.map of $KREL"
moddir=$("$KERNEL_CACHE" path "$KREL" modules) || bail "no modules of $KREL"

# modules: small to large, with same-named statics (positions), init
# symbols of the same name as core ones ("?"), per-CPU data, .modinfo
MODULES=(ext4 btrfs xfs kvm snd-hda-codec-realtek nf_tables i915)
declare -A KO
for m in "${MODULES[@]}"; do
	KO[$m]=$(find "$moddir" -name "$m.ko" | head -n 1)
	[ -n "${KO[$m]}" ] || bail "$m.ko is not in $moddir"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plan $((3 + ${#MODULES[@]} * 3))

# "ADDRESS NAME POS" lines: create-diff-object's, klp-convert's
cdo_list() { "$CDO" --list-sympos "$1" "$2"; }
kc_list() { "$KC" --list "$1" -s "$1=$2" | awk '{ print $1, $3, $4 }'; }
# System.map → kallsyms: drop 'A' and the names scripts/kallsyms ignores
# (x86: its own tables), then number same-named symbols in address order
sysmap_expect() {
	awk 'function keep() {
		return $2 != "A" && length($3) < 512 &&
		       $3 !~ /^kallsyms_(addresses|offsets|relative_base|num_syms|names|markers|token_table|token_index|seqs_of_names)$/
	     }
	     NR == FNR { if (keep()) n[$3]++; next }
	     keep() { k[$3]++; print $1, $3, (n[$3] > 1 ? k[$3] : 0) }' "$1" "$1"
}
# readelf → a module's kallsyms: core symbols (is_core_symbol) in symbol
# table order; the position must be the same while loading (all defined)
module_expect() {
	{ readelf -SW "$1"; echo "--- symbols"; readelf -sW "$1"; } | awk '
	/^--- symbols/ { syms = 1; next }
	!syms && /^ *\[ *[0-9]+\]/ {
		line = $0; sub(/^ *\[ */, "", line); idx = line + 0
		sub(/^[0-9]+\] */, "", line); nf = split(line, f, " ")
		if (nf < 9) next
		name[idx] = f[1]; flags[idx] = nf >= 10 ? f[7] : ""
		next
	}
	syms && $1 ~ /^[0-9]+:$/ && NF >= 8 {
		i = ++nsym; sv[i] = $2; sn[i] = $8; nd = $7
		# readelf names section symbols after their section; their
		# st_name is 0, which the kernel sees as ""
		if ($4 == "SECTION") sn[i] = ""
		loading[i] = nd != "UND" && sn[i] != ""
		core[i] = 0
		if (nd ~ /^[0-9]+$/) {
			s = name[nd]
			core[i] = s == ".data..percpu" || (flags[nd] ~ /A/ && s !~ /^\.init/ &&
				  s != ".modinfo" && s != "__versions")
		}
	}
	END {
		for (i = 1; i <= nsym; i++) {
			if (loading[i]) nl[sn[i]]++
			if (core[i]) nc[sn[i]]++
		}
		for (i = 1; i <= nsym; i++) {
			if (loading[i]) kl[sn[i]]++
			if (!core[i] || sn[i] == "") continue
			kc[sn[i]]++
			if (nc[sn[i]] == 1 && nl[sn[i]] == 1) pos = 0
			else if (kc[sn[i]] == kl[sn[i]]) pos = kc[sn[i]]
			else pos = "?"
			printf "%016x %s %s\n", strtonum("0x" sv[i]), sn[i], pos
		}
	}'
}
agree() {	# agree WHAT FILE-A FILE-B: same lines (sorted: ties in address)
	local d
	d=$(diff <(sort "$2") <(sort "$3") | head -n 20)
	[ -z "$d" ] && [ -s "$2" ]
	ok $? "$1 ($(wc -l <"$2") symbols, $(awk '$3 != 0' "$2" | wc -l) with a position)" ||
		diag "$d"
}

cdo_list vmlinux "$vmlinux" >"$work/vmlinux.cdo" 2>"$work/vmlinux.err"
ok $? "create-diff-object --list-sympos vmlinux" || diag_file "$work/vmlinux.err"
kc_list vmlinux "$vmlinux" >"$work/vmlinux.kc" 2>>"$work/vmlinux.err"
agree "vmlinux: create-diff-object and klp-convert agree" "$work/vmlinux.cdo" "$work/vmlinux.kc"
sysmap_expect "$sysmap" >"$work/vmlinux.exp"
agree "vmlinux: positions are System.map's kallsyms order" "$work/vmlinux.exp" "$work/vmlinux.cdo"

for m in "${MODULES[@]}"; do
	ko=${KO[$m]} mod=${m//-/_}
	cdo_list "$mod" "$ko" >"$work/$m.cdo" 2>"$work/$m.err"
	ok $? "create-diff-object --list-sympos $m" || diag_file "$work/$m.err"
	kc_list "$mod" "$ko" >"$work/$m.kc" 2>>"$work/$m.err"
	agree "$m: create-diff-object and klp-convert agree" "$work/$m.cdo" "$work/$m.kc"
	module_expect "$ko" >"$work/$m.exp"
	agree "$m: positions are the .symtab order under the module rule" \
		"$work/$m.exp" "$work/$m.cdo"
done
[ "$TAP_FAILED" -eq 0 ]
