# Terminals across kexec in copy mode (Old -> New), then in zero copy
# (New -> Old): cr-pty is a terminal server as tmux makes one (it
# daemonizes, leads its own session without a terminal) holding pty
# masters; on each of two pairs a child shell leads its own session with
# the slave as its controlling terminal (one canonical, one raw and
# exclusive, its master non-blocking and in packet mode) and runs a job in
# the foreground group; the first shell also holds a group whose leader
# exited (a pipeline's first command, reaped); a third pair has both ends
# in the server, locked; a fourth's slave was closed (the master reads
# EIO); a fifth's slave is raw, both ends in the server. Bytes are left
# queued both ways before each checkpoint (for a master's reader, for a
# raw slave's readers). After each restore the program checks its own
# state (those bytes exactly; numbered lines both ways, none lost or
# doubled; each job's ttyname, foreground group, session, controlling
# terminal and mode; a SIGWINCH reaching the foreground job on
# TIOCSWINSZ; termios and window size; fds, flags, packet and lock modes;
# the slave's owner and mode) and the scenario reads /proc: every
# process's parent, group, session, tty_nr and tpgid as before, the
# leaderless group still there, and a process still in the session its
# parent left by setsid() after making it. Before the first checkpoint
# `check` refuses, naming fd and byte count, a line queued for a canonical
# slave's readers, a slave also open outside the kept set, and a shell
# kept without the server holding its terminal's master; a checkpoint
# failing after capture leaves it all working.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR

pty_mount() {
	grep -q ' /dev/pts devpts ' /proc/mounts ||
		mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
}

# "ppid pgid sid tty_nr tpgid" of a process (stat fields 4-8).
ids() {
	sed 's/.*) . //' "/proc/$1/stat" | cut -d' ' -f1-5
}

# tty_nr of /dev/pts/N as /proc/PID/stat shows it (N below 256).
pts_nr() {
	echo $(((136 << 8) | $1))
}

pty_refusals() {
	_n1=$(qr_kv n1 "$D/info")
	_n3=$(qr_kv n3 "$D/info")
	touch "$D/queue-in"
	t_run queued qr_wait 10 test -s "$D/done-queue-in"
	quickreboot check "$P" >/tmp/pty.check 2>&1
	t_eq queued-check-refuses 3 "$?"
	t_info queued-check "$(grep -v 'can be kept' /tmp/pty.check | tr '\n' ';')"
	t_eq names-canonical-input-bytes 1 "$(grep -c "process $P: fd 13 is /dev/pts/$_n3: 4 bytes queued for its readers in canonical mode: not carried" /tmp/pty.check)"
	t_eq refuses-only-that 1 "$(grep -c 'not carried' /tmp/pty.check)"
	touch "$D/drain"
	t_run drained qr_wait 10 test -s "$D/done-drain"
	t_eq drained-both "in=4 out=5" "$(cat "$D/done-drain")"
	sleep 100 <>"/dev/pts/$_n1" &
	_sl=$!
	sleep 1
	quickreboot check "$P" >/tmp/pty.check 2>&1
	t_eq outside-check-refuses 3 "$?"
	t_info outside-check "$(grep -v 'can be kept' /tmp/pty.check | tr '\n' ';')"
	t_eq names-outside-holder 1 "$(grep -c "process $P: fd 10: pts/$_n1 is also open in process $_sl (sleep) fd 0, outside the kept set: not carried" /tmp/pty.check)"
	kill "$_sl"
	wait "$_sl" 2>/dev/null
	# Shell 1 without the server: its terminal's master stays behind.
	_c1=$(qr_kv c1 "$D/info")
	quickreboot check "$_c1" >/tmp/pty.check 2>&1
	t_eq half-pair-check-refuses 3 "$?"
	t_info half-pair-check "$(grep -v 'can be kept' /tmp/pty.check | tr '\n' ';')"
	t_eq names-master-not-kept 1 "$(grep -c "process $_c1: fd 0 is /dev/pts/$_n1: no kept process holds its master: not carried" /tmp/pty.check)"
	t_eq names-ctty-not-kept 1 "$(grep -c "process $_c1: leads its session, whose controlling terminal pts/$_n1 has no kept master: not carried" /tmp/pty.check)"
}

