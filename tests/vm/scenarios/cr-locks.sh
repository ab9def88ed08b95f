# File locks and an inotify fd across kexec (copy mode): cr-locks' holder
# H holds POSIX read and write ranges, two OFD locks, a flock on a file
# and one on its directory, and an inotify fd watching a directory (wd 1)
# and a file (wd 3, wd 2 and 4 removed); its child W waits in F_SETLKW for a
# range H holds. After restore /proc/locks shows the same locks of H and
# W (W still waiting), W still waits until H unlocks and then gets the
# range, and from W's side H's locks conflict as before; H's inotify fd
# has the same watches, no event queued, reads the events made now with
# the same wds, and numbers its next watch 5 (the Old kernel's counter,
# read by pfncheck, not one above the highest kept watch). H's read lease
# is held again and broken by an open for writing, with its F_SETSIG
# signal; a socket's I/O signals (O_ASYNC, F_SETOWN_EX, F_SETSIG) still
# come to H with their fd. `check` refuses by name (process, fd, reason)
# a lease being broken, an inotify fd with events queued, a flock on a
# device that is no kept file and I/O signals to a process that is not
# kept.
# zc-locks, a link to this file, runs it in zero copy (its family's
# layout, zc, is the one with a boot area).
case ${QR_LAYOUT_APPEND:-} in
*'memmap=384M$0x10000000'*) CR_MODES=zero-copy ;;
esac
D=$CR_DIR

# The locks /proc/locks shows on cr-locks' files, "[->] KIND TYPE PID INO
# START END" sorted (the lock's number and the device left out: both may
# differ in another kernel).
locks_now() {
	_li=" $(ls -id "$D" "$D/posix.bin" "$D/ofd.bin" "$D/flock.bin" "$D/lease.txt" | awk '{ printf "%s ", $1 }')"
	awk -v inos="$_li" '{
		o = ""
		for (i = 2; i <= NF; i++) {
			f = $i
			if (f == "ADVISORY")
				continue
			if (f ~ /^[0-9a-f]+:[0-9a-f]+:[0-9]+$/) {
				sub(/^[0-9a-f]+:[0-9a-f]+:/, "", f)
				if (index(inos, " " f " ") == 0)
					next
			}
			o = o (o == "" ? "" : " ") f
		}
		print o
	}' /proc/locks | sort
}

# refused MODE PATTERN: cr-locks MODE is refused by check with a line
# matching PATTERN (grep -E; @P@ is its PID), nothing frozen.
refused() {
	_rd=/tmp/cr-locks-$1
	rm -rf "$_rd"
	mkdir -p "$_rd"
	cr-locks "$_rd" "$1" </dev/null >/dev/null 2>&1 &
	_rp=$!
	t_run "$1-ready" qr_wait 30 test -e "$_rd/ready" || return
	quickreboot check "$_rp" >/tmp/check.out 2>&1
	t_eq "$1-refused-exit-3" 3 "$?"
	t_info "$1-says" "$(grep -v '^check:' /tmp/check.out | tr '\n' ';')"
	t_run "$1-named" grep -Eq "$(printf "%s" "$2" | sed "s/@P@/$_rp/g")" /tmp/check.out
	t_run "$1-none-frozen" qr_none_frozen "$_rp"
	kill "$_rp"
	wait "$_rp" 2>/dev/null
}

cr_start() {
	refused lease '^quickreboot: process @P@: fd 3: a lease \(F_SETLEASE\) on /tmp/cr-locks-lease/lease.txt, being broken \(another opened the file\): not carried$'
	refused owner '^quickreboot: process @P@: fd 3: its I/O signals go to process [0-9]+ \(F_SETOWN\), not a kept process holding it: not carried$'
	refused queued '^quickreboot: process @P@: fd 3: inotify: [0-9]+ bytes of events queued: not carried'
	refused devlock '^quickreboot: process @P@: fd 3: a FLOCK lock on /dev/null \(character device\): not carried$'
	(cd / && exec cr-locks "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || return
	W=$(qr_kv waiter "$D/info")
	t_run waiter-blocked qr_wait 30 grep -q " -> POSIX  ADVISORY  WRITE $W " /proc/locks
	t_run checked quickreboot check "$CR_PIDS"
	locks_now >"$D/locks-before"
	t_info locks-before "$(tr '\n' ';' <"$D/locks-before")"
	t_eq locks-seen 9 "$(wc -l <"$D/locks-before")"
}

cr_verify() {
	W=$(qr_kv waiter "$D/info")
	t_eq same-pid cr-locks "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq waiter-pid cr-locks "$(cat "/proc/$W/comm" 2>/dev/null)"
	t_eq locks-kept "$(tr '\n' ';' <"$D/locks-before")" "$(locks_now | tr '\n' ';')"
	t_run verify-written cr_answer 60
	t_info result "$(cat "$D/result")"
	for _k in nonblock cloexec clean watches waiting events next_wd got order \
		posix_rd posix_eof posix_free ofd_wr ofd_rd ofd_free flock dirflock \
		dirshared lease owner sigs async sigio leasebreak; do
		t_eq "$_k" 1 "$(qr_kv $_k "$D/result")"
	done
	t_info events "$(cat "$D/events")"
	t_info watches "$(cat "$D/watches") (before: $(cat "$D/watches-before"))"
	t_run waiter-holds-now grep -q " POSIX  ADVISORY  WRITE $W [0-9a-f:]* 150 159" /proc/locks
	# cr_end kills H; W, its child, holds files on the disk too.
	kill -9 "$W"
}
