# Issue 14, the freeze/checkpoint half, in one kernel (no kexec):
# - case 10: PIDs are parsed strictly: 4294968300 (2^32 + 1004) and
#   " 1004" are usage errors, not PID 1004, and nothing is frozen;
# - case 12: check and checkpoint refuse kthreadd and the kernel threads,
#   naming them;
# - case 5: a second checkpoint into a directory in use fails at once,
#   naming the first (which goes on and succeeds), and freezes nothing;
# - the previous checkpoint is replaced only once a new one is complete:
#   a checkpoint failing after its capture or its write leaves it intact,
#   and one whose processes are still frozen for the kexec is not replaced;
# - case 3: kill -9 of checkpoint part way (pages written, not committed),
#   in copy mode and zero copy: its processes are thawed by pfncheck and
#   go on, no page stays pinned, the previous checkpoint is intact, and a
#   retry succeeds (no "Device or resource busy") and leaves no partial
#   file;
# - case 4: a process and its child, checkpointed: `quickreboot thaw`
#   of the parent, and a `reboot` failing after its checkpoint (the
#   shelter busy at unmount), thaw both, not only the PID given.
# Boot area [256 MiB, 640 MiB) for zero copy, shelter [768 MiB, 896 MiB).
QR_LAYOUT=zc
QR_HOPS=0
QR_DISK=64
QR_PAIRS=one
QR_HOP_TIMEOUT=900

D=/mnt/disk/fs

# paused_checkpoint OUT ARGS...: a checkpoint in the background, stopped
# with its pages written (QUICKREBOOT_TEST_PAUSE); its PID in CP.
paused_checkpoint() {
	_out=$1
	shift
	rm -f /tmp/pause
	QUICKREBOOT_TEST_PAUSE=capture:/tmp/pause quickreboot checkpoint "$@" \
		>"$_out" 2>&1 &
	CP=$!
	qr_wait 120 test -s /tmp/pause
}

pids() {
	mkdir -p "$D/p"
	qr_pids_above 1003
	cr-counter "$D/p" 16 </dev/null >/dev/null 2>&1 &
	A=$!
	t_eq pid-is-1004 1004 "$A"
	t_run pid-started qr_wait 60 test -s "$D/p/progress"
	quickreboot check 4294968300 >/tmp/check.out 2>&1
	t_eq pid-2pow32-plus-1004-usage-error 2 "$?"
	t_run pid-2pow32-named grep -q "'4294968300' is not a PID" /tmp/check.out
	quickreboot check " $A" >/tmp/check.out 2>&1
	t_eq pid-leading-space-usage-error 2 "$?"
	quickreboot checkpoint --dir "$D/cp10" 4294968300 >/tmp/check.out 2>&1
	t_eq pid-checkpoint-usage-error 2 "$?"
	t_run pid-1004-not-frozen qr_none_frozen "$A"
	t_fails pid-no-directory test -e "$D/cp10"
	kill -9 "$A"
}

kthreads() {
	quickreboot check 2 >/tmp/check.out 2>&1
	t_eq kthreadd-refused-exit-3 3 "$?"
	t_run kthreadd-named grep -q 'process 2 (kthreadd): a kernel thread' /tmp/check.out
	t_fails kthreadd-not-keepable grep -q 'can be kept' /tmp/check.out
	quickreboot checkpoint --dir "$D/cp12" 2 >/tmp/check.out 2>&1
	t_eq kthreadd-checkpoint-refused-exit-3 3 "$?"
	t_run kthreadd-nothing-frozen grep -q 'nothing was frozen' /tmp/check.out
	t_eq kthreadd-none-frozen 0 "$(qr_pfncheck_param frozen)"
}

# Case 5 and the previous checkpoint kept until a new one is complete.
lock_and_replace() {
	cr_counter_at "$D/b" || return
	B=$(cat "$D/b.pid")
	paused_checkpoint /tmp/first.out --mode copy --dir "$QR_SH/cp" "$A" ||
		{ t_fail lock-first-paused "$(cat /tmp/first.out)"; return 1; }
	quickreboot checkpoint --mode copy --dir "$QR_SH/cp" "$B" >/tmp/second.out 2>&1
	t_eq lock-second-fails 1 "$?"
	qr_show_output lock-second /tmp/second.out
	t_run lock-second-names-first grep -q "in use by another checkpoint (process $CP)" /tmp/second.out
	t_run lock-second-not-frozen qr_none_frozen "$B"
	rm -f /tmp/pause
	wait "$CP"
	t_eq lock-first-succeeds 0 "$?"
	t_eq lock-first-frozen I "$(qr_state "$A")"
	t_eq lock-image-and-pages "$(printf '.\n..\nimage\npages')" "$(ls -a "$QR_SH/cp")"
	cr_dir_state "$QR_SH/cp" >/tmp/cp-before
	# Its process frozen for the kexec, the checkpoint is not replaced.
	quickreboot checkpoint --mode copy --dir "$QR_SH/cp" "$B" >/tmp/cp.out 2>&1
	t_eq replace-held-refused 1 "$?"
	t_run replace-held-names-it grep -q "checkpoint of process $A, still frozen" /tmp/cp.out
	t_run replace-held-not-frozen qr_none_frozen "$B"
	t_eq replace-held-previous-intact "$(cat /tmp/cp-before)" "$(cr_dir_state "$QR_SH/cp")"
	t_run lock-thaw quickreboot thaw "$A"
	t_run lock-thawed qr_none_frozen "$A"
	for step in capture write; do
		QUICKREBOOT_TEST_FAIL=$step quickreboot checkpoint --mode copy \
			--dir "$QR_SH/cp" "$B" >/tmp/cp.out 2>&1
		t_eq "replace-$step-fails" 1 "$?"
		t_eq "replace-$step-previous-intact" "$(cat /tmp/cp-before)" "$(cr_dir_state "$QR_SH/cp")"
		t_run "replace-$step-not-frozen" qr_none_frozen "$B"
	done
}

