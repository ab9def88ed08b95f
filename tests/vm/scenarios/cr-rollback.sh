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
QR_MEM=2048
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_HOPS=1
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/rb

# Every thread running or sleeping: none frozen (I) or parked (D).
none_frozen() {
	for s in /proc/"$1"/task/*/status; do
		case $(sed -n 's/^State:\t\(.\).*/\1/p' "$s") in
		R | S) ;;
		*) echo "$s: $(grep State "$s")"; return 1 ;;
		esac
	done
}

records() {
	wc -l <"$D/c/progress"
}

advances() {
	n=$(records)
	qr_wait 20 sh -c "[ \$(wc -l <$D/c/progress) -gt $n ]"
}

threads_verify() {
	rm -f "$D/t/result"
	touch "$D/t/verify"
	qr_wait 60 test -s "$D/t/result"
}

# The shelter's files: names and contents.
shelter_state() {
	(cd "$SH/cp" && ls -a && md5sum image pages)
}

# Kernel log lines since line $1 other than pfncheck's freeze and thaw.
new_klog() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -v 'pfncheck: \(froze\|thawed\|freeze [0-9]* (.*): failure injected\)'
}

old() {
	modprobe -a crc32c_generic ext4
	t_run shelter-load quickreboot shelter load --format
	t_run shelter-mkfs quickreboot shelter mkfs
	t_run shelter-mount quickreboot shelter mount
	t_run pfncheck-load modprobe pfncheck
	# What a previous checkpoint left: a failed freeze must not touch it.
	mkdir -p "$SH/cp" "$D/c" "$D/t"
	echo previous-image >"$SH/cp/image"
	echo previous-pages >"$SH/cp/pages"
	shelter_state >/tmp/shelter-before
	qr_pids_above 1000
	cr-counter "$D/c" 16 </dev/null >/dev/null 2>&1 &
	C=$!
	cr-threads "$D/t" </dev/null >/dev/null 2>&1 &
	T=$!
	echo "$C $T" >"$D/pids"
	t_run started qr_wait 120 sh -c "[ \$(wc -l <$D/c/progress 2>/dev/null || echo 0) -ge 3 ] && test -s $D/t/info"
	for step in freeze capture write; do
		klog=$(dmesg | wc -l)
		QUICKREBOOT_TEST_FAIL=$step quickreboot checkpoint --dir "$SH/cp" "$T" "$C" \
			>/tmp/cp.out 2>&1
		t_eq "$step-fails-exit-1" 1 "$?"
		t_run "$step-says-injected" grep -q "failure injected at $step" /tmp/cp.out
		t_run "$step-counter-not-frozen" none_frozen "$C"
		t_run "$step-threads-not-frozen" none_frozen "$T"
		t_run "$step-counter-advances" advances
		t_eq "$step-shelter-as-before" "$(cat /tmp/shelter-before)" "$(shelter_state)"
		t_eq "$step-kernel-log-quiet" "" "$(new_klog "$klog")"
	done
	t_run shelter-umount quickreboot shelter umount
	t_run shelter-fsck-clean fsck.ext4 -f -n /dev/shelter0
	t_run shelter-mount-again quickreboot shelter mount
	t_run threads-verify threads_verify
	t_info threads "$(cat "$D/t/result")"
	t_eq threads-invariants-hold 0 "$(qr_kv bad "$D/t/result")"
	t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$T" "$C"
	t_eq only-image-and-pages "$(printf '.\n..\nimage\npages')" "$(ls -a "$SH/cp")"
	records >"$D/at-checkpoint"
	t_run shelter-umount-2 quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline sh -c "quickreboot cmdline --append qr.hop=1 >/tmp/cmdline"
	QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
}

new() {
	modprobe -a crc32c_generic ext4
	read -r C T <"$D/pids"
	t_run shelter-load quickreboot shelter load
	t_run shelter-mount quickreboot shelter mount
	t_run restore quickreboot restore --dir "$SH/cp"
	t_eq counter-pid cr-counter "$(cat "/proc/$C/comm" 2>/dev/null)"
	t_eq threads-pid cr-threads "$(cat "/proc/$T/comm" 2>/dev/null)"
	t_run counter-continues qr_wait 60 sh -c "[ \$(wc -l <$D/c/progress) -gt $(cat "$D/at-checkpoint") ]"
	t_run threads-verify threads_verify
	t_eq threads-invariants-hold 0 "$(qr_kv bad "$D/t/result")"
	kill -9 "$C" "$T"
	t_run shelter-umount quickreboot shelter umount
	sync
}
