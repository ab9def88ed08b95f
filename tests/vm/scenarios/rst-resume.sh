# No restore path loses a kept process (issue 14, cases 2, 7 and 8), across
# kexec in zero copy (hop 1) and in copy mode (hop 2), a zc-keep process
# of 32 MiB kept:
# - a mistyped `restore --dir` fails and hands nothing back (it did the
#   hand-back alone, giving the kept frames to the page allocator);
# - restore killed (SIGKILL, as a systemd start timeout does) after the
#   hand-back (QUICKREBOOT_TEST_KILL=handback, zero copy: the frames stay
#   held and restore cannot be unloaded), then once its processes exist,
#   before they reported (QUICKREBOOT_TEST_KILL=spawned):
#   the process still comes back, and a second restore finishes the job
#   from what the restore module holds (it said "Device or resource
#   busy"); a third finds it all done; the process has its PID, data and
#   counter, in zero copy every page in its frame;
# - restore runs more than once in a boot (it ran once wherever
#   quickreboot.bootarea= was on the command line, copy images too), and
#   `cmdline --mode copy` names no boot area;
# - a truncated pages file is refused up front, naming it (it was "old
#   vDSO unreadable").
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_LAYOUT=zc
QR_HOPS=2
QR_DISK=64
QR_HOP_TIMEOUT=900

ST=/sys/module/restore/status
MIB=32

memtotal() {
	awk '/MemTotal/ { print $2 }' /proc/meminfo
}

# mistyped: a restore of a directory without an image changes nothing.
mistyped() {
	_before=$(memtotal)
	t_fails mistyped-dir quickreboot restore --dir "$QR_SH/cq"
	cp /tmp/.qr_out /tmp/mistyped.out
	qr_show_output mistyped /tmp/mistyped.out
	t_run mistyped-names-it grep -q "no image at $QR_SH/cq/image" /tmp/mistyped.out
	t_eq mistyped-nothing-handed-back "$_before" "$(memtotal)"
}

# killed_then_resumed: restore killed once the process exists, then run
# again; a third run finds everything done.
killed_then_resumed() {
	t_fails restore-killed env QUICKREBOOT_TEST_KILL=spawned \
		quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/killed.out
	qr_show_output killed /tmp/killed.out
	t_run killed-at-spawned grep -q 'killed at spawned' /tmp/killed.out
	t_run restore-again quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore-again /tmp/restore.out
	t_run resumed-says-so grep -q "^restored $P (zc-keep): running already" /tmp/restore.out
	t_run restore-third quickreboot restore --dir "$QR_SH/cp"
	qr_show_output restore-third /tmp/.qr_out
}

# The process is back: PID, data, counter going on.
back() {
	t_eq same-pid zc-keep "$(cat "/proc/$P/comm" 2>/dev/null)"
	rm -f "$ZC_DIR/result"
	touch "$ZC_DIR/verify"
	t_run verify-written zc_answered result || return
	t_info result "$(cat "$ZC_DIR/result")"
	t_eq checksum-equal "$(qr_kv sum "$ZC_DIR/info")" "$(qr_kv sum "$ZC_DIR/result")"
	t_run counter-continues test "$(qr_kv counter "$ZC_DIR/result")" -gt 0
}

hop() {
	case $1 in
	0)
		zc_start $MIB || return
		zc_checkpoint
		;;
	1)
		P=$(cat "$ZC_DIR/pid")
		t_run bootarea-named grep -q 'quickreboot.bootarea=' /proc/cmdline
		t_run shelter-load quickreboot shelter load || return
		t_run shelter-mount quickreboot shelter mount || return
		mistyped
		# Killed right after the hand-back, before any process: the
		# frames stay held, the module loaded, and the next restore
		# (killed too, later) adopts from them.
		t_fails restore-killed-handback env QUICKREBOOT_TEST_KILL=handback \
			quickreboot restore --dir "$QR_SH/cp"
		t_eq handed-back-by-killed 1 "$(cat $ST/handed_back)"
		t_run frames-held-after-kill test "$(cat $ST/held)" -gt 0
		t_fails not-made-yet test -e "/proc/$P"
		t_fails unload-refused-while-held rmmod restore
		killed_then_resumed
		back || return
		t_eq every-page-same-frame $((MIB * 256)) "$(qr_kv same "$ZC_DIR/result")"
		t_eq none-held 0 "$(cat $ST/held)"
		t_eq adopted-not-released 0 "$(cat $ST/released)"
		# Next: copy mode, from the kernel this one is.
		rm -rf "$QR_SH/cp"
		zc_checkpoint copy || return
		case $QR_NEXT_CMDLINE in
		*quickreboot.bootarea=*)
			t_fail copy-names-no-boot-area "cmdline --mode copy gave $QR_NEXT_CMDLINE" ;;
		*) t_pass copy-names-no-boot-area ;;
		esac
		;;
	2)
		P=$(cat "$ZC_DIR/pid")
		t_fails copy-not-confined grep -q 'quickreboot.bootarea=' /proc/cmdline
		t_run shelter-load quickreboot shelter load || return
		t_run shelter-mount quickreboot shelter mount || return
		mistyped
		# A pages file cut short: refused before anything, named.
		mkdir -p /tmp/trunc
		cp "$QR_SH/cp/image" /tmp/trunc/
		head -c 1048576 "$QR_SH/cp/pages" >/tmp/trunc/pages
		t_fails truncated-refused quickreboot restore --dir /tmp/trunc
		cp /tmp/.qr_out /tmp/truncated.out
		qr_show_output truncated /tmp/truncated.out
		t_run truncated-named grep -q '/tmp/trunc/pages is truncated' /tmp/truncated.out
		t_fails truncated-not-vdso grep -q 'vDSO' /tmp/truncated.out
		rm -rf /tmp/trunc
		killed_then_resumed
		back || return
		kill -9 "$P"
		quickreboot shelter umount
		;;
	esac
}
