# Issue 14's fault injection, checkpoint side, in one kernel: a checkpoint
# is stopped at each of its steps (QUICKREBOOT_TEST_PAUSE: frozen,
# capture, written, committed), in copy mode and zero copy, and so is
# `quickreboot reboot` at its checkpoint's steps (killed), and there
#   kill:   killed with SIGKILL;
#   unload: `rmmod pfncheck` is tried first (refused: the checkpoint's
#           open file holds the module), and `rmmod shelter` (refused:
#           the shelter is mounted), then it is killed.
# Before the commit, pfncheck thaws what the killed command froze; after
# it, the freeze is pfncheck's until the kexec, and `quickreboot thaw`
# (or unloading the module) gives the process back. Either way nothing
# is lost: the process runs on, nothing stays frozen or pinned, the
# previous checkpoint in the directory is intact, and the module unloads
# and loads again. A full shelter (ENOSPC) fails the checkpoint the same
# way, naming the cause; a checkpoint by a user without privileges
# leaves nothing behind, not even its directory. The restore side (kill -9 after the hand-back
# and after the processes exist, rmmod restore while it holds frames) is
# rst-resume's and rst-unpriv's. Last, a checkpoint of TCP connections is
# killed after their capture and after its commit (the module unloaded
# then): pfncheck's thaw takes their network lock off, and they work.
QR_LAYOUT=zc
QR_HOPS=0
QR_DISK=64
QR_PAIRS=one
QR_HOP_TIMEOUT=900

D=/mnt/disk/faults

# settled NAME: the process is back as before the checkpoint, and the
# module holds nothing.
settled() {
	t_run "$1-thawed" qr_wait 10 qr_none_frozen "$A"
	t_run "$1-advances" cr_grows "$D/progress"
	t_eq "$1-none-frozen" 0 "$(qr_pfncheck_param frozen)"
	t_eq "$1-no-pin" 0 "$(qr_pfncheck_param page_refs)"
	t_eq "$1-previous-intact" "$(cat /tmp/cp-before)" "$(cr_dir_state "$QR_SH/cp")"
}

# paused NAME STEP TIMEOUT CMD...: CMD started with QUICKREBOOT_TEST_PAUSE
# at STEP, its PID in _cp once it stopped there; else NAME-paused fails
# (with its output) and it is killed.
paused() {
	_pn=$1 _ps=$2 _pt=$3
	shift 3
	rm -f /tmp/pause
	QUICKREBOOT_TEST_PAUSE=$_ps:/tmp/pause "$@" >/tmp/fault.out 2>&1 &
	_cp=$!
	qr_wait "$_pt" test -s /tmp/pause && return
	t_fail "$_pn-paused" "$(cat /tmp/fault.out)"
	kill -9 "$_cp"
	return 1
}

# fault MODE STEP ACTION
fault() {
	_fn=$1-$2-$3
	paused "$_fn" "$2" 120 quickreboot checkpoint --mode "$1" \
		--dir "$QR_SH/cp" "$A" || return
	t_eq "$_fn-frozen" I "$(qr_state "$A")"
	if [ "$3" = unload ]; then
		t_fails "$_fn-unload-refused" rmmod pfncheck
		t_fails "$_fn-shelter-unload-refused" rmmod shelter
		t_eq "$_fn-still-frozen" I "$(qr_state "$A")"
	fi
	kill -9 "$_cp"
	wait "$_cp"
	rm -f /tmp/pause
	if [ "$2" = committed ]; then
		t_eq "$_fn-committed-held" I "$(qr_state "$A")"
		if [ "$3" = unload ]; then
			t_run "$_fn-unload-thaws" rmmod pfncheck
			t_run "$_fn-reload" modprobe pfncheck
		else
			t_run "$_fn-thaw" quickreboot thaw "$A"
		fi
	fi
	settled "$_fn"
	t_run "$_fn-unloads" rmmod pfncheck
	t_run "$_fn-loads" modprobe pfncheck
}

# reboot_fault STEP: `quickreboot reboot` stopped at its checkpoint's
# STEP and killed: the same as a checkpoint's, the keep record aside (a
# reboot writes it first), and the New kernel it loaded unloaded again.
reboot_fault() {
	_fn=reboot-$1
	paused "$_fn" "$1" 300 quickreboot reboot --mode copy \
		--no-kexec-digest --kernel "/boot/vmlinuz-$(uname -r)" "$A" || return
	t_eq "$_fn-frozen" I "$(qr_state "$A")"
	kill -9 "$_cp"
	wait "$_cp"
	rm -f /tmp/pause
	if [ "$1" = committed ]; then
		t_eq "$_fn-committed-held" I "$(qr_state "$A")"
		t_run "$_fn-thaw" quickreboot thaw "$A"
	fi
	rm -f "$QR_SH/cp/keep"
	settled "$_fn"
	t_run "$_fn-kexec-unload" kexec -u
}

