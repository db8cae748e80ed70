# shellcheck shell=bash
# Verification of a built patch module in the target kernel (--verify):
# sourced by kpatch-build after lib/common.sh; it defines functions and
# nothing else.
#
#   verify_module KO    boot the target's kernel image (the provider's
#                       "image") in qemu -accel tcg through vm-run (beside
#                       kernel-cache), load KO there with klpkit's own
#                       "kpatch load" (which waits for the transition),
#                       check it is enabled, "kpatch unload" it (disable,
#                       wait, remove); vm-run judges dmesg (Oops, BUG,
#                       WARNING, Call Trace) and the taint (nothing beyond
#                       O|E|K).  Prints PASS or FAIL with the reason; a
#                       failure exits with E_UNVERIFIED.  Nothing without
#                       --verify.  Sets VERIFIED (true/false) and
#                       VERIFY_REASON.
#   verify_option       --verify was given (kpatch-build's parse_args)
#   verify_report       the report's "verified" and "verify_reason" lines
#
# Environment: KLPKIT_VERIFY_APPEND, extra kernel command line of the VM
# (e.g. "module.sig_enforce=1" or "lockdown=integrity": check that the
# module loads under that policy); KLPKIT_VERIFY_TIMEOUT, seconds before the
# VM counts as hung (default 300); KLPKIT_KPATCH, the kpatch program copied
# into the VM (default: the one installed with kpatch-build).
#
# Uses kpatch-build's die, phase, say, provider, $WORK, $KREL, $MODNAME,
# $LIBEXEC, $MODDIR, $OBJS/$PARENT (the patched modules are loaded first),
# $E_UNVERIFIED.

VERIFY=0 VERIFIED='' VERIFY_REASON='' VERIFY_LOG=''

verify_option() { VERIFY=1; }

# _verify_kpatch: the kpatch program to run in the VM
_verify_kpatch() {
	local k
	for k in "${KLPKIT_KPATCH:-}" "$LIBEXEC/../kpatch/kpatch" "$LIBEXEC/../../sbin/kpatch" \
		"$(command -v kpatch 2>/dev/null)"; do
		[ -n "$k" ] && [ -x "$k" ] && { readlink -f "$k"; return 0; }
	done
	return 1
}

# _verify_script NAME TARGETS...: the test run in the VM
_verify_script() {
	local name=$1 t
	shift
	echo 'set +e'
	for t in "$@"; do
		printf 'modprobe %s || fail "cannot load %s, the module the patch changes"\n' "$t" "$t"
	done
	cat <<EOF
kpatch load /modules/$name.ko >/tmp/load.out 2>&1
rc=\$?
sed 's/^/[kpatch load] /' /tmp/load.out
[ \$rc = 0 ] || dmesg | tail -n 6 | sed 's/^/[dmesg] /'
[ \$rc = 0 ] || fail "kpatch load exited with status \$rc: \$(grep -v '^kpatch: fix:' /tmp/load.out | tail -n2 | sed 's/^kpatch: //' | tr '\\n' '|' | sed 's/|\$//; s/|/ | /g')"
patch_enabled $name || fail "after kpatch load, livepatch $name is not enabled"
log "livepatch $name: loaded, transition complete"
kpatch unload $name >/tmp/unload.out 2>&1
rc=\$?
sed 's/^/[kpatch unload] /' /tmp/unload.out
[ \$rc = 0 ] || fail "kpatch unload exited with status \$rc: \$(tail -n1 /tmp/unload.out)"
[ ! -d /sys/kernel/livepatch/$name ] || fail "livepatch $name still in sysfs after kpatch unload"
! grep -q "^$name " /proc/modules || fail "module $name still loaded after kpatch unload"
log "livepatch $name: disabled and unloaded"
echo "KLPKIT-VERIFY-DONE"
EOF
}

# _verify_fail REASON: record, report, exit
_verify_fail() {
	VERIFIED=false VERIFY_REASON=$1
	say "verify: FAIL: $MODNAME.ko in $KREL (qemu): $VERIFY_REASON"
	[ -z "$VERIFY_LOG" ] || say "verify: console log of the VM: $VERIFY_LOG"
	die "$E_UNVERIFIED" "the module did not pass verification in $KREL; it is not written (the reason is above)"
}

