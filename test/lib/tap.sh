# shellcheck shell=bash
# Minimal TAP producer for the bash tests run by prove.
TAP_N=0
TAP_FAILED=0

plan() { echo "1..$1"; }

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	local rc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $TAP_N - $*"
	else
		echo "not ok $TAP_N - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
	return "$rc"	# so that "ok $? ... || diag ..." explains a failure
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# skip N REASON: N skipped tests (counted as skipped, never as passed)
skip() {
	local i
	for ((i = 0; i < $1; i++)); do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP $2"
	done
}

# bail REASON [FILE]: the whole file fails with one "not ok" (before any plan)
bail() {
	echo "1..1"
	echo "not ok 1 - $1"
	[ -z "${2:-}" ] || diag_file "$2" 30
	exit 1
}

# shellcheck disable=SC2001
diag() { sed 's/^/# /' <<<"$*"; }

# diag_file FILE [N]: the last N lines of FILE as TAP diagnostics
diag_file() { tail -n "${2:-20}" "$1" | sed 's/^/# /'; }
