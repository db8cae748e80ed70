#!/usr/bin/env bash
# The patch module template (kmod/patch) and klp-convert on Debian's 6.1
# kernel (or $KLPKIT_TEST_KREL), in qemu:
#   - hand-written differ-like objects compiled by kbuild with the kernel's
#     flags: one replaces vmlinux's cmdline_proc_show (refers to
#     .klp.sym.vmlinux.saved_command_line,0, to the original function and to
#     the unexported global linux_banner); one replaces a function of an
#     out-of-tree target module (a static of that module, its export, two
#     callbacks);
#   - the template builds them (make -C TREE M=DIR), klp-convert converts
#     them and --check verifies them against the real -dbg vmlinux;
#   - in the VM: late module patching, callbacks, non-replace and atomic
#     replace, /proc/cmdline marker, enabled=0 restores, rmmod, clean dmesg;
#     /proc/kallsyms is compared with klp-convert --list vmlinux;
#   - the patch-author macros compile (kpatch-macros.h, kpatch-syscall.h),
#     and a umask(2) replacement written with KPATCH_SYSCALL_DEFINE1 works.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$HERE/lib/common.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-20-patch-module.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
KC=$KLP_TOPDIR/klp-convert/klp-convert
PATCHDIR=$KLP_TOPDIR/kmod/patch

VM_CHECKS=21
HOST_CHECKS=23

# ---------------------------------------------------------------- kernel

klp_need_kernel
[ -x "$KC" ] || klp_bail "klp-convert is built (run make)"

tap_plan $((HOST_CHECKS + VM_CHECKS))
# shellcheck disable=SC2153 # KREL and TREE come from klp_need_kernel
tap_diag "kernel $KREL, tree $TREE"
VMLINUX=$("$KLP_KERNEL_CACHE" path "$KREL" vmlinux)
SYMVERS=$("$KLP_KERNEL_CACHE" path "$KREL" symvers)

# One kernel build at a time in the tree (kpatch-build takes the same lock).
exec 8>>"$TREE/.klpkit-build.lock"
kmake() {	# kmake LOG ARGS...: make -C TREE ARGS under the lock
	local log=$1
	shift
	flock 8
	make -C "$TREE" "$@" </dev/null >"$log" 2>&1
	local rc=$?
	flock -u 8
	[ "$rc" = 0 ] || tail -n 30 "$log" | tap_diag -
	return "$rc"
}

# ---------------------------------------------------------------- sources

SRC=$TMP/src
mkdir -p "$SRC"
cp "$PATCHDIR/klpkit-meta.h" "$PATCHDIR/kpatch-macros.h" "$PATCHDIR/kpatch-syscall.h" "$SRC/"

# A stand-in for create-diff-object output: the replacement of vmlinux's
# cmdline_proc_show() and its .klpkit.funcs entry.
cat >"$SRC/cmdline_patch.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include "klpkit-meta.h"

/* as create-diff-object refers to a vmlinux variable */
extern char *klp_saved_command_line __asm__("\".klp.sym.vmlinux.saved_command_line,0\"");
/* the original function: a pointer that must not reach the replacement */
extern char klp_orig_show[] __asm__("\".klp.sym.vmlinux.cmdline_proc_show,0\"");
/* linux_banner is a plain, unexported global: klp-convert finds it */

static int klpkit_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s klpkit-marker orig=%ps banner=%.5s\n",
		   klp_saved_command_line, klp_orig_show, linux_banner);
	return 0;
}

static const char func_name[] __section(".klpkit.strings") = "cmdline_proc_show";
static const char obj_name[] __section(".klpkit.strings") = "vmlinux";
static struct klpkit_func func __used __section(".klpkit.funcs") __aligned(8) = {
	.new_func = (unsigned long)klpkit_cmdline_proc_show,
	.name = (unsigned long)func_name,
	.objname = (unsigned long)obj_name,
};
EOF

