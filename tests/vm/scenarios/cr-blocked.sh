# Threads blocked in system calls across kexec: cr-blocked has a thread in
# a 20 s nanosleep system call, one in a 20 s relative clock_nanosleep on
# CLOCK_REALTIME (glibc's nanosleep), one in an absolute clock_nanosleep
# until 40 s of wall-clock time later, one in read() of /dev/console, and
# its main thread in waitpid() on its child. After restore in the next
# kernel both relative sleeps end the time they had left at the checkpoint
# after the restore (the downtime does not count; cr-clocks has absolute
# CLOCK_MONOTONIC sleeps and the clocks themselves), not early and
# without EINTR; the absolute sleep ends at its wall-clock time (or at
# once if that passed during the downtime); the read is still blocked;
# and waitpid reaps the child, restored as its child, with its status.
D=$CR_DIR

# The first field of /proc/PID/task/TID/syscall: the call it is blocked in.
in_syscall() {
	cut -d' ' -f1 "/proc/$(qr_kv pid "$D/info")/task/$(qr_kv "$1" "$D/info")/syscall"
}

# relative_sleep_resumes KEY FILE: the sleep whose start is KEY_start in
# info and whose end goes to FILE returns 0 the time it had left at the
# checkpoint after the restore ($restored, ms), give or take the
# checkpoint's and the restore's own durations.
relative_sleep_resumes() {
	left=$(($(qr_kv "$1_start" "$D/info") + 20000 - $(cat "$D/checkpoint-ms")))
	t_info "$2-left-ms" "$left"
	t_run "$2-ends" qr_wait 60 test -s "$D/$2"
	t_info "$2" "$(cat "$D/$2")"
	t_eq "$2-ret" "ret=0 errno=0" "$(cut -d' ' -f1-2 "$D/$2")"
	slept=$(($(qr_kv end "$D/$2") - restored))
	t_info "$2-after-restore-ms" "$slept"
	t_run "$2-not-early" test "$slept" -ge $((left - 3000))
	t_run "$2-not-late" test "$slept" -le $((left + 6000))
}

cr_start() {
	(cd / && exec cr-blocked "$D" </dev/null >/dev/null 2>&1) &
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info info "$(cat "$D/info")"
	CR_PIDS=$(qr_kv pid "$D/info")
	sleep 2
	t_eq s-in-nanosleep 35 "$(in_syscall s_tid)"
	t_eq t-in-clock-nanosleep 230 "$(in_syscall t_tid)"
	t_eq a-in-clock-nanosleep 230 "$(in_syscall a_tid)"
	t_eq d-in-read 0 "$(in_syscall d_tid)"
	t_eq main-in-wait4 61 "$(in_syscall pid)"
}

cr_pre_checkpoint() {
	cr-blocked --now >"$D/checkpoint-ms"
}

cr_post_checkpoint() {
	t_eq child-frozen I "$(qr_state "$(qr_kv child "$D/info")")"
}

cr_verify() {
	restored=$(cr-blocked --now)
	C=$(qr_kv child "$D/info")
	t_eq child-of-its-parent "$P" "$(sed 's/.*) . //' "/proc/$C/stat" | cut -d' ' -f1)"
	t_run no-early-wake test ! -e "$D/sleep"
	t_run no-early-wake-rt test ! -e "$D/rtsleep"
	# The time each relative sleep had left when it was checkpointed.
	relative_sleep_resumes s sleep
	relative_sleep_resumes t rtsleep
	t_run read-still-blocked test ! -e "$D/read"
	t_eq d-in-read 0 "$(in_syscall d_tid)"
	touch "$D/exit"
	t_run waited qr_wait 30 test -s "$D/waited"
	t_eq waitpid-status "pid=$C exit=42" "$(cat "$D/waited")"
	t_run abssleep-ends qr_wait 60 test -s "$D/abssleep"
	t_info abssleep "$(cat "$D/abssleep")"
	t_eq abssleep-ret "ret=0 errno=0" "$(cut -d' ' -f1-2 "$D/abssleep")"
	due=$(($(qr_kv a_start "$D/info") + 40000))
	t_run abssleep-not-early test "$(qr_kv end "$D/abssleep")" -ge $((due - 1000))
	[ "$due" -gt "$restored" ] || due=$restored
	t_run abssleep-not-late test "$(qr_kv end "$D/abssleep")" -le $((due + 6000))
	t_run read-still-blocked-end test ! -e "$D/read"
}
