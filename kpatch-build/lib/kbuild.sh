# shellcheck shell=bash
# Running kbuild in the target tree, recorded once and then replayed
# (sourced by kpatch-build; defines functions only).
#
# "make -C TREE KCFLAGS=… dir/file.o" spends about 1.4 s before it compiles
# anything, and "make -C TREE M=DIR modules" about 1 s: the top Makefile runs
# some forty compiler and tool probes ($(shell …) while it is parsed, one
# after the other) and, for objects, checks that the tree is prepared
# (objtool, resolve_btfids, scripts).  Then it starts its sub-makes with
# everything it computed in their environment: for objects one, "make -f
# scripts/Makefile.build obj=. need-builtin=1 need-modorder=1 ./dir/file.o";
# for an external module three, Makefile.build for DIR, Makefile.modpost and
# Makefile.modfinal.  Those compile and link with kbuild's own rules (fixdep,
# objtool, the .cmd files, modpost).  The first run of a kind in a tree
# records its sub-makes (kbuild-record, given as MAKE); later runs with the
# same key start them directly: the same command lines (the .cmd files show
# them), 0.3 s instead of 1.5.
#
# A record is valid for one key: the tree's path, the kind, the variables
# that locate it (KCFLAGS; M), the tree's .config, include/config/auto.conf
# and Makefile, the compiler and linker on PATH (size, mtime) and the
# environment (less what only locates caches or describes the shell).  The other variables of the command line are given
# to the replayed sub-makes anew.  The caller falls back to the full make
# when the patches touch anything but C sources (a Makefile, Kconfig or
# header change may change what the top Makefile computes or prepares), and
# a replay that fails is retried as a full make, which records anew.
# KLPKIT_KBUILD_REPLAY=0 turns replaying off.
#
#   kbuild_compile [--full] KCFLAGS GOAL...
#                      make GOAL... (objects, relative to TREE) in TREE with
#                      KCFLAGS; --full: no replay
#   kbuild_module DIR VAR=VALUE...
#                      make M=DIR VAR=VALUE... modules in TREE (DIR: a path
#                      that stays the same from build to build)
#   kbuild_replayable FILE...
#                      may the patched objects of patches touching FILE...
#                      be compiled by a replay?
#
# Both run with CC_ENV (lib/ccache.sh) and -jJOBS.  Uses kpatch-build's
# TREE, JOBS, LOG, CC_ENV, KBUILD_RECORD (the path of kbuild-record), run
# and waitfor.  KBUILD_HOW says how the last one ran (replayed, recorded,
# full).

# shellcheck disable=SC2034 # read by the caller
KBUILD_HOW=''

# volatile environment: not part of a record's key nor of what it sets
_kbuild_volatile() {
	case "${1%%=*}" in
	PWD | OLDPWD | SHLVL | _ | TMPDIR | KLPKIT_* | CCACHE_DIR | CCACHE_STATSLOG | DISTCC_* | \
		MAKE | MAKEFLAGS | MFLAGS | MAKELEVEL | MAKEOVERRIDES | MAKE_TERM*) return 0 ;;
	esac
	return 1
}

_kbuild_key() {	# _kbuild_key KIND KEYVAR...: the record's name
	local kv
	{
		echo "klpkit kbuild record 2"
		printf '%s\n' "$TREE" "$@"
		stat -c '%n %s %Y' "$TREE/.config" "$TREE/include/config/auto.conf" "$TREE/Makefile" 2>&1
		# the toolchain the probes asked (an upgrade may answer otherwise)
		{ type -P gcc gcc-12 ld as || true; } | xargs -r -d '\n' stat -L -c '%n %s %Y' 2>&1
		while IFS= read -r -d '' kv; do
			_kbuild_volatile "$kv" || printf '%s\0' "$kv"
		done < <(env "${CC_ENV[@]}" env -0 | sort -z)
	} | sha256sum | cut -c1-16
}

kbuild_compile() {	# kbuild_compile [--full] KCFLAGS GOAL...
	local full=0
	[ "$1" != --full ] || { full=1; shift; }
	local kcflags=$1
	shift
	_kbuild_make compile "$full" "KCFLAGS=$kcflags" -- "$@"
}

kbuild_module() {	# kbuild_module DIR VAR=VALUE...
	local dir=$1
	shift
	_kbuild_make module 0 "M=$dir" -- "$@" modules
}

