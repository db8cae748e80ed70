#!/usr/bin/env bash
# The object map of Debian's 6.1 kernel (kpatch-build/objmap: kbuild's
# descent from the top with Debian's configuration) against the build's
# ground truth, and kpatch-build's outcome for files the configuration does
# not build:
# - the descent and the -dbg vmlinux's DWARF compile units agree on every
#   vmlinux object except a known few (objects without C compile units or
#   built from another file), and on lib.a; its modules are exactly the
#   image's modules.order and modules.builtin is in vmlinux;
# - objects of other directories' composite modules (amdkfd in amdgpu),
#   directories the configuration does not enter (mm/kasan/, mm/kfence/,
#   arch/x86/math-emu/);
# - a .c file, and a header none of whose includers is built: exit 5, "not
#   built for KREL: nothing to patch", before anything is compiled.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
OBJMAP=$TOPDIR/kpatch-build/objmap

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release"
tree=$(kernel_tree "$krel") || { plan 1; ok 1 "prepare the kernel tree of $krel"; exit 1; }
vmlinux=$("$KERNEL_CACHE" path "$krel" vmlinux)
moddir=$("$KERNEL_CACHE" path "$krel" modules)

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
plan 15

# 1. the whole map against DWARF, modules.order and modules.builtin
start=$SECONDS
"$OBJMAP" --vmlinux "$vmlinux" --modules "$moddir" "$tree" >"$T/check" 2>"$T/err"
rc=$?
took=$((SECONDS - start))
# the only disagreements: .S objects whose compile unit is not kept
# (.incbin data), relo_core.o (compiled from tools/lib/bpf/relo_core.c by a
# custom rule) and version-timestamp.o (made by the vmlinux link)
cat >"$T/known" <<'EOF'
DWARF: compile unit, descent: never built: init/version-timestamp.o
DWARF: compile unit, descent: never built: tools/lib/bpf/relo_core.o
descent: vmlinux, DWARF: no compile unit: arch/x86/entry/vsyscall/vsyscall_emu_64.o
descent: vmlinux, DWARF: no compile unit: arch/x86/purgatory/kexec-purgatory.o
descent: vmlinux, DWARF: no compile unit: arch/x86/realmode/rmpiggy.o
descent: vmlinux, DWARF: no compile unit: certs/system_certificates.o
descent: vmlinux, DWARF: no compile unit: kernel/bpf/relo_core.o
descent: vmlinux, DWARF: no compile unit: usr/initramfs_data.o
EOF
sort "$T/check" >"$T/check.sorted"
d=$(diff "$T/known" "$T/check.sorted")
[ $rc -eq 1 ] && [ -z "$d" ]
ok $? "descent vs DWARF compile units, modules.order, modules.builtin: only the known differences (${took}s)" ||
	diag "exit $rc; < known, > found:"$'\n'"$d"$'\n'"$(tail -n 5 "$T/err")"
nvm=$(grep -c '^o [^ ]* vmlinux ' "$tree/.klpkit-objmap")
nmod=$(awk '$1 == "o" && $4 != "-" { print $4 }' "$tree/.klpkit-objmap" | sort -u | wc -l)
norder=$(wc -l <"$moddir/modules.order")
[ "$nmod" -eq "$norder" ] && [ "$nvm" -gt 2000 ]
ok $? "the map has $nvm vmlinux objects and $nmod modules (modules.order: $norder)"

# 2. single objects
start=$SECONDS
"$OBJMAP" --vmlinux "$vmlinux" --modules "$moddir" "$tree" \
	drivers/gpu/drm/amd/amdkfd/kfd_module.o drivers/gpu/drm/amd/amdgpu/amdgpu_drv.o \
	drivers/gpu/drm/i915/display/intel_display.o fs/ext4/inode.o fs/proc/meminfo.o \
	mm/kasan/report.o mm/kfence/report.o arch/x86/math-emu/fpu_entry.o lib/string.o \
	kernel/sched/core.o >"$T/lookup" 2>"$T/err"
ok $? "objmap looks up 10 objects ($((SECONDS - start))s, map cached)" || diag_file "$T/err"
declare -A GOT=()
while read -r o rest; do GOT[$o]=$rest; done <"$T/lookup"
is() {
	[ "${GOT[$1]:-}" = "$2" ]
	ok $? "$1: $2" || diag "got '${GOT[$1]:-}'"
}
is drivers/gpu/drm/amd/amdkfd/kfd_module.o amdgpu
is drivers/gpu/drm/amd/amdgpu/amdgpu_drv.o amdgpu
is drivers/gpu/drm/i915/display/intel_display.o i915
is fs/ext4/inode.o ext4
is fs/proc/meminfo.o vmlinux
is kernel/sched/core.o vmlinux
is mm/kasan/report.o "- kbuild does not descend into mm/kasan/ in this configuration"
is arch/x86/math-emu/fpu_entry.o "- kbuild does not descend into arch/x86/math-emu/ in this configuration"
is lib/string.o lib.a

# 3. kpatch-build: files not built for this kernel
mkdir -p "$T/out" "$T/tmp"
cat >"$T/kfence.patch" <<'EOF'
--- a/mm/kfence/report.c
+++ b/mm/kfence/report.c
@@ -1,4 +1,5 @@
 // SPDX-License-Identifier: GPL-2.0
+/* klpkit */
 /*
  * KFENCE reporting.
  *
EOF
start=$SECONDS
TMPDIR=$T/tmp "$KPB" -a "$krel" -o "$T/out" "$T/kfence.patch" >"$T/kfence.out" 2>&1
rc=$?
took=$((SECONDS - start))
[ $rc -eq 5 ] && grep -qF "mm/kfence/report.c is not built for $krel: nothing to patch (kbuild does not descend into mm/kfence/" "$T/kfence.out" &&
	! grep -q 'Building original' "$T/kfence.out"
ok $? "a .c file the configuration does not build: exit 5, 'not built for $krel: nothing to patch', nothing compiled (${took}s)" ||
	diag "exit $rc"$'\n'"$(tail -n 8 "$T/kfence.out")"

head=$(cd "$tree" && sed -n '1,3p' mm/kfence/kfence.h)
{
	echo '--- a/mm/kfence/kfence.h'
	echo '+++ b/mm/kfence/kfence.h'
	echo '@@ -1,3 +1,4 @@'
	sed -n '1p' <<<"$head" | sed 's/^/ /'
	echo '+/* klpkit */'
	sed -n '2,3p' <<<"$head" | sed 's/^/ /'
} >"$T/kfence-h.patch"
start=$SECONDS
TMPDIR=$T/tmp "$KPB" -a "$krel" -o "$T/out" "$T/kfence-h.patch" >"$T/kfence-h.out" 2>&1
rc=$?
took=$((SECONDS - start))
[ $rc -eq 5 ] && grep -qF "mm/kfence/kfence.h is not built for $krel: nothing to patch (none of the 3 source file(s) that include it is built" "$T/kfence-h.out"
ok $? "a header none of whose includers is built: exit 5, 'not built for $krel: nothing to patch' (${took}s)" ||
	diag "exit $rc"$'\n'"$(tail -n 8 "$T/kfence-h.out")"
[ -z "$(ls -A "$T/out")" ]
ok $? "no module written" || diag "$(ls -A "$T/out")"
[ "$TAP_FAILED" -eq 0 ]
