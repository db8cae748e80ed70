# shellcheck shell=bash
# Compiling single objects in the target tree with kbuild, recorded once and
# then replayed (sourced by kpatch-build; defines functions only).
#
# "make -C TREE KCFLAGS=… dir/file.o" spends about 1.4 s before it compiles
# anything: the top Makefile runs some forty compiler and tool probes
# ($(shell …) while it is parsed, one after the other) and checks that the
# tree is prepared (objtool, resolve_btfids, scripts).  Then it starts one
# sub-make, "make -f scripts/Makefile.build obj=. need-builtin=1
# need-modorder=1 ./dir/file.o", with everything it computed in that
# sub-make's environment; that sub-make compiles with kbuild's own rules
# (fixdep, objtool, the .cmd file).  The first compile in a tree records
# that sub-make (kbuild-record, given as MAKE); later compiles in the same
# tree, with the same flags and environment, start it directly: the same
# compiler command lines (the .cmd files show them), 0.3 s instead of 1.5.
#
# A record is valid for one key: KCFLAGS, the tree's .config,
# include/config/auto.conf and Makefile (size, mtime) and the environment
# (less what only locates caches or describes the shell).  The caller falls
# back to the full make when the patches touch anything but C sources and
# headers (a Makefile, Kconfig or script change may change what the top
# Makefile computes), and a replay that fails is retried as a full make,
# which records anew.  KLPKIT_KBUILD_REPLAY=0 turns replaying off.
#
#   kbuild_compile [--full] KCFLAGS GOAL...
#                      make GOAL... (objects, relative to TREE) in TREE with
#                      CC_ENV (lib/ccache.sh) and -jJOBS; --full: no replay
#
# Uses kpatch-build's TREE, JOBS, LOG, CC_ENV, KBUILD_RECORD (the path of
# kbuild-record), run and waitfor.  KBUILD_HOW says how the last compile ran
# (replayed, recorded, full).

# shellcheck disable=SC2034 # read by the caller
KBUILD_HOW=''

# volatile environment: not part of a record's key nor of what it sets
_kbuild_volatile() {
	case "${1%%=*}" in
	PWD | OLDPWD | SHLVL | _ | TMPDIR | KLPKIT_* | CCACHE_DIR | DISTCC_* | \
		MAKE | MAKEFLAGS | MFLAGS | MAKELEVEL | MAKEOVERRIDES | MAKE_TERM*) return 0 ;;
	esac
	return 1
}

_kbuild_key() {	# _kbuild_key KCFLAGS: the record's name
	local kv
	{
		echo "klpkit kbuild record 1"
		printf '%s\n' "$1"
		stat -c '%n %s %Y' "$TREE/.config" "$TREE/include/config/auto.conf" "$TREE/Makefile" 2>&1
		while IFS= read -r -d '' kv; do
			_kbuild_volatile "$kv" || printf '%s\0' "$kv"
		done < <(env "${CC_ENV[@]}" env -0 | sort -z)
	} | sha256sum | cut -c1-16
}

kbuild_compile() {	# kbuild_compile [--full] KCFLAGS GOAL...
	local full=0 rec
	[ "$1" != --full ] || { full=1; shift; }
	local kcflags=$1
	shift
	if [ "${KLPKIT_KBUILD_REPLAY:-1}" = 0 ]; then
		KBUILD_HOW=full
		run env "${CC_ENV[@]}" make -C "$TREE" -j"$JOBS" KCFLAGS="$kcflags" "$@" </dev/null
		return
	fi
	rec=$TREE/.klpkit-kbuild/$(_kbuild_key "$kcflags")
	if [ "$full" -eq 0 ] && [ -s "$rec/args" ]; then
		if _kbuild_replay "$rec" "$kcflags" "$@"; then
			KBUILD_HOW=replayed
			return 0
		fi
		echo "kbuild: the recorded sub-make failed; again with the full make" >>"$LOG"
	fi
	_kbuild_record "$rec" "$kcflags" "$@"
}

_kbuild_replay() {	# _kbuild_replay REC KCFLAGS GOAL...
	local rec=$1 kcflags=$2 prefix g v
	shift 2
	local -a args flags set unset envargs=() goals=()
	mapfile -d '' args <"$rec/args"
	mapfile -d '' flags <"$rec/flags"
	mapfile -d '' set <"$rec/set"
	mapfile -d '' unset <"$rec/unset"
	prefix=$(<"$rec/prefix")
	for v in "${unset[@]}"; do envargs+=(-u "$v"); done
	for g; do goals+=("$prefix$g"); done
	echo "kbuild: replaying the sub-make recorded in $rec" >>"$LOG"
	# logged without the ${#set[@]} variables of the record (its file "set")
	echo "+ env -C $(<"$rec/cwd") ${envargs[*]} ${CC_ENV[*]} make ${flags[*]} -j$JOBS KCFLAGS=$kcflags ${args[*]} ${goals[*]}" >>"$LOG"
	waitfor env -C "$(<"$rec/cwd")" "${envargs[@]}" "${CC_ENV[@]}" "${set[@]}" \
		make "${flags[@]}" -j"$JOBS" KCFLAGS="$kcflags" "${args[@]}" "${goals[@]}" </dev/null >>"$LOG" 2>&1 || return 1
	for g; do
		[ -e "$TREE/$g" ] || return 1
	done
}

