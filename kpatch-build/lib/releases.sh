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
#   releases_run              build every release in RELEASES (up to
#                             PARALLEL_RELEASES at a time), print the
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

# release_child I [exec setsid]: the build of release I, a kpatch-build of
# its own; its kept logs are named after the release too
# (NAME-KREL.build.log).  In the background it replaces the subshell (its
# pid is $!) and leads a process group of its own, which release_stop_all
# stops whole, the target provider's work included.
release_child() {
	local i=$1
	shift
	local after='' done=''
	if [ "$PARALLEL_RELEASES" -gt 1 ]; then
		# the first's compiles signal the others (compiles_done/_wait)
		if [ "$i" -eq 0 ]; then done=$RELEASE_DIR/0.compiled; else after=$RELEASE_DIR/0.compiled; fi
	fi
	KLPKIT_LOG_TAG=${RELEASES[$i]} KLPKIT_COMPILES_DONE=$done KLPKIT_COMPILE_AFTER=$after \
		"$@" "$SELF" "${PASS_ARGS[@]}" -a "${RELEASES[$i]}" \
		-o "$OUTDIR/${RELEASES[$i]}" --report "$RELEASE_DIR/$i.json" -- "${PATCHES[@]}"
}

release_finish() {	# release_finish I STATUS (started at RELEASE_T0[I])
	RELEASE_RC[$1]=$2
	RELEASE_SECS[$1]=$(elapsed "${RELEASE_T0[$1]}")
	# the first ended: the others waiting for its compiles go on
	[ "$1" -ne 0 ] || [ "$PARALLEL_RELEASES" -le 1 ] || : >"$RELEASE_DIR/0.compiled"
	# an empty release directory is no result
	[ "$2" -eq 0 ] || rmdir "$OUTDIR/${RELEASES[$1]}" 2>/dev/null || true
}

# release_reap: wait for one background build; report it in one line (and
# the last lines of its output when it failed)
release_reap() {
	local pid='' rc=0 i r
	wait -n -p pid "${!RELEASE_PIDS[@]}" || rc=$?
	if [ -z "${pid:-}" ]; then	# a signal, not a build that ended
		[ "$RELEASE_STOP" -eq 0 ] || release_stop_all
		return 0
	fi
	i=${RELEASE_PIDS[$pid]}
	unset "RELEASE_PIDS[$pid]"
	r=${RELEASES[$i]}
	release_finish "$i" "$rc"
	if [ "$rc" -eq 0 ]; then
		say "release $((i + 1))/${#RELEASES[@]}: $r built (${RELEASE_SECS[$i]} s)"
	else
		say "release $((i + 1))/${#RELEASES[@]}: $r FAILED: $(release_outcome "$rc"), exit $rc (${RELEASE_SECS[$i]} s)$(
			[ "$i" -eq 0 ] && echo " (above)" || echo "; its last lines:")"
		# the first release's output was shown as it came
		[ "$i" -eq 0 ] || tail -n 6 "$RELEASE_DIR/$i.log" | sed 's/^/    /' >&2
	fi
}

# release_stop_all: a signal stopped the run: stop the builds, which clean
# up after themselves, then exit with the signal's status
release_stop_all() {
	local pid r
	for pid in "${!RELEASE_PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done
	wait
	for r in "${RELEASES[@]}"; do rmdir "$OUTDIR/$r" 2>/dev/null || true; done
	exit "$RELEASE_STOP"
}

declare -A RELEASE_PIDS=()
declare -a RELEASE_T0=()
RELEASE_DIR='' RELEASE_STOP=0 PARALLEL_RELEASES=1

# releases_build: the builds, one after the other; with --parallel-releases
# N up to N at a time, the first one's output shown as it comes, each
# other's kept until it ends.  The others prepare their targets meanwhile
# but compile only once the first has compiled its objects (its compiles
# fill the compiler cache for them): KLPKIT_COMPILE_AFTER
releases_build() {
	local i r n=${#RELEASES[@]} rc
	for i in "${!RELEASES[@]}"; do
		r=${RELEASES[$i]}
		mkdir -p "$OUTDIR/$r" || die "cannot create $OUTDIR/$r"
		if [ "$i" -eq 0 ] && [ "$PARALLEL_RELEASES" -gt 1 ]; then
			# in the background, its output shown as it comes; the
			# others compile once it has (compiles_wait)
			say "release 1/$n: $r (the others compile once it has compiled its objects)"
			RELEASE_T0[0]=${EPOCHREALTIME/[.,]/}
			release_child 0 exec setsid > >(tee "$RELEASE_DIR/0.log" >&2) 2>&1 &
			RELEASE_PIDS[$!]=0
			continue
		fi
		if [ "$PARALLEL_RELEASES" -le 1 ]; then
			say "release $((i + 1))/$n: $r"
			RELEASE_T0[i]=${EPOCHREALTIME/[.,]/}
			rc=0
			release_child "$i" || rc=$?
			[ "$RELEASE_STOP" -eq 0 ] || exit "$RELEASE_STOP"
			release_finish "$i" "$rc"
			continue
		fi
		while [ ${#RELEASE_PIDS[@]} -ge "$PARALLEL_RELEASES" ]; do release_reap; done
		[ "$RELEASE_STOP" -eq 0 ] || release_stop_all
		say "release $((i + 1))/$n: $r (started; up to $PARALLEL_RELEASES at a time)"
		RELEASE_T0[i]=${EPOCHREALTIME/[.,]/}
		release_child "$i" exec setsid >"$RELEASE_DIR/$i.log" 2>&1 &
		RELEASE_PIDS[$!]=$i
	done
	while [ ${#RELEASE_PIDS[@]} -gt 0 ]; do release_reap; done
}

releases_run() {
	local i r first=0 n=${#RELEASES[@]}
	RELEASE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-releases.XXXXXX")
	# shellcheck disable=SC2064 # the directory is known now
	trap "rm -rf '$RELEASE_DIR'" EXIT
	# a signal reaches a build in the foreground too (same process group):
	# it cleans up, then the run stops; builds in the background are sent
	# SIGTERM (release_stop_all)
	trap 'RELEASE_STOP=130' INT
	trap 'RELEASE_STOP=143' TERM
	releases_build
	for i in "${!RELEASES[@]}"; do
		[ "${RELEASE_RC[$i]}" -eq 0 ] || [ "$first" -ne 0 ] || first=${RELEASE_RC[$i]}
	done
	say "summary ($n releases):"
	for i in "${!RELEASES[@]}"; do
		r=${RELEASES[$i]}
		if [ "${RELEASE_RC[$i]}" -eq 0 ]; then
			printf '  %-32s built    %s (%s s)\n' "$r" "$OUTDIR/$r/$MODNAME.ko" "${RELEASE_SECS[$i]}" >&2
		else
			printf '  %-32s FAILED   %s, exit %s (%s s)%s\n' "$r" "$(release_outcome "${RELEASE_RC[$i]}")" \
				"${RELEASE_RC[$i]}" "${RELEASE_SECS[$i]}" \
				"$(release_reason "$RELEASE_DIR/$i.json")" >&2
		fi
	done
	if [ -n "$REPORT" ]; then
		releases_report "$RELEASE_DIR" || die "writing the report $REPORT failed"
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
