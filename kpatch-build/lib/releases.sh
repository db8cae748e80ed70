# shellcheck shell=bash
# Several target releases in one kpatch-build run (sourced by kpatch-build;
# defines functions only).  -a may be given several times, as a range
# "-a FIRST..LAST" (every release the provider offers between the two whose
# name has the same shape: the digits aside, 6.1.0-50-amd64..6.1.0-57-amd64
# are the amd64 ABIs, not the cloud ones) or as "-a @FILE" (one release a
# line, '#' comments).  Each release is one kpatch-build of its own (same
# options; -o OUTDIR/KREL), so a patch that does not apply to one release
# is that release's failure only.  The compiler cache (lib/ccache.sh)
# shares the compiles the releases have in common.
#
#   releases_expand SPEC...   the releases the -a values name, one a line
#   releases_run              build every release in RELEASES, print the
#                             summary, write the report (--report), exit:
#                             0 if every release built, else the status of
#                             the first that did not

declare -a RELEASES=() RELEASE_RC=() RELEASE_SECS=()

# the shape of a release name: its digit runs replaced by '#'
# shellcheck disable=SC2001 # digit runs, not digits
release_shape() { sed 's/[0-9]\+/#/g' <<<"$1"; }

releases_range() {	# releases_range FIRST LAST
	local first=$1 last=$2 all shape
	shape=$(release_shape "$first")
	[ "$(release_shape "$last")" = "$shape" ] ||
		die "$E_USAGE" "-a $first..$last: the two ends name different kinds of release (flavour or series differ)"
	all=$(provider releases) || provider_failed $? "list the releases the target provider offers (for -a $first..$last)"
	printf '%s\n' "$all" "$first" "$last" | sort -uV |
		awk -v s="$shape" -v f="$first" -v l="$last" '
			{ k = $0; gsub(/[0-9]+/, "#", k) }
			$0 == f { on = 1 }
			on && k == s { print }
			$0 == l { exit }'
}

releases_expand() {	# releases_expand SPEC...
	local spec line
	for spec in "$@"; do
		case "$spec" in
		@*)
			[ -r "${spec#@}" ] || die "$E_USAGE" "-a $spec: cannot read the release list ${spec#@}"
			while read -r line; do
				line=${line%%#*}
				line=${line//[[:space:]]/}
				[ -z "$line" ] || echo "$line"
			done <"${spec#@}" ;;
		?*..?*) releases_range "${spec%%..*}" "${spec#*..}" ;;
		*) echo "$spec" ;;
		esac
	done
}

# the outcome of an exit status, in words (the report's "outcome")
release_outcome() {
	case $1 in
	0) echo built ;;
	"$E_USAGE") echo usage ;;
	"$E_NOCHANGE") echo "no change" ;;
	"$E_REFUSED") echo refused ;;
	"$E_NOTBUILT") echo "not built" ;;
	"$E_UNVERIFIED") echo "not verified" ;;
	*) echo failed ;;
	esac
}

releases_report() {	# releases_report DIR: the combined report from DIR/KREL.json
	local dir=$1 i r entries=()
	for i in "${!RELEASES[@]}"; do
		r=${RELEASES[$i]}
		[ -s "$dir/$i.json" ] || echo null >"$dir/$i.json"
		entries+=("$(jq -c --arg r "$r" --argjson rc "${RELEASE_RC[$i]}" \
			--arg o "$(release_outcome "${RELEASE_RC[$i]}")" --argjson s "${RELEASE_SECS[$i]}" \
			--arg m "$OUTDIR/$r/$MODNAME.ko" '
			{release: $r, outcome: $o, exit_code: $rc, seconds: $s,
			 module: (if $rc == 0 then $m else null end),
			 changed_functions: ([.objects[]?.diff.changed_functions[]?.name] | unique),
			 verified: (if type == "object" and has("verified") then .verified else null end),
			 deb: (if type == "object" then .deb else null end),
			 report: .}' "$dir/$i.json")") || return 1
	done
	printf '%s\n' "${entries[@]}" | jq -s --arg name "$MODNAME" '
		{module: $name, releases: ., built: (map(select(.exit_code == 0)) | length),
		 failed: (map(select(.exit_code != 0)) | length)}' >"$REPORT.tmp" &&
		mv "$REPORT.tmp" "$REPORT"
}

releases_run() {
	local dir i r rc t0 first=0 n=${#RELEASES[@]} stop=0
	dir=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-releases.XXXXXX")
	# shellcheck disable=SC2064 # the directory is known now
	trap "rm -rf '$dir'" EXIT
	# a signal reaches the running build too (same process group): it
	# cleans up, then this loop stops
	trap 'stop=130' INT
	trap 'stop=143' TERM
	for i in "${!RELEASES[@]}"; do
		r=${RELEASES[$i]}
		say "release $((i + 1))/$n: $r"
		mkdir -p "$OUTDIR/$r" || die "cannot create $OUTDIR/$r"
		t0=${EPOCHREALTIME/[.,]/}
		rc=0
		"$SELF" "${PASS_ARGS[@]}" -a "$r" -o "$OUTDIR/$r" --report "$dir/$i.json" \
			-- "${PATCHES[@]}" || rc=$?
		[ "$stop" -eq 0 ] || exit "$stop"
		RELEASE_RC+=("$rc")
		RELEASE_SECS+=("$(elapsed "$t0")")
		[ "$rc" -eq 0 ] || [ "$first" -ne 0 ] || first=$rc
		# an empty release directory is no result
		[ "$rc" -eq 0 ] || rmdir "$OUTDIR/$r" 2>/dev/null || true
	done
	say "summary ($n releases):"
	for i in "${!RELEASES[@]}"; do
		r=${RELEASES[$i]}
		if [ "${RELEASE_RC[$i]}" -eq 0 ]; then
			printf '  %-32s built    %s (%s s)\n' "$r" "$OUTDIR/$r/$MODNAME.ko" "${RELEASE_SECS[$i]}" >&2
		else
			printf '  %-32s FAILED   %s, exit %s (%s s)%s\n' "$r" "$(release_outcome "${RELEASE_RC[$i]}")" \
				"${RELEASE_RC[$i]}" "${RELEASE_SECS[$i]}" \
				"$(release_reason "$dir/$i.json")" >&2
		fi
	done
	if [ -n "$REPORT" ]; then
		releases_report "$dir" || die "writing the report $REPORT failed"
	fi
	exit "$first"
}

# release_reason REPORT: ": the first error or refusal" of a release's report
release_reason() {
	local why
	why=$(jq -r 'first(.objects[]?.diff | (.refusals[]?, .errors[]?) | tostring) // .error // .verify_reason // empty' \
		"$1" 2>/dev/null) || why=''
	[ -z "$why" ] || printf ': %s' "${why:0:160}"
}
