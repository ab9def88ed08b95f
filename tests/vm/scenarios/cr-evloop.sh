# An event loop across kexec in copy mode (Old -> New), then in zero copy
# (New -> Old, captured by the New kernel this time): cr-evloop waits on
# an epoll over eventfds (one a worker thread writes, one in semaphore
# mode, an armed and a fired EPOLLONESHOT, an EPOLLEXCLUSIVE one),
# timerfds (a 100 ms tick with EPOLLWAKEUP, absolute CLOCK_REALTIME and
# CLOCK_MONOTONIC timers, a relative CLOCK_BOOTTIME one) and holds a
# signalfd, with a SIGUSR2 pending at the freeze, inside two nested idle
# epolls; a second thread blocks reading an eventfd. After restore it
# finds each fd at its number with its O_NONBLOCK and FD_CLOEXEC, its
# epoll's targets with their masks and data words (fdinfo, and what
# epoll_wait reports), the counters neither lost nor doubled, the tick
# counting the periods of its clock across the reboot, the timers due
# during the reboot fired once at restore and the absolute monotonic one
# on time, the signal read through the nested epolls. The loop also
# waits on a pipe (a numbered byte per wake-up from the worker thread)
# and on two listening UNIX stream sockets, one bound to a path, one
# abstract, whose client is a child process: before each checkpoint the
# loop stops reading and accepting, so the freeze finds wake-ups in the
# pipe, requests on accepted connections and a connection not yet
# accepted; after restore every wake-up arrives once, in order, and every
# request gets one answer, in order, on every connection. A second process
# holds 1000 eventfds (counters, every other in semaphore mode), each
# found as it was. Before each checkpoint, one that fails after the
# capture leaves all of it as it was. `check` refuses an epoll whose
# target was closed after it was added, or reused (cr-refuse).
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR
MANY=1000

# check_ms PID...: how long `check` takes, ms.
check_ms() {
	_t0=$(qr_ms)
	quickreboot check "$@" >/dev/null 2>&1
	echo $(($(qr_ms) - _t0))
}

# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_start() {
	(cd / && exec cr-evloop "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	(cd / && exec cr-evloop --many "$MANY" "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS="$CR_PIDS $!"
	t_run started qr_wait 60 test -s "$D/info" -a -s "$D/many-info"
	t_run check-keeps quickreboot check $CR_PIDS
	qr_show_output check /tmp/.qr_out
	t_info check-ms-evloop "$(check_ms "${CR_PIDS%% *}")"
	t_info check-ms-1000-eventfds "$(check_ms "${CR_PIDS#* }")"
}

# many_kept: the 1000 eventfds hold their counters, in their modes.
many_kept() {
	rm -f "$D/many-result"
	touch "$D/many-verify"
	qr_wait 60 test -s "$D/many-result" &&
		[ "$(cat "$D/many-result")" = "ok=1 n=$MANY" ]
}

# A checkpoint failing after the capture leaves every counter and mode as
# it was (the Old 6.1 shows no eventfd's mode: the capture asks each,
# through a read and writes that must put it back) and nothing frozen.
# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
rollback_keeps() {
	QUICKREBOOT_TEST_FAIL=capture quickreboot checkpoint --dir "$QR_SH/rb" \
		$CR_PIDS >/tmp/cp.out 2>&1
	t_eq rollback-fails-exit-1 1 "$?"
	t_run rollback-nothing-frozen qr_none_frozen "$P"
	t_run rollback-client-not-frozen qr_none_frozen "$(qr_kv client "$D/info")"
	t_run rollback-many-not-frozen qr_none_frozen "${CR_PIDS#* }"
	t_run rollback-verify-written cr_answer
	t_info rollback-result "$(cat "$D/result")"
	for _k in fds masks count sem pipe unix names; do
		t_eq "rollback-$_k-kept" 1 "$(qr_kv $_k "$D/result")"
	done
	t_run rollback-many-eventfds-kept many_kept
}

cr_pre_checkpoint() {
	rollback_keeps
	rm -f "$D/armed"
	touch "$D/arm"
	t_run armed qr_wait 30 test -s "$D/armed"
	t_info armed "$(cat "$D/armed")"
	t_run connection-queued test "$(qr_kv conns_queued "$D/armed")" -ge 1
	t_run requests-held test "$(qr_kv req_bytes_held "$D/armed")" -ge 8
	t_run wakeups-held test "$(qr_kv pipe_bytes_held "$D/armed")" -ge 5
	t_run signal-pending grep -q '^ShdPnd:.*800$' "/proc/$P/status"
}

# The absolute CLOCK_MONOTONIC timer fired at its due time, not before,
# and at most 5 s after it or after the verification (its clock, just
# after the restore), whichever is later.
abs_mono_on_time() {
	t_run abs-mono-fired qr_wait 150 test -s "$D/abs-mono" || return
	t_info abs-mono "$(cat "$D/abs-mono")"
	_due=$(qr_kv due "$D/abs-mono")
	_at=$(qr_kv at "$D/abs-mono")
	t_eq abs-mono-once 1 "$(qr_kv ticks "$D/abs-mono")"
	t_run abs-mono-not-early test "$_at" -ge "$_due"
	_now=$(qr_kv mono "$D/result")
	[ "$_due" -gt "$_now" ] || _due=$_now
	t_run abs-mono-not-late test "$_at" -le $((_due + 5000))
}

cr_verify() {
	t_eq same-pid cr-evloop "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq fd-numbers-flags-kept 1 "$(qr_kv fds "$D/result")"
	t_eq epoll-masks-data-kept 1 "$(qr_kv masks "$D/result")"
	t_eq epollwakeup-kept 1 "$(qr_kv wakeup "$D/result")"
	t_eq eventfd-count-kept 1 "$(qr_kv count "$D/result")"
	t_eq eventfd-semaphore-kept 1 "$(qr_kv sem "$D/result")"
	t_eq fired-oneshot-stays-quiet 1 "$(qr_kv oneshot "$D/result")"
	t_eq armed-oneshot-once 1 "$(qr_kv armed "$D/result")"
	t_eq exclusive-reported 1 "$(qr_kv excl "$D/result")"
	t_eq tick-counts-periods 1 "$(qr_kv tick "$D/result")"
	t_eq abs-realtime-fired-once 1 "$(qr_kv abs_real "$D/result")"
	t_eq relative-due-fired-once 1 "$(qr_kv rel "$D/result")"
	t_eq nested-epoll-ready 1 "$(qr_kv nested "$D/result")"
	t_eq signalfd-reads-pending 1 "$(qr_kv sig "$D/result")"
	t_eq blocked-reader-reads 1 "$(qr_kv block "$D/result")"
	t_eq no-stray-events 1 "$(qr_kv events "$D/result")"
	t_eq pipe-wakeups-once-in-order 1 "$(qr_kv pipe "$D/result")"
	t_eq requests-answered-once-in-order 1 "$(qr_kv unix "$D/result")"
	t_eq listener-names-kept 1 "$(qr_kv names "$D/result")"
	t_eq queued-connection-accepted "$(($1 + 2))" "$(qr_kv conns "$D/result")"
	_c=$(qr_kv client "$D/info")
	t_eq client-same-pid cr-evloop "$(cat "/proc/$_c/comm" 2>/dev/null)"
	t_eq client-parent-kept "$P" "$(awk '/^PPid:/ { print $2 }' "/proc/$_c/status" 2>/dev/null)"
	t_info epoll-fdinfo "$(grep '^tfd' "/proc/$P/fdinfo/10" | tr -s ' ' | tr '\n' ';')"
	_m=${CR_PIDS#* }
	t_eq many-same-pid cr-evloop "$(cat "/proc/$_m/comm" 2>/dev/null)"
	t_eq many-fds "$((MANY + 3))" "$(ls "/proc/$_m/fd" | wc -l)"
	t_run many-eventfds-kept many_kept
	t_info many-result "$(cat "$D/many-result")"
	abs_mono_on_time
}
