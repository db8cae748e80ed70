#!/usr/bin/env bash
# cross-selfdiff.t on Debian's 6.12 source (the second series): its
# directories built with Debian's 6.12 configs of the other architectures
# (arm64: CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS, two NOPs in front of every
# function; s390x has no 6.12 image in bookworm and is skipped), every
# object diffed against itself.  Built by scripts/prepare-test-objects.  The
# release: KLPKIT_TEST_KREL_6_12, else the newest.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
second_series_exec "$TOPDIR/test/unit/cross-selfdiff.t"
