#!/usr/bin/env bash
# kpatch-build/objmap on a synthetic kbuild tree: the descent from the top
# follows only the subdirectories the configuration enables, composite
# modules include members listed as ../dir/x.o, sub/x.o or from an included
# Makefile of another directory (amdgpu + amdkfd), obj-y objects of a
# directory reached only through obj-m are linked nowhere, lib-y objects are
# decided by the vmlinux's compile units, modules by modules.order; the map
# is cached and rebuilt when a Makefile or the configuration changes.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
OBJMAP=$TOPDIR/kpatch-build/objmap

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
plan 28

R=$T/tree
mk() {	# mk FILE: stdin into $R/FILE
	mkdir -p "$(dirname "$R/$1")"
	cat >"$R/$1"
}
printf 'CONFIG_X86=y\nCONFIG_64BIT=y\nCONFIG_ON=y\nCONFIG_MOD=m\n' | mk include/config/auto.conf
: | mk scripts/Kbuild.include
mk Kbuild <<'EOF'
obj-y += init/
obj-y += arch/$(SRCARCH)/
obj-y += $(ARCH_CORE)
obj-y += kernel/
obj-y += fs/
obj-y += $(ARCH_LIB)
obj-y += drivers/
obj-y += $(ARCH_DRIVERS)
EOF
: | mk init/Makefile
mk arch/x86/Makefile <<'EOF'
ifeq ($(CONFIG_64BIT),y)
KBUILD_CFLAGS += -m64
endif
libs-y  += arch/x86/lib/
drivers-$(CONFIG_OFF) += arch/x86/off/
drivers-$(CONFIG_ON) += arch/x86/on/
EOF
echo 'obj-y += kernel/' | mk arch/x86/Kbuild
mk arch/x86/kernel/Makefile <<'EOF'
obj-y += setup.o entry_$(BITS).o
EOF
printf 'lib-y += lstr.o\nobj-y += lobj.o\n' | mk arch/x86/lib/Makefile
echo 'obj-y += on.o' | mk arch/x86/on/Makefile
echo 'obj-y += off.o' | mk arch/x86/off/Makefile
printf 'lib-y += string.o\nobj-y += bitmap.o\n' | mk lib/Makefile
mk kernel/Makefile <<'EOF'
obj-y += fork.o fork.o
obj-$(CONFIG_OFF) += off.o
obj-$(CONFIG_ON) += sub/
subdir-y += hosttools
EOF
echo 'obj-y += subobj.o' | mk kernel/sub/Makefile
echo 'obj-y += tool.o' | mk kernel/hosttools/Makefile
mk fs/Makefile <<'EOF'
obj-$(CONFIG_MOD) += ext/
obj-$(CONFIG_OFF) += offdir/
EOF
mk fs/ext/Makefile <<'EOF'
obj-$(CONFIG_MOD) += ext-fs.o
ext-fs-y := a.o dir/b.o ../shared/c.o
obj-y += stray.o
EOF
echo 'obj-y += never.o' | mk fs/offdir/Makefile
mk drivers/Makefile <<'EOF'
obj-y += gpu/amd/amdgpu/
obj-y += both/
obj-m += unshipped/
EOF
mk drivers/gpu/amd/amdgpu/Makefile <<'EOF'
FULL_AMD_PATH = $(srctree)/$(src)/..
AMDKFD_PATH := ../amdkfd
include $(FULL_AMD_PATH)/amdkfd/Makefile
amdgpu-y := amdgpu_drv.o
amdgpu-y += $(AMDKFD_FILES)
obj-$(CONFIG_MOD) += amdgpu.o
EOF
mk drivers/gpu/amd/amdkfd/Makefile <<'EOF'
AMDKFD_FILES := $(AMDKFD_PATH)/kfd_module.o
EOF
mk drivers/both/Makefile <<'EOF'
obj-m += one.o two.o
one-y := common.o one_main.o
two-objs := common.o two_main.o
obj-y += in.o
obj-m += in.o
EOF
echo 'obj-m += gone.o' | mk drivers/unshipped/Makefile

