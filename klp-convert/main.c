// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "klp-convert: not implemented yet\n");
	return 1;
}
