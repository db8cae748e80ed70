#!/usr/bin/env bash
# The man pages and --help list the same long options, for every tool
# (kpatch's per-command pages are checked by kpatch-cli.t).
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"

TOOLS=(
	"kpatch-build/kpatch-build:man/kpatch-build.1"
	"create-diff-object/create-diff-object:man/create-diff-object.1"
	"klp-convert/klp-convert:man/klp-convert.1"
)
# option lines of --help: "  -x, --long ..." or "      --long ..."
opts_help() {
	"$TOPDIR/$1" --help 2>&1 | grep -E '^[[:space:]]+(-[[:alnum:]], )?--[a-z]' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u
}
# the OPTIONS section of the page only
opts_man() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$TOPDIR/$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u
}

plan $((${#TOOLS[@]} * 2))
for t in "${TOOLS[@]}"; do
	bin=${t%%:*} man=${t#*:}
	"$TOPDIR/$bin" --help >/dev/null 2>&1
	ok $? "$bin --help exits 0"
	d=$(diff <(opts_help "$bin") <(opts_man "$man"))
	[ -z "$d" ]
	ok $? "$man lists exactly the long options of $(basename "$bin") --help" ||
		diag "< --help only, > man only:"$'\n'"$d"
done
[ "$TAP_FAILED" -eq 0 ]