# _kbuild_make KIND FULL KEYVAR... -- ARG...: make -C TREE KEYVAR... ARG...,
# replayed when FULL is 0 and a record of the key exists
_kbuild_make() {
	local kind=$1 full=$2 rec
	shift 2
	# the command line, for the functions below
	local -a KEYVARS_=() ARGS_ VARS GOALS_
	while [ "$1" != -- ]; do
		KEYVARS_+=("$1")
		shift
	done
	shift
	ARGS_=("$@")
	_kbuild_split "$@"
	if [ "${KLPKIT_KBUILD_REPLAY:-1}" = 0 ]; then
		KBUILD_HOW=full
		run env "${CC_ENV[@]}" make -C "$TREE" -j"$JOBS" "${KEYVARS_[@]}" "$@" </dev/null
		return
	fi
	rec=$TREE/.klpkit-kbuild/$(_kbuild_key "$kind" "${KEYVARS_[@]}")
	if [ "$full" -eq 0 ] && [ -s "$rec/0/args" ]; then
		if _kbuild_replay "$rec" "$kind"; then
			KBUILD_HOW=replayed
			return 0
		fi
		echo "kbuild: the recorded sub-make failed; again with the full make" >>"$LOG"
	fi
	_kbuild_record "$rec" "$kind"
}

# _kbuild_split ARG...: the variables (VAR=VALUE) of a command line in VARS,
# the goals in GOALS_ (_kbuild_make's)
_kbuild_split() {
	local a
	VARS=() GOALS_=()
	for a; do
		case "$a" in
		*=*) VARS+=("$a") ;;
		*) GOALS_+=("$a") ;;
		esac
	done
}

# _kbuild_replay REC KIND: _kbuild_make's command line (KEYVARS_, VARS,
# GOALS_) by the sub-makes recorded in REC
_kbuild_replay() {
	local rec=$1 kind=$2 d g v i
	local -a args flags set unset envargs goals
	echo "kbuild: replaying the sub-makes recorded in $rec" >>"$LOG"
	for ((i = 0; ; i++)); do
		d=$rec/$i
		[ -s "$d/args" ] || break
		mapfile -d '' args <"$d/args"
		mapfile -d '' flags <"$d/flags"
		mapfile -d '' set <"$d/set"
		mapfile -d '' unset <"$d/unset"
		envargs=() goals=()
		for v in "${unset[@]}"; do envargs+=(-u "$v"); done
		if [ -e "$d/prefix" ]; then
			for g in "${GOALS_[@]}"; do goals+=("$(<"$d/prefix")$g"); done
		fi
		# logged without the ${#set[@]} variables of the record (its file "set")
		echo "+ env -C $(<"$d/cwd") ${envargs[*]} ${CC_ENV[*]} make ${flags[*]} -j$JOBS ${KEYVARS_[*]} ${VARS[*]} ${args[*]} ${goals[*]}" >>"$LOG"
		waitfor env -C "$(<"$d/cwd")" "${envargs[@]}" "${CC_ENV[@]}" "${set[@]}" \
			make "${flags[@]}" -j"$JOBS" "${KEYVARS_[@]}" "${VARS[@]}" "${args[@]}" "${goals[@]}" \
			</dev/null >>"$LOG" 2>&1 || return 1
	done
	[ "$i" -gt 0 ] || return 1
	if [ "$kind" = compile ]; then
		for g in "${GOALS_[@]}"; do
			[ -e "$TREE/$g" ] || return 1
		done
	fi
}

# _kbuild_record REC KIND: _kbuild_make's command line (KEYVARS_, ARGS_) by
# kbuild's full make, its sub-makes recorded in REC
_kbuild_record() {
	local rec=$1 kind=$2 rc=0
	local tmp=$rec.new$BASHPID
	rm -rf "$rec" "$tmp"
	mkdir -p "$tmp"
	KBUILD_HOW=full
	env "${CC_ENV[@]}" env -0 >"$tmp/base.env"
	run env "${CC_ENV[@]}" KLPKIT_KBUILD_RECORD="$tmp/sub" \
		make -C "$TREE" -j"$JOBS" MAKE="$KBUILD_RECORD" "${KEYVARS_[@]}" "${ARGS_[@]}" </dev/null || rc=$?
	if [ "$rc" -eq 0 ] && _kbuild_save "$tmp" "$kind"; then
		rm -rf "$tmp/base.env" "$tmp"/sub.*
		mv "$tmp" "$rec"
		# shellcheck disable=SC2034 # read by the caller
		KBUILD_HOW=recorded
		echo "kbuild: recorded the sub-makes in $rec" >>"$LOG"
		# a few records per tree (other kinds, flags, environments)
		find "$TREE/.klpkit-kbuild" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
			sort -rn | tail -n +9 | cut -d' ' -f2- | xargs -r rm -rf
	else
		rm -rf "$tmp"
	fi
	return "$rc"
}

