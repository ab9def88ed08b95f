# Shared anonymous memory across kexec, in copy mode then in zero copy
# (which copies it: no zero copy of shared memory yet): cr-shm and its
# child share a MAP_SHARED | MAP_ANONYMOUS area and a shared mapping of
# /dev/zero. `check` accepts them and says how each area travels. After
# each restore both processes are back, each area holds its pattern, a
# word written by the parent comes back from the child through each area
# (one object again, not two copies), and /proc names them as shared
# anonymous memory.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR

cr_start() {
	(cd / && exec cr-shm "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || return
	t_run check quickreboot check "$CR_PIDS"
	quickreboot check "$CR_PIDS" >/tmp/check.out 2>&1
	qr_show_output check /tmp/check.out
	t_run check-says-shared grep -q 'copied once for every process that shares it' /tmp/check.out
}

cr_verify() {
	t_eq same-pid cr-shm "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq child-back cr-shm "$(cat "/proc/$(qr_kv child "$D/info")/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq data-kept 1 "$(qr_kv data "$D/result")"
	t_eq still-shared 1 "$(qr_kv shared "$D/result")"
	t_eq named-shared-anonymous 1 "$(qr_kv named "$D/result")"
}
