#!/usr/bin/env bash
# cdo-cases.t on Debian's 6.12 kernel (the second series): the fixtures
# compiled by kbuild against the 6.12 tree, so as single-object modules that
# objtool processes (__pfx_ symbols, .return_sites, .call_sites, ORC), with
# the same expectations.  The release: KLPKIT_TEST_KREL_6_12, else the newest.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"
second_series_exec "$TOPDIR/test/unit/cdo-cases.t"
