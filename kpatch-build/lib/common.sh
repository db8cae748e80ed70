# shellcheck shell=bash
# Pieces shared by kpatch-build and its target providers (kernel-cache,
# provider-tree): source it, it defines functions and nothing else.
#
#   banner_read FILE [RELEASE]   print the "Linux version ..." banner of a
#                                vmlinux (of RELEASE, when given)
#   banner_parse BANNER          split it: BANNER_RELEASE BANNER_BUILDER
#                                BANNER_COMPILER BANNER_LINKER BANNER_BUILD
#   compiler_compare COMPILER    is the local toolchain the one COMPILER (a
#                                banner's compiler) names? CC_NOTES says why not
#   config_same A B | config_differences A B
#                                do two kernel configs set the same (comments,
#                                order and blank lines aside)? how many
#                                setting lines differ?
#   lock_take FILE [nonblock | WRAPPER...]
#                                an exclusive flock(1) lock on FILE, held until
#                                exit (LOCK_FD); busy: nonblock returns 1,
#                                otherwise lock_waiting FILE (if defined) is
#                                called and WRAPPER flock FD waits for it
#   stamp_set DIR STEP [KEY] | stamp_ok DIR STEP [KEY] | stamp_clear DIR STEP...
#                                DIR/.stamp-STEP: written only after STEP fully
#                                succeeded; with KEY, valid only for that KEY
#   json_str STRING | json_num N | json_null | json_str_array STRING...
#                                JSON values on stdout (strings escaped per
#                                RFC 8259: quote, backslash, control characters)
#   site_lines OBJ...            copy stdin to stdout, adding FILE:LINE to
#                                klp-convert's "FUNC+0xOFF (SEC+0xOFF) takes
#                                the address of" refusals that have none, from
#                                the DWARF of the OBJ defining FUNC (addr2line)

# ---------------------------------------------------------------- the banner

# The banner is linux_banner of init/version.c (init/version-timestamp.c
# since 6.1):
#   Linux version RELEASE (BUILDER) (COMPILER[, LINKER]) BUILD
# e.g. "Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)
# (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian)
# 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)". Before 5.8 the
# toolchain group names only the compiler ("(gcc version 8.5.0 20210514 (Red
# Hat 8.5.0-4) (GCC) )"); groups nest parentheses, so they are matched by
# depth, not by pattern.
banner_read() {	# banner_read FILE [RELEASE]
	local pat='Linux version [^ ()]+ \([[:print:]]*'
	# shellcheck disable=SC2001 # every ERE special character escaped
	[ -z "${2:-}" ] ||
		pat="Linux version $(sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$2") \\([[:print:]]*"
	LC_ALL=C grep -a -o -m1 -E "$pat" "$1" 2>/dev/null | head -n 1 | grep .
}

# _banner_group TEXT: the leading "(...)" group of TEXT (leading blanks
# skipped): its content in _BG, the text after it in _BG_REST
_banner_group() {
	local s=$1 i c depth=0
	s=${s#"${s%%[! ]*}"}
	[ "${s:0:1}" = '(' ] || return 1
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		'(') depth=$((depth + 1)) ;;
		')')
			depth=$((depth - 1))
			if [ "$depth" -eq 0 ]; then
				_BG=${s:1:i-1}
				_BG_REST=${s:i+1}
				return 0
			fi ;;
		esac
	done
	return 1
}

