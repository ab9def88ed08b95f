# The restore module's copy fallback (force_copy=1, what it does itself
# where it cannot adopt frames, e.g. under IBT): the same zero-copy
# checkpoint is restored by copying each frame into a fresh page; the
# process comes back intact, in new frames. The evacuation is made to fail
# (QUICKREBOOT_TEST_FAIL=evacuate), so that thousands of its frames are
# in holes of the New kernel's first memory block, which has no direct
# mapping for them in copy mode: the module reads them through memremap().
QR_PAIRS=back

old() {
	zc_start 64 || return
	export QUICKREBOOT_TEST_FAIL=evacuate
	zc_checkpoint
}

new() {
	t_run force-copy modprobe restore force_copy=1 || return
	qr_restore
	t_run copy-mode-said grep -q 'adopt [0-9]* ms, copy mode' /tmp/restore.out
	_p=$(cat "$ZC_DIR/pid")
	t_eq same-pid zc-keep "$(cat "/proc/$_p/comm" 2>/dev/null)"
	touch "$ZC_DIR/verify"
	t_run verify-written zc_answered result || return
	t_info result "$(cat "$ZC_DIR/result")"
	t_eq checksum-equal "$(qr_kv sum "$ZC_DIR/info")" "$(qr_kv sum "$ZC_DIR/result")"
	t_run pages-copied test "$(qr_kv moved "$ZC_DIR/result")" -gt 0
	t_run first-block-frames-copied test "$(qr_kv low "$ZC_DIR/result")" -gt 1000
	t_run hole-frames-held test "$(cat /sys/module/restore/status/hole_frames)" -gt 1000
	kill -9 "$_p"
	quickreboot shelter umount
}
