# The issue's first test, in copy mode across one kexec: a single-threaded
# compute loop (cr-counter) holding 256 MiB of pseudo-random data is frozen,
# checkpointed into a 384 MiB shelter and restored in the New kernel with
# the same PID; the checksum of its data is equal and its progress counter
# continues from where it stopped instead of restarting (every record
# present once, none missing). Times of checkpoint and restore are
# reported.
QR_MEM=2048
QR_APPEND='memmap=384M$0x30000000 quickreboot.shelter=384M@0x30000000'
QR_HOPS=1
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/compute
MIB=256

# Records are "%020llu\n": the i-th holds i (zeros stripped: busybox awk
# reads a leading 0 as octal).
progress_consecutive() {
	awk '{ x = $1; sub(/^0+/, "", x); if (x != NR) { print "record " NR " holds " $1; exit 1 } }' "$D/progress"
}

verify() {
	rm -f "$D/result"
	touch "$D/verify"
	qr_wait 120 test -s "$D/result"
}

ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

old() {
	modprobe -a crc32c_generic ext4
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	mkdir -p "$D"
	qr_pids_above 1000
	cr-counter "$D" "$MIB" </dev/null >/dev/null 2>&1 &
	P=$!
	echo "$P" >"$D/pid"
	t_run counter-started qr_wait 300 sh -c "[ \$(wc -l <$D/progress 2>/dev/null || echo 0) -ge 3 ]"
	t_eq holds-256-mib yes "$(awk '/^VmRSS/ { print ($2 >= 256 * 1024) ? "yes" : "no " $2 }' "/proc/$P/status")"
	t0=$(ms)
	t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$P" || return
	t_info checkpoint-ms $(($(ms) - t0))
	wc -l <"$D/progress" >"$D/at-checkpoint"
	t_info checkpoint "$(ls -l "$SH/cp" | tr -s ' ' | tr '\n' ';')"
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline sh -c "quickreboot cmdline --append qr.hop=1 >/tmp/cmdline"
	QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
}

new() {
	modprobe -a crc32c_generic ext4
	P=$(cat "$D/pid")
	t_run shelter-load quickreboot shelter load
	t_run shelter-mount quickreboot shelter mount
	t0=$(ms)
	t_run restore quickreboot restore --dir "$SH/cp" || return
	t_info restore-ms $(($(ms) - t0))
	t_eq same-pid cr-counter "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run counter-advances qr_wait 60 sh -c "[ \$(wc -l <$D/progress) -gt $(cat "$D/at-checkpoint") ]"
	t_run verify-written verify
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	t_run counter-continues test "$(qr_kv counter "$D/result")" -gt "$(cat "$D/at-checkpoint")"
	t_run progress-no-gap progress_consecutive
	t_info counter "$(qr_kv counter "$D/result") (checkpointed at $(cat "$D/at-checkpoint"))"
	kill -9 "$P"
	t_run shelter-umount quickreboot shelter umount
	sync
}
