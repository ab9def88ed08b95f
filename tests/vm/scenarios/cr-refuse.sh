# What restore cannot carry is refused by `quickreboot check` by name
# (process, what, why), and `checkpoint` refuses it before anything is
# frozen: a seccomp filter that can hand a call to a listener
# (SECCOMP_RET_USER_NOTIF), seccomp strict mode, a process with a filter
# traced by another, a private UTS namespace, a POSIX timer on a
# CPU-time clock, a System V segment attached by a process outside the
# kept tree too, huge pages (a hugetlbfs memfd mapped), a deleted root
# directory, a file open and deleted with more data than the image
# carries, a thread whose capabilities differ from the process's, an
# epoll whose target fd was closed after it was added or now names
# another file, an eventfd shared with a process outside the kept set on
# 6.1 (whose mode the capture would have to try on the counter), a
# CLOCK_REALTIME timerfd cancelled by a clock change and not read, a
# UNIX listener that pid 1 listened on (socket activation: no restored
# socket can name pid 1 as its peer). A process with none of them can be
# kept.
QR_PAIRS=one
D=/tmp/cr-refuse

# refused MODE PATTERN: cr-refuse MODE is refused with a line matching
# PATTERN (a grep -E pattern; @P@ is its PID).
refused() {
	rm -rf "$D"
	mkdir -p "$D"
	cr-refuse "$D" "$1" </dev/null >/dev/null 2>&1 &
	_p=$!
	t_run "$1-ready" qr_wait 30 test -e "$D/ready" || return
	quickreboot check "$_p" >/tmp/check.out 2>&1
	t_eq "$1-refused-exit-3" 3 "$?"
	t_info "$1-says" "$(grep -v '^check:' /tmp/check.out | tr '\n' ';')"
	t_run "$1-named" grep -Eq "$(printf "%s" "$2" | sed "s/@P@/$_p/g")" /tmp/check.out
	t_run "$1-qr_none_frozen" qr_none_frozen "$_p"
	# The outsider first: a tracer that never waits would hold the
	# signal (and its tracee) in a ptrace stop.
	[ ! -s "$D/outsider" ] || kill "$(cat "$D/outsider")"
	kill "$_p"
	wait "$_p" 2>/dev/null
}

old() {
	mkdir -p "$D"
	cr-counter "$D" 16 </dev/null >/dev/null 2>&1 &
	ok=$!
	sleep 1
	t_run clean-process-can-be-kept quickreboot check "$ok"
	kill "$ok"
	refused seccomp '^quickreboot: process @P@: thread @P@: seccomp filter 0 \(4 instructions\): not carried: it can hand a system call to a listener \(SECCOMP_RET_USER_NOTIF\)'
	refused seccomp-traced '^quickreboot: process @P@: traced by process [0-9]+: not carried$'
	refused seccomp-strict '^quickreboot: process @P@: seccomp strict mode \(Seccomp: 1\): not carried'
	refused uts '^quickreboot: process @P@: uts namespace uts:\[[0-9]+\] is not init.s'
	refused timer '^quickreboot: process @P@: POSIX timer 0 \(clock -6, signal/pid\.@P@\): a CPU-time clock: not carried$'
	refused shm-outside '^quickreboot: System V shared memory segment [0-9]+ \(key 0x00000000\): attached 2 times, 1 of them by the kept processes: also attached outside the kept set: not carried$'
	echo 2 >/proc/sys/vm/nr_hugepages
	refused hugetlb '^quickreboot: process @P@: a hugetlbfs mapping \(huge pages\) at 0x[0-9a-f]+ \(/memfd:qr-huge \(deleted\)\): not carried$'
	echo 0 >/proc/sys/vm/nr_hugepages
	refused root "^quickreboot: process @P@: its root directory $D/gone \\(deleted\\) was deleted: not carried$"
	refused deleted "^quickreboot: process @P@: fd 3 is a deleted file \\($D/deleted \\(deleted\\)\\) with more than 16 MiB of data: not carried\$"
	refused epoll-closed '^quickreboot: process @P@: fd 3: epoll target fd 4 was closed after it was added \(the file is open elsewhere\): not carried$'
	refused epoll-reused '^quickreboot: process @P@: fd 3: epoll target fd 4 is another file than the one added: not carried$'
	refused eventfd-outside '^quickreboot: process @P@: fd 3 is an eventfd also open in process [0-9]+ \(cr-refuse\), outside the kept set: this kernel does not show its mode'
	refused timerfd-cancelled '^quickreboot: process @P@: fd 3: timerfd cancelled by a change of CLOCK_REALTIME \(TFD_TIMER_CANCEL_ON_SET\), not read yet: not carried$'
	refused pid1-listener '^quickreboot: process @P@: fd 3: UNIX socket: its peer credentials \(pid 1 uid 0 gid 0\) name pid 1, which no restored socket can: not carried$'
	refused threads '^quickreboot: process @P@: thread [0-9]+ has other credentials or capabilities than the process: not carried'
	# checkpoint refuses the same, freezing nothing.
	rm -rf "$D"
	mkdir -p "$D"
	cr-refuse "$D" seccomp </dev/null >/dev/null 2>&1 &
	p=$!
	t_run cp-ready qr_wait 30 test -e "$D/ready"
	quickreboot checkpoint --dir "$D/cp" "$p" >/tmp/cp.out 2>&1
	t_eq checkpoint-refuses-exit-3 3 "$?"
	t_run checkpoint-names-seccomp grep -q "process $p: thread $p: seccomp filter 0" /tmp/cp.out
	t_run checkpoint-says-nothing-was-frozen grep -q 'nothing was' /tmp/cp.out
	t_fails no-image-written test -e "$D/cp/image"
	t_run seccomp-process-not-frozen qr_none_frozen "$p"
	kill "$p"
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
}
