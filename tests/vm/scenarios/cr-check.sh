# `quickreboot check` says which processes can be kept and names what
# cannot be carried, freezing nothing; `checkpoint` refuses the same before
# anything is frozen, and the refused process runs on qr_none_frozen. A process
# is checked with its descendants, a zombie child listed as kept as it is.
QR_PAIRS=one
D=/tmp/cr-check

old() {
	mkdir -p "$D"
	cr-counter "$D" 16 </dev/null >/dev/null 2>&1 &
	ok=$!
	sleep 1000 | cat &
	sleep 0.5
	piped=$(pidof sleep)
	t_run clean-process-can-be-kept quickreboot check "$ok"
	quickreboot check "$piped" >/tmp/check.out 2>&1
	t_eq piped-refused-exit-3 3 "$?"
	t_run refusal-names-the-pipe grep -q "process $piped: fd 1 is pipe:" /tmp/check.out
	quickreboot checkpoint --dir "$D/cp" "$ok" "$piped" >/tmp/cp.out 2>&1
	t_eq checkpoint-refuses-exit-3 3 "$?"
	t_run checkpoint-says-nothing-was-touched grep -q 'nothing was' /tmp/cp.out
	t_fails no-image-written test -e "$D/cp/image"
	t_run clean-process-not-frozen qr_none_frozen "$ok"
	t_run piped-process-not-frozen qr_none_frozen "$piped"
	n=$(wc -l <"$D/progress")
	sleep 1
	t_run clean-process-runs-on test "$(wc -l <"$D/progress")" -gt "$n"
	# The child "sleep 0" exits and stays a zombie: the exec'd parent
	# never reaps it.
	sh -c 'sleep 0 & exec sleep 1000' </dev/null >/dev/null 2>&1 &
	reaper=$!
	sleep 0.5
	quickreboot check "$reaper" >/tmp/check.out 2>&1
	t_eq zombie-parent-can-be-kept 0 "$?"
	t_info zombie-check "$(tr '\n' ';' </tmp/check.out)"
	t_run check-lists-the-zombie grep -q "(child of $reaper): can be kept as it is: exited (status 0)" /tmp/check.out
	# reboot refuses the same before it loads a kernel or writes the keep
	# record, whether the PIDs come from its command line or the config.
	k=/boot/vmlinuz-$(uname -r)
	quickreboot reboot --kernel "$k" "$piped" >/tmp/rb.out 2>&1
	t_eq reboot-refuses-exit-3 3 "$?"
	t_eq reboot-loaded-nothing 0 "$(cat /sys/kernel/kexec_loaded)"
	t_run reboot-wrote-nothing test ! -e /run/quickreboot/shelter/cp/keep
	printf 'keep-pid %s\n' "$piped" >/etc/quickreboot.conf
	quickreboot reboot --kernel "$k" >/tmp/rb.out 2>&1
	t_eq reboot-conf-refuses-exit-3 3 "$?"
	t_eq reboot-conf-loaded-nothing 0 "$(cat /sys/kernel/kexec_loaded)"
	# A NUL byte in the config is refused, as status refuses it: reboot
	# must not read up to it and keep what comes before.
	printf 'keep-pid %s\n\0keep-pid %s\n' "$ok" "$piped" >/etc/quickreboot.conf
	quickreboot reboot --kernel "$k" >/tmp/rb.out 2>&1
	t_eq reboot-conf-nul-exit-2 2 "$?"
	t_run reboot-conf-nul-named grep -q '/etc/quickreboot.conf' /tmp/rb.out
	t_eq reboot-conf-nul-loaded-nothing 0 "$(cat /sys/kernel/kexec_loaded)"
	t_run clean-process-still-runs qr_none_frozen "$ok"
	rm -f /etc/quickreboot.conf
	# The count is of things refused, not of processes: three pipe fds.
	sleep 1001 3>&1 4>&1 | cat &
	sleep 0.5
	three=$(for p in $(pidof sleep); do
		grep -q 1001 "/proc/$p/cmdline" && echo "$p"; done)
	quickreboot check "$three" >/tmp/check.out 2>&1
	t_eq three-refused-exit-3 3 "$?"
	t_run three-counted grep -q '3 thing(s) named above' /tmp/check.out
	# A PID that is gone is an error of its own, not a refusal.
	kill "$three"
	sleep 0.5
	quickreboot check "$three" >/tmp/check.out 2>&1
	t_eq gone-exit-1 1 "$?"
	t_fails gone-not-called-a-refusal grep -q 'cannot be carried' /tmp/check.out
	kill "$ok" "$piped" "$reaper"
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
}
