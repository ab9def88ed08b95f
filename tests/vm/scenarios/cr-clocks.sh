# A process's clocks across two quick reboots (the first in zero copy,
# the second in copy mode, which checkpoints a process restored in a time
# namespace). cr-clocks samples CLOCK_MONOTONIC, CLOCK_BOOTTIME,
# CLOCK_REALTIME and /proc/uptime every 20 ms. After each restore it is in
# a time namespace of its own, and across the reboot each of its clocks
# went on from where it was by the CLOCK_REALTIME that elapsed, within
# TOL ms (never back); an absolute CLOCK_MONOTONIC clock_nanosleep begun
# 120 s before its due time, before the checkpoint, ends at that time (not
# early, at most 6 s late; without the namespace it would wait for the New
# kernel's uptime to reach the Old one's deadline); a relative one of 60 s
# ends the time it had left at the checkpoint after the restore; a child
# forked after the restore reads the same CLOCK_MONOTONIC as its parent;
# the vDSO the restorer placed reads the namespace's clocks (its
# CLOCK_MONOTONIC is the system call's, its CLOCK_BOOTTIME /proc/uptime).
# check and checkpoint refuse a process whose children get another time
# namespace, before anything is frozen, and note that its child (in that
# other one) would have its clocks start again.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="zero-copy copy"
D=$CR_DIR
TOL=2000

# near NAME A B [TOLERANCE]: |A - B| <= TOLERANCE (ms, default TOL).
near() {
	t_info "$1-diff-ms" $(($2 - $3))
	t_run "$1" test $(($2 - $3)) -le "${4:-$TOL}" -a $(($3 - $2)) -le "${4:-$TOL}"
}

# The clocks the process read across the reboot (DIR/jump-N).
clocks_went_on() {
	j=$D/jump-$1
	t_run jumped qr_wait 30 test -s "$j" || return
	t_info jump "$(cat "$j")"
	real=$((($(qr_kv real1 "$j") - $(qr_kv real0 "$j")) / 1000000))
	mono=$((($(qr_kv mono1 "$j") - $(qr_kv mono0 "$j")) / 1000000))
	boot=$((($(qr_kv boot1 "$j") - $(qr_kv boot0 "$j")) / 1000000))
	up=$(($(qr_kv up1 "$j") - $(qr_kv up0 "$j")))
	t_info realtime-elapsed-ms "$real"
	t_run monotonic-not-back test "$mono" -ge 0
	t_run boottime-not-back test "$boot" -ge 0
	near monotonic-by-realtime "$mono" "$real"
	near boottime-by-realtime "$boot" "$real"
	near uptime-by-realtime "$up" "$real"
	near uptime-is-boottime "$(qr_kv up1 "$j")" $(($(qr_kv boot1 "$j") / 1000000)) 100
	near vdso-is-kernel $(($(qr_kv sys1 "$j") / 1000000)) $(($(qr_kv mono1 "$j") / 1000000)) 100
}

# The sleeps begun before checkpoint N (DIR/armed-N).
sleeps_ended() {
	a=$D/armed-$1
	due=$(($(qr_kv abs_start "$a") + 120000))
	left=$(($(qr_kv rel_start "$a") + 60000 - $(cat "$D/checkpoint-ms")))
	t_info due-after-restore-ms $((due - restored))
	t_info rel-left-ms "$left"
	t_run relsleep-ends qr_wait 120 test -s "$D/relsleep-$1"
	t_eq relsleep-ret 0 "$(qr_kv ret "$D/relsleep-$1")"
	slept=$(($(qr_kv end "$D/relsleep-$1") - restored))
	t_info relsleep-after-restore-ms "$slept"
	t_run relsleep-not-early test "$slept" -ge $((left - 3000))
	t_run relsleep-not-late test "$slept" -le $((left + 6000))
	t_run abssleep-ends qr_wait 180 test -s "$D/abssleep-$1"
	t_eq abssleep-ret 0 "$(qr_kv ret "$D/abssleep-$1")"
	end=$(qr_kv end "$D/abssleep-$1")
	t_info abssleep-end-minus-due-ms $((end - due))
	t_run abssleep-not-early test "$end" -ge $((due - 1000))
	[ "$due" -gt "$restored" ] || due=$restored
	t_run abssleep-not-late test "$end" -le $((due + 6000))
}

# check and checkpoint refuse a process whose children get another time
# namespace, and its child, in that other one.
refuse_split() {
	(cd / && exec cr-clocks --split "$D" </dev/null >/dev/null 2>&1) &
	t_run split-started qr_wait 30 test -s "$D/split" || return
	sp=$(qr_kv pid "$D/split")
	sc=$(qr_kv child "$D/split")
	quickreboot check "$sp" >/tmp/check.out 2>&1
	t_eq check-refuses 3 $?
	qr_show_output check /tmp/check.out
	t_run names-children-namespace grep -q "process $sp: its children get another time namespace" /tmp/check.out
	t_run notes-other-namespace grep -q "note: process $sc: time namespace .* process $sp: .* clocks start again" /tmp/check.out
	quickreboot checkpoint --dir "$QR_SH/split" "$sp" >/tmp/check.out 2>&1
	t_eq checkpoint-refuses 3 $?
	t_run nothing-frozen grep -q "nothing was frozen" /tmp/check.out
	t_run split-runs grep -q "^State:.S" "/proc/$sp/status"
	kill -9 "$sc" "$sp"
}

cr_start() {
	refuse_split
	(cd / && exec cr-clocks "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 30 sh -c "[ \"\$(cat /proc/$CR_PIDS/comm)\" = cr-clocks ]"
	sleep 1
	t_run check-keeps quickreboot check "$CR_PIDS"
}

cr_pre_checkpoint() {
	touch "$D/arm"
	t_run armed qr_wait 30 test -s "$D/armed-$(($1 + 1))"
	sleep 2
	cr-clocks --now >"$D/checkpoint-ms"
}

cr_verify() {
	restored=$(cr-clocks --now)
	t_run restore-said-nothing-of-clocks sh -c "! grep -q 'time namespace' /tmp/restore.out"
	t_eq same-pid cr-clocks "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run own-time-namespace test "$(readlink "/proc/$P/ns/time")" != "$(readlink /proc/self/ns/time)"
	t_info timens-offsets "$(tr '\n' ' ' <"/proc/$P/timens_offsets")"
	clocks_went_on "$1"
	sleeps_ended "$1"
	touch "$D/fork"
	t_run forked qr_wait 30 test -s "$D/forked-$1" || return
	t_info forked "$(cat "$D/forked-$1")"
	t_run child-same-clock sh -c "[ $(qr_kv before "$D/forked-$1") -le $(qr_kv child "$D/forked-$1") ] && [ $(qr_kv child "$D/forked-$1") -le $(qr_kv after "$D/forked-$1") ]"
}
