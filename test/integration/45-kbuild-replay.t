#!/usr/bin/env bash
# Compiling by replaying kbuild's recorded sub-makes (kpatch-build/lib/kbuild.sh):
# the first build with a new record key (here: a variable of the environment
# no other test sets) records the sub-make during its original compile and
# replays it for the patched one, and records the module build's; the next
# build replays all three; a build with KLPKIT_KBUILD_REPLAY=0 runs kbuild's
# full make.  The objects, the patch module and the compiler command lines
# kbuild writes into the .cmd file must be the same
# either way (--no-ccache: the compiler really runs each time), for the test
# kernel and for the second series' release (another top Makefile).  A record
# that no longer works is retried with the full make, which records anew.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
KPB=$TOPDIR/kpatch-build/kpatch-build

need_kernel
second_release
second=$SECOND
OBJ=fs/proc/cmdline.o
CMD=fs/proc/.cmdline.o.cmd
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export REPLAY_TEST_KEY=$$.$RANDOM	# a record key of its own (KLPKIT_* variables are not part of it)
releases=("$KREL")
[ "$second" = "$KREL" ] || releases+=("$second")
plan $((8 * ${#releases[@]} + 2))

# build NAME [ENV...]: kpatch-build -a $R -d --no-ccache -o $W/NAME; its work
# directory in $W/NAME.work, the tree's .cmd of the patched object in
# $W/NAME.cmd
build() {
	local name=$1 rc=0 work
	shift
	mkdir -p "$W/$name"
	env "$@" "$KPB" -a "$R" -d --no-ccache -n replay_t -o "$W/$name" "$PATCH" >"$W/$name.out" 2>&1 || rc=$?
	work=$(sed -n 's/.*work directory kept: \([^ ]*\).*/\1/p' "$W/$name.out")
	[ -n "$work" ] && mv "$work" "$W/$name.work"
	cp "$TREE/$CMD" "$W/$name.cmd" 2>/dev/null
	return "$rc"
}
how() {
	grep -oE 'kbuild: (recorded|replaying|the recorded sub-make failed)' "$W/$1.work/build.log" |
		sed 's/.* //' | paste -sd, -
}

for R in "${releases[@]}"; do
	TREE=$(kernel_tree "$R")
	PATCH=$TOPDIR/test/integration/debian-$(kernel_series "$R")/cmdline-string.patch
	mtime=$(stat -c %y "$TREE/fs/proc/cmdline.c")
	build "first$R"
	rc=$?
	got=$(how "first$R")
	[ "$rc" -eq 0 ] && [ "$got" = "recorded,replaying,recorded" ]
	ok $? "$R, a new record key: the original compile records the sub-make, the patched one replays it, the module build records its own ($got, exit $rc)" ||
		diag_file "$W/first$R.out"
	build "second$R"
	rc=$?
	got=$(how "second$R")
	[ "$rc" -eq 0 ] && [ "$got" = "replaying,replaying,replaying" ]
	ok $? "$R, the same key again: the compiles and the module build replay ($got, exit $rc)" || diag_file "$W/second$R.out"
	build "full$R" KLPKIT_KBUILD_REPLAY=0
	rc=$?
	got=$(how "full$R")
	[ "$rc" -eq 0 ] && [ -z "$got" ]
	ok $? "$R, KLPKIT_KBUILD_REPLAY=0: kbuild's full make (${got:-no replay}, exit $rc)" || diag_file "$W/full$R.out"
	for d in orig patched; do
		cmp "$W/first$R.work/$d/$OBJ" "$W/second$R.work/$d/$OBJ" &&
			cmp "$W/full$R.work/$d/$OBJ" "$W/second$R.work/$d/$OBJ"
		ok $? "$R, the $d $OBJ: the same bytes by full make and by replay"
	done
	cmp "$W/full$R/replay_t.ko" "$W/second$R/replay_t.ko"
	ok $? "$R, the patch module: the same bytes by full make and by replay"
	grep -qE '^(saved)?cmd_' "$W/full$R.cmd" && cmp "$W/full$R.cmd" "$W/second$R.cmd"
	ok $? "$R, the same compiler command line and dependencies ($CMD) by full make and by replay" ||
		diag "$(diff "$W/full$R.cmd" "$W/second$R.cmd" | head -n 10)"
	got=$(stat -c %y "$TREE/fs/proc/cmdline.c")
	[ "$got" = "$mtime" ] && [ ! -e "$TREE/$OBJ" ]
	ok $? "$R, after the builds the patched source has its time back (the tree's caches stay valid) and its object is gone (kbuild rebuilds it)" ||
		diag "mtime before $mtime, after $got; $(ls -l "$TREE/$OBJ" 2>&1)"
done

# a record that fails (its sub-make's Makefile gone): the full make, a new record
R=$KREL
TREE=$(kernel_tree "$R")
PATCH=$TOPDIR/test/integration/debian-$(kernel_series "$R")/cmdline-string.patch
# (the first record of the first build: its compiles')
rec=$(sed -n 's/^kbuild: recorded the sub-makes in //p' "$W/first$R.work/build.log" | head -n 1)/0
[ -s "$rec/args" ] &&
	{ tr '\0' '\n' <"$rec/args" | sed 's|Makefile.build$|Makefile.klpkit-absent|' | tr '\n' '\0' >"$rec/args.new"; } &&
	mv "$rec/args.new" "$rec/args"
build broken
rc=$?
got=$(how broken)
[ "$rc" -eq 0 ] && [ "$got" = "replaying,failed,recorded,replaying,replaying" ] &&
	cmp -s "$W/broken.work/orig/$OBJ" "$W/full$R.work/orig/$OBJ" && cmp -s "$W/broken/replay_t.ko" "$W/full$R/replay_t.ko"
ok $? "a broken record: replay fails, the full make compiles and records anew ($got, exit $rc)" ||
	diag_file "$W/broken.out"
tr '\0' '\n' <"$rec/args" | grep -qx './scripts/Makefile.build'
ok $? "the new record names kbuild's Makefile.build again"
[ "$TAP_FAILED" -eq 0 ]