# The target module: a static variable, a static function behind
# /proc/klpkit_target, an export.
cat >"$SRC/klpkit_target.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static int counter = 42;
module_param(counter, int, 0644);

static int klpkit_target_show(struct seq_file *m, void *v)
{
	seq_printf(m, "original %d\n", counter);
	return 0;
}

int klpkit_target_value(void)
{
	return counter + 1;
}
EXPORT_SYMBOL_GPL(klpkit_target_value);

static int __init klpkit_target_init(void)
{
	return proc_create_single("klpkit_target", 0444, NULL, klpkit_target_show) ? 0 : -ENOMEM;
}

static void __exit klpkit_target_exit(void)
{
	remove_proc_entry("klpkit_target", NULL);
}

module_init(klpkit_target_init);
module_exit(klpkit_target_exit);
MODULE_LICENSE("GPL");
EOF

# The differ-like replacement of klpkit_target_show(), with callbacks.
cat >"$SRC/module_patch.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include "klpkit-meta.h"

extern int klp_counter __asm__("\".klp.sym.klpkit_target.counter,0\"");
extern int klpkit_target_value(void);	/* exported by the module */

static int klpkit_patched_show(struct seq_file *m, void *v)
{
	seq_printf(m, "klpkit-patched counter=%d value=%d\n", klp_counter,
		   klpkit_target_value());
	return 0;
}

static int klpkit_pre_patch(struct klp_object *obj)
{
	pr_info("klpkit-test: pre_patch %s\n", obj->name);
	return 0;
}

static void klpkit_post_patch(struct klp_object *obj)
{
	pr_info("klpkit-test: post_patch %s\n", obj->name);
}

static const char func_name[] __section(".klpkit.strings") = "klpkit_target_show";
static const char obj_name[] __section(".klpkit.strings") = "klpkit_target";
static struct klpkit_func func __used __section(".klpkit.funcs") __aligned(8) = {
	.new_func = (unsigned long)klpkit_patched_show,
	.name = (unsigned long)func_name,
	.objname = (unsigned long)obj_name,
};
static struct klpkit_callback pre __used __section(".klpkit.callbacks.pre_patch") __aligned(8) = {
	.fn = (unsigned long)klpkit_pre_patch,
	.objname = (unsigned long)obj_name,
};
static struct klpkit_callback post __used __section(".klpkit.callbacks.post_patch") __aligned(8) = {
	.fn = (unsigned long)klpkit_post_patch,
	.objname = (unsigned long)obj_name,
};
EOF

# Every patch-author macro, compiled with the kernel's flags.
cat >"$SRC/macros.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/module.h>
#include <linux/sched.h>
#include "kpatch-macros.h"
#include "kpatch-syscall.h"

static int klpkit_pre(struct klp_object *obj) { return 0; }
static void klpkit_post(struct klp_object *obj) { }
static void klpkit_pre_un(struct klp_object *obj) { }
static void klpkit_post_un(struct klp_object *obj) { }
KPATCH_PRE_PATCH_CALLBACK(klpkit_pre);
KPATCH_POST_PATCH_CALLBACK(klpkit_post);
KPATCH_PRE_UNPATCH_CALLBACK(klpkit_pre_un);
KPATCH_POST_UNPATCH_CALLBACK(klpkit_post_un);

static noinline int klpkit_ignored(int x) { return x * 3; }
KPATCH_IGNORE_FUNCTION(klpkit_ignored);
KPATCH_IGNORE_SECTION(".data.klpkit_ignored");

int klpkit_printk(int x)
{
	KPATCH_PRINTK("klpkit %d\n", klpkit_ignored(x));
	return KPATCH_STATIC_CALL(might_resched)();
}

KPATCH_SYSCALL_DEFINE2(klpkit_test, int, a, unsigned long, b)
{
	return a + b;
}
EOF

# umask(2) with KPATCH_SYSCALL_DEFINE1; umask(0123) answers 0456 when patched.
# (The syscall metadata and trace events it defines are dropped below, as
# create-diff-object drops them.)
cat >"$SRC/syscall_patch.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/fs_struct.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include "kpatch-syscall.h"

