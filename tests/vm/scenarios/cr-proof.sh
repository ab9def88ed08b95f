# Restore proves what it kept (issue 20): every restore compares what
# /proc shows of each rebuilt process with what it showed at the
# checkpoint, before the process resumes (every other scenario's restore
# passes that check). Here a test hook changes the nice of the rebuilt
# process in between (QUICKREBOOT_TEST_PROOF=nice): restore names the
# field with both values, fails (exit 1) and kills the process before it
# runs on, and leaves the image; the next restore, unhooked, brings the
# process back whole.
D=/mnt/disk/proof

old() {
	qr_shelter_fresh || return
	mkdir -p "$D"
	qr_pids_above 1000
	cr-counter "$D" 16 </dev/null >/dev/null 2>&1 &
	echo $! >"$D/pid"
	t_run started qr_wait 120 test -s "$D/info" || return
	t_run checkpoint quickreboot checkpoint --mode copy --dir "$QR_SH/cp" \
		"$(cat "$D/pid")" || return
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline cr_next_cmdline
}

new() {
	P=$(cat "$D/pid")
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	QUICKREBOOT_TEST_PROOF=nice quickreboot restore --dir "$QR_SH/cp" \
		>/tmp/proof.out 2>&1
	t_eq changed-fails-exit-1 1 "$?"
	qr_show_output changed /tmp/proof.out
	t_run changed-named grep -q "pid $P (cr-counter): 1 field(s) not as checkpointed: nice: 0 -> 1" /tmp/proof.out
	t_run changed-killed qr_wait 10 sh -c "[ ! -e /proc/$P ] || grep -q '^State:.*Z' /proc/$P/status"
	t_run changed-image-kept test -s "$QR_SH/cp/image"
	t_run restore quickreboot restore --dir "$QR_SH/cp"
	t_eq same-pid cr-counter "$(cat "/proc/$P/comm" 2>/dev/null)"
	rm -f "$D/result"
	touch "$D/verify"
	t_run verify-written qr_wait 60 test -s "$D/result" || return
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	kill -9 "$P"
	t_run shelter-umount quickreboot shelter umount
}
