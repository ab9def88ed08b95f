# Zero copy across kexec: a process holding 64 MiB of pseudo-random data is
# checkpointed with its anonymous pages left where they are (frames in the
# image), the New kernel boots confined to the boot area (`quickreboot
# cmdline`, kexec segments placed there), `quickreboot restore` hands the
# rest of RAM back holding those frames aside and the process adopts them:
# same PID, data equal byte for byte, every kept page in the same frame as
# before (those the Old kernel had put in the first memory block are
# copied), its counter goes on; fork and copy-on-write work on adopted
# pages; its exit frees the memory.
QR_MEM=2048
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_APPEND='memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/zc
MIB=${ZC_MIB:-64}

answered() {
	qr_wait 60 test -s "$D/$1"
}

old() {
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	mkdir -p "$D"
	qr_pids_above 1000
	zc-keep "$D" "$MIB" </dev/null >/dev/null 2>&1 &
	P=$!
	echo "$P" >"$D/pid"
	t_run started qr_wait 120 test -s "$D/info" || return
	touch "$D/dump"
	t_run frames-recorded answered frames-before || return
	t_run checkpoint quickreboot checkpoint --mode zero-copy --dir "$SH/cp" "$P" || return
	cp /tmp/.qr_out /tmp/checkpoint.out
	qr_show_output checkpoint /tmp/checkpoint.out
	t_run some-pages-kept grep -q 'zero copy: [1-9][0-9]* pages kept' /tmp/checkpoint.out
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run confined-cmdline qr_next_confined
}

new() {
	P=$(cat "$D/pid")
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t_run restore quickreboot restore --dir "$SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	t_eq same-pid zc-keep "$(cat "/proc/$P/comm" 2>/dev/null)"
	touch "$D/verify"
	t_run verify-written answered result || return
	t_info result "$(cat "$D/result")"
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	t_eq no-frame-moved 0 "$(qr_kv moved "$D/result")"
	t_run frames-kept test "$(qr_kv same "$D/result")" -gt 0
	t_run counter-continues test "$(qr_kv counter "$D/result")" -gt 0
	touch "$D/fork"
	t_run fork-answered answered forked || return
	t_eq fork-cow "child=OK parent=OK" "$(cat "$D/forked")"
	free_before=$(awk '/MemFree/ { print $2 }' /proc/meminfo)
	kill -9 "$P"
	t_run exited qr_wait 30 sh -c "! test -e /proc/$P"
	free_after=$(awk '/MemFree/ { print $2 }' /proc/meminfo)
	t_info freed-kib "$((free_after - free_before))"
	t_run exit-frees-memory test $((free_after - free_before)) -ge $((MIB * 1024 * 7 / 8))
	quickreboot shelter umount
}
