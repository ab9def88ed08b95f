# Copy-mode checkpoint/restore across kexec, there and back (Old -> New ->
# Old): a single-threaded process holding 64 MiB of pseudo-random data is
# frozen by pfncheck and checkpointed into the shelter, and restored by
# `quickreboot restore` in the next kernel with the same PID; its data checksum is
# equal, its progress counter and file offset continue without a gap or a
# restart, and the xmm/ymm values it keeps during each spin survive.
QR_MEM=2048
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_HOPS=2
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/cr

records() {
	wc -l <"$D/progress"
}

# Records are "%020llu\n": the i-th holds i, none missing or repeated
# (zeros stripped: busybox awk reads a leading 0 as octal).
progress_consecutive() {
	awk '{ x = $1; sub(/^0+/, "", x); if (x != NR) { print "record " NR " holds " $1; exit 1 } }' "$D/progress"
}

dead() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"
}

verify() {
	rm -f "$D/result"
	touch "$D/verify"
	qr_wait 60 test -s "$D/result"
}

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		t_run shelter-load quickreboot shelter load --format
		t_run shelter-mkfs quickreboot shelter mkfs
		t_run shelter-mount quickreboot shelter mount
		mkdir -p "$D"
		qr_pids_above 1000
		cr-counter "$D" </dev/null >/dev/null 2>&1 &
		P=$!
		t_run counter-started qr_wait 120 sh -c "[ \$(wc -l <$D/progress 2>/dev/null || echo 0) -ge 5 ]"
		echo "$P" >"$D/pid"
	else
		P=$(cat "$D/pid")
		t_run shelter-load quickreboot shelter load
		t_run shelter-mount quickreboot shelter mount
		t_run restore quickreboot restore --dir "$SH/cp"
		cp /tmp/.qr_out /tmp/restore.out
		# Not confined, no frames: no hand-back, no adoption, no mode.
		t_run said-what-happened grep -q \
			'^restore: processes [0-9]* ms (read pages [0-9]* ms)$' /tmp/restore.out
		t_eq same-pid cr-counter "$(cat "/proc/$P/comm" 2>/dev/null)"
		t_run counter-advances qr_wait 60 sh -c "[ \$(wc -l <$D/progress) -gt $(cat "$D/at-checkpoint") ]"
		t_run verify-written verify
		t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
		t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
		t_eq fpu-kept 0 "$(qr_kv fpu_bad "$D/result")"
		t_run counter-continues test "$(qr_kv counter "$D/result")" -gt "$(cat "$D/at-checkpoint")"
		t_run progress-no-gap progress_consecutive
		t_info counter "$(qr_kv counter "$D/result") (checkpointed at $(cat "$D/at-checkpoint"))"
		# Restored, its checkpoint is spent; the next one replaces a
		# previous one only once complete, and both do not fit.
		rm "$SH/cp/image" "$SH/cp/pages"
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$P"
		t_eq frozen I "$(sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$P/status")"
		records >"$D/at-checkpoint"
		t_info checkpoint "$(ls -l "$SH/cp" | tr -s ' ' | tr '\n' ';')"
		# (A SIGKILL while frozen stops the kexec: freeze-sigkill.)
		t_run shelter-umount quickreboot shelter umount
		# It keeps its progress file open on the disk, as a kept service
		# keeps its files: synced, then detached rather than unmounted
		# (what a quick reboot does with a filesystem frozen processes
		# hold); the journal makes the next mount clean.
		sync
		t_run disk-detach umount -l /mnt/disk
		t_run new-cmdline sh -c \
			"quickreboot cmdline --append qr.hop=$(($1 + 1)) >/tmp/cmdline"
		QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
	else
		kill -9 "$P"
		t_run killed qr_wait 30 dead "$P"
		t_run shelter-umount quickreboot shelter umount
	fi
	sync
}