# _kbuild_save TMP KIND: TMP/sub.N/{level,cwd,args,env}
# (from kbuild-record: every sub-make, in the order they started) and
# TMP/base.env (the top make's environment) → TMP/0, TMP/1, ... each with
# cwd, args, flags, set, unset (and prefix: the one given the goals).  A
# compile keeps the first single-goal sub-make ("need-builtin=1
# need-modorder=1"; 6.12's top Makefile starts itself once more first); a
# module build the first Makefile.build run and every other sub-make of its
# level, which must be Makefile.modpost and Makefile.modfinal runs.  Fails
# when the sub-makes are not of that shape.
_kbuild_save() {
	local tmp=$1 kind=$2 d a n=0 level='' l
	local -a sub_args
	# for _kbuild_save_one: the top make's environment, the command line's
	# variables (_kbuild_make's: given anew on replay) and goals
	local -A base=() given=() goal=()
	for a in "${KEYVARS_[@]}" "${VARS[@]}"; do given[${a%%=*}]=1; done
	for a in "${GOALS_[@]}"; do goal[$a]=1; done
	while IFS= read -r -d '' a; do
		base[${a%%=*}]=${a#*=}
	done <"$tmp/base.env"
	for d in $(find "$tmp" -maxdepth 1 -name 'sub.*' -printf '%f\n' | sort -t. -k2 -n); do
		d=$tmp/$d
		[ -s "$d/args" ] && [ -s "$d/env" ] && [ -s "$d/level" ] || return 1
		l=$(<"$d/level")
		mapfile -d '' sub_args <"$d/args"
		case "$kind" in
		compile)
			case " ${sub_args[*]} " in *" need-builtin=1 need-modorder=1 "*) ;; *) continue ;; esac
			[ "$n" -eq 0 ] || break
			;;
		module)
			if [ -z "$level" ]; then
				case "${sub_args[*]}" in "-f "*/scripts/Makefile.build\ obj=*) level=$l ;; *) continue ;; esac
			fi
			[ "$l" = "$level" ] || continue
			case "${sub_args[*]}" in
			"-f "*/scripts/Makefile.build\ obj=* | "-f "*/scripts/Makefile.modpost* | \
				"-f "*/scripts/Makefile.modfinal*) ;;
			*) return 1 ;;
			esac
			;;
		esac
		mkdir "$tmp/$n"
		_kbuild_save_one "$d" "$tmp/$n" "$kind" || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# _kbuild_save_one SUB OUT KIND: one recorded sub-make; uses _kbuild_save's
# base, given and goal
_kbuild_save_one() {
	local sub=$1 out=$2 kind=$3 a g kv prefix='' found=0 mf='' k
	local -a sub_args args=() flags=()
	local -A seen=()
	mapfile -d '' sub_args <"$sub/args"
	for a in "${sub_args[@]}"; do
		g=${a#./}
		if [ "$kind" = compile ] && [ -n "${goal[$g]:-}" ]; then
			[ "$found" -eq 0 ] || [ "${a%"$g"}" = "$prefix" ] || return 1
			prefix=${a%"$g"}
			found=$((found + 1))
		else
			args+=("$a")
		fi
	done
	if [ "$kind" = compile ]; then
		[ "$found" -eq ${#GOALS_[@]} ] || return 1
		printf '%s' "$prefix" >"$out/prefix"
	fi
	printf '%s\0' "${args[@]}" >"$out/args"
	head -c -1 "$sub/cwd" >"$out/cwd"
	: >"$out/set"
	while IFS= read -r -d '' kv; do
		k=${kv%%=*}
		[ "$k" != MAKEFLAGS ] || mf=${kv#*=}
		seen[$k]=1
		_kbuild_volatile "$kv" && continue
		[ -z "${given[$k]:-}" ] || continue
		if [ -z "${base[$k]+set}" ] || [ "${base[$k]}" != "${kv#*=}" ]; then
			printf '%s\0' "$kv" >>"$out/set"
		fi
	done <"$sub/env"
	: >"$out/unset"
	for k in "${!base[@]}"; do
		[ -n "${seen[$k]:-}" ] || _kbuild_volatile "$k" || printf '%s\0' "$k" >>"$out/unset"
	done
	# make's own flags: the words before " -- " (the command line's
	# variables are given anew), less the jobserver
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
	: >"$out/flags"
	[ ${#flags[@]} -eq 0 ] || printf '%s\0' "${flags[@]}" >"$out/flags"
}

# kbuild_replayable FILE...: only C sources that the tree's preparation does
# not compile itself
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
