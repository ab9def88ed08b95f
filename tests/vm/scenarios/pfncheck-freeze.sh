# pfncheck freezes every thread of a process (nothing runs, no signal gets
# in, the parent sees no stop), thaws it as if nothing happened (nanosleep,
# pipe read and waitpid resume by the kernel's restart rules), maps and pins
# its frames in agreement with /proc/PID/pagemap, refuses what it must, rolls
# back a failed freeze, thaws on unload and lets a killed process die,
# thaws what an open file froze and did not commit when it is closed, and
# tells a process killed while frozen: in the Old kernel and again in the
# New one.
QR_HOP_TIMEOUT=900

N=4		# counter threads: the worker has N + 4 threads
SLEEP=15	# seconds per nanosleep() of the worker's sleeper
BIG_MIB=1024	# the process whose PFN map is timed

kv() {
	sed -n "s/^$1=//p" "$2"
}

# st DIR KEY: one value of a worker's state
st() {
	pfncheck-worker status "$1" >/tmp/.st && kv "$2" /tmp/.st
}

# The distinct states of PID's threads ("I" for TASK_IDLE), in one word.
states() {
	for t in /proc/"$1"/task/*; do
		sed 's/^.*) //' "$t/stat" | cut -d' ' -f1
	done | sort -u | tr -d '\n'
}

# not_idle NAME PID: no thread of PID is parked
not_idle() {
	case $(states "$2") in
	*I*) t_fail "$1" "threads in state I: $(states "$2")" ;;
	*) t_pass "$1" ;;
	esac
}

# out NAME CMD...: like t_run, with CMD's output kept in /tmp/NAME.out
out() {
	_n=$1
	shift
	if "$@" >"/tmp/$_n.out" 2>&1; then
		t_pass "$_n"
	else
		qr_show_output "$_n" "/tmp/$_n.out"
		t_fail "$_n" "'$*' exited $?"
	fi
}

# refused NAME WANT CMD...: CMD fails and says WANT
refused() {
	_n=$1
	_want=$2
	shift 2
	if "$@" >"/tmp/$_n.out" 2>&1; then
		t_fail "$_n" "'$*' succeeded but must be refused"
	elif grep -q "$_want" "/tmp/$_n.out"; then
		t_pass "$_n"
	else
		qr_show_output "$_n" "/tmp/$_n.out"
		t_fail "$_n" "refused without saying '$_want'"
	fi
}

# start DIR NTHREADS MIB: a worker; sets P (worker) and C (its child)
start() {
	rm -rf "$1"
	mkdir -p "$1"
	pfncheck-worker run "$1" "$2" "$3" $SLEEP &
	i=0
	while [ $i -lt 600 ] && [ "$(st "$1" ready 2>/dev/null)" != 1 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	P=$(cat "$1/pid")
	C=$(cat "$1/child")
	t_eq "ready-$(basename "$1")" 1 "$(st "$1" ready)"
}

# wait_gone PID: up to 20 s for PID to disappear
wait_gone() {
	i=0
	while [ -d "/proc/$1" ] && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	! [ -d "/proc/$1" ]
}

freeze_thaw() {
	W=/tmp/pfw
	start $W $N 64
	t_eq threads-total $((N + 4)) "$(ls /proc/"$P"/task | wc -l)"

	out freeze pfncheck-ctl freeze "$P"
	t_eq frozen-threads $((N + 4)) "$(kv threads /tmp/freeze.out)"
	t_info freeze_us_$((N + 4))_threads "$(kv freeze_us /tmp/freeze.out)"
	t_eq state-idle I "$(states "$P")"
	c1=$(st $W counters)
	sleep 2
	t_eq counters-still "$c1" "$(st $W counters)"

	out threads pfncheck-ctl threads "$P"
	qr_show_output threads /tmp/threads.out
	t_run threads-nanosleep grep -q 'restart=nanosleep fn=hrtimer_nanosleep_restart' /tmp/threads.out
	t_run threads-read grep -q 'nr=0 ret=-512 ' /tmp/threads.out
	t_run threads-wait4 grep -q 'nr=61 ret=-512 ' /tmp/threads.out
	t_eq threads-parked $((N + 4)) "$(grep -c 'state=parked' /tmp/threads.out)"
	# Registers of frozen threads, as PTRACE_GETREGSET would give them.
	out regs pfncheck-ctl regs "$P"
	t_eq regs-threads $((N + 4)) "$(kv regs_threads /tmp/regs.out)"

	# Signals and pipe data arrive, nothing runs, the parent sees nothing.
	echo frozen-data >$W/fifo
	kill -STOP "$P"
	kill -TSTP "$P"
	sleep 1
	t_eq state-after-signals I "$(states "$P")"
	t_eq parent-sees-nothing 0 "$(st $W parent_events)"
	t_eq no-read-while-frozen 0 "$(st $W reads)"
	# SIGCONT discards the pending stops: they must never take effect.
	kill -CONT "$P"

	out pfnmap pfncheck-ctl pfnmap "$P" --verify
	qr_show_output pfnmap /tmp/pfnmap.out
	t_info pfnmap_pages "$(kv pages /tmp/pfnmap.out)"
	t_run pfnmap-pinned test "$(qr_pfncheck_param page_refs)" -gt 16384
	refused freeze-twice 'already frozen' pfncheck-ctl freeze "$P"

	out thaw pfncheck-ctl thaw "$P"
	t_info thaw_us_$((N + 4))_threads "$(kv thaw_us /tmp/thaw.out)"
	thawed_at=$(kv mono_ms /tmp/thaw.out)
	t_eq refs-released 0 "$(qr_pfncheck_param page_refs)"
	t_eq none-frozen 0 "$(qr_pfncheck_param frozen)"
	sleep 2
	c2=$(st $W counters)
	t_run counters-move test "$c2" -gt "$c1"
	not_idle state-not-idle "$P"
	t_eq read-after-thaw frozen-data "$(st $W read_data)"
	t_eq read-once 1 "$(st $W reads)"
	t_eq parent-still-nothing 0 "$(st $W parent_events)"
	t_run checksum pfncheck-worker verify $W

	# The nanosleep that spanned the freeze ends on time, with no EINTR.
	i=0
	while [ "$(st $W sleep_rounds)" = 0 ] && [ $i -lt $((SLEEP * 10 + 100)) ]; do
		sleep 0.2
		i=$((i + 1))
	done
	pfncheck-worker status $W >/tmp/sleep.out
	s0=$(kv sleep_start /tmp/sleep.out)
	s1=$(kv sleep_end /tmp/sleep.out)
	due=$((s0 + SLEEP * 1000))
	[ "$thawed_at" -gt "$due" ] && due=$thawed_at
	t_eq nanosleep-ret 0 "$(kv sleep_ret /tmp/sleep.out)"
	t_eq nanosleep-not-early 0 "$(kv sleep_bad /tmp/sleep.out)"
	t_info nanosleep_ms "$((s1 - s0)) (asked $((SLEEP * 1000)), late by $((s1 - due)) ms)"
	t_run nanosleep-on-time test $((s1 - due)) -lt 2000

	# The waitpid() restarted and still works.
	t_eq wait-still-waiting 0 "$(st $W wait_done)"
	kill -9 "$C"
	sleep 1
	t_eq wait-done 1 "$(st $W wait_done)"
	t_eq wait-child "$C" "$(st $W wait_ret)"
	t_eq wait-signal 9 "$(st $W wait_signal)"

	# Killed while frozen: dies at thaw, nothing left behind.
	out freeze-kill pfncheck-ctl freeze "$P"
	out pfnmap-kill pfncheck-ctl pfnmap "$P"
	kill -9 "$P"
	sleep 2
	t_eq killed-still-parked I "$(states "$P")"
	t_eq killed-parent-nothing 0 "$(st $W parent_events)"
	out thaw-kill pfncheck-ctl thaw "$P"
	t_run killed-gone wait_gone "$P"
	t_eq killed-reaped 1 "$(st $W worker_gone)"
	t_eq killed-by-9 0x9 "$(st $W parent_last_status)"
	t_eq killed-refs 0 "$(qr_pfncheck_param page_refs)"
	t_eq killed-works 0 "$(qr_pfncheck_param pending_works)"
}

refusals() {
	W=/tmp/pfr
	start $W 2 1
	refused refuse-no-pid 'No such process' pfncheck-ctl freeze 4000000
	refused refuse-kthread 'not permitted' pfncheck-ctl freeze 2
	t_run refuse-kthread-log sh -c 'dmesg | grep -q "freeze 2: refused: kernel thread"'
	refused refuse-init 'not permitted' pfncheck-ctl freeze 1
	t_run refuse-init-log sh -c 'dmesg | grep -q "freeze 1: refused: init"'
	refused refuse-self 'cannot freeze itself' pfncheck-ctl freeze self
	refused refuse-thread 'No such process' pfncheck-ctl freeze "$(ls /proc/"$P"/task | sed -n 2p)"
	out badargs pfncheck-ctl badargs "$P"
	refused nonroot-open 'Permission denied' pfncheck-ctl open-as 65534
	refused nonroot-ioctl 'Operation not permitted' pfncheck-ctl ioctl-as 65534 "$P"
	t_eq nonroot-not-frozen 0 "$(qr_pfncheck_param frozen)"

	# Failure injected after half the threads parked: all run again.
	refused inject 'failure injected' pfncheck-ctl freeze "$P" --inject-half
	t_run inject-log sh -c 'dmesg | grep -q "failure injected after 3 of 6 threads parked"'
	t_eq inject-none-frozen 0 "$(qr_pfncheck_param frozen)"
	c1=$(st $W counters)
	sleep 1
	t_run inject-counters-move test "$(st $W counters)" -gt "$c1"
	not_idle inject-not-idle "$P"
	t_eq inject-works 0 "$(qr_pfncheck_param pending_works)"
	out inject-then-freeze pfncheck-ctl freeze "$P"
	out inject-then-thaw pfncheck-ctl thaw "$P"

	# A thread that cannot park (vfork parent, killable wait): timeout.
	pfncheck-ctl vfork-hold 6 &
	V=$!
	sleep 1
	refused timeout "stuck_tid=$V" pfncheck-ctl freeze $V --timeout 1000
	t_eq timeout-none-frozen 0 "$(qr_pfncheck_param frozen)"
	wait $V
	sleep 0.5
	t_eq timeout-works-ran 0 "$(qr_pfncheck_param pending_works)"

	# Unload while frozen (and pinned) thaws.
	out unload-freeze pfncheck-ctl freeze "$P"
	out unload-pfnmap pfncheck-ctl pfnmap "$P"
	t_run unload rmmod pfncheck
	t_run unload-log sh -c 'dmesg | grep -q "(module unload)"'
	c1=$(st $W counters)
	sleep 1
	t_run unload-counters-move test "$(st $W counters)" -gt "$c1"
	t_run reload modprobe pfncheck
	kill -9 "$C" "$P"
	wait_gone "$P"
}

# A freeze belongs to the open file that made it until committed: closed
# without commit, it thaws; a process sent SIGKILL while frozen is not
# committed, and STATUS names one killed after the commit.
ownership() {
	W=/tmp/pfo
	start $W 2 1
	out own-no-commit pfncheck-ctl freeze "$P" --no-commit
	t_eq own-closed-thawed 0 "$(qr_pfncheck_param frozen)"
	not_idle own-closed-not-idle "$P"
	t_run own-closed-log sh -c 'dmesg | grep -q "closed without commit"'
	out own-commit pfncheck-ctl freeze "$P"
	out own-status pfncheck-ctl status
	t_eq own-status-committed "frozen=1 committed=1 killed=0 killed_pid=0" "$(cat /tmp/own-status.out)"
	kill -9 "$P"
	sleep 1
	t_eq own-killed-still-parked I "$(states "$P")"
	out own-status-killed pfncheck-ctl status
	t_eq own-status-names-killed "frozen=1 committed=1 killed=1 killed_pid=$P" \
		"$(cat /tmp/own-status-killed.out)"
	out own-thaw-killed pfncheck-ctl thaw "$P" --set
	t_run own-killed-gone wait_gone "$P"
	kill -9 "$C"
	start $W 2 1
	out own-kill-then-commit pfncheck-ctl freeze "$P" --kill-then-commit
	t_run own-uncommitted-killed-gone wait_gone "$P"
	t_eq own-none-frozen 0 "$(qr_pfncheck_param frozen)"
	t_eq own-no-refs 0 "$(qr_pfncheck_param page_refs)"
	kill -9 "$C"
}

# Threads created while the freeze runs do not escape it.
spawning() {
	W=/tmp/pfs
	PFW_SPAWN=1 start $W 1 1
	bad=0
	for r in 1 2 3 4 5; do
		pfncheck-ctl freeze "$P" >/tmp/spawn.out 2>&1 || bad=$((bad + 1))
		s1=$(st $W spawned)
		sleep 0.5
		[ "$(st $W spawned)" = "$s1" ] || bad=$((bad + 1))
		# (a thread already exiting at the freeze is gone by now)
		case $(states "$P") in
		I) ;;
		*) bad=$((bad + 1)) && qr_show_output spawn /tmp/spawn.out ;;
		esac
		pfncheck-ctl thaw "$P" >/tmp/spawn.out 2>&1 || bad=$((bad + 1))
		sleep 0.3
		[ "$(st $W spawned)" -gt "$s1" ] || bad=$((bad + 1))
	done
	t_eq spawn-none-escaped 0 "$bad"
	t_info spawned "$(st $W spawned)"
	kill -9 "$C" "$P"
	wait_gone "$P"
}

bigmem() {
	W=/tmp/pfb
	start $W 1 $BIG_MIB
	out big-freeze pfncheck-ctl freeze "$P"
	out big-pfnmap pfncheck-ctl pfnmap "$P" --verify
	qr_show_output big-pfnmap /tmp/big-pfnmap.out
	t_info pfnmap_1GiB_us "$(kv map_us /tmp/big-pfnmap.out)"
	t_info pfnmap_1GiB_pages "$(kv pages /tmp/big-pfnmap.out)"
	t_info freeze_1GiB_us "$(kv freeze_us /tmp/big-freeze.out)"
	out big-thaw pfncheck-ctl thaw "$P"
	t_info thaw_1GiB_us "$(kv thaw_us /tmp/big-thaw.out)"
	t_run big-checksum pfncheck-worker verify $W
	kill -9 "$C" "$P"
	wait_gone "$P"
}

run_all() {
	t_run load modprobe pfncheck
	t_eq dev-mode crw------- "$(ls -l /dev/pfncheck | cut -c1-10)"
	freeze_thaw
	refusals
	ownership
	spawning
	bigmem
	t_eq end-refs 0 "$(qr_pfncheck_param page_refs)"
	t_eq end-works 0 "$(qr_pfncheck_param pending_works)"
	t_run unload-end rmmod pfncheck
	dmesg | grep pfncheck >/tmp/dmesg.out
	qr_show_output dmesg /tmp/dmesg.out
}

old() {
	run_all
}

new() {
	run_all
}
