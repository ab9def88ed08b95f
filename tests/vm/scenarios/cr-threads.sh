# Copy-mode checkpoint/restore of a multi-threaded process across kexec:
# cr-threads (8 threads: six workers under a pthread mutex with shared and
# thread-local counters, one in sleep(), one in a bare futex wait) is frozen
# by pfncheck, checkpointed into the shelter and restored in the New kernel
# with the same PID and TIDs; the invariants hold, the workers go on, the
# sleeper keeps sleeping and waking, the futex waiter is woken after restore.
# The frozen process cannot be killed (SIGKILL does not get in): the disk it
# uses is synced and detached with umount -l, as a real quick reboot would
# leave a filesystem that frozen processes hold (see cr-basic).
QR_PAIRS=back
D=$CR_DIR

# The TIDs the kernel shows, sorted, without the main thread's.
task_tids() {
	ls "/proc/$1/task" | grep -vx "$1" | sort -n | tr '\n' ',' | sed 's/,$//'
}

sorted() {
	echo "$1" | tr ',' '\n' | sort -n | tr '\n' ',' | sed 's/,$//'
}

cr_start() {
	cr-threads "$D" </dev/null >/dev/null 2>&1 &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || return
	t_eq tids-listed "$(sorted "$(qr_kv tids "$D/info")")" "$(task_tids "$CR_PIDS")"
}

cr_verify() {
	t_eq same-pid cr-threads "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq same-tids "$(sorted "$(qr_kv tids "$D/info")")" "$(task_tids "$P")"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq tids-seen "$(qr_kv tids "$D/info")" "$(qr_kv tids "$D/result")"
	t_eq invariants 0 "$(qr_kv bad "$D/result")"
	t_run workers-ran test "$(qr_kv total "$D/result")" -gt 0
	t_eq futex-woken 7 "$(qr_kv woken "$D/result")"
	sleeps=$(qr_kv sleeps "$D/result")
	t_run sleeper-goes-on qr_wait 10 sh -c \
		"rm -f $D/result; touch $D/verify; sleep 3; [ \$(sed -n 's/.*sleeps=\([0-9]*\).*/\1/p' $D/result) -gt $sleeps ]"
}
