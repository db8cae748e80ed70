# shellcheck shell=bash
# Hand-made kernel modules for tests that need a .ko but no kernel build
# (test/unit/kpatch-build-deb.t, test/integration/43-deb-chroot.t).  Source it.
#
#   fake_ko_obj DIR          compile DIR/obj.o (one function) and print its path
#   make_ko FILE MODINFO...  FILE: a copy of the object $OBJ (objcopy:
#                            $OBJCOPY) with a hand-written .modinfo (e.g.
#                            name=livepatch_fix "vermagic=KREL SMP " livepatch=Y)

fake_ko_obj() {	# fake_ko_obj DIR
	echo 'int klpkit_test_fn(void) { return 1; }' >"$1/obj.c" &&
		gcc -g -c -o "$1/obj.o" "$1/obj.c" && echo "$1/obj.o"
}

make_ko() {	# make_ko FILE MODINFO...
	local file=$1 rc
	shift
	printf '%s\0' "$@" >"$file.modinfo"
	"${OBJCOPY:-objcopy}" --add-section .modinfo="$file.modinfo" \
		--set-section-flags .modinfo=alloc,readonly "${OBJ:?make_ko: set OBJ}" "$file"
	rc=$?
	rm -f "$file.modinfo"
	return "$rc"
}
