# shellcheck shell=bash
# kpatch-build --deb: a Debian package of one built patch module, for one
# kernel release, made with dpkg-deb (no network, no debian/ directory).
# Source it; it defines functions and nothing else.
#
#   deb_check_version VERSION     is VERSION a Debian version? (1: not, with
#                                 the reason on stderr)
#   deb_package OUTDIR KREL MODULE.ko VERSION PATCH...
#                                 write OUTDIR/PKG_VERSION_ARCH.deb and print
#                                 its path; 1 with the reason on stderr
#
# The package (doc: README "For pipelines", kpatch-build(1) --deb):
#   name     the module name, '_' -> '-', lowercase, then -KREL
#            (livepatch_fix for 6.1.0-57-amd64: livepatch-fix-6.1.0-57-amd64)
#   files    /var/lib/klpkit/KREL/FILE.ko: where `kpatch install` puts a
#            module for KREL and `kpatch load --all` (kpatch.service) finds
#            it at boot; dpkg owns it, so no copy is made by the scripts;
#            /usr/share/doc/PKG/{copyright,changelog[.Debian].gz}
#   Depends  klpkit, linux-image-KREL (the exact kernel ABI)
#   postinst configure (abort-*): `kpatch load NAME` when KREL is the running kernel
#            (KPATCH_RELEASE or uname -r, as kpatch itself) and the
#            livepatch sysfs exists; not when installed into another root
#            (DPKG_ROOT set: an image build)
#   prerm    remove/upgrade/deconfigure: `kpatch unload NAME` when it is
#            loaded; dpkg then removes the file and the emptied directories
# Maintainer: $DEBFULLNAME <$DEBEMAIL> (as dch; DEBEMAIL may be
# "Name <address>"), else EMAIL, else USER@FQDN with a warning (lintian
# rejects root and local host names).  Dates honour SOURCE_DATE_EPOCH.

DEB_INSTALL_ROOT=/var/lib/klpkit	# kpatch's default install root (kpatch/paths.c)

# readelf -h "Machine:" (and "Data:" where it matters) -> Debian architecture
declare -A DEB_ARCH_OF_MACHINE=(
	["Advanced Micro Devices X86-64"]=amd64
	["AArch64"]=arm64
	["PowerPC64/little"]=ppc64el
	["IBM S/390"]=s390x
)

_deb_err() { printf 'kpatch-build: --deb: %s\n' "$*" >&2; }

deb_check_version() {	# deb_check_version VERSION
	local msg
	if ! msg=$(dpkg --validate-version -- "$1" 2>&1); then
		_deb_err "'$1' is not a Debian version (${msg#dpkg: error: }); use e.g. 1, 2, 1.1 or 20261202"
		return 1
	fi
	command -v dpkg-deb >/dev/null ||
		{ _deb_err "dpkg-deb is missing: apt-get install dpkg"; return 1; }
}

_deb_arch() {	# _deb_arch MODULE.ko: its Debian architecture
	local machine data key
	machine=$(LC_ALL=C readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')
	data=$(LC_ALL=C readelf -h "$1" 2>/dev/null | sed -n 's/^ *Data: *//p')
	key=$machine
	if [ "$machine" = PowerPC64 ]; then	# ppc64 (big endian) is no Debian port
		case "$data" in *little*) key+=/little ;; *) key+=/big ;; esac
	fi
	if [ -z "$machine" ] || [ -z "${DEB_ARCH_OF_MACHINE[$key]:-}" ]; then
		_deb_err "$1: no Debian architecture known for ELF machine '${machine:-unreadable}' (table DEB_ARCH_OF_MACHINE in lib/deb.sh)"
		return 1
	fi
	echo "${DEB_ARCH_OF_MACHINE[$key]}"
}

_deb_name() {	# _deb_name MODNAME KREL: the package name
	local n="${1//_/-}-$2"
	n=${n,,}
	if ! [[ "$n" =~ ^[a-z0-9][a-z0-9+.-]+$ ]]; then
		_deb_err "no valid Debian package name from module '$1' and release '$2' ('$n'): name the module with -n using letters, digits, '_' and '-'"
		return 1
	fi
	echo "$n"
}

