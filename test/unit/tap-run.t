#!/usr/bin/env bash
# The closing line of the test runner (scripts/tap-run) on synthetic TAP:
# skips are skipped, failing TODOs are known failures (skipped, listed),
# a file that skips entirely still appears, every failure counts once, and
# broken files (no plan, missing tests, a crash after passing tests) fail.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
RUN=$TOPDIR/scripts/tap-run

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# t NAME EXIT LINES...: a test file printing LINES and exiting with EXIT
t() {
	local f=$work/$1.t code=$2
	shift 2
	{
		echo '#!/bin/sh'
		printf "echo '%s'\n" "$@"
		echo "exit $code"
	} >"$f"
	chmod +x "$f"
}
t pass 0 1..3 'ok 1 - a' 'ok 2 - b' 'ok 3 - c'
t skipall 0 '1..0 # SKIP no kernel here'
t skipone 0 1..2 'ok 1 - a' 'ok 2 - b # SKIP not today'
t todofail 0 1..2 'ok 1 - a' 'not ok 2 - b # TODO known bug'
t todopass 0 1..1 'ok 1 - a # TODO fixed meanwhile'
t fail 1 1..3 'ok 1 - a' 'not ok 2 - b' 'ok 3 - c'
t twofail 1 1..2 'not ok 1 - a' 'not ok 2 - b'
t died 1 1..5 'ok 1 - a' 'not ok 2 - b' 'ok 3 - c'
t noplan 1 'ok 1 - a' 'ok 2 - b'
t exitonly 1 1..2 'ok 1 - a' 'ok 2 - b'
t skipall-crash 2 '1..0 # SKIP but then crashes'
t noexec 0 1..1 'ok 1 - a'
chmod -x "$work/noexec.t"

# expect FILES... -- LINE RC [GREP...]: the closing line, the exit status and
# more lines the summary must contain
expect() {
	local files=() want rc got status g
	while [ "$1" != -- ]; do files+=("$work/$1.t"); shift; done
	shift
	want=$1 rc=$2
	shift 2
	"$RUN" --quiet "${files[@]}" >"$work/out" 2>&1
	status=$?
	got=$(tail -n 1 "$work/out")
	[ "$got" = "$want" ] && [ "$status" -eq "$rc" ]
	ok $? "${files[*]##*/}: '$want', exit $rc (got '$got', exit $status)" || diag_file "$work/out"
	for g in "$@"; do
		grep -qF -- "$g" "$work/out"
		ok $? "  ... and says '$g'" || diag_file "$work/out"
	done
}

plan 22
expect pass -- '3 passed, 0 failed, 0 skipped' 0
expect skipall -- '0 passed, 0 failed, 1 skipped' 0 'skipped file:' 'no kernel here'
expect skipone -- '1 passed, 0 failed, 1 skipped' 0
expect todofail -- '1 passed, 0 failed, 1 skipped' 0 'known failure (TODO):'
expect todopass -- '1 passed, 0 failed, 0 skipped' 0 'unexpectedly passing TODO'
expect fail -- '2 passed, 1 failed, 0 skipped' 1
expect twofail -- '0 passed, 2 failed, 0 skipped' 1
expect died -- '2 passed, 3 failed, 0 skipped' 1 'planned 5 tests but ran 3'
expect noplan -- '2 passed, 1 failed, 0 skipped' 1 'No plan found'
expect exitonly -- '2 passed, 1 failed, 0 skipped' 1 'but no test failed'
expect skipall-crash -- '0 passed, 1 failed, 1 skipped' 1
expect noexec pass -- '3 passed, 1 failed, 0 skipped' 1 'No plan found'
expect pass skipall skipone todofail fail died -- '9 passed, 4 failed, 3 skipped' 1
# streaming: the file's second test passes only if its first line reached
# the runner's output while the file was still running
cat >"$work/stream.t" <<EOF
#!/bin/sh
echo 1..2
echo "ok 1 - first"
i=0
while [ ! -e "$work/flag" ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i + 1)); done
if [ -e "$work/flag" ]; then echo "ok 2 - streamed"; else echo "not ok 2 - not streamed"; fi
EOF
chmod +x "$work/stream.t"
"$RUN" "$work/stream.t" >"$work/out" 2>&1 &
for _ in $(seq 1 60); do
	grep -q '^ok 1 - first' "$work/out" && { touch "$work/flag"; break; }
	sleep 0.2
done
wait
[ "$(tail -n 1 "$work/out")" = "2 passed, 0 failed, 0 skipped" ]
ok $? "without --quiet every test line is shown as soon as the file prints it" || diag_file "$work/out"
[ "$TAP_FAILED" -eq 0 ]
