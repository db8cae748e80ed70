#!/usr/bin/env bash
# The libFuzzer harnesses of test/fuzz (ASan + UBSan + LeakSanitizer):
# every committed crash input replays without a finding, then each harness
# fuzzes a few seconds from seeds generated now (gcc fixtures, klp-convert
# fixtures, real kernel objects when the test objects are already built).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
RUN=$TOPDIR/test/fuzz/run
SECONDS_EACH=${KLPKIT_FUZZ_SMOKE_SECONDS:-5}
HARNESSES=(fuzz-kelf fuzz-cdo fuzz-klpc)

command -v clang >/dev/null || skip_all "clang is not installed (make deps)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plan $((2 + ${#HARNESSES[@]} * 2))
mkdir -p "$TOPDIR/test/fuzz/build"
flock "$TOPDIR/test/fuzz/build/.lock" make -s -C "$TOPDIR/test/fuzz" >"$work/build.log" 2>&1
ok $? "the harnesses build (clang -fsanitize=fuzzer,address,undefined)" || diag_file "$work/build.log"
"$RUN" --work "$work/w" --replay-only >"$work/replay.log" 2>&1
replay_rc=$?
"$RUN" --work "$work/w" --reuse --seconds "$SECONDS_EACH" >"$work/fuzz.log" 2>&1
for h in "${HARNESSES[@]}"; do
	n=$(find "$TOPDIR/test/fuzz/crashes/$h" -type f 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		[ "$replay_rc" -eq 0 ]
	else
		grep -qF "fuzz: $h: $n crash input(s) replay cleanly" "$work/replay.log"
	fi
	ok $? "$h: $n committed crash input(s) replay without a finding" || diag_file "$work/replay.log"
	stats=$(sed -n "s/^fuzz: $h: \([0-9]* executions.*\)/\1/p" "$work/fuzz.log")
	[ -n "$stats" ] && ! grep -qF "fuzz: $h: FOUND" "$work/fuzz.log"
	ok $? "$h: ${SECONDS_EACH}s of fuzzing found nothing (${stats:-no statistics})" ||
		{ diag_file "$work/fuzz.log"; diag_file "$work/w/$h.log"; }
done
# the file size limit works: with 1 KiB, even writing the seed to the
# scratch file stops with SIGXFSZ, which libFuzzer reports
FUZZ_MAX_OUTPUT=1024 FUZZ_TMPDIR=$work "$TOPDIR/test/fuzz/fuzz-kelf" -runs=1 \
	"$work/w/seeds/fuzz-kelf/objects.o" >"$work/limit.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -qF 'libFuzzer: file size exceeded' "$work/limit.log"
ok $? "a file over the size limit (RLIMIT_FSIZE) is a finding (exit $rc)" || diag_file "$work/limit.log"
[ "$TAP_FAILED" -eq 0 ]