MODS=$T/modules
mkdir -p "$MODS"
printf 'kernel/fs/ext/ext-fs.ko\nkernel/drivers/gpu/amd/amdgpu/amdgpu.ko\nkernel/drivers/both/one.ko\nkernel/drivers/both/two.ko\n' >"$MODS/modules.order"
: >"$MODS/modules.builtin"

# a "vmlinux" whose DWARF has compile units for lib/string.c (lib.a, used)
# and kernel/fork.c, not for arch/x86/lib/lstr.c (lib.a, unused)
have_gcc=0
if command -v gcc >/dev/null; then
	echo 'int string_fn(void) { return 1; }' | mk lib/string.c
	echo 'int fork_fn(void) { return 2; }' | mk kernel/fork.c
	(cd "$R" && gcc -g -c -o "$T/s.o" lib/string.c && gcc -g -c -o "$T/f.o" kernel/fork.c &&
		ld -r -o "$T/vmlinux" "$T/s.o" "$T/f.o") && have_gcc=1
fi

OBJS=(kernel/fork.o kernel/off.o kernel/sub/subobj.o kernel/hosttools/tool.o
	arch/x86/kernel/entry_64.o arch/x86/lib/lobj.o lib/bitmap.o arch/x86/on/on.o
	arch/x86/off/off.o fs/ext/a.o fs/ext/dir/b.o fs/shared/c.o fs/ext/stray.o
	fs/offdir/never.o drivers/gpu/amd/amdkfd/kfd_module.o
	drivers/gpu/amd/amdgpu/amdgpu_drv.o drivers/both/common.o drivers/both/in.o
	drivers/unshipped/gone.o lib/string.o arch/x86/lib/lstr.o)
out=$("$OBJMAP" --modules "$MODS" "$R" "${OBJS[@]}" 2>"$T/err")
rc=$?
ok $rc "objmap runs on a synthetic tree" || diag "$(cat "$T/err")"
grep -q 'mapping kbuild.s objects' "$T/err"
ok $? "the first run maps the tree and says so"
declare -A GOT=()
while read -r o rest; do GOT[$o]=$rest; done <<<"$out"
is() {	# is OBJ EXPECTED DESCRIPTION
	[ "${GOT[$1]:-}" = "$2" ]
	ok $? "$3" || diag "$1: got '${GOT[$1]:-}', want '$2'"
}
is kernel/fork.o vmlinux "obj-y of a directory in the top Kbuild: vmlinux (listed twice: once)"
is kernel/off.o "- kernel/Makefile (or Kbuild) does not build it in this configuration" "obj-\$(CONFIG_OFF) object: not built, the Makefile says so"
is kernel/sub/subobj.o vmlinux "obj-\$(CONFIG_ON) += sub/: followed"
is kernel/hosttools/tool.o "- kbuild does not descend into kernel/hosttools/ in this configuration" "subdir-y (host tools) is not part of the kernel"
is arch/x86/kernel/entry_64.o vmlinux "arch/x86/ from the top Kbuild, \$(BITS) evaluated"
is arch/x86/on/on.o vmlinux "drivers-\$(CONFIG_ON) of the arch Makefile: followed"
is arch/x86/off/off.o "- kbuild does not descend into arch/x86/off/ in this configuration" "drivers-\$(CONFIG_OFF) of the arch Makefile: a parent that does not descend means not built, whatever the directory's own Makefile says"
is fs/offdir/never.o "- kbuild does not descend into fs/offdir/ in this configuration" "obj-\$(CONFIG_OFF) += offdir/ with CONFIG_OFF unset: not built"
is fs/ext/a.o ext_fs "a composite module's member ('-' becomes '_')"
is fs/ext/dir/b.o ext_fs "a member in a subdirectory (dir/b.o)"
is fs/shared/c.o ext_fs "a member from another directory (../shared/c.o)"
is fs/ext/stray.o "- it is in a directory that kbuild reaches only through obj-m: its built-in.a is linked nowhere" "obj-y in a directory reached only through obj-m: linked nowhere"
is drivers/gpu/amd/amdkfd/kfd_module.o amdgpu "amdkfd's object listed by amdgpu's Makefile (included Makefile, ../amdkfd): module amdgpu"
is drivers/gpu/amd/amdgpu/amdgpu_drv.o amdgpu "amdgpu's own member"
is drivers/both/common.o "one two" "an object in two modules: both named"
is drivers/both/in.o vmlinux "an object in obj-y and obj-m is built in only (as kbuild does)"
is drivers/unshipped/gone.o "- kbuild builds it into drivers/unshipped/gone.ko, which the kernel image package does not ship" "a module missing from modules.order: not built for this kernel"
is arch/x86/lib/lobj.o vmlinux "obj-y of an ARCH_LIB directory: vmlinux"

