#!/usr/bin/env bash
# cdo-selfdiff.t on Debian's 6.12 kernel (the second series: IBT, call
# padding, objtool on linked objects only): every object of the directories
# of second_selfdiff_dirs (test/lib/kernel.sh; built by
# scripts/prepare-test-objects) diffed against itself, exit 3 each, under
# the sanitizers.  The release: KLPKIT_TEST_KREL_6_12, else the newest.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
second_series_exec "$TOPDIR/test/unit/cdo-selfdiff.t" KLPKIT_SELFDIFF_DIRS="$(second_selfdiff_dirs)"
