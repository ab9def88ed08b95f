# A checkpoint that fails before the kexec rolls back: with a failure
# injected (QUICKREBOOT_TEST_FAIL, a test-only setting) in the freeze
# (pfncheck thaws after half the threads parked), after the capture, and
# after the image is written, `quickreboot checkpoint` of cr-counter and
# the 8-threaded cr-threads fails; both go on in the Old kernel as before
# (no thread left frozen, the counter keeps advancing), the kernel log
# holds only pfncheck's freeze/thaw lines, and the shelter is consistent:
# a failed checkpoint leaves the previous image and pages untouched and no
# partial file (the previous checkpoint is replaced only once a new one is
# complete), and fsck finds it clean. Then a checkpoint without injection
# succeeds into the same directory, and both processes are restored in the
# New kernel.
D=$CR_DIR

# The shelter's files: names and contents.
shelter_state() {
	(cd "$QR_SH/cp" && ls -a && md5sum image pages)
}

# Kernel log lines since line $1 other than pfncheck's freeze and thaw.
new_klog() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -v 'pfncheck: \(froze\|thawed\|freeze [0-9]* (.*): failure injected\)'
}

cr_start() {
	t_run pfncheck-load modprobe pfncheck
	# What a previous checkpoint left: a failed freeze must not touch it.
	mkdir -p "$QR_SH/cp" "$D/c" "$D/t"
	echo previous-image >"$QR_SH/cp/image"
	echo previous-pages >"$QR_SH/cp/pages"
	shelter_state >/tmp/shelter-before
	cr-counter "$D/c" 16 </dev/null >/dev/null 2>&1 &
	C=$!
	cr-threads "$D/t" </dev/null >/dev/null 2>&1 &
	T=$!
	CR_PIDS="$T $C"
	t_run started qr_wait 120 sh -c "[ \$(wc -l <$D/c/progress 2>/dev/null || echo 0) -ge 3 ] && test -s $D/t/info"
}

# Each failure injected, then the shelter checked and the threads' state.
cr_pre_checkpoint() {
	for step in freeze capture write; do
		klog=$(dmesg | wc -l)
		QUICKREBOOT_TEST_FAIL=$step quickreboot checkpoint --dir "$QR_SH/cp" $CR_PIDS \
			>/tmp/cp.out 2>&1
		t_eq "$step-fails-exit-1" 1 "$?"
		t_run "$step-says-injected" grep -q "failure injected at $step" /tmp/cp.out
		t_run "$step-counter-not-frozen" qr_none_frozen "$C"
		t_run "$step-threads-not-frozen" qr_none_frozen "$T"
		t_run "$step-counter-advances" cr_grows "$D/c/progress"
		t_eq "$step-shelter-as-before" "$(cat /tmp/shelter-before)" "$(shelter_state)"
		t_eq "$step-kernel-log-quiet" "" "$(new_klog "$klog")"
	done
	t_run shelter-umount quickreboot shelter umount
	t_run shelter-fsck-clean fsck.ext4 -f -n /dev/shelter0
	t_run shelter-mount-again quickreboot shelter mount
	t_run threads-verify cr_answer 60 "$D/t"
	t_info threads "$(cat "$D/t/result")"
	t_eq threads-invariants-hold 0 "$(qr_kv bad "$D/t/result")"
}

cr_post_checkpoint() {
	t_eq only-image-and-pages "$(printf '.\n..\nimage\npages')" "$(ls -a "$QR_SH/cp")"
	cr_records "$D/c/progress" >"$D/at-checkpoint"
}

cr_verify() {
	T=${CR_PIDS%% *}
	C=${CR_PIDS#* }
	t_eq counter-pid cr-counter "$(cat "/proc/$C/comm" 2>/dev/null)"
	t_eq threads-pid cr-threads "$(cat "/proc/$T/comm" 2>/dev/null)"
	t_run counter-continues qr_wait 60 cr_records_above "$(cat "$D/at-checkpoint")" "$D/c/progress"
	t_run threads-verify cr_answer 60 "$D/t"
	t_eq threads-invariants-hold 0 "$(qr_kv bad "$D/t/result")"
}
