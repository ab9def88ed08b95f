# The demo: a stateful process (64 MiB of data, a progress counter, an open
# file, values in FPU registers) is frozen and checkpointed into the shelter
# in the Old kernel and restored by `quickreboot restore` in the New kernel, with the
# same PID, its data intact and its counter going on from where it stopped.
# Each phase of the downtime is reported (tests/vm/demo prints the table).
# tests/vm/demo and tests/bench/downtime run it with other modes, sizes
# and kinds of memory (anon, sysv: a System V segment) (the first lines).
# Zero copy: the cold boot reserves the boot area [256 MiB, 640 MiB), the
# New kernel is confined to it, the pages stay where they are.
DEMO_MIB=64
DEMO_KIND=anon
DEMO_MODE=zero-copy
SHELTER=128M
QR_MEM=2048
QR_APPEND="memmap=$SHELTER\$0x30000000 quickreboot.shelter=$SHELTER@0x30000000"
if [ "$DEMO_MODE" = zero-copy ]; then
	QR_APPEND="memmap=384M\$0x10000000 $QR_APPEND"
fi
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/demo

uptime_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

old() {
	modprobe -a crc32c_generic ext4
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	mkdir -p "$D"
	qr_pids_above 1000
	cr-counter "$D" "$DEMO_MIB" "$DEMO_KIND" </dev/null >/dev/null 2>&1 &
	P=$!
	echo "$P" >"$D/pid"
	t_run process-running qr_wait 120 sh -c \
		"[ \$(wc -l <$D/progress 2>/dev/null || echo 0) -ge 5 ]" || return
	t_info process "pid $P, $(qr_kv sum "$D/info" | cut -c1-12)... checksum of $DEMO_MIB MiB, counter at $(wc -l <"$D/progress")"
	# Loading the New kernel is not downtime: it happens before the freeze.
	t_run new-cmdline qr_next_confined "$DEMO_MODE"
	t_run kexec-load qr_kexec_load || return

	t_info downtime-start "checkpoint of pid $P"
	t0=$(uptime_ms)
	keep=
	[ "$DEMO_MODE" != zero-copy ] || keep=--keep-first-block
	t_run checkpoint quickreboot checkpoint --mode "$DEMO_MODE" $keep --dir "$SH/cp" "$P" || return
	t1=$(uptime_ms)
	wc -l <"$D/progress" >"$D/at-checkpoint"
	t_info checkpoint-ms "$((t1 - t0))"
	# Pages kept in the first memory block: the New kernel is loaded again
	# with their pageblocks hidden (as quickreboot reboot does).
	if [ -s "$SH/cp/first-block-hidden" ]; then
		t_run new-cmdline-hidden qr_next_confined "$DEMO_MODE" "$SH/cp"
		t_run kexec-load-again qr_kexec_load || return
		t_info reload-ms "$(($(uptime_ms) - t1))"
	fi
	t_info image "$(du -k "$SH/cp/image" | cut -f1) KiB image, $(du -k "$SH/cp/pages" | cut -f1) KiB pages"
	t_info state "pid $P frozen: $(sed -n 's/^State:\t//p' "/proc/$P/status")"
	t_run shelter-umount quickreboot shelter umount
	# The frozen process keeps its files open on the disk: synced, then
	# detached; the journal makes the next mount clean.
	sync
	t_run disk-detach umount -l /mnt/disk
}

new() {
	t0=$(uptime_ms)
	t_info new-kernel "$(uname -r), init reached at ${t0} ms of its uptime"
	modprobe -a crc32c_generic ext4
	P=$(cat "$D/pid")
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t1=$(uptime_ms)
	t_run restore quickreboot restore --dir "$SH/cp" || return
	t2=$(uptime_ms)
	t_info downtime-end "pid $P restored"
	qr_show_output restore /tmp/.qr_out
	t_info handback-ms "$(sed -n 's/.*hand-back \([0-9]*\) ms, processes.*/\1/p' /tmp/.qr_out)"
	t_info adopt-ms "$(sed -n 's/.*(adopt \([0-9]*\) ms.*/\1/p' /tmp/.qr_out)"
	t_info shelter-ms "$((t1 - t0))"
	t_info restore-ms "$((t2 - t1))"
	t_eq same-pid cr-counter "$(cat "/proc/$P/comm" 2>/dev/null)"
	rm -f "$D/result"
	touch "$D/verify"
	t_run process-answers qr_wait 60 test -s "$D/result"
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	t_eq fpu-registers-kept 0 "$(qr_kv fpu_bad "$D/result")"
	t_run counter-continues test "$(qr_kv counter "$D/result")" -gt \
		"$(cat "$D/at-checkpoint")"
	t_info process "pid $P, counter at $(qr_kv counter "$D/result") (was $(cat "$D/at-checkpoint") at the checkpoint), checksum equal"
	kill -9 "$P"
	qr_wait 30 sh -c "! test -e /proc/$P"
	quickreboot shelter umount
}
