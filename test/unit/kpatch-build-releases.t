#!/usr/bin/env bash
# kpatch-build with several target releases (lib/releases.sh), without a
# kernel build: a fake provider (KLPKIT_PROVIDER) offers releases whose
# tree has no CONFIG_LIVEPATCH (each build stops with exit 4) or whose
# preparation fails (exit 1).  Checked: which releases -a RANGE and
# -a @FILE name, one build per release with the other options passed on,
# the summary, the combined --report, the exit status, no directory left
# for a failed release.  (Releases that build: 30-debian-patches.t's
# multi-release test.)
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build
PATCH=$TOPDIR/kpatch-build/demo/cmdline-marker.patch

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
plan 20

tree=$T/tree
mkdir -p "$tree" "$T/tmp" "$T/out"
printf 'VERSION = 6\nPATCHLEVEL = 1\n' >"$tree/Makefile"
printf 'CONFIG_A=y\n' >"$tree/.config"	# no CONFIG_LIVEPATCH: exit 4
: >"$T/vmlinux"
cat >"$T/provider" <<'EOF'
#!/bin/bash
echo "$*" >>"$FAKE_LOG"
case "$1:$2" in
releases:*) printf '%s\n' 9.9.0-1-fake 9.9.0-2-fake 9.9.0-2-other 9.9.0-3-fake 9.9.0-10-fake ;;
prepare:*-broken) echo 'fake: error: cannot fetch the packages of this release' >&2; exit 1 ;;
prepare:*-slow) echo "start $2" >>"$FAKE_LOG.events"; sleep 3; echo "end $2" >>"$FAKE_LOG.events"
	echo "$FAKE_TREE" ;;
prepare:*) echo "$FAKE_TREE" ;;
path:*)
	case "$3" in
	tree) echo "$FAKE_TREE" ;;
	vmlinux) echo "$FAKE_VMLINUX" ;;
	symvers) echo "$FAKE_TREE/Module.symvers" ;;
	*) exit 1 ;;
	esac ;;
esac
EOF
chmod +x "$T/provider"

kpb() {	# kpb OPTIONS...: exit status in $rc, output in $T/log
	: >"$T/fake.log"
	FAKE_LOG=$T/fake.log FAKE_TREE=$tree FAKE_VMLINUX=$T/vmlinux KLPKIT_PROVIDER=$T/provider \
		KLPKIT_CACHE=$T/cache TMPDIR=$T/tmp "$KPB" -o "$T/out" "$@" "$PATCH" >"$T/log" 2>&1
	rc=$?
}
prepared() { sed -n 's/^prepare \([^ ]*\).*/\1/p' "$T/fake.log" | paste -sd ' ' -; }

kpb -a 9.9.0-1-fake -a 9.9.0-2-fake -n fix --report "$T/r.json"
[ "$rc" -eq 4 ] && [ "$(prepared)" = "9.9.0-1-fake 9.9.0-2-fake" ]
ok $? "-a twice: one build per release, in order; every one refused: exit 4 (got $rc)" ||
	{ diag_file "$T/log"; diag_file "$T/fake.log"; }
grep -qE '^  9\.9\.0-1-fake +FAILED +refused, exit 4 .*CONFIG_LIVEPATCH' "$T/log" &&
	grep -qE '^  9\.9\.0-2-fake +FAILED +refused, exit 4' "$T/log"
ok $? "the summary names each release, its outcome and why" || diag_file "$T/log"
is_json() { [ "$(jq -r "$1" "$T/r.json" 2>&1)" = "$2" ]; }
is_json '[.module, .built, .failed, (.releases | length)] | map(tostring) | join(" ")' "fix 0 2 2"
ok $? "one report: the module name (-n passed on), 0 built, 2 failed, 2 entries" || diag_file "$T/r.json"
is_json '.releases | map(.release + "=" + .outcome + "=" + (.exit_code | tostring) + "=" + (.module | tostring)) | join(" ")' \
	"9.9.0-1-fake=refused=4=null 9.9.0-2-fake=refused=4=null"