_deb_maintainer() {
	local name=${DEBFULLNAME:-klpkit kpatch-build}
	local mail=${DEBEMAIL:-${EMAIL:-$(id -un)@$(hostname -f 2>/dev/null || hostname)}}
	case "$mail" in
	*'<'*'>'*) echo "$mail" ;;
	*) echo "$name <$mail>" ;;
	esac
}

_deb_year() { LC_ALL=C date -u +%Y ${SOURCE_DATE_EPOCH:+-d "@$SOURCE_DATE_EPOCH"}; }

_deb_date() {	# RFC 2822, SOURCE_DATE_EPOCH if set
	if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
		LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH"
	else
		LC_ALL=C date -R
	fi
}

# The maintainer scripts.  NAME and KREL are checked by _deb_name and the
# module's modinfo (letters, digits, '_', '-', '.', '+'): safe in quotes.
_deb_postinst() {	# _deb_postinst MODNAME KREL
	cat <<EOF
#!/bin/sh
# Made by kpatch-build --deb (klpkit): load livepatch $1 when kernel $2 runs.
set -e
module='$1'
krel='$2'
# configure, and the abort-* calls that follow a failed upgrade or removal
# after the prerm unloaded it
case "\$1" in configure | abort-*) ;; *) exit 0 ;; esac
if [ -z "\${DPKG_ROOT:-}" ] && [ "\${KPATCH_RELEASE:-\$(uname -r)}" = "\$krel" ]; then
	if [ -d "\${KPATCH_SYSFS:-/sys}/kernel/livepatch" ]; then
		kpatch load "\$module" || {
			echo "\$module: kpatch load failed (above); the module stays installed for kernel \$krel: fix the cause and run dpkg --configure -a, or remove the package" >&2
			exit 1
		}
	else
		echo "\$module: no \${KPATCH_SYSFS:-/sys}/kernel/livepatch here: not loaded now (kpatch.service loads it at the next boot of \$krel)" >&2
	fi
fi
exit 0
EOF
}

_deb_prerm() {	# _deb_prerm MODNAME KREL
	cat <<EOF
#!/bin/sh
# Made by kpatch-build --deb (klpkit): unload livepatch $1 before its
# module file is removed or replaced.
set -e
module='$1'
case "\$1" in
remove | upgrade | deconfigure)
	if [ -z "\${DPKG_ROOT:-}" ] &&
		[ -d "\${KPATCH_SYSFS:-/sys}/kernel/livepatch/\$module" ]; then
		kpatch unload "\$module" || {
			echo "\$module: kpatch unload failed (above); the package is kept: retry, or unload it by hand first" >&2
			exit 1
		}
	fi
	;;
esac
exit 0
EOF
}

