# Benchmark scenario (numbers, never a failure on timing; run by
# tests/bench/pipes): the cost per pipe of capture and restore.
# cr-pipes --many 500 (500 pipes, both ends held, each full: 64 KiB
# queued) and cr-pipes --many 0 (the same process without them) are each
# checkpointed in copy mode into a directory of the shelter in Old and
# restored in New; the difference, divided by 500, is the cost of one
# full pipe: INFO pipe-capture-us (checkpoint) and pipe-restore-us. The
# restored process holds its 500 pipes, both ends (checked from /proc;
# cr-pipes.sh checks what they hold).
QR_LAYOUT=shelter128
QR_DISK=64
QR_HOP_TIMEOUT=900
PC_D=/mnt/disk/pipes-cost
PC_N=500

old() {
	modprobe -a crc32c_generic ext4
	qr_shelter_fresh || return
	qr_pids_above 1000
	for _pc in 0 $PC_N; do
		rm -rf "$PC_D/$_pc" && mkdir -p "$PC_D/$_pc"
		(ulimit -n 4096 && exec cr-pipes --many "$_pc" "$PC_D/$_pc" \
			</dev/null >/dev/null 2>&1) &
		t_run "started-$_pc" qr_wait 120 test -s "$PC_D/$_pc/info" || return
	done
	for _pc in 0 $PC_N; do
		_pc_t=$(qr_ms)
		t_run "checkpoint-$_pc" quickreboot checkpoint --dir "$QR_SH/$_pc" \
			"$(qr_kv pid "$PC_D/$_pc/info")" || return
		echo $(($(qr_ms) - _pc_t)) >"$PC_D/$_pc/checkpoint-ms"
		t_info "checkpoint-$_pc-ms" "$(cat "$PC_D/$_pc/checkpoint-ms")"
	done
	t_info pipe-capture-us $((($(cat "$PC_D/$PC_N/checkpoint-ms") -
		$(cat "$PC_D/0/checkpoint-ms")) * 1000 / PC_N))
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline cr_next_cmdline
}

# Pipes of process $1 with both ends there: inodes its fds show twice.
pc_pipes() {
	ls -l "/proc/$1/fd" | sed -n 's/.*pipe:\[\([0-9]*\)\]$/\1/p' | sort | uniq -d | wc -l
}

new() {
	modprobe -a crc32c_generic ext4
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	for _pc in 0 $PC_N; do
		_pc_t=$(qr_ms)
		t_run "restore-$_pc" quickreboot restore --dir "$QR_SH/$_pc" || return
		echo $(($(qr_ms) - _pc_t)) >"/tmp/restore-$_pc-ms"
		t_info "restore-$_pc-ms" "$(cat "/tmp/restore-$_pc-ms")"
	done
	t_info pipe-restore-us $((($(cat "/tmp/restore-$PC_N-ms") -
		$(cat /tmp/restore-0-ms)) * 1000 / PC_N))
	_pc_p=$(qr_kv pid "$PC_D/$PC_N/info")
	t_eq pipes-restored "$PC_N" "$(pc_pipes "$_pc_p")"
	kill -9 "$_pc_p" "$(qr_kv pid "$PC_D/0/info")"
	t_run shelter-umount quickreboot shelter umount
}
