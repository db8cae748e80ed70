#!/usr/bin/env bash
# kpatch-build/lib/kbuild.sh without a kernel: a small tree whose top Makefile
# behaves like kbuild's (a costly probe while it is parsed, exported results,
# an unexported variable, "MAKEFLAGS += -rR", then one sub-make
# "-f ./Makefile.build obj=. need-builtin=1 need-modorder=1 ./GOAL...").  The
# first kbuild_compile records that sub-make; the next starts it directly: no
# probe, the same environment (set and unset variables), the new goals; a new
# KCFLAGS is a new record; a module build's three sub-makes (Makefile.build,
# .modpost, .modfinal) are replayed in order; kbuild_replayable says which
# patched files may be compiled by replay.  The real kernel: test/integration/45-kbuild-replay.t.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/kpatch-build/lib/kbuild.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
plan 13

TREE=$W/tree JOBS=2 LOG=$W/log KBUILD_RECORD=$TOPDIR/kpatch-build/kbuild-record
CC_ENV=(PATH="$PATH")
waitfor() { "$@"; }
run() { echo "+ $*" >>"$LOG"; "$@" >>"$LOG" 2>&1; }
mkdir -p "$TREE/sub"
cat >"$TREE/Makefile" <<'EOF'
PROBE := $(shell echo probe >>probes.log; echo probed)
export RESULT := $(PROBE)
unexport DROPPED
MAKEFLAGS += -rR
ifdef M
modules:
	$(MAKE) -f ./scripts/Makefile.build obj=$(M) need-builtin=1 need-modorder=1
	$(MAKE) -f ./scripts/Makefile.modpost
	$(MAKE) -f ./scripts/Makefile.modfinal
else
PHONY := all
$(MAKECMDGOALS): all ; @:
all:
	$(MAKE) -f ./Makefile.build obj=. need-builtin=1 need-modorder=1 $(addprefix ./,$(MAKECMDGOALS))
.PHONY: all
endif
EOF
mkdir -p "$TREE/scripts" "$TREE/moddir"
# shellcheck disable=SC2016 # make's $(...), not the shell's
echo '__build: ; @echo "build name=$(NAME) result=$(RESULT)" >>$(obj)/steps' >"$TREE/scripts/Makefile.build"
# shellcheck disable=SC2016
echo '__modpost: ; @echo "modpost warn=$(WARN)" >>$(M)/steps' >"$TREE/scripts/Makefile.modpost"
# shellcheck disable=SC2016
echo '__modfinal: ; @echo modfinal >>$(M)/steps' >"$TREE/scripts/Makefile.modfinal"
cat >"$TREE/Makefile.build" <<'EOF'
%.o:
	@echo "result=$(RESULT) kcflags=$(KCFLAGS) dropped=$${DROPPED-unset} flags=$(firstword $(MAKEFLAGS))" >$@
EOF
: >"$TREE/.config"
export DROPPED=present
recorded() { grep -c . "$TREE/probes.log"; }
# compile [--full] KCFLAGS GOAL...: as kpatch-build does, the goals removed first
compile() {
	local a
	for a; do [ "$a" = "${a%.[ox]}" ] || rm -f "$TREE/$a"; done
	kbuild_compile "$@"
}

compile "-O2" a.o sub/b.o
rc=$?
[ "$rc" -eq 0 ] && [ "$KBUILD_HOW" = recorded ] && [ "$(recorded)" = 1 ] &&
	[ "$(cat "$TREE/a.o")" = "result=probed kcflags=-O2 dropped=unset flags=rRw" ] && [ -s "$TREE/sub/b.o" ]
ok $? "the first compile: kbuild's full make, its sub-make recorded ($KBUILD_HOW, rc $rc)" ||
	{ diag_file "$LOG"; diag "$(cat "$TREE/a.o" 2>&1)"; }

compile "-O2" sub/c.o
rc=$?
[ "$rc" -eq 0 ] && [ "$KBUILD_HOW" = replayed ] && [ "$(recorded)" = 1 ]
ok $? "the next compile replays the sub-make: the top Makefile's probe does not run again ($KBUILD_HOW, probes $(recorded))" ||
	diag_file "$LOG"
got=$(cat "$TREE/sub/c.o" 2>&1)
[ "$got" = "result=probed kcflags=-O2 dropped=unset flags=rRw" ]
ok $? "... with the sub-make's environment: exported results set, unexported variables unset, make's flags ($got)"
[ ! -e "$TREE/a.o.new" ] && [ "$(find "$TREE/.klpkit-kbuild" -mindepth 1 -maxdepth 1 | wc -l)" = 1 ]
ok $? "one record in TREE/.klpkit-kbuild, nothing else left"