# Case 3 in MODE: kill -9 of checkpoint with its pages written.
killed_checkpoint() {
	_m=$1
	paused_checkpoint /tmp/killed.out --mode "$_m" --dir "$QR_SH/cp" "$A" "$B" ||
		{ t_fail "$_m-killed-paused" "$(cat /tmp/killed.out)"; return 1; }
	t_eq "$_m-killed-was-frozen" I "$(qr_state "$A")"
	[ "$_m" = copy ] || t_run "$_m-killed-was-pinned" test "$(qr_pfncheck_param page_refs)" -gt 0
	kill -9 "$CP"
	wait "$CP"
	rm -f /tmp/pause
	qr_show_output "$_m-killed" /tmp/killed.out
	t_run "$_m-killed-a-thawed" qr_wait 10 qr_none_frozen "$A"
	t_run "$_m-killed-b-thawed" qr_none_frozen "$B"
	t_run "$_m-killed-a-advances" cr_grows "$D/a/progress"
	t_run "$_m-killed-b-advances" cr_grows "$D/b/progress"
	t_eq "$_m-killed-none-frozen" 0 "$(qr_pfncheck_param frozen)"
	t_eq "$_m-killed-no-pin-left" 0 "$(qr_pfncheck_param page_refs)"
	t_run "$_m-killed-thaw-logged" sh -c 'dmesg | grep -q "closed without commit"'
	t_eq "$_m-killed-previous-intact" "$(cat /tmp/cp-before)" "$(cr_dir_state "$QR_SH/cp")"
	t_info "$_m-killed-left" "$(ls -a "$QR_SH/cp" | tr '\n' ' ')"
	_keep=
	[ "$_m" = copy ] || _keep=--keep-first-block
	t_run "$_m-retry-succeeds" quickreboot checkpoint --mode "$_m" $_keep \
		--dir "$QR_SH/cp" "$A" "$B"
	t_fails "$_m-retry-no-partial-file" sh -c "ls -a $QR_SH/cp | grep -q tmp"
	t_run "$_m-retry-thaw" quickreboot thaw "$A"
	t_run "$_m-retry-thawed" qr_none_frozen "$B"
	cr_dir_state "$QR_SH/cp" >/tmp/cp-before
}

# Case 4: a parent and its child are kept together and thawed together.
thaw_set() {
	sh -c 'sleep 1000 & wait' </dev/null >/dev/null 2>&1 &
	S=$!
	sleep 0.5
	K=$(cat "/proc/$S/task/$S/children" | tr -d ' ')
	t_run set-checkpoint quickreboot checkpoint --mode copy --dir "$D/cp4" "$S"
	t_eq set-parent-frozen I "$(qr_state "$S")"
	t_eq set-child-frozen I "$(qr_state "$K")"
	t_run set-thaw-parent quickreboot thaw "$S"
	cp /tmp/.qr_out /tmp/thaw.out
	t_run set-thaw-says-two grep -q 'thawed 2 process' /tmp/thaw.out
	t_run set-parent-thawed qr_none_frozen "$S"
	t_run set-child-thawed qr_none_frozen "$K"
	# A reboot that fails after its checkpoint thaws the child too.
	(cd "$QR_SH" && exec sleep 1000) &
	busy=$!
	krel=$(qr_kernel_of_hop 1)
	quickreboot reboot --mode copy --kernel "/boot/vmlinuz-$krel" \
		--append qr.hop=1 "$S" >/tmp/reboot.out 2>&1
	t_eq set-reboot-fails 1 "$?"
	qr_show_output set-reboot /tmp/reboot.out
	t_run set-reboot-parent-thawed qr_none_frozen "$S"
	t_run set-reboot-child-thawed qr_none_frozen "$K"
	t_eq set-reboot-none-frozen 0 "$(qr_pfncheck_param frozen)"
	kill "$busy"
	kill -9 "$K" "$S"
}

old() {
	modprobe -a crc32c_generic ext4
	qr_shelter_fresh || return
	t_run pfncheck-load modprobe pfncheck
	mkdir -p "$D"
	pids
	kthreads
	cr_counter_at "$D/a" || return
	A=$(cat "$D/a.pid")
	lock_and_replace
	killed_checkpoint copy
	killed_checkpoint zero-copy
	thaw_set
	kill -9 "$A" "$B"
	t_eq end-none-frozen 0 "$(qr_pfncheck_param frozen)"
	t_eq end-no-pin 0 "$(qr_pfncheck_param page_refs)"
	t_run shelter-umount quickreboot shelter umount
}