ok $? "each entry: release, outcome, exit code, no module" || diag_file "$T/r.json"
is_json '.releases[0].report.target + " | " + .releases[0].report.error' \
	"9.9.0-1-fake | CONFIG_LIVEPATCH is not enabled in 9.9.0-1-fake's config: this kernel cannot load livepatches"
ok $? "each entry carries its release's own report, with the error" || diag_file "$T/r.json"
[ -z "$(ls -A "$T/out")" ] && [ -z "$(ls -A "$T/tmp")" ]
ok $? "nothing left: no directory for a failed release, no work directory" ||
	diag "$(ls -AR "$T/out" "$T/tmp")"

kpb -a 9.9.0-broken -a 9.9.0-1-fake --report "$T/r.json"
[ "$rc" -eq 1 ] && [ "$(prepared)" = "9.9.0-broken 9.9.0-1-fake" ] &&
	grep -qE '^  9\.9\.0-broken +FAILED +failed, exit 1' "$T/log"
ok $? "a release that cannot be prepared fails alone; the exit status is the first failure's (1, got $rc)" ||
	diag_file "$T/log"
is_json '.releases | map(.outcome) | join(",")' "failed,refused"
ok $? "the report has both outcomes" || diag_file "$T/r.json"

kpb -a 9.9.0-1-fake..9.9.0-3-fake
[ "$(prepared)" = "9.9.0-1-fake 9.9.0-2-fake 9.9.0-3-fake" ] && grep -qx releases "$T/fake.log"
ok $? "-a FIRST..LAST: the provider's releases of the same shape between them (not -other, not -10-)" ||
	{ diag_file "$T/fake.log"; diag_file "$T/log"; }
kpb -a 9.9.0-2-fake..9.9.0-10-fake
[ "$(prepared)" = "9.9.0-2-fake 9.9.0-3-fake 9.9.0-10-fake" ]
ok $? "-a FIRST..LAST: in version order (2, 3, 10)" || diag_file "$T/fake.log"
kpb -a 9.9.0-1-fake..9.9.0-3-other
[ "$rc" -eq 2 ] && grep -qF 'name different kinds of release' "$T/log"
ok $? "-a FIRST..LAST of two kinds (flavours): usage error" || diag_file "$T/log"

printf '# the ABIs we ship\n9.9.0-3-fake\n\n  9.9.0-1-fake  # the oldest\n' >"$T/list"
kpb -a "@$T/list"
[ "$(prepared)" = "9.9.0-3-fake 9.9.0-1-fake" ]
ok $? "-a @FILE: one release a line, comments and blanks ignored" || diag_file "$T/fake.log"
printf '9.9.0-1-fake\n' >"$T/list"
kpb -a "@$T/list" --report "$T/r.json"
[ "$rc" -eq 4 ] && jq -e '.target == "9.9.0-1-fake"' "$T/r.json" >/dev/null && ! grep -q summary "$T/log"
ok $? "a list of one release is a plain build (its own report, no summary)" || diag_file "$T/log"
kpb -a 9.9.0-1-fake -a 9.9.0-2-fake -s "$tree"
[ "$rc" -eq 2 ] && grep -qF 'a kernel tree of your own (-s) is one release' "$T/log"
ok $? "several releases with -s: usage error" || diag_file "$T/log"
# --- --parallel-releases N: up to N at once, the first among them (the
# others would compile only once it has: these builds stop before that);
# the summary, the report and the exit status keep the order of -a
: >"$T/fake.log.events"
kpb --parallel-releases 2 -a 9.9.0-1-fake -a 9.9.0-2-slow -a 9.9.0-broken -a 9.9.0-3-slow \
	-n par --report "$T/r.json"
[ "$rc" -eq 4 ]
ok $? "--parallel-releases 2: exit status of the first release in -a order that failed (4, got $rc)" ||
	diag_file "$T/log"
