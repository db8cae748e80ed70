/*
 * objtool-tables.S diffed with --objtool-link (the target runs objtool on
 * the linked patch module: IBT or LTO kernels): no objtool table is
 * copied, objtool writes them for all of the module's code.
 */
// expect: args --objtool-link
// expect: exit 0
// expect: changed ot_user
// expect: nosection .return_sites
// expect: nosection .call_sites
// expect: nosection .orc_unwind_ip
// expect: nosection .orc_unwind
#define OBJTOOL_LINK
#include "objtool-tables.S"
