# A lock taken by someone else before restore fails only its holder's
# restore, naming it (copy mode): four cr-locks processes are kept, each
# holding a WRITE lock on its own file: a POSIX lock, an OFD lock, a flock
# and another POSIX lock. In the next kernel, before restore, other
# processes take the first three files' locks; restore then fails those
# three holders, each message naming process, fd, file and lock, and
# restores the fourth, which still holds its lock.
D=/mnt/disk/cr-taken

# start KIND NAME: a holder of a KIND lock on $D/NAME, its PID in $D/NAME.pid.
start() {
	cr-locks "$D" hold "$1" "$2" </dev/null >/dev/null 2>&1 &
	echo $! >"$D/$2.pid"
	t_run "$2-holds" qr_wait 30 test -e "$D/$2.hold"
}

old() {
	modprobe -a crc32c_generic ext4
	qr_shelter_fresh || return
	rm -rf "$D"
	mkdir -p "$D"
	qr_pids_above 1000
	start posix p
	start ofd o
	start flock f
	start posix free
	t_run checkpoint quickreboot checkpoint --dir "$QR_SH/cp" \
		"$(cat "$D/p.pid")" "$(cat "$D/o.pid")" "$(cat "$D/f.pid")" \
		"$(cat "$D/free.pid")" || return
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline cr_next_cmdline
}

# grab KIND NAME: $D/NAME's lock taken by a process of this kernel.
grab() {
	cr-locks "$D" grab "$1" "$2" </dev/null >/dev/null 2>&1 &
	GRABBERS="$GRABBERS $!"
	t_run "$2-grabbed" qr_wait 30 test -e "$D/$2.grab"
}

new() {
	GRABBERS=
	grab posix p
	grab ofd o
	grab flock f
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t_fails restore-fails quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	P=$(cat "$D/p.pid")
	O=$(cat "$D/o.pid")
	F=$(cat "$D/f.pid")
	FREE=$(cat "$D/free.pid")
	t_run posix-named grep -Eq "restore: process $P: fd 3: $D/p: POSIX WRITE lock 0-99: held by process [0-9]+" /tmp/restore.out
	t_run ofd-named grep -Eq "restore: process $O: fd 3: $D/o: OFD WRITE lock 0-99: held by another open file" /tmp/restore.out
	t_run flock-named grep -Eq "restore: process $F: fd 3: $D/f: flock WRITE lock: held by another open file" /tmp/restore.out
	t_run free-restored grep -q "restored $FREE (cr-locks)" /tmp/restore.out
	t_eq free-running cr-locks "$(cat "/proc/$FREE/comm" 2>/dev/null)"
	t_run free-holds grep -q " POSIX  ADVISORY  WRITE $FREE [0-9a-f:]* 0 99$" /proc/locks
	t_run failed-not-running qr_wait 10 cr_dead "$P" "$O" "$F"
	# shellcheck disable=SC2086 # a list
	kill -9 "$FREE" $GRABBERS
	t_run killed qr_wait 30 cr_dead "$FREE" $GRABBERS
	t_run shelter-umount quickreboot shelter umount
}