KPATCH_SYSCALL_DEFINE1(umask, int, mask)
{
	if (mask == 0123)
		return 0456;	/* marker: no real umask has these bits */
	mask = xchg(&current->fs->umask, mask & S_IRWXUGO);
	return mask;
}

static const char x64[] __section(".klpkit.strings") = "__x64_sys_umask";
static const char ia32[] __section(".klpkit.strings") = "__ia32_sys_umask";
static const char obj_name[] __section(".klpkit.strings") = "vmlinux";
static struct klpkit_func funcs[] __used __section(".klpkit.funcs") __aligned(8) = {
	{ .new_func = (unsigned long)__x64_sys_umask, .name = (unsigned long)x64,
	  .objname = (unsigned long)obj_name },
	{ .new_func = (unsigned long)__ia32_sys_umask, .name = (unsigned long)ia32,
	  .objname = (unsigned long)obj_name },
};
EOF
cat >"$TMP/umask-test.c" <<'EOF'
#include <stdio.h>
#include <sys/stat.h>
int main(void)
{
	umask(022);
	printf("%o\n", (unsigned int)umask(0123));
	umask(022);
	return 0;
}
EOF

echo 'obj-m := klpkit_target.o' >"$SRC/Kbuild"
kmake "$TMP/src.log" M="$SRC" cmdline_patch.o module_patch.o macros.o syscall_patch.o modules
tap_check "kbuild compiles the differ-like objects, the macros and the target module" \
	test -f "$SRC/cmdline_patch.o" -a -f "$SRC/module_patch.o" -a -f "$SRC/macros.o" -a \
	-f "$SRC/syscall_patch.o" -a -f "$SRC/klpkit_target.ko"

# ---------------------------------------------------------------- macros

sec_relas() { readelf -rW "$1" | awk -v s="$2" '/^Relocation section/ { c = ($3 == "\047.rela" s "\047"); next } c && NF >= 5 && $1 ~ /^[0-9a-f]+$/ { print $3, $5 }'; }
m=$SRC/macros.o
ok_cb=1
for kind in pre_patch:klpkit_pre post_patch:klpkit_post pre_unpatch:klpkit_pre_un post_unpatch:klpkit_post_un; do
	got=$(sec_relas "$m" ".klpkit.callbacks.${kind%%:*}")
	# static functions: against the function or its section's symbol
	case "$got" in
	"R_X86_64_64 ${kind#*:}" | "R_X86_64_64 .text"*) ;;
	*) ok_cb=0; tap_diag ".klpkit.callbacks.${kind%%:*}: $got" ;;
	esac
	[ "$(readelf -SW "$m" | awk -v s=".klpkit.callbacks.${kind%%:*}" '$2 == s { print $6 }')" = 000010 ] || ok_cb=0
done
tap_check "KPATCH_*_CALLBACK: one 16-byte entry per kind, fn relocated, objname left 0" [ "$ok_cb" = 1 ]
ign_f=$(sec_relas "$m" .klpkit.ignore.functions)
ign_s=$(sec_relas "$m" .klpkit.ignore.sections)
if [[ "$ign_f" == "R_X86_64_64 klpkit_ignored" || "$ign_f" == "R_X86_64_64 .text"* ]] &&
	[[ "$ign_s" == "R_X86_64_64 .rodata"* ]]; then
	tap_ok "KPATCH_IGNORE_FUNCTION/SECTION: one pointer each in .klpkit.ignore.functions/.sections"
else
	tap_not_ok "KPATCH_IGNORE_FUNCTION/SECTION: one pointer each in .klpkit.ignore.functions/.sections"
	tap_diag "functions: $ign_f" "sections: $ign_s"
fi
syms=$(readelf -sW "$m" | awk '{ print $8 }')
grep -qx __x64_sys_klpkit_test <<<"$syms" && grep -qx __ia32_sys_klpkit_test <<<"$syms" &&
	! grep -qx __do_sys_klpkit_test <<<"$syms"