compile "-O1" a.o
[ "$KBUILD_HOW" = recorded ] && [ "$(recorded)" = 2 ] && grep -q 'kcflags=-O1 ' "$TREE/a.o"
ok $? "another KCFLAGS: another record ($KBUILD_HOW)"
compile --full "-O2" a.o
[ "$KBUILD_HOW" = recorded ] && [ "$(recorded)" = 3 ]
ok $? "--full: the full make ($KBUILD_HOW)"
KLPKIT_KBUILD_REPLAY=0 compile "-O2" a.o
[ "$KBUILD_HOW" = full ] && [ "$(recorded)" = 4 ]
ok $? "KLPKIT_KBUILD_REPLAY=0: the full make, nothing recorded ($KBUILD_HOW)"

: >"$LOG"
compile "-O2" missing-rule.x
rc=$?
[ "$rc" -ne 0 ] && grep -q 'recorded sub-make failed' "$LOG"
ok $? "a failing replay is retried with the full make, whose status counts (rc $rc)" || diag_file "$LOG"

# a copy of the tree (its records copied along) records its own: a record
# replayed there would compile in the original tree
cp -a "$TREE" "$W/copy"
rm -f "$TREE/a.o"
in_copy() { local TREE=$W/copy; compile "-O2" a.o && [ "$KBUILD_HOW" = recorded ] && [ -s "$TREE/a.o" ]; }
rc=0
in_copy || rc=$?
[ "$rc" -eq 0 ] && [ ! -e "$TREE/a.o" ]
ok $? "a copied tree records anew and compiles in itself, not in the original (rc $rc)" || diag_file "$LOG"

# another compiler (an upgrade: the gcc on PATH changed) records anew
mkdir -p "$W/bin"
printf '#!/bin/sh\nexec /usr/bin/gcc "$@"\n' >"$W/bin/gcc"
chmod +x "$W/bin/gcc"
with_gcc() { local PATH=$W/bin:$PATH; compile "-O2" a.o; echo "$KBUILD_HOW"; }
first=$(with_gcc) second=$(with_gcc)
touch -d '2001-01-01' "$W/bin/gcc"
third=$(with_gcc)
[ "$first $second $third" = "recorded replayed recorded" ]
ok $? "a changed compiler on PATH: recorded anew ($first $second $third)" || diag_file "$LOG"

# a module build: three sub-makes, replayed in order with the variables anew
kbuild_module "$TREE/moddir" NAME=one WARN=1
rc=$?
probes=$(recorded)
got=$(paste -sd, "$TREE/moddir/steps" 2>&1)
[ "$rc" -eq 0 ] && [ "$KBUILD_HOW" = recorded ] && [ "$got" = "build name=one result=probed,modpost warn=1,modfinal" ]
ok $? "a module build records its three sub-makes ($KBUILD_HOW: $got)" || diag_file "$LOG"
rm -f "$TREE/moddir/steps"
kbuild_module "$TREE/moddir" NAME=two WARN=0
rc=$?
got=$(paste -sd, "$TREE/moddir/steps" 2>&1)
[ "$rc" -eq 0 ] && [ "$KBUILD_HOW" = replayed ] && [ "$(recorded)" = "$probes" ] &&
	[ "$got" = "build name=two result=probed,modpost warn=0,modfinal" ]
ok $? "the next module build replays them in order, with the command line's variables anew ($KBUILD_HOW: $got)" ||
	diag_file "$LOG"

bad=''
for f in fs/proc/cmdline.c kernel/sched/core.c; do kbuild_replayable "$f" || bad+=" $f"; done
for f in include/linux/sched.h fs/proc/Makefile arch/x86/kernel/asm-offsets.c kernel/bounds.c \
	scripts/mod/modpost.c arch/x86/entry/vdso/vma.c; do
	! kbuild_replayable "$f" || bad+=" !$f"
done
kbuild_replayable fs/proc/cmdline.c include/linux/fs.h && bad+=" mixed"
[ -z "$bad" ]
ok $? "kbuild_replayable: C sources yes; headers, Makefiles, what the tree's preparation compiles no${bad:+ (wrong:$bad)}"
[ "$TAP_FAILED" -eq 0 ]
