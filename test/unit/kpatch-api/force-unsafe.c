// SPDX-License-Identifier: GPL-2.0
/*
 * KPATCH_FORCE_UNSAFE has no meaning on Linux 6.1 livepatch (no
 * per-function consistency bypass): the build must stop with the reason.
 */
#include <linux/kernel.h>
#include "kpatch-macros.h"

noinline int kapi_always_busy(int x)
{
	return x;
}
KPATCH_FORCE_UNSAFE(kapi_always_busy);