_deb_copyright() {	# _deb_copyright MODNAME KREL
	cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Comment: livepatch module $1 for Linux $2, built by klpkit's kpatch-build
 from Linux kernel source and source patches to it.

Files: *
Copyright: 1991-$(_deb_year) Linus Torvalds and the Linux kernel authors;
 the authors of the patches
License: GPL-2
 This program is free software; you can redistribute it and/or modify it
 under the terms of the GNU General Public License version 2 as published by
 the Free Software Foundation.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in \`/usr/share/common-licenses/GPL-2'.
EOF
}

_deb_changelog() {	# _deb_changelog PKG VERSION KREL PATCH...
	local pkg=$1 version=$2 krel=$3 p
	shift 3
	printf '%s (%s) unstable; urgency=medium\n\n' "$pkg" "$version"
	printf '  * Livepatch for Linux %s built from:\n' "$krel"
	for p in "$@"; do
		printf '    - %s\n' "$(basename "$p")"
	done
	printf '\n -- %s  %s\n' "$(_deb_maintainer)" "$(_deb_date)"
}

_deb_control() {	# _deb_control PKG VERSION ARCH KREL MODNAME SIZE PATCH...
	local pkg=$1 version=$2 arch=$3 krel=$4 mod=$5 size=$6 p patches=''
	shift 6
	for p in "$@"; do
		patches+="${patches:+, }$(basename "$p")"
	done
	cat <<EOF
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $(_deb_maintainer)
Installed-Size: $size
Depends: klpkit, linux-image-$krel
Section: kernel
Priority: optional
Description: livepatch $mod for Linux $krel
EOF
	_deb_para "Livepatch module $mod for the Linux kernel $krel only, built by klpkit's kpatch-build from the source patches $patches."
	echo ' .'
	_deb_para "It is installed in $DEB_INSTALL_ROOT/$krel/, where kpatch.service loads it at every boot of that kernel, and loaded at once when that kernel is running. Removing the package unloads it."
}

_deb_para() { echo "$1" | fmt -w 76 | sed 's/^/ /'; }	# a description paragraph

# _deb_stage STAGE PKG VERSION ARCH KREL MODNAME MODULE.ko PATCH...: the
# package's tree (each step checked: callers use `deb_package ... || die`,
# where set -e does not hold)
_deb_stage() {
	local stage=$1 pkg=$2 version=$3 arch=$4 krel=$5 mod=$6 ko=$7
	shift 7
	local doc=$stage/usr/share/doc/$pkg dir=$stage$DEB_INSTALL_ROOT/$krel
	local changelog=changelog.gz size
	# a version with a Debian revision is not native
	[[ "$version" != *-* ]] || changelog=changelog.Debian.gz
	mkdir -p "$stage/DEBIAN" "$dir" "$doc" || return 1
	install -m 644 "$ko" "$dir/$(basename "$ko")" || return 1
	_deb_copyright "$mod" "$krel" >"$doc/copyright" || return 1
	_deb_changelog "$pkg" "$version" "$krel" "$@" | gzip -9n >"$doc/$changelog" || return 1
	(cd "$stage" && find usr var -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) \
		>"$stage/DEBIAN/md5sums" || return 1
	size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1) || return 1
	_deb_control "$pkg" "$version" "$arch" "$krel" "$mod" "$size" "$@" \
		>"$stage/DEBIAN/control" || return 1
	_deb_postinst "$mod" "$krel" >"$stage/DEBIAN/postinst" || return 1
	_deb_prerm "$mod" "$krel" >"$stage/DEBIAN/prerm" || return 1
	chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
}

deb_package() {	# deb_package OUTDIR KREL MODULE.ko VERSION PATCH...
	local outdir=$1 krel=$2 ko=$3 version=$4
	shift 4
	local mod vermagic arch pkg deb stage rc=0
	[ -f "$ko" ] || { _deb_err "module $ko not found"; return 1; }
	deb_check_version "$version" || return 1
	mod=$(modinfo -F name "$ko" 2>/dev/null) || mod=''
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null) || vermagic=''
	if [ -z "$mod" ] || [ "$(modinfo -F livepatch "$ko" 2>/dev/null)" != Y ]; then
		_deb_err "$ko is not a livepatch module (no name= or livepatch=Y in its .modinfo)"
		return 1
	fi
	if [ "${vermagic%% *}" != "$krel" ]; then
		_deb_err "$ko is built for kernel '${vermagic%% *}' (vermagic), not $krel: package it for that release"
		return 1
	fi
	arch=$(_deb_arch "$ko") || return 1
	[ -n "${DEBEMAIL:-}${EMAIL:-}" ] ||
		echo "kpatch-build: warning: --deb: neither DEBEMAIL nor EMAIL is set: the maintainer is $(_deb_maintainer), which lintian rejects; set DEBEMAIL='Your Name <address>'" >&2
	pkg=$(_deb_name "$mod" "$krel") || return 1
	deb=$outdir/${pkg}_${version#*:}_$arch.deb
	stage=$(mktemp -d "${TMPDIR:-/tmp}/klpkit-deb.XXXXXX") || return 1
	chmod 755 "$stage"
	(umask 022 && _deb_stage "$stage" "$pkg" "$version" "$arch" "$krel" "$mod" "$ko" "$@") &&
		dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb.tmp" >/dev/null &&
		mv -f "$deb.tmp" "$deb" || rc=1
	rm -rf "$stage" "$deb.tmp"
	[ "$rc" -eq 0 ] || { _deb_err "could not build $deb (above)"; return 1; }
	echo "$deb"
}
