# A lock taken by someone else before restore fails only its holder's
# restore, naming it (copy mode): four cr-locks processes are kept, each
# holding a WRITE lock on its own file: a POSIX lock, an OFD lock, a flock
# and another POSIX lock. In the next kernel, before restore, other
# processes take the first three files' locks; restore then fails those
# three holders, each message naming process, fd, file and lock, and
# restores the fourth, which still holds its lock. Two more hold a POSIX
# lock (fd 3) and a flock (fd 4) that a child shares; their POSIX locks
# are taken, so they fail before taking their flocks again: restore takes
# the first one's flock for its child, which runs on holding it; the
# second's flock is taken too, so its child fails with it, named. A
# seventh holds a file that is a directory in the next kernel: that file
# is not made, which fails its holder only, named (not the whole image).
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
	start sharedflock s1
	start sharedflock s2
	start posix gone
	t_run checkpoint quickreboot checkpoint --dir "$QR_SH/cp" \
		"$(cat "$D/p.pid")" "$(cat "$D/o.pid")" "$(cat "$D/f.pid")" \
		"$(cat "$D/free.pid")" "$(cat "$D/s1.pid")" \
		"$(cat "$D/s2.pid")" "$(cat "$D/gone.pid")" || return
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline cr_next_cmdline
}

# qr_shares_file PID FD PATH: PID's fd FD is PATH.
qr_shares_file() {
	[ "$(readlink "/proc/$1/fd/$2")" = "$3" ]
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
	grab posix s1.p
	grab posix s2.p
	grab flock s2
	rm -f "$D/gone"
	mkdir "$D/gone"
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
	G=$(cat "$D/gone.pid")
	t_run gone-file-named grep -q "restore: file [0-9]*: $D/gone: Is a directory" /tmp/restore.out
	t_run gone-holder-named grep -q "restore: process $G: fd 3: its file [0-9]* ($D/gone) was not made (said above): the process is not restored" /tmp/restore.out
	t_run gone-not-running qr_wait 10 cr_dead "$G"
	t_run gone-others-restored grep -q "restored $(cat "$D/s1.child") (cr-locks)" /tmp/restore.out
	S1=$(cat "$D/s1.pid")
	S2=$(cat "$D/s2.pid")
	C1=$(cat "$D/s1.child")
	C2=$(cat "$D/s2.child")
	t_run s1-holder-named grep -Eq "restore: process $S1: fd 3: $D/s1.p: POSIX WRITE lock 0-99: held by process [0-9]+" /tmp/restore.out
	t_run s1-child-restored grep -q "restored $C1 (cr-locks)" /tmp/restore.out
	t_eq s1-child-running cr-locks "$(cat "/proc/$C1/comm" 2>/dev/null)"
	t_run s1-flock-held grep -Eq " FLOCK  ADVISORY  WRITE [0-9]+ [0-9a-f:]*:$(stat -c %i "$D/s1") 0 EOF$" /proc/locks
	t_run s1-child-holds-it qr_shares_file "$C1" 4 "$D/s1"
	t_run s2-flock-named grep -q "restore: $D/s2: flock LOCK_EX of process $S2, which failed: held by another open file" /tmp/restore.out
	t_run s2-child-named grep -q "restore: pid $C2 (cr-locks): fails too: it shares $D/s2, whose flock is lost" /tmp/restore.out
	t_run s-failed-not-running qr_wait 10 cr_dead "$S1" "$S2" "$C2"
	# shellcheck disable=SC2086 # a list
	kill -9 "$FREE" "$C1" $GRABBERS
	t_run killed qr_wait 30 cr_dead "$FREE" "$C1" $GRABBERS
	t_run shelter-umount quickreboot shelter umount
}
