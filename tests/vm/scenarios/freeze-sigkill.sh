# Issue 14, case 9: a process killed (SIGKILL) before the kexec stays dead,
# in zero copy (Old -> New) and in copy mode (New -> Old). A frozen process
# does not die at once (no signal wakes a parked thread), but pfncheck
# records the SIGKILL:
# - sent while its checkpoint runs (stopped with its pages written), the
#   checkpoint fails naming it, every process is thawed (it dies, the
#   other goes on) and pfncheck holds nothing;
# - sent after its checkpoint, `quickreboot shelter umount` (the last step
#   before kexec) refuses naming it, the shelter stays mounted;
#   `quickreboot thaw` of the other abandons the checkpoint: both thawed
#   (it dies, the other goes on);
# then the survivor alone is checkpointed and kexec'd: in the next kernel
# it is restored and runs on, and neither killed process comes back.
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_LAYOUT=zc
QR_HOPS=2
QR_DISK=64
QR_HOP_TIMEOUT=900

D=/mnt/disk/sk

dead() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"
}

# round MODE: the two kills in MODE, then the survivor B checkpointed for
# the next kernel.
round() {
	_m=$1
	_keep=
	[ "$_m" = copy ] || _keep=--keep-first-block
	B=$(cat "$D/b.pid")
	cr_counter_at "$D/a" || return
	A=$(cat "$D/a.pid")
	cr_counter_at "$D/c" || return
	C=$(cat "$D/c.pid")

	# SIGKILL while the checkpoint runs.
	rm -f /tmp/pause
	QUICKREBOOT_TEST_PAUSE=capture:/tmp/pause quickreboot checkpoint \
		--mode "$_m" $_keep --dir "$QR_SH/cp" "$B" "$A" >/tmp/during.out 2>&1 &
	cp=$!
	t_run "$_m-during-paused" qr_wait 120 test -s /tmp/pause
	t_eq "$_m-during-frozen" I "$(qr_state "$A")"
	kill -9 "$A"
	rm -f /tmp/pause
	wait "$cp"
	t_eq "$_m-during-checkpoint-fails" 1 "$?"
	qr_show_output "$_m-during" /tmp/during.out
	t_run "$_m-during-names-it" grep -q "process $A was killed (SIGKILL) while frozen" /tmp/during.out
	t_run "$_m-during-killed-dies" qr_wait 20 dead "$A"
	t_run "$_m-during-other-thawed" qr_none_frozen "$B"
	t_run "$_m-during-other-advances" cr_grows "$D/b/progress" 30
	t_eq "$_m-during-none-frozen" 0 "$(qr_pfncheck_param frozen)"
	t_eq "$_m-during-no-pin" 0 "$(qr_pfncheck_param page_refs)"

	# SIGKILL after the checkpoint.
	t_run "$_m-after-checkpoint" quickreboot checkpoint --mode "$_m" $_keep \
		--dir "$QR_SH/cp" "$B" "$C"
	kill -9 "$C"
	sleep 1
	t_eq "$_m-after-held" I "$(qr_state "$C")"
	quickreboot shelter umount >/tmp/umount.out 2>&1
	t_eq "$_m-after-umount-refused" 3 "$?"
	qr_show_output "$_m-after-umount" /tmp/umount.out
	t_run "$_m-after-umount-names-it" grep -q "process $C (1 in all) was killed" /tmp/umount.out
	t_run "$_m-after-shelter-mounted" grep -q " $QR_SH " /proc/mounts
	t_run "$_m-after-thaw" quickreboot thaw "$B"
	cp /tmp/.qr_out /tmp/thaw.out
	t_run "$_m-after-thaw-both" grep -q "thawed 2 process" /tmp/thaw.out
	t_run "$_m-after-killed-dies" qr_wait 20 dead "$C"
	t_run "$_m-after-other-advances" cr_grows "$D/b/progress" 30
	t_eq "$_m-after-none-frozen" 0 "$(qr_pfncheck_param frozen)"

	# The survivor alone goes to the next kernel.
	echo "$A $C" >"$D/killed"
	t_run "$_m-checkpoint" quickreboot checkpoint --mode "$_m" $_keep \
		--dir "$QR_SH/cp" "$B"
	wc -l <"$D/b/progress" >"$D/at-checkpoint"
	if [ "$_m" = copy ]; then
		t_run "$_m-next-cmdline" qr_next_confined copy
	else
		t_run "$_m-next-cmdline" qr_next_confined zero-copy "$QR_SH/cp"
	fi
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
}

# restored: B is back and runs on; the killed ones are not.
restored() {
	B=$(cat "$D/b.pid")
	t_run shelter-load quickreboot shelter load
	t_run shelter-mount quickreboot shelter mount
	t_run restore quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	t_eq survivor-restored cr-counter "$(cat "/proc/$B/comm" 2>/dev/null)"
	t_run survivor-continues qr_wait 60 sh -c \
		"[ \$(wc -l <$D/b/progress) -gt $(cat "$D/at-checkpoint") ]"
	for k in $(cat "$D/killed"); do
		t_run "killed-$k-not-back" sh -c \
			"[ \"\$(cat /proc/$k/comm 2>/dev/null)\" != cr-counter ]"
	done
	# The image held the survivor only (restore's count of processes).
	t_fails no-other-restored sh -c "pidof cr-counter | grep -q ' '"
	# Restored, its checkpoint is spent (the next one needs the room).
	rm -f "$QR_SH/cp/image" "$QR_SH/cp/pages"
}

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		qr_shelter_fresh || return
		mkdir -p "$D"
		qr_pids_above 1000
		cr_counter_at "$D/b" || return
	else
		restored
	fi
	case $1 in
	0) round zero-copy ;;
	1) round copy ;;
	*)
		kill -9 "$(cat "$D/b.pid")"
		t_run end-shelter-umount quickreboot shelter umount
		;;
	esac
	sync
}
