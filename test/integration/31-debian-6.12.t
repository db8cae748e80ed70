#!/usr/bin/env bash
# The integration patch suite (30-debian-patches.t) on Debian 12's 6.12
# kernel, with the patches of test/integration/debian-6.12/ (see its README):
# `make check` runs the subset of debian-6.12/check.list, `make check-full`
# (KLPKIT_SUITE=full) all of them.  The release: KLPKIT_TEST_KREL_6_12 when
# set (e.g. 6.12.117+deb12-amd64), else the newest 6.12 kernel apt offers
# (series_release in test/lib/kernel.sh).  KLPKIT_TEST_KREL keeps selecting
# the kernel of every other test (Debian's 6.1 by default); when that is a
# 6.12 kernel already, 30-debian-patches.t covers 6.12 and this file skips.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOPDIR/test/lib/tap.sh"
. "$TOPDIR/test/lib/kernel.sh"

second_series_exec "$TOPDIR/test/integration/30-debian-patches.t"