# shellcheck disable=SC2034 # BANNER_* are the results, for the caller
banner_parse() {	# banner_parse BANNER: 1 if it is not a banner
	local b=$1 tc i c depth=0
	BANNER_RELEASE='' BANNER_BUILDER='' BANNER_COMPILER='' BANNER_LINKER='' BANNER_BUILD=''
	[[ "$b" =~ ^Linux\ version\ ([^ ]+)\ (.*)$ ]] || return 1
	BANNER_RELEASE=${BASH_REMATCH[1]}
	_banner_group "${BASH_REMATCH[2]}" || return 1
	BANNER_BUILDER=$_BG
	_banner_group "$_BG_REST" || return 1
	tc=$_BG
	BANNER_BUILD=${_BG_REST# }
	# "COMPILER, LINKER": the first ", " outside parentheses
	BANNER_COMPILER=$tc
	for ((i = 0; i < ${#tc}; i++)); do
		c=${tc:i:1}
		case "$c" in
		'(') depth=$((depth + 1)) ;;
		')') depth=$((depth - 1)) ;;
		,)
			if [ "$depth" -eq 0 ] && [ "${tc:i+1:1}" = ' ' ]; then
				BANNER_COMPILER=${tc:0:i}
				BANNER_LINKER=${tc:i+2}
				break
			fi ;;
		esac
	done
	BANNER_COMPILER=${BANNER_COMPILER%"${BANNER_COMPILER##*[! ]}"}
	BANNER_LINKER=${BANNER_LINKER%"${BANNER_LINKER##*[! ]}"}
	return 0
}

# ---------------------------------------------------------------- compiler

# compiler_compare COMPILER: 0 when the compiler COMPILER names (the
# banner's, e.g. "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0") prints exactly
# that as the first line of --version, and the local "gcc" (what tools call)
# is the same version.  Otherwise 1, with the reasons in CC_NOTES.  Sets
# CC_PROG (the program the banner names), CC_LOCAL and CC_LOCAL_GCC.
CC_NOTES=() CC_PROG='' CC_LOCAL='' CC_LOCAL_GCC=''
compiler_compare() {
	local want=$1
	CC_NOTES=()
	CC_PROG=${want%% *}
	CC_LOCAL=$("$CC_PROG" --version 2>/dev/null | head -n 1 || true)
	CC_LOCAL_GCC=$(gcc --version 2>/dev/null | head -n 1 || true)
	if [ -z "$want" ]; then
		CC_NOTES+=("the kernel's banner names no compiler")
		return 1
	fi
	[ "$CC_LOCAL" = "$want" ] ||
		CC_NOTES+=("the kernel was built with '$want' but the local '$CC_PROG' is '${CC_LOCAL:-missing}'")
	[ "${CC_LOCAL_GCC#* }" = "${want#* }" ] ||
		CC_NOTES+=("the kernel was built with '$want' but the local 'gcc' is '${CC_LOCAL_GCC:-missing}'")
	[ ${#CC_NOTES[@]} -eq 0 ]
}

# ---------------------------------------------------------------- config

_config_settings() { grep '^CONFIG_' "$1" | LC_ALL=C sort; }

config_differences() {	# config_differences A B: setting lines in one only
	diff <(_config_settings "$1") <(_config_settings "$2") | grep -c '^[<>]' || true
}

config_same() { [ "$(config_differences "$1" "$2")" -eq 0 ]; }

# ---------------------------------------------------------------- locks

LOCK_FD=''
lock_take() {	# lock_take FILE [nonblock | WRAPPER...]
	local file=$1
	shift
	exec {LOCK_FD}>>"$file" || return 1
	flock -n "$LOCK_FD" && return 0
	[ "${1:-}" != nonblock ] || return 1
	! declare -F lock_waiting >/dev/null || lock_waiting "$file"
	"$@" flock "$LOCK_FD"
}

# ---------------------------------------------------------------- stamps

stamp_set() {	# stamp_set DIR STEP [KEY]
	printf '%s\n' "${3:-}" >"$1/.stamp-$2.tmp" && mv -f "$1/.stamp-$2.tmp" "$1/.stamp-$2"
}

stamp_ok() {	# stamp_ok DIR STEP [KEY]
	[ -f "$1/.stamp-$2" ] || return 1
	[ $# -ge 3 ] || return 0
	[ "$(cat "$1/.stamp-$2")" = "$3" ]
}

stamp_clear() {	# stamp_clear DIR STEP...
	local d=$1 s
	shift
	for s in "$@"; do rm -f "$d/.stamp-$s"; done
}

# ---------------------------------------------------------------- JSON

json_str() {	# json_str STRING: a JSON string (UTF-8 passes through)
	local s=$1 out='' c i
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\r'/\\r}
	s=${s//$'\t'/\\t}
	s=${s//$'\b'/\\b}
	s=${s//$'\f'/\\f}
	if [[ "$s" == *[$'\x01'-$'\x1f'$'\x7f']* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			case "$c" in
			[$'\x01'-$'\x1f'$'\x7f']) printf -v c '\\u%04x' "'$c" ;;
			esac
			out+=$c
		done
		s=$out
	fi
	printf '"%s"' "$s"
}

json_num() {	# json_num N: a number, or null when N is not one
	if [[ "$1" =~ ^-?(0|[1-9][0-9]*)(\.[0-9]+)?$ ]]; then
		printf '%s' "$1"
	else
		json_null
	fi
}

json_null() { printf 'null'; }

json_str_array() {	# json_str_array STRING...: ["...", ...]
	local s sep=''
	printf '['
	for s in "$@"; do
		printf '%s' "$sep"
		json_str "$s"
		sep=', '
	done
	printf ']'
}

# ---------------------------------------------------------------- source lines

# _site_line FUNC OFF OBJ...: FILE:LINE of FUNC+OFF in the first OBJ that
# defines function FUNC (its patched object, built with debug info)
_site_line() {
	local fn=$1 off=$2 o val ndx sec where
	shift 2
	for o; do
		read -r val ndx < <(readelf -sW "$o" 2>/dev/null |
			awk -v f="$fn" '$8 == f && $4 == "FUNC" && $7 ~ /^[0-9]+$/ { print $2, $7; exit }')
		[ -n "${ndx:-}" ] || continue
		sec=$(readelf -SW "$o" | sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p")
		where=$(addr2line -e "$o" -j "$sec" "$(printf '0x%x' $((0x$val + 0x$off)))" 2>/dev/null)
		where=${where%% (discriminator*}
		case $where in
		'' | '??'* | *':?' | *':0') continue ;;
		esac
		printf '%s' "$where"
		return 0
	done
	return 1
}

site_lines() {	# site_lines OBJ...: stdin to stdout, refusals with their line
	local line where
	local re='^(.*: error: )([A-Za-z0-9_.$]+)\+0x([0-9a-f]+) \(([^ ,()]+\+0x[0-9a-f]+)\)( takes the address of .*)$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]] &&
			where=$(_site_line "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "$@"); then
			line="${BASH_REMATCH[1]}${BASH_REMATCH[2]}+0x${BASH_REMATCH[3]} (${BASH_REMATCH[4]}, in $where)${BASH_REMATCH[5]}"
		fi
		printf '%s\n' "$line"
	done
}