# release 1 and 2-slow started together; broken only when release 1 had
# ended (2 at a time); 3-slow when broken had, overlapping 2-slow
events=$(paste -sd ' ' "$T/fake.log.events")
starts=$(grep -E '^kpatch-build: release [0-9]/4: .*(\(|FAILED)' "$T/log" |
	sed -E 's/^kpatch-build: release ([0-9])\/4: [^ ]+ (\(|FAILED).*/\1\2/; s/\(/s/; s/FAILED/e/' | paste -sd ' ')
[ "$events" = "start 9.9.0-2-slow start 9.9.0-3-slow end 9.9.0-2-slow end 9.9.0-3-slow" ] &&
	grep -qx 'prepare 9.9.0-1-fake' "$T/fake.log" &&
	grep -qF 'release 1/4: 9.9.0-1-fake (the others compile once it has compiled its objects)' "$T/log" &&
	grep -qF 'release 2/4: 9.9.0-2-slow (started; up to 2 at a time)' "$T/log" &&
	[[ $starts == "1s 2s 1e 3s 3e 4s 2e 4e" ]]
ok $? "two at a time, the first among them (events: $events; starts and ends: $starts)" ||
	{ diag_file "$T/fake.log"; diag_file "$T/log"; }
grep -qF 'release 3/4: 9.9.0-broken FAILED: failed, exit 1 (' "$T/log" &&
	grep -qE '^    .*cannot fetch the packages of this release' "$T/log" &&
	[ -s "$T/cache/logs/par-9.9.0-broken.build.log" ] && [ ! -e "$T/cache/logs/par.build.log" ]
ok $? "a release built in the background: one line when it ends, its last lines when it failed; its log kept as NAME-KREL.build.log" ||
	{ diag_file "$T/log"; diag "$(ls -A "$T/cache/logs" 2>&1)"; }
[ "$(grep -A4 '^kpatch-build: summary (4 releases)' "$T/log" | awk 'NR > 1 { print $1 }' | paste -sd ' ')" = \
	"9.9.0-1-fake 9.9.0-2-slow 9.9.0-broken 9.9.0-3-slow" ] &&
	is_json '.releases | map(.release + "=" + .outcome) | join(" ")' \
		"9.9.0-1-fake=refused 9.9.0-2-slow=refused 9.9.0-broken=failed 9.9.0-3-slow=refused" &&
	[ -z "$(ls -A "$T/out")" ] && [ -z "$(ls -A "$T/tmp")" ]
ok $? "summary and report in -a order whatever order the builds ended in; nothing left behind" ||
	{ diag_file "$T/log"; diag_file "$T/r.json"; diag "$(ls -AR "$T/out" "$T/tmp")"; }
# SIGTERM to the run while two builds run in the background: both stop
# (and clean up), the run exits 143, nothing is left
: >"$T/fake.log.events"
FAKE_LOG=$T/fake.log FAKE_TREE=$tree FAKE_VMLINUX=$T/vmlinux KLPKIT_PROVIDER=$T/provider \
	KLPKIT_CACHE=$T/cache TMPDIR=$T/tmp "$KPB" -o "$T/out" --parallel-releases 2 -a 9.9.0-1-fake \
	-a 9.9.0-4-slow -a 9.9.0-5-slow "$PATCH" >"$T/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '^start' "$T/fake.log.events")" -eq 2 ] && break
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
rc=$?
sleep 3.5	# a build that was not stopped would log its end by now
[ "$rc" -eq 143 ] && ! grep -q '^end' "$T/fake.log.events" && ! grep -q summary "$T/log" &&
	[ -z "$(ls -A "$T/out")" ] && [ -z "$(ls -A "$T/tmp")" ]
ok $? "SIGTERM: the builds in the background are stopped, exit 143, nothing left (events: $(paste -sd ' ' "$T/fake.log.events"))" ||
	{ diag_file "$T/log"; diag "$(ls -AR "$T/out" "$T/tmp")"; }
kpb --parallel-releases 0 -a 9.9.0-1-fake -a 9.9.0-2-fake
[ "$rc" -eq 2 ] && grep -qF -- '--parallel-releases needs a positive number' "$T/log"
ok $? "--parallel-releases 0: usage error" || diag_file "$T/log"
[ "$TAP_FAILED" -eq 0 ]
