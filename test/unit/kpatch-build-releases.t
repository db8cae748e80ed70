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
plan 14

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
[ "$TAP_FAILED" -eq 0 ]