cr_start() {
	pty_mount
	(cd / && exec cr-pty "$D" </dev/null >/dev/null 2>&1)
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info info "$(cat "$D/info")"
	CR_PIDS=$(qr_kv pid "$D/info")
	P=$CR_PIDS
	t_run verify-before cr_answer
	t_info result-before "$(cat "$D/result") $(cat "$D/why")"
	t_eq lines-before 1 "$(qr_kv lines "$D/result")"
	t_eq no-queues-before none "$(qr_kv queues "$D/result")"
	rm -f "$D/before"
	for _n in c1 j1 c2 j2 m k d; do
		_p=$(qr_kv $_n "$D/info")
		echo "$_n $_p $(ids "$_p")" >>"$D/before"
	done
	t_info before "$(tr '\n' ';' <"$D/before")"
	pty_refusals
	quickreboot check "$P" >/tmp/pty.check 2>&1
	t_eq check-keeps 0 "$?"
	t_info check "$(tr '\n' ';' </tmp/pty.check)"
	t_eq check-lists-eight 8 "$(grep -c 'can be kept' /tmp/pty.check)"
}

# Bytes left for master 3's reader and slave 5's raw readers, carried;
# at hop 0 a checkpoint failing after the capture (which read them and
# put them back) leaves them and every terminal working.
pty_queue() {
	rm -f "$D/done-queue"
	touch "$D/queue"
	t_run queue-left qr_wait 10 test -s "$D/done-queue"
	t_eq queue-written "5 7" "$(cat "$D/done-queue")"
}

cr_pre_checkpoint() {
	if [ "$1" = 0 ]; then
		pty_queue
		QUICKREBOOT_TEST_FAIL=capture quickreboot checkpoint \
			--dir "$QR_SH/rb" "$P" >/tmp/cp.out 2>&1
		t_eq rollback-fails-exit-1 1 "$?"
		t_run rollback-nothing-frozen qr_none_frozen "$P"
		t_run rollback-verify-written cr_answer
		t_info rollback-result "$(cat "$D/result") $(cat "$D/why")"
		for _k in lines view winch term fds queues; do
			t_eq "rollback-$_k-kept" 1 "$(qr_kv $_k "$D/result")"
		done
	fi
	qr_kv sent "$D/result" >"$D/sent-before"
	pty_queue
	t_run check-keeps-queues quickreboot check "$P"
}

cr_pre_restore() {
	t_run devpts-mounted pty_mount
}

cr_verify() {
	t_eq same-pid cr-pty "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result") $(cat "$D/why")"
	for _k in lines view winch term winsize fds pkt lock hup owner queues; do
		t_eq "$_k-kept" 1 "$(qr_kv $_k "$D/result")"
	done
	t_eq lines-numbered-on $(($(cat "$D/sent-before") + 50)) "$(qr_kv sent "$D/result")"
	while read -r _n _p _rest; do
		t_eq "$_n-parent-group-session-tty-fg" "$_rest" "$(ids "$_p" 2>/dev/null)"
	done <"$D/before"
	for _i in 1 2; do
		_c=$(qr_kv c$_i "$D/info")
		_j=$(qr_kv j$_i "$D/info")
		t_eq "c$_i-tty-nr" "$(pts_nr "$(qr_kv n$_i "$D/info")")" "$(ids "$_c" | cut -d' ' -f4)"
		t_eq "c$_i-foreground-job" "$_j" "$(ids "$_c" | cut -d' ' -f5)"
		t_eq "j$_i-own-group" "$_j" "$(ids "$_j" | cut -d' ' -f2)"
	done
	_l=$(qr_kv l "$D/info")
	t_eq m-in-leaderless-group "$_l" "$(ids "$(qr_kv m "$D/info")" | cut -d' ' -f2)"
	t_run group-leader-gone test ! -e "/proc/$_l"
	t_eq server-no-tty "0 -1" "$(ids "$P" | cut -d' ' -f4-5)"
	t_eq d-in-left-session "$(qr_kv k "$D/info") $P $P" "$(ids "$(qr_kv d "$D/info")" | cut -d' ' -f1-3)"
}
