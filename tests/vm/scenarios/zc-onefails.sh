# A process that cannot be restored never takes the others down (issue 5):
# two processes are kept in zero copy by one checkpoint; in the New kernel
# the second one's PID is taken before the restore, so that it cannot be
# created. restore fails naming it, the first comes back with its data
# and its frames (same PIDs, checksum, every page in its frame), and the
# second's frames go to the page allocator: the restore module holds none
# any more and counts them released. The kernel log stays clean.

B=/mnt/disk/zc2
ST=/sys/module/restore/status

old() {
	zc_start 64 || return
	mkdir -p "$B"
	rm -f "$B"/*
	zc-keep "$B" 64 </dev/null >/dev/null 2>&1 &
	echo $! >"$B/pid"
	t_run second-started qr_wait 120 test -s "$B/info" || return
	t_run checkpoint quickreboot checkpoint --mode zero-copy --dir "$QR_SH/cp" \
		"$(cat "$ZC_DIR/pid")" "$(cat "$B/pid")" || return
	qr_show_output checkpoint /tmp/.qr_out
	t_run frames-recorded zc-keep --frames "$ZC_DIR" || return
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run confined-cmdline qr_next_confined
}

new() {
	PA=$(cat "$ZC_DIR/pid")
	PB=$(cat "$B/pid")
	echo $((PB - 1)) >/proc/sys/kernel/ns_last_pid
	sleep 600 &
	T=$!
	t_eq pid-taken "$PB" "$T"
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t_fails restore-fails quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	t_run names-the-failed grep -q "restore: pid $PB (zc-keep): failed" /tmp/restore.out
	t_run first-restored grep -q "^restored $PA (zc-keep)" /tmp/restore.out
	t_eq pid-holder-untouched sleep "$(cat "/proc/$PB/comm" 2>/dev/null)"
	zc_verify
	t_eq every-page-kept-or-left 16384 \
		$(($(qr_kv same "$ZC_DIR/result") + $(qr_kv low "$ZC_DIR/result")))
	t_info restore-status "held=$(cat $ST/held) adopted=$(cat $ST/adopted) released=$(cat $ST/released) copied=$(cat $ST/copied)"
	t_eq none-held 0 "$(cat $ST/held)"
	# The second's 64 MiB, less what was copied for its place (zc-basic:
	# at most 1024 pages), went to the allocator.
	t_run its-frames-released test "$(cat $ST/released)" -ge $((16384 - 1024))
	t_run first-adopted test "$(cat $ST/adopted)" -ge $((16384 - 1024))
	t_info meminfo "$(awk '/MemTotal|MemFree/ { printf "%s%s ", $1, $2 }' /proc/meminfo)"
	kill -9 "$PA" "$T"
	quickreboot shelter umount
}
