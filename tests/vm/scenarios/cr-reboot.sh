# `quickreboot reboot` does the whole quick reboot: loads the New kernel,
# checkpoints, unmounts the shelter, syncs and kexecs; the New kernel
# restores. A reboot asked for a process that cannot be kept freezes
# nothing and stays in the Old kernel.
# The kept PID is above the New kernel's default pid_max, and the Old
# kernel's last PID is set below it just before the reboot (as after PIDs
# wrapped): reboot loads the New kernel again with the kept PID as its
# floor, and the New kernel hands out no PID at or below it, nor refuses
# it for being above its own pid_max.
QR_PAIRS=back
D=$CR_DIR

old() {
	qr_shelter_fresh || return
	mkdir -p "$D"
	echo 4194304 >/proc/sys/kernel/pid_max
	qr_pids_above 70000
	cr-counter "$D" 16 </dev/null >/dev/null 2>&1 &
	P=$!
	echo "$P" >"$D/pids"
	t_run counter-started qr_wait 120 cr_records_above 4 || return
	krel=$(qr_kernel_of_hop 1)
	qr_next_initrd

	sleep 1000 | cat &
	sleep 0.5
	piped=$(pidof sleep)
	quickreboot reboot --kernel "/boot/vmlinuz-$krel" --initrd /tmp/next.cpio \
		--append qr.hop=1 "$P" "$piped" >/tmp/refused.out 2>&1
	t_eq refused-exit-3 3 "$?"
	t_run refusal-names-the-pipe grep -q "process $piped: fd 1 is pipe:" /tmp/refused.out
	n=$(cr_records)
	sleep 1
	t_run still-running-in-old-kernel cr_records_above "$n"
	kill "$piped"

	cr_records >"$D/before-reboot"
	sync
	qr_pids_above 500
	qrt KEXEC "$krel"
	quickreboot reboot --kernel "/boot/vmlinuz-$krel" --initrd /tmp/next.cpio \
		--append qr.hop=1 "$P" >"$D/reboot.out" 2>&1
	qr_show_output reboot "$D/reboot.out"
	t_fail reboot "quickreboot reboot returned $?"
}

new() {
	CR_PIDS=$(cat "$D/pids")
	P=$CR_PIDS
	t_run loaded-again-with-floor grep -q "PID [0-9]* was handed out after the New kernel was loaded" "$D/reboot.out"
	t_eq pid-max-carried 4194304 "$(cat /proc/sys/kernel/pid_max)"
	t_run pid-floor test "$(cat /proc/sys/kernel/ns_last_pid)" -gt "$P"
	t_run new-pids-above-kept test "$(sh -c 'echo $$')" -gt "$P"
	qr_restore || return
	t_eq same-pid cr-counter "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run process-answers cr_answer
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	t_eq fpu-kept 0 "$(qr_kv fpu_bad "$D/result")"
	t_run counter-continues test "$(qr_kv counter "$D/result")" -ge \
		"$(cat "$D/before-reboot")"
	cr_end
}