# tcp_fault STEP: a checkpoint of cr-tcp's processes (TCP connections
# over the loopback with megabytes queued, listeners, UDP) stopped at STEP
# and killed. It had locked their TCP sockets (a filter dropping every
# segment, from before the capture to the kexec), which the killed
# command cannot undo: whatever thaws them takes the lock off, pfncheck
# itself when the checkpoint died before its commit, or when the module
# is unloaded after it. Every connection then delivers what it had
# queued and answers a request again.
tcp_fault() {
	_fn=tcp-$1
	_un=$(dmesg | grep -c "pfncheck: thaw $R: network lock taken off")
	paused "$_fn" "$1" 120 quickreboot checkpoint --mode copy \
		--dir "$QR_SH/cp-tcp" "$R" || return
	kill -9 "$_cp"
	wait "$_cp"
	rm -f /tmp/pause
	if [ "$1" = committed ]; then
		t_eq "$_fn-committed-held" I "$(qr_state "$R")"
		t_run "$_fn-unload-thaws" rmmod pfncheck
		t_run "$_fn-reload" modprobe pfncheck
	fi
	t_run "$_fn-thawed" qr_wait 10 qr_none_frozen "$R"
	t_eq "$_fn-unlocked-by-pfncheck" $((_un + 1)) \
		"$(dmesg | grep -c "pfncheck: thaw $R: network lock taken off")"
	t_run "$_fn-answered" cr_answer 120 "$T"
	t_info "$_fn-result" "$(cat "$T/result")"
	for _k in conn v6 opts flags repair accept udp c; do
		t_eq "$_fn-$_k" 1 "$(qr_kv $_k "$T/result")"
	done
}

tcp_faults() {
	T=$D/tcp
	mkdir -p "$T"
	t_run lo-up sh -c 'ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up'
	t_run lo-fd00 ip addr add fd00::9/128 dev lo	# cr-tcp's listener 18
	(cd / && exec cr-tcp "$T" </dev/null >/dev/null 2>&1) &
	R=$!
	t_run tcp-started qr_wait 60 test -s "$T/info" || return
	t_run tcp-first-answer cr_answer 120 "$T" || return
	tcp_fault capture
	tcp_fault committed
	kill -9 "$(qr_kv c "$T/info")" "$R"
}

# The shelter full: the checkpoint fails, says so, and thaws.
full() {
	# Filled to the last block (root's reserve too), then 1 MiB freed:
	# less than the 16 MiB of pages the checkpoint writes. What the killed
	# checkpoints left goes first (the checkpoint would remove it itself).
	rm -f "$QR_SH"/cp/.*.tmp
	dd if=/dev/zero of="$QR_SH/room" bs=1M count=1 2>/dev/null
	dd if=/dev/zero of="$QR_SH/fill" bs=64k 2>/dev/null
	rm -f "$QR_SH/room"
	t_info enospc-df "$(df -k "$QR_SH" | tail -n 1)"
	quickreboot checkpoint --mode copy --dir "$QR_SH/cp" "$A" >/tmp/full.out 2>&1
	t_eq enospc-exit-1 1 "$?"
	qr_show_output enospc /tmp/full.out
	t_run enospc-named grep -qiE 'no space|full' /tmp/full.out
	[ "$(qr_state "$A")" != I ] || quickreboot thaw "$A" >/dev/null 2>&1
	rm -f "$QR_SH/fill"
	settled enospc
}

old() {
	modprobe -a crc32c_generic ext4
	qr_shelter_fresh || return
	t_run pfncheck-load modprobe pfncheck
	mkdir -p "$D"
	qr_pids_above 1000
	cr-counter "$D" 16 </dev/null >/dev/null 2>&1 &
	A=$!
	t_run started qr_wait 60 sh -c "[ \$(wc -l <$D/progress 2>/dev/null || echo 0) -ge 2 ]" ||
		return
	# The previous checkpoint that no fault may touch.
	t_run previous quickreboot checkpoint --mode copy --dir "$QR_SH/cp" "$A" || return
	t_run previous-thaw quickreboot thaw "$A"
	cr_dir_state "$QR_SH/cp" >/tmp/cp-before
	for mode in copy zero-copy; do
		for step in frozen capture written committed; do
			for act in kill unload; do
				fault "$mode" "$step" "$act"
			done
		done
	done
	for step in frozen capture committed; do
		reboot_fault "$step"
	done
	# A user without privileges is refused before anything is made.
	t_fails nonroot-checkpoint qr-unpriv exec quickreboot checkpoint \
		--dir /tmp/nonroot "$A"
	t_run nonroot-no-dir test ! -e /tmp/nonroot
	t_run nonroot-not-frozen qr_none_frozen "$A"
	full
	tcp_faults
	kill -9 "$A"
	t_run shelter-umount quickreboot shelter umount
}