out=$("$OBJMAP" --goals "$R" drivers/gpu/amd/amdkfd/kfd_module.o fs/shared/c.o kernel/fork.o 2>&1)
[ "$out" = "drivers/gpu/amd/amdkfd/kfd_module.o drivers/gpu/amd/amdgpu/../amdkfd/kfd_module.o
fs/shared/c.o fs/ext/../shared/c.o
kernel/fork.o kernel/fork.o" ]
ok $? "--goals: objects of another directory's Makefile are built as that directory names them" || diag "$out"

if [ $have_gcc -eq 1 ]; then
	out=$("$OBJMAP" --vmlinux "$T/vmlinux" "$R" lib/string.o arch/x86/lib/lstr.o lib/bitmap.o 2>"$T/err")
	GOT=()
	while read -r o rest; do GOT[$o]=$rest; done <<<"$out"
	is lib/string.o lib.a "a lib.a object with a compile unit in vmlinux: lib.a (linked)"
	is arch/x86/lib/lstr.o "- it is in lib.a and nothing in vmlinux uses it (no compile unit in the -dbg vmlinux)" "a lib.a object without a compile unit: not in this kernel"
else
	ok 0 "# SKIP no gcc"
	ok 0 "# SKIP no gcc"
fi

# the cache: reused, then rebuilt when a Makefile or the configuration changes
"$OBJMAP" "$R" kernel/fork.o >/dev/null 2>"$T/err"
! grep -q 'mapping' "$T/err"
ok $? "the second run reuses the map"
sleep 1
echo 'obj-y += later.o' >>"$R/kernel/sub/Makefile"
out=$("$OBJMAP" --goals --map-checked "$R" kernel/fork.o 2>"$T/err")
[ "$out" = "kernel/fork.o kernel/fork.o" ] && ! grep -q 'mapping' "$T/err"
ok $? "--map-checked: the map is used as it is (the caller checked it)" || diag "$out"
out=$("$OBJMAP" "$R" kernel/sub/later.o 2>"$T/err")
[ "$out" = "kernel/sub/later.o vmlinux" ] && grep -q 'mapping' "$T/err"
ok $? "a changed Makefile: the map is rebuilt" || diag "$out"
sleep 1
echo 'CONFIG_OFF=y' >>"$R/include/config/auto.conf"
out=$("$OBJMAP" "$R" fs/offdir/never.o 2>"$T/err")
[ "$out" = "fs/offdir/never.o vmlinux" ]
ok $? "a changed configuration: the map is rebuilt (CONFIG_OFF=y reaches fs/offdir/)" || diag "$out"

# the whole-map check names a module that modules.order lacks
out=$("$OBJMAP" --modules "$MODS" "$R" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -qx 'descent: module drivers/unshipped/gone.ko, modules.order: not shipped' <<<"$out"
ok $? "the cross-check reports a module modules.order does not list" || diag "exit $rc: $out"
[ "$TAP_FAILED" -eq 0 ]
