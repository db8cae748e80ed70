#!/usr/bin/env bash
# kpatch-build for pipelines: one patch for two releases in one run (the test
# kernel and the second series' release: -a twice, OUTDIR/KREL/NAME.ko, one
# --report with an entry per release; --parallel-releases 2 runs both at
# once, the second compiling once the first has), the compiler cache (a repeat build of
# the same file compiles nothing: every compile is a ccache hit; --no-ccache
# uses none), and --distcc through a distccd on localhost (its log shows the
# compile; DISTCC_FALLBACK=0: no silent local compile).  Each part uses a
# compiler cache of its own (KLPKIT_CCACHE_DIR).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build

need_kernel
second_release
second=$SECOND
[ "$second" != "$KREL" ] || skip_all "the test kernel is the $SECOND_SERIES release"
PATCH=$TOPDIR/test/integration/debian-$(kernel_series "$KREL")/cmdline-string.patch

W=$(mktemp -d)
distccd_pid=''
trap '[ -z "$distccd_pid" ] || kill "$distccd_pid" 2>/dev/null; rm -rf "$W"' EXIT
plan 12

# --- two releases in one run ---------------------------------------------------
mkdir -p "$W/out"
export KLPKIT_CCACHE_DIR=$W/ccache
"$KPB" -a "$KREL" -a "$second" --parallel-releases 2 -n rel_t -o "$W/out" --report "$W/r.json" "$PATCH" \
	>"$W/multi.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ -f "$W/out/$KREL/rel_t.ko" ] && [ -f "$W/out/$second/rel_t.ko" ] && [ ! -e "$W/out/rel_t.ko" ]
ok $? "-a $KREL -a $second --parallel-releases 2: exit 0 (got $rc), OUTDIR/KREL/rel_t.ko for each" ||
	diag_file "$W/multi.out"
# the two run at once (the first's output shown as it comes): the second
# prepares its target meanwhile and compiles once the first has
order=$(grep -nE "release 2/2: .*started|Building original objects" "$W/multi.out" |
	sed -E 's/^[0-9]+:.*(original objects|release 2\/2).*/\1/' | paste -sd ',' -)
w1=$(jq -r --arg r "$KREL" '.releases[] | select(.release == $r) | .report.timings.wait_first' "$W/r.json")
w2=$(jq -r --arg r "$second" '.releases[] | select(.release == $r) | .report.timings.wait_first' "$W/r.json")
[ "$order" = "release 2/2,original objects" ] && [ "$w1" = null ] && [ "$w2" != null ] &&
	awk -v w="$w2" 'BEGIN { exit !(w > 0) }'
ok $? "--parallel-releases 2: release 2 starts with release 1 and waits for its compiles ($order; waited ${w2} s, the first ${w1})" ||
	{ diag_file "$W/multi.out"; diag "$(jq -c '.releases[].report.timings' "$W/r.json" 2>&1)"; }
for r in "$KREL" "$second"; do
	vm=$(modinfo -F vermagic "$W/out/$r/rel_t.ko" 2>/dev/null)
	[ "${vm%% *}" = "$r" ]
	ok $? "the module of $r is built for $r (vermagic '$vm')"
done
grep -qE "^  $KREL +built +$W/out/$KREL/rel_t.ko" "$W/multi.out" &&
	grep -qE "^  ${second//+/\\+} +built" "$W/multi.out"
ok $? "the summary says both were built" || diag_file "$W/multi.out"
got=$(jq -r '[.built, .failed] + [.releases[] | .release, .outcome, (.changed_functions | join(",")), .module] |
	map(tostring) | join(" ")' "$W/r.json" 2>&1)
want="2 0 $KREL built cmdline_proc_show $W/out/$KREL/rel_t.ko $second built cmdline_proc_show $W/out/$second/rel_t.ko"
[ "$got" = "$want" ]
ok $? "the report: an entry per release with outcome, changed functions, module" ||
	{ diag "got:  $got"; diag "want: $want"; }

# --- the compiler cache --------------------------------------------------------
first=$(jq -r --arg r "$KREL" '.releases[] | select(.release == $r) | .report.ccache.misses' "$W/r.json")
"$KPB" -a "$KREL" -n rel_t2 -o "$W" --report "$W/r2.json" "$PATCH" >"$W/repeat.out" 2>&1
rc=$?
got=$(jq -c .ccache "$W/r2.json" 2>&1)
[ "$rc" -eq 0 ] && [ "${first:-0}" -ge 2 ] && jq -e '.ccache.misses == 0 and .ccache.hits >= 2' "$W/r2.json" >/dev/null
ok $? "the same patch again: every compile answered by ccache ($got; the first build compiled $first)" ||
	diag_file "$W/repeat.out"
cmp -s <(jq -S '[.objects[].diff.changed_functions]' "$W/r2.json") \
	<(jq -S --arg r "$KREL" '[.releases[] | select(.release == $r) | .report.objects[].diff.changed_functions]' "$W/r.json")
ok $? "the cached build finds the same changed functions"
"$KPB" -a "$KREL" -n rel_t3 -o "$W" --no-ccache --report "$W/r3.json" "$PATCH" >"$W/noc.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(jq -c .ccache "$W/r3.json")" = null ] && ! grep -q 'CCACHE_DIR' "$W/noc.out"
ok $? "--no-ccache: built without the cache (report: ccache null)" || diag_file "$W/noc.out"
"$KPB" -a "$KREL" -n rel_t4 -o "$W" --no-ccache --distcc "$PATCH" >"$W/nodc.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -qF -- '--distcc goes through ccache' "$W/nodc.out"
ok $? "--distcc with --no-ccache: usage error (exit $rc)" || diag_file "$W/nodc.out"

# --- distcc ----------------------------------------------------------------------
if ! command -v distccd >/dev/null; then
	skip "distccd is not installed (scripts/install-deps installs distcc)"
	skip "distccd is not installed"
else
	port=$((20000 + RANDOM % 20000))
	# its log on stderr: distccd drops root for its own user, who could not
	# open a file in $W
	distccd --no-detach --daemon --listen 127.0.0.1 --port "$port" --allow 127.0.0.1 \
		--log-stderr --log-level info --jobs 2 >/dev/null 2>"$W/distccd.log" &
	distccd_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.5
	done
	KLPKIT_CCACHE_DIR=$W/ccache-distcc DISTCC_HOSTS="127.0.0.1:$port/2" DISTCC_FALLBACK=0 \
		"$KPB" -a "$KREL" -n rel_t5 -o "$W" --distcc --report "$W/r5.json" "$PATCH" >"$W/distcc.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && [ -f "$W/rel_t5.ko" ] &&
		jq -e '[.objects[].diff.changed_functions[].name] == ["cmdline_proc_show"]' "$W/r5.json" >/dev/null
	ok $? "--distcc with DISTCC_HOSTS=127.0.0.1:$port/2: built, same change (exit $rc)" || diag_file "$W/distcc.out"
	grep -q 'COMPILE_OK.*cmdline' "$W/distccd.log"
	ok $? "the distccd on localhost compiled fs/proc/cmdline.c ($(grep -c COMPILE_OK "$W/distccd.log" 2>/dev/null) jobs)" ||
		diag "$(tail -n 20 "$W/distccd.log" 2>&1)"
fi
[ "$TAP_FAILED" -eq 0 ]
