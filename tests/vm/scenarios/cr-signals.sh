# Signal and resource state across kexec, there and back (Old -> New ->
# Old): cr-signals, with a SIGUSR1 handler on a sigaltstack, SIGUSR2
# blocked and pending (value 42), SIGTERM ignored, an ITIMER_REAL every
# 500 ms and RLIMIT_NOFILE lowered, is frozen, checkpointed into the
# shelter and restored in the next kernel. There the handler still runs on
# the alternate stack, unblocking SIGUSR2 delivers the pending one with its
# value, the timer keeps firing, SIGTERM is still ignored and the limit is
# the same; a second thread's own pending SIGRTMIN+1 (value 7) and SIGURG
# (from tgkill) are still its own and handled by that thread once it
# unblocks them; the process then makes them all pending again for the
# next hop. Beside it, cr-timers holds POSIX timers of four clocks and
# notifications, with a gap in their ids; after each restore it finds
# them with the same ids, the periodic one ticking, the one due during the
# reboot fired once, the others' time left, and the next id where it was.
# The first hop is in copy mode, the second in zero copy.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR
T=$CR_DIR/timers

status() {
	sed -n "s/^$1:\t//p" "/proc/$P/status"
}

# The worker thread's own pending and blocked signals, as the kernel
# shows them.
worker_view() {
	sed -n 's/^\(SigPnd\|SigBlk\):\t//p' "/proc/$P/task/$(qr_kv worker "$D/info")/status" |
		tr '\n' ' '
}

# The kernel's view before and after: same pending, blocked, ignored and
# caught signals, same limits (the timer's tick may be pending too).
signals_view() {
	printf '%s %s %s %s %s\n' "$(status ShdPnd)" "$(status SigBlk)" \
		"$(status SigIgn)" "$(status SigCgt)" \
		"$(grep 'open files' "/proc/$P/limits" | tr -s ' ')"
}

cr_start() {
	(cd / && exec cr-signals "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info"
	mkdir -p "$T"
	(cd / && exec cr-timers "$T" </dev/null >/dev/null 2>&1) &
	CR_PIDS="$CR_PIDS $!"
	t_run timers-started qr_wait 60 test -s "$T/info"
	t_info timers "$(tr '\n' ' ' <"$T/timers")"
}

cr_pre_checkpoint() {
	rm -f "$T/armed"
	touch "$T/arm"
	t_run timer-armed qr_wait 30 test -s "$T/armed"
	# ITIMER_REAL may have SIGALRM (0x2000) pending at any instant.
	signals_view | sed 's/^0000000000002800/0000000000000800/' >"$D/view"
	t_info view "$(cat "$D/view")"
	worker_view >"$D/worker-view"
	t_info worker-view "$(cat "$D/worker-view")"
	t_run worker-pending grep -q '^SigPnd:.*400400000$' \
		"/proc/$P/task/$(qr_kv worker "$D/info")/status"
}

cr_verify() {
	t_eq same-pid cr-signals "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq signals-view "$(cat "$D/view")" "$(signals_view | sed 's/^0000000000002800/0000000000000800/')"
	worker_view >"$D/worker-view-restored"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq handler-on-altstack 1 "$(qr_kv alt "$D/result")"
	t_eq sigaltstack-kept 1 "$(qr_kv ss "$D/result")"
	t_eq pending-value 42 "$(qr_kv usr2 "$D/result")"
	t_eq timer-fires 1 "$(qr_kv ticks "$D/result")"
	t_eq sigterm-ignored 1 "$(qr_kv term "$D/result")"
	t_eq rlimit-nofile 77/99 "$(qr_kv nofile "$D/result")"
	t_eq worker-view "$(cat "$D/worker-view")" "$(cat "$D/worker-view-restored")"
	t_eq thread-rt-value 7 "$(qr_kv rt "$D/result")"
	t_eq thread-tkill-kept 1 "$(qr_kv urg "$D/result")"
	t_eq thread-rt-in-its-thread 1 "$(qr_kv rt_tid "$D/result")"
	t_eq thread-tkill-in-its-thread 1 "$(qr_kv urg_tid "$D/result")"
	t_run timers-checked cr_answer 60 "$T"
	t_info timers-result "$(cat "$T/result")"
	t_eq timers-kept 1 "$(qr_kv ok "$T/result")"
}
