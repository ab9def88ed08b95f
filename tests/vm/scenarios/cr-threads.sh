# Copy-mode checkpoint/restore of a multi-threaded process across kexec:
# cr-threads (8 threads: six workers under a pthread mutex with shared and
# thread-local counters, one in sleep(), one in a bare futex wait) is frozen
# by pfncheck, checkpointed into the shelter and restored in the New kernel
# with the same PID and TIDs; the invariants hold, the workers go on, the
# sleeper keeps sleeping and waking, the futex waiter is woken after restore.
# The frozen process cannot be killed (SIGKILL does not get in): the disk it
# uses is synced and detached with umount -l, as a real quick reboot would
# leave a filesystem that frozen processes hold (see cr-basic).
QR_MEM=2048
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_HOPS=1
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/crt

# The TIDs the kernel shows, sorted, without the main thread's.
task_tids() {
	ls "/proc/$1/task" | grep -vx "$1" | sort -n | tr '\n' ',' | sed 's/,$//'
}

sorted() {
	echo "$1" | tr ',' '\n' | sort -n | tr '\n' ',' | sed 's/,$//'
}

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		t_run shelter-load quickreboot shelter load --format
		t_run shelter-mkfs quickreboot shelter mkfs
		t_run shelter-mount quickreboot shelter mount
		mkdir -p "$D"
		qr_pids_above 1000
		cr-threads "$D" </dev/null >/dev/null 2>&1 &
		P=$!
		t_run started qr_wait 60 test -s "$D/info"
		echo "$P" >"$D/pid"
		t_eq tids-listed "$(sorted "$(qr_kv tids "$D/info")")" "$(task_tids "$P")"
		t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$P"
		t_eq frozen I "$(sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$P/status")"
		t_info checkpoint "$(ls -l "$SH/cp" | tr -s ' ' | tr '\n' ';')"
		t_run shelter-umount quickreboot shelter umount
		sync
		t_run disk-detach umount -l /mnt/disk
		t_run new-cmdline sh -c \
			"quickreboot cmdline --append qr.hop=1 >/tmp/cmdline"
		QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
	else
		P=$(cat "$D/pid")
		t_run shelter-load quickreboot shelter load
		t_run shelter-mount quickreboot shelter mount
		t_run restore quickreboot restore --dir "$SH/cp"
		t_eq same-pid cr-threads "$(cat "/proc/$P/comm" 2>/dev/null)"
		t_eq same-tids "$(sorted "$(qr_kv tids "$D/info")")" "$(task_tids "$P")"
		touch "$D/verify"
		t_run verify-written qr_wait 60 test -s "$D/result"
		t_info result "$(cat "$D/result")"
		t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
		t_eq tids-seen "$(qr_kv tids "$D/info")" "$(qr_kv tids "$D/result")"
		t_eq invariants 0 "$(qr_kv bad "$D/result")"
		t_run workers-ran test "$(qr_kv total "$D/result")" -gt 0
		t_eq futex-woken 7 "$(qr_kv woken "$D/result")"
		sleeps=$(qr_kv sleeps "$D/result")
		t_run sleeper-goes-on qr_wait 10 sh -c \
			"rm -f $D/result; touch $D/verify; sleep 3; [ \$(sed -n 's/.*sleeps=\([0-9]*\).*/\1/p' $D/result) -gt $sleeps ]"
		kill -9 "$P"
		t_run killed qr_wait 30 sh -c \
			"[ ! -e /proc/$P ] || grep -q '^State:.*Z' /proc/$P/status"
		t_run shelter-umount quickreboot shelter umount
	fi
	sync
}
