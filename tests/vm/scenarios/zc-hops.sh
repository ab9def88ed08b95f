# Ten quick reboots in a row in zero copy, the kernels alternating: one
# process is kept and verified at every hop (data, frames, PID, counter).
# Each New kernel hands RAM back but for the next boot area, which it
# chooses where no kept frame lies, so that the next hop finds it on its
# command line: the chain never runs out of boot areas.
QR_HOPS=10
QR_PAIRS=one

hop() {
	if [ "$1" = 0 ]; then
		zc_start 64 || return
	else
		qr_restore
		t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
		zc_verify || return
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		zc_checkpoint
	else
		kill -9 "$(cat "$ZC_DIR/pid")"
		quickreboot shelter umount
	fi
}
