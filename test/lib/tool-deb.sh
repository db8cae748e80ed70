# shellcheck shell=bash
# The tool's own Debian package, built as a user would (test/unit/debian-package.t,
# test/integration/43-deb-chroot.t).  Source it after setting TOPDIR.
#
#   tool_deb_name                 klpkit_VERSION_ARCH.deb (VERSION of mk/common.mk)
#   build_tool_deb DIR            git clone -q TOPDIR DIR/src (log DIR/clone.log;
#                                 status 2 when it fails), then dpkg-buildpackage
#                                 -us -uc -b there (log DIR/build.log; status 1
#                                 when it fails); the package is DIR/$(tool_deb_name)

tool_deb_name() {
	printf 'klpkit_%s_%s.deb\n' "$(sed -n 's/^VERSION *:= *//p' "$TOPDIR/mk/common.mk")" \
		"$(dpkg --print-architecture)"
}

build_tool_deb() {	# build_tool_deb DIR
	git clone -q "$TOPDIR" "$1/src" 2>"$1/clone.log" || return 2
	(cd "$1/src" && dpkg-buildpackage -us -uc -b) >"$1/build.log" 2>&1 || return 1
}