tap_check "KPATCH_SYSCALL_DEFINE2: __x64_sys_/__ia32_sys_ wrappers, no __do_sys_ body" [ $? = 0 ]

# ---------------------------------------------------------------- template

build_patch() {	# build_patch DIR NAME DESC OBJ [MAKE-VARS...]: DIR/NAME.ko
	local dir=$1 name=$2 desc=$3 obj=$4
	shift 4
	mkdir -p "$dir"
	cp -r "$PATCHDIR/." "$dir/"
	ld -r -o "$dir/output.o" "$obj" &&
		kmake "$dir/build.log" M="$dir" KLPKIT_NAME="$name" KLPKIT_DESCRIPTION="$desc" "$@" modules &&
		[ -f "$dir/$name.ko" ]
}
P1=$TMP/p1
build_patch "$P1" livepatch-klpkit-cmdline "klpkit test: cmdline.patch" "$SRC/cmdline_patch.o"
tap_check "the template builds livepatch-klpkit-cmdline.ko (make -C TREE M=DIR)" [ $? = 0 ]
mi() { modinfo -F "$2" "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//'; }
K1=$P1/livepatch-klpkit-cmdline.ko
tap_check "modinfo: livepatch=Y, GPL, description, name livepatch_klpkit_cmdline, vermagic of $KREL" \
	[ "$(mi "$K1" livepatch)|$(mi "$K1" license)|$(mi "$K1" description)|$(mi "$K1" name)|$(mi "$K1" vermagic)" = \
	"Y|GPL|klpkit test: cmdline.patch|livepatch_klpkit_cmdline|$KREL SMP preempt mod_unload modversions" ]
! grep -q 'non-allocatable section' "$P1/build.log" &&
	readelf -sW "$K1" | grep -qE ' __klpkit_funcs_end$' &&
	[ "$(readelf -SW "$K1" | awk '$2 == ".klpkit.callbacks.pre_patch" { print $8 }')" = WA ]
tap_check "klpkit.lds: start/end symbols exist, empty callback sections stay allocated" [ $? = 0 ]

"$KC" -v -s "vmlinux=$VMLINUX" -S "$SYMVERS" "$K1" "$TMP/livepatch-klpkit-cmdline.ko" >"$TMP/c1.out" 2>&1
rc=$?
tap_diag - <"$TMP/c1.out"
tap_check "klp-convert converts it" [ "$rc" = 0 ]
C1=$TMP/livepatch-klpkit-cmdline.ko
klp=$(readelf -sW "$C1" | awk '$NF ~ /^\.klp\.sym/ && $(NF - 1) == "[0xff20]" { print $NF }' | sort | tr '\n' ' ')
tap_check ".klp.sym.vmlinux.{cmdline_proc_show,linux_banner,saved_command_line},0 with SHN_LIVEPATCH" \
	[ "$klp" = ".klp.sym.vmlinux.cmdline_proc_show,0 .klp.sym.vmlinux.linux_banner,0 .klp.sym.vmlinux.saved_command_line,0 " ]
flags=$(readelf -t -W "$C1" | grep -A2 '\] \.klp\.rela\.vmlinux\.\.text$' | sed -n 's/.*\[\([0-9a-f]\{16\}\)\].*/\1/p')
tap_check ".klp.rela.vmlinux..text with flags ALLOC|INFO_LINK|RELA_LIVEPATCH (got $flags)" [ "$flags" = 0000000000100042 ]
tap_check "modinfo klpkit_funcs=vmlinux:cmdline_proc_show" [ "$(mi "$C1" klpkit_funcs)" = vmlinux:cmdline_proc_show ]
t0=$SECONDS
"$KC" --check -s "vmlinux=$VMLINUX" -S "$SYMVERS" "$C1" >"$TMP/k1.out" 2>&1
rc=$?
tap_diag - <"$TMP/k1.out"
tap_check "klp-convert --check against the real -dbg vmlinux passes ($((SECONDS - t0)) s)" [ "$rc" = 0 ]

# KLPKIT_NAME is checked before anything is built
bad=$TMP/badname
mkdir -p "$bad" && cp -r "$PATCHDIR/." "$bad/" && cp "$P1/output.o" "$bad/"
kmake "$TMP/bad1.log" M="$bad" KLPKIT_NAME='bad name!' modules >/dev/null 2>&1
grep -q "KLPKIT_NAME 'bad name!': use only letters, digits" "$TMP/bad1.log"
tap_check "the template refuses a module name with other characters" [ $? = 0 ]
long=livepatch-$(printf 'x%.0s' $(seq 1 46))
kmake "$TMP/bad2.log" M="$bad" KLPKIT_NAME="$long" modules >/dev/null 2>&1
grep -q "is longer than 55 characters" "$TMP/bad2.log" && [ ! -e "$bad/$long.ko" ]
tap_check "the template refuses a 56-character module name" [ $? = 0 ]

# the module patch: non-replace, against the target module's table
P2=$TMP/p2
build_patch "$P2" livepatch-klpkit-mod "klpkit test: module.patch" "$SRC/module_patch.o" KLPKIT_NO_REPLACE=1
tap_check "the template builds livepatch-klpkit-mod.ko (KLPKIT_NO_REPLACE=1)" [ $? = 0 ]
cat "$SYMVERS" "$SRC/Module.symvers" >"$TMP/all.symvers"
"$KC" -v -s "vmlinux=$VMLINUX" -s "klpkit_target=$SRC/klpkit_target.ko" -S "$TMP/all.symvers" \
	"$P2/livepatch-klpkit-mod.ko" "$TMP/livepatch-klpkit-mod.ko" >"$TMP/c2.out" 2>&1
rc=$?
tap_diag - <"$TMP/c2.out"
[ "$rc" = 0 ] && readelf -sW "$TMP/livepatch-klpkit-mod.ko" |
	grep -q 'OS \[0xff20\] \.klp\.sym\.klpkit_target\.klpkit_target_value,0$'
tap_check "klp-convert converts it (the module export becomes .klp.sym.klpkit_target.klpkit_target_value,0)" [ $? = 0 ]
C2=$TMP/livepatch-klpkit-mod.ko
tap_check "its relocations to the module are in .klp.rela.klpkit_target..text" \
	[ "$(readelf -rW "$C2" | grep -A4 "'.klp.rela.klpkit_target..text'" | grep -c '\.klp\.sym\.klpkit_target\.')" = 2 ]
"$KC" --check -s "vmlinux=$VMLINUX" -s "klpkit_target=$SRC/klpkit_target.ko" -S "$SYMVERS" "$C2" >"$TMP/k2.out" 2>&1
rc=$?
tap_diag - <"$TMP/k2.out"
tap_check "klp-convert --check passes on it" [ "$rc" = 0 ]
"$KC" --check -s "vmlinux=$VMLINUX" -S "$SYMVERS" "$K1" >"$TMP/k3.out" 2>&1
rc=$?
tap_check "klp-convert --check refuses the unconverted module (exit 4)" [ "$rc" = 4 ]
# the syscall patch
objcopy --strip-debug -R _ftrace_events -R .rela_ftrace_events -R __syscalls_metadata \
	-R .rela__syscalls_metadata "$SRC/syscall_patch.o" "$TMP/syscall_patch.o"
P3=$TMP/p3
build_patch "$P3" livepatch-klpkit-umask "klpkit test: umask.patch" "$TMP/syscall_patch.o"
tap_check "the template builds livepatch-klpkit-umask.ko (KPATCH_SYSCALL_DEFINE1)" [ $? = 0 ]
C3=$TMP/livepatch-klpkit-umask.ko
"$KC" -s "vmlinux=$VMLINUX" -S "$SYMVERS" "$P3/livepatch-klpkit-umask.ko" "$C3" >"$TMP/c3.out" 2>&1 &&
	"$KC" --check -s "vmlinux=$VMLINUX" -S "$SYMVERS" "$C3" >>"$TMP/c3.out" 2>&1
rc=$?
tap_diag - <"$TMP/c3.out"
tap_check "klp-convert and --check: it patches vmlinux:__x64_sys_umask and vmlinux:__ia32_sys_umask" \
	[ "$rc" = 0 -a "$(mi "$C3" klpkit_funcs)" = "vmlinux:__x64_sys_umask vmlinux:__ia32_sys_umask" ]
gcc -O2 -o "$TMP/umask-test" "$TMP/umask-test.c"
tap_check "umask-test builds" [ -x "$TMP/umask-test" ]

"$KC" --list vmlinux -s "vmlinux=$VMLINUX" | awk '{ print $3 }' >"$TMP/kallsyms.host"
tap_check "klp-convert --list vmlinux ($(wc -l <"$TMP/kallsyms.host") symbols)" [ -s "$TMP/kallsyms.host" ]

# ---------------------------------------------------------------- VM

cat >"$TMP/vm.sh" <<'EOF'
check() {	# check DESC CMD...: TAP line, never exits
	d=$1
	shift
	if "$@"; then echo "TAP ok - $d"; else echo "TAP not ok - $d"; fi
}
LP=/sys/kernel/livepatch
orig=$(cat /proc/cmdline)
n0=$(dmesg | wc -l)

insmod /modules/livepatch-klpkit-mod.ko
wait_transition livepatch_klpkit_mod
check "module patch loads before its target; object not patched yet" \
	[ "$(cat $LP/livepatch_klpkit_mod/klpkit_target/patched)" = 0 ]
insmod /modules/klpkit_target.ko
t=$(cat /proc/klpkit_target)
log "/proc/klpkit_target: $t"
check "late patching: the target module loads patched (module static and export resolved)" \
	[ "$t" = "klpkit-patched counter=42 value=43" ]
check "klpkit_target object patched=1" [ "$(cat $LP/livepatch_klpkit_mod/klpkit_target/patched)" = 1 ]
check "pre_patch and post_patch callbacks ran for klpkit_target" \
	sh -c 'dmesg | grep -q "klpkit-test: pre_patch klpkit_target" && dmesg | grep -q "klpkit-test: post_patch klpkit_target"'

insmod /modules/livepatch-klpkit-cmdline.ko
wait_transition livepatch_klpkit_cmdline
now=$(cat /proc/cmdline)
log "/proc/cmdline: $now"
check "transition complete (transition = 0)" [ "$(cat $LP/livepatch_klpkit_cmdline/transition)" = 0 ]
check "/proc/cmdline shows the marker, the original function and linux_banner" \
	[ "$now" = "$orig klpkit-marker orig=cmdline_proc_show banner=Linux" ]
check "sysfs: vmlinux/cmdline_proc_show,1" [ -d $LP/livepatch_klpkit_cmdline/vmlinux/cmdline_proc_show,1 ]
wait_for "[ ! -d $LP/livepatch_klpkit_mod ]" 60 "the replaced patch to go"
check "atomic replace: the module patch is replaced, /proc/klpkit_target is original again" \
	[ "$(cat /proc/klpkit_target)" = "original 42" ]

disable_patch livepatch_klpkit_cmdline
check "enabled=0 restores /proc/cmdline" [ "$(cat /proc/cmdline)" = "$orig" ]
check "rmmod livepatch_klpkit_cmdline" rmmod livepatch_klpkit_cmdline
check "rmmod livepatch_klpkit_mod (replaced)" rmmod livepatch_klpkit_mod
check "rmmod klpkit_target" rmmod klpkit_target
check "no module left" sh -c '! lsmod | grep -q klpkit'

new=$(dmesg | tail -n +$((n0 + 1)))
echo "$new" | sed 's/^/dmesg: /'
# the clock's calibration, a timer's work a second or two after boot, may
# land in the window on a fast boot: not the patches' doing
odd=$(echo "$new" | grep -v -e 'livepatch: ' -e 'klpkit-test: ' \
	-e '] tsc: Refined TSC clocksource calibration: ' -e '] clocksource: tsc: mask: ' \
	-e '] clocksource: Switched to clocksource tsc' \
	-e 'loading out-of-tree module taints kernel' \
	-e 'tainting kernel with TAINT_LIVEPATCH' \
	-e 'module verification failed: signature and/or required key missing' | grep -v '^$' || true)
check "dmesg has only livepatch, taint and callback lines${odd:+: $odd}" [ -z "$odd" ]
check "dmesg: patching and unpatching transitions completed" \
	sh -c "dmesg | grep -q \"'livepatch_klpkit_cmdline': patching complete\" && dmesg | grep -q \"'livepatch_klpkit_cmdline': unpatching complete\""
check "taint only O, E, K (0x$(printf %x "$(taint)"))" [ $(($(taint) & ~0xb000)) = 0 ]

before=$(umask-test)
insmod /modules/livepatch-klpkit-umask.ko
wait_transition livepatch_klpkit_umask
check "KPATCH_SYSCALL_DEFINE1: the patched umask(0123) answers 456 (was $before)" [ "$(umask-test)" = 456 ]
check "sysfs: vmlinux/__x64_sys_umask,1 and __ia32_sys_umask,1" \
	[ -d $LP/livepatch_klpkit_umask/vmlinux/__x64_sys_umask,1 -a -d $LP/livepatch_klpkit_umask/vmlinux/__ia32_sys_umask,1 ]
disable_patch livepatch_klpkit_umask
rmmod livepatch_klpkit_umask
check "umask is the original again after disable + rmmod" [ "$(umask-test)" = "$before" ]

echo KALLSYMS-BEGIN
grep -v '\[' /proc/kallsyms | awk '{ print $3 }' | gzip -c | base64
echo KALLSYMS-END
EOF
"$KLP_VM_RUN" --krel "$KREL" --module "$C1" --module "$C2" --module "$C3" --module "$SRC/klpkit_target.ko" \
	--bin "$TMP/umask-test" \
	--script "$TMP/vm.sh" --log "$TMP/vm.log" --timeout 240 >"$TMP/vm.out" 2>"$TMP/vm.err"
rc=$?
grep -v '^TAP ' "$TMP/vm.out" | sed '/^KALLSYMS-BEGIN$/,/^KALLSYMS-END$/d' | tap_diag -
tap_diag - <"$TMP/vm.err"
n=0
while read -r _ rest; do
	n=$((n + 1))
	case "$rest" in
	"ok - "*) tap_ok "VM: ${rest#ok - }" ;;
	*) tap_not_ok "VM: ${rest#not ok - }" ;;
	esac
done < <(grep '^TAP ' "$TMP/vm.out")
while [ "$n" -lt $((VM_CHECKS - 2)) ]; do
	n=$((n + 1))
	tap_not_ok "VM: check $n did not run"
done
tap_check "VM: vm-run passes (no panic, no oops/warning, taint allowed)" [ "$rc" = 0 ]

sed -n '/^KALLSYMS-BEGIN$/,/^KALLSYMS-END$/p' "$TMP/vm.out" | sed '1d;$d' | tr -d '\r' |
	base64 -d 2>/dev/null | gunzip -c >"$TMP/kallsyms.vm" 2>/dev/null
if [ -s "$TMP/kallsyms.vm" ] && cmp -s "$TMP/kallsyms.vm" "$TMP/kallsyms.host"; then
	tap_ok "VM: /proc/kallsyms (vmlinux part, $(wc -l <"$TMP/kallsyms.vm") names) is in the order klp-convert computes"
else
	tap_not_ok "VM: /proc/kallsyms (vmlinux part) is in the order klp-convert computes"
	diff "$TMP/kallsyms.vm" "$TMP/kallsyms.host" 2>&1 | head -n 20 | tap_diag -
fi

tap_done