_kbuild_record() {	# _kbuild_record REC KCFLAGS GOAL...
	local rec=$1 kcflags=$2 rc=0
	shift 2
	local tmp=$rec.new$BASHPID
	rm -rf "$rec" "$tmp"
	mkdir -p "$tmp"
	KBUILD_HOW=full
	env "${CC_ENV[@]}" env -0 >"$tmp/base.env"
	run env "${CC_ENV[@]}" KLPKIT_KBUILD_RECORD="$tmp/sub" \
		make -C "$TREE" -j"$JOBS" MAKE="$KBUILD_RECORD" KCFLAGS="$kcflags" "$@" </dev/null || rc=$?
	if [ "$rc" -eq 0 ] && _kbuild_save "$tmp" "$@"; then
		rm -f "$tmp/base.env" "$tmp"/sub.*
		mv "$tmp" "$rec"
		# shellcheck disable=SC2034 # read by the caller
		KBUILD_HOW=recorded
		echo "kbuild: recorded the sub-make in $rec" >>"$LOG"
		# a few records per tree (other flags, environments)
		find "$TREE/.klpkit-kbuild" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
			sort -rn | tail -n +9 | cut -d' ' -f2- | xargs -r rm -rf
	else
		rm -rf "$tmp"
	fi
	return "$rc"
}

# _kbuild_save TMP GOAL...: TMP/sub.{cwd,args,env} (from kbuild-record) and
# TMP/base.env (the top make's environment) → TMP/{cwd,args,prefix,flags,
# set,unset}; fails when the sub-make's shape is not the expected one
_kbuild_save() {
	local tmp=$1 a g kv prefix='' found=0 mf=''
	shift
	[ -s "$tmp/sub.args" ] && [ -s "$tmp/sub.env" ] || return 1
	local -a sub_args args=() flags=()
	local -A base=() goal=()
	for g; do goal[$g]=1; done
	mapfile -d '' sub_args <"$tmp/sub.args"
	for a in "${sub_args[@]}"; do
		g=${a#./}
		if [ -n "${goal[$g]:-}" ]; then
			[ "$found" -eq 0 ] || [ "${a%"$g"}" = "$prefix" ] || return 1
			prefix=${a%"$g"}
			found=$((found + 1))
		else
			args+=("$a")
		fi
	done
	[ "$found" -eq $# ] || return 1
	printf '%s\0' "${args[@]}" >"$tmp/args"
	printf '%s' "$prefix" >"$tmp/prefix"
	head -c -1 "$tmp/sub.cwd" >"$tmp/cwd"
	while IFS= read -r -d '' kv; do
		base[${kv%%=*}]=${kv#*=}
	done <"$tmp/base.env"
	: >"$tmp/set"
	while IFS= read -r -d '' kv; do
		case "${kv%%=*}" in MAKEFLAGS) mf=${kv#*=} ;; esac
		_kbuild_volatile "$kv" && continue
		if [ -z "${base[${kv%%=*}]+set}" ] || [ "${base[${kv%%=*}]}" != "${kv#*=}" ]; then
			printf '%s\0' "$kv" >>"$tmp/set"
		fi
		unset "base[${kv%%=*}]"
	done <"$tmp/sub.env"
	: >"$tmp/unset"
	for a in "${!base[@]}"; do
		_kbuild_volatile "$a" || printf '%s\0' "$a" >>"$tmp/unset"
	done
	# make's own flags: the words before " -- " (the command line's
	# variables, KCFLAGS and MAKE, are given anew), less the jobserver
	mf=${mf%% -- *}
	mf=${mf%% --}
	case "$mf" in *[\\*?[]*) return 1 ;; esac
	# shellcheck disable=SC2086 # make's flags: words without blanks or quotes
	for a in $mf; do
		case "$a" in
		--jobserver* | -j*) ;;
		-*) flags+=("$a") ;;
		*) flags+=("-$a") ;;
		esac
	done
	: >"$tmp/flags"
	[ ${#flags[@]} -eq 0 ] || printf '%s\0' "${flags[@]}" >"$tmp/flags"
}

# kbuild_replayable FILE...: may the patched objects of patches touching
# FILE... be compiled by the recorded sub-make?  Only C sources that the
# tree's preparation does not compile itself.
kbuild_replayable() {
	local f
	for f; do
		case "$f" in
		scripts/* | tools/* | */asm-offsets*.c | kernel/bounds.c | */vdso/*) return 1 ;;
		*.c) ;;
		*) return 1 ;;
		esac
	done
}