verify_module() {
	[ "$VERIFY" -eq 1 ] || return 0
	local ko=$1 dir=$WORK/verify image kpatch vmrun=$LIBEXEC/vm-run rc=0 o p
	local args=() targets=() reasons=() line
	phase verify "Verifying $MODNAME.ko in $KREL (qemu -accel tcg)"
	mkdir -p "$dir"
	image=$(provider path "$KREL" image) || image=''
	[ -f "$image" ] ||
		_verify_fail "the target provider has no bootable kernel image of $KREL to boot"
	kpatch=$(_verify_kpatch) ||
		_verify_fail "no kpatch program to load the module with (build it: make; or name it in KLPKIT_KPATCH)"
	cp "$ko" "$dir/$MODNAME.ko"
	args=(--kernel "$image" --module "$dir/$MODNAME.ko" --bin "$kpatch:/usr/sbin/kpatch"
		--timeout "${KLPKIT_VERIFY_TIMEOUT:-300}" --log "$dir/console.log")
	[ -z "${KLPKIT_VERIFY_APPEND:-}" ] || args+=(--append "$KLPKIT_VERIFY_APPEND")
	# a patch to a module changes nothing until that module is loaded
	for o in "${OBJS[@]}"; do
		p=${PARENT[$o]}
		[ "$p" = vmlinux ] || [[ " ${targets[*]} " == *" ${p##*/} "* ]] || targets+=("${p##*/}")
	done
	if [ ${#targets[@]} -gt 0 ]; then
		[ -f "$MODDIR/modules.dep" ] ||
			_verify_fail "the patch changes module(s) ${targets[*]}, and $KREL's modules directory has no modules.dep to load them in the VM"
		args+=(--kmod-dir "$MODDIR")
		for p in "${targets[@]}"; do args+=(--target-module "$p"); done
	fi
	_verify_script "$MODNAME" "${targets[@]}" >"$dir/vm.sh"
	echo "+ $vmrun ${args[*]} --script $dir/vm.sh" >>"$LOG"
	waitfor "$vmrun" "${args[@]}" --script "$dir/vm.sh" >"$dir/vm.out" 2>"$dir/vm.err" </dev/null || rc=$?
	cat "$dir/vm.out" "$dir/vm.err" >>"$LOG"
	VERIFY_LOG=$dir/console.log
	if [ "$rc" -eq 0 ] && grep -q '^KLPKIT-VERIFY-DONE' "$dir/vm.out"; then
		VERIFIED=true
		say "verify: PASS: $MODNAME.ko loaded in $KREL (qemu), transition complete, disabled and unloaded; no warning or oops in dmesg, $(sed -n 's/^vm-run: PASS in \([^ ]*\)s (taint [0-9]* = \(.*\))$/taint \2; \1 s in the VM/p' "$dir/vm.err")"
		return 0
	fi
	_verify_keep_log
	# the failed check of the script, then vm-run's verdict
	line=$(sed -n 's/^FAIL: //p' "$dir/vm.out" | head -n1)
	[ -z "$line" ] || reasons+=("$line")
	while IFS= read -r line; do
		[[ $line == "the test script failed with exit status"* ]] || reasons+=("$line")
	done < <(sed -n 's/^vm-run:   - //p' "$dir/vm.err")
	[ "$rc" -ne 2 ] || reasons+=("vm-run could not start the VM: $(sed -n 's/^vm-run: error: //p' "$dir/vm.err" | head -n1)")
	[ ${#reasons[@]} -gt 0 ] || reasons+=("the VM run did not complete (vm-run status $rc)")
	grep -E '^\[(kpatch (load|unload)|dmesg)\] ' "$dir/vm.out" | sed 's/^/  /' >&2 || true
	line=${reasons[0]}
	for o in "${reasons[@]:1}"; do line+="; $o"; done
	_verify_fail "$line"
}

# _verify_keep_log: the console log outlives the work directory
_verify_keep_log() {
	local kept
	kept=$(kept_log verify)
	[ -s "$WORK/verify/console.log" ] || return 0
	if mkdir -p "${kept%/*}" 2>/dev/null && cp "$WORK/verify/console.log" "$kept" 2>/dev/null; then
		VERIFY_LOG=$kept
	fi
}

verify_report() {
	[ "$VERIFY" -eq 1 ] || return 0
	printf '  "verified": %s,\n' "${VERIFIED:-false}"
	if [ -n "$VERIFY_REASON" ]; then
		printf '  "verify_reason": %s,\n' "$(json_str "$VERIFY_REASON")"
	elif [ -z "$VERIFIED" ]; then
		printf '  "verify_reason": %s,\n' "$(json_str "not run: the build stopped before verification")"
	else
		printf '  "verify_reason": null,\n'
	fi
}
