#!/usr/bin/env bash
# kpatch-build leaves nothing half-written: after a refusal, an error,
# SIGTERM or SIGINT there is no klpkit-build.* work directory in TMPDIR
# (unless --skip-cleanup), no module or temporary module in the output
# directory, and the kernel tree is exactly as before (the patches reverted,
# also when the signal comes while the patched objects compile).  After an
# error the build log is kept as KLPKIT_CACHE/logs/NAME.build.log and named.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build

krel=$(kernel_release) || skip_all "cannot determine the Debian kernel release"
tree=$(kernel_tree "$krel") || { plan 1; ok 1 "prepare the kernel tree of $krel"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/tmp" "$T/out"
plan 21

workdirs() { find "$T/tmp" -maxdepth 1 -name 'klpkit-build.*' | sed "s|^$T/tmp/||"; }
outfiles() { ls -A "$T/out"; }

# kpb NAME PATCH [OPTIONS...]: kpatch-build with TMPDIR=$T/tmp, output in
# $T/NAME.out, exit status in $rc
kpb() {
	local name=$1 patch=$2
	shift 2
	TMPDIR=$T/tmp "$KPB" -a "$krel" -n "$name" -o "$T/out" "$@" "$patch" >"$T/$name.out" 2>&1
	rc=$?
}

# 1. a refusal (assembly)
cat >"$T/asm.patch" <<'EOF'
--- a/arch/x86/lib/memcpy_64.S
+++ b/arch/x86/lib/memcpy_64.S
@@ -1,4 +1,5 @@
 /* SPDX-License-Identifier: GPL-2.0-only */
+/* klpkit */
 /* Copyright 2002 Andi Kleen */
 
 #include <linux/linkage.h>
EOF
kpb refused "$T/asm.patch"
[ $rc -eq 4 ]
ok $? "a refusal: exit 4" || diag_file "$T/refused.out"
[ -z "$(workdirs)" ]
ok $? "a refusal leaves no work directory in TMPDIR" || diag "$(workdirs)"
[ -z "$(outfiles)" ]
ok $? "a refusal writes nothing to the output directory" || diag "$(outfiles)"

# 2. the same with --skip-cleanup: the work directory stays, and is named
kpb kept "$T/asm.patch" --skip-cleanup
w=$(workdirs)
[ $rc -eq 4 ] && [ -n "$w" ] && grep -qF "work directory kept: $T/tmp/$w" "$T/kept.out"
ok $? "--skip-cleanup keeps the work directory and says where" || diag_file "$T/kept.out"
rm -rf "${T:?}/tmp/"*

# 3. an error (the patch does not apply): no work directory, the log kept
cat >"$T/bad.patch" <<'EOF'
--- a/fs/proc/cmdline.c
+++ b/fs/proc/cmdline.c
@@ -1,3 +1,3 @@
-// nothing like this line
+// klpkit
 #include <linux/fs.h>
 #include <linux/init.h>
EOF
kpb failed "$T/bad.patch"
[ $rc -eq 1 ]
ok $? "an error: exit 1" || diag_file "$T/failed.out"
[ -z "$(workdirs)" ]
ok $? "an error leaves no work directory in TMPDIR" || diag "$(workdirs)"
logs=$("$KERNEL_CACHE" path "$krel" dir)/../logs
[ -s "$logs/failed.build.log" ] && grep -qF "the build log is kept: $(cd "$logs" && pwd)/failed.build.log" "$T/failed.out" &&
	[ -z "$(outfiles)" ]
ok $? "an error keeps the log as CACHE/logs/NAME.build.log, says so, writes nothing to the output directory" || diag_file "$T/failed.out"
rm -f "$logs/failed.build.log"

# 4. signals while the objects compile: the tree is reverted, nothing stays
# start_and_signal NAME PATCH PHASE-TEXT SIGNAL: start kpatch-build, send
# SIGNAL one second after PHASE-TEXT appears (the compiler is running then)
start_and_signal() {
	local name=$1 patch=$2 phase=$3 sig=$4 pid i
	# job control: a background job would otherwise start with SIGINT
	# ignored, as if kpatch-build could not be interrupted from a terminal;
	# env --default-signal: the same when this test itself was started with
	# SIGINT ignored (a nohup'd or backgrounded run), which set -m cannot undo
	set -m
	TMPDIR=$T/tmp env --default-signal=INT "$KPB" -a "$krel" -n "$name" -o "$T/out" "$patch" >"$T/$name.out" 2>&1 &
	pid=$!
	set +m
	seen=0
	# the tree lock may be held by another build: wait up to 20 minutes
	for ((i = 0; i < 6000; i++)); do
		if grep -qF "$phase" "$T/$name.out"; then seen=1; break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if [ $seen -eq 1 ]; then
		sleep 1
		kill "-$sig" "$pid"
	fi
	wait "$pid"
	rc=$?
}

core=kernel/sched/core.c
cp "$tree/$core" "$T/core.c.orig"
# the context must match the tree: take it from there
{
	echo '--- a/kernel/sched/core.c'
	echo '+++ b/kernel/sched/core.c'
	echo '@@ -1,3 +1,4 @@'
	sed -n '1p' "$tree/$core" | sed 's/^/ /'
	echo '+/* klpkit: interrupted */'
	sed -n '2,3p' "$tree/$core" | sed 's/^/ /'
} >"$T/sched.patch"

start_and_signal term "$T/sched.patch" "Building patched objects" TERM
[ $seen -eq 1 ] && [ $rc -eq 143 ]
ok $? "SIGTERM while the patched objects compile: exit 143" || diag_file "$T/term.out"
grep -qF "interrupted by SIGTERM; reverting the patches" "$T/term.out"
ok $? "it says it was interrupted and reverts" || diag_file "$T/term.out" 30
cmp -s "$tree/$core" "$T/core.c.orig"
ok $? "the tree's $core is the original again"
[ ! -e "${tree}/kernel/sched/core.o" ] || [ "$tree/$core" -nt "$tree/kernel/sched/core.o" ]
ok $? "no patched core.o newer than its source stays in the tree (kbuild rebuilds it)"
[ -z "$(workdirs)" ]
ok $? "SIGTERM leaves no work directory" || diag "$(workdirs)"
[ -z "$(outfiles)" ]
ok $? "SIGTERM leaves nothing in the output directory" || diag "$(outfiles)"
! grep -q 'klpkit: interrupted' "$tree/$core" && [ -z "$(find "$tree/kernel/sched" -name '*.rej' -o -name '*.orig')" ]
ok $? "no patch leftovers (.rej, .orig) in the tree"
[ -z "$(ls "$tree"/.klpkit-objmap.tmp.* 2>/dev/null)" ]
ok $? "no temporary object map left in the tree"

start_and_signal int "$T/sched.patch" "Building original objects" INT
[ $seen -eq 1 ] && [ $rc -eq 130 ]
ok $? "SIGINT while the original objects compile: exit 130" || diag_file "$T/int.out"
cmp -s "$tree/$core" "$T/core.c.orig"
ok $? "the tree's $core is unchanged"
[ -z "$(workdirs)" ] && [ -z "$(outfiles)" ]
ok $? "SIGINT leaves no work directory and no output" || diag "$(workdirs) $(outfiles)"

# 5. the module appears whole or not at all: a refused build leaves no
# temporary module, and a report is complete JSON
kpb report "$T/asm.patch" --report "$T/out/report.json"
jq -e '.exit_code == 4 and .output == null' "$T/out/report.json" >/dev/null 2>&1
ok $? "--report after a refusal: a complete report (exit_code 4, no output)" || diag "$(cat "$T/out/report.json" 2>&1)"
[ -z "$(find "$T/out" -name '*.tmp')" ]
ok $? "no temporary files in the output directory"
[ -z "$(workdirs)" ]
ok $? "no work directory after all these runs"
[ "$TAP_FAILED" -eq 0 ]
