# What a process may do and how it is scheduled, carried across kexec in
# copy mode (Old -> New) and in zero copy (New -> Old): cr-carry becomes
# uid 1000 with groups 10 20 30, keeps CAP_NET_BIND_SERVICE (effective,
# ambient), CAP_NET_RAW (permitted) and CAP_CHOWN (inheritable), drops
# CAP_SYS_MODULE and CAP_SYS_BOOT from its bounding set, sets
# no_new_privs, nice 5 with SCHED_RESET_ON_FORK, a SCHED_BATCH worker at
# nice 7 (each thread with its own I/O priority and timer slack),
# oom_score_adj 321, THP disabled, ADDR_NO_RANDOMIZE, an area
# with each madvise/mlock flag and 3000 one-page areas of alternating
# protection (more than the restorer's old limit of 1024). After each
# restore it finds its own view (/proc/self/status, getpriority,
# sched_getscheduler, affinity, oom_score_adj, personality, smaps VmFlags,
# its areas and their contents) the same as at the start.
# Kept with it, cr-seccomp: no_new_privs and seccomp filters as a systemd
# sandbox installs them (one logged: acct fails with EXDEV; one as
# MemoryDenyWriteExecute), a worker thread sharing them with one more
# filter of its own (syslog: E2BIG), a child inheriting them. After each
# restore each of the three finds the calls failing as before, a plain
# mmap working, Seccomp 2, Seccomp_filters 2, 3, 2 and NoNewPrivs 1 in
# its own status, and each filter's flags and length read from outside
# (ptrace) are the same. Before the first checkpoint, one failing after
# the capture leaves it running, unfrozen, with its filters. Before each
# checkpoint it is frozen in a cgroup (cgroup.freeze), as `reboot --unit`
# freezes a unit: a ptrace stop still reads its filters, the cgroup is
# frozen again after it, and the checkpoint reads them there.
# Its files under /run, which each reboot empties, come back before it
# does (checkpoint --keep-run, as reboot --unit does for a unit's PIDFile=
# and RuntimeDirectory=): a tree with a file, a link and a FIFO, a PID
# file, and a file it holds open (fd 3) in a directory of another tmpfs
# (/run/lock), each with its content, mode and owner; a tree over the
# size limit is refused by name.
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB) (zc-basic's).
QR_LAYOUT=zc
QR_HOPS=2

SH=/run/quickreboot/shelter
D=/mnt/disk/carry
S_D=/mnt/disk/seccomp
AREAS=3000
RUN=/run/crc
PIDF=/run/cr-carry.pid
HELD=/run/lock/crh/held
KEEP_RUN="--keep-run $RUN --keep-run $PIDF"

# /run/lock, a tmpfs of its own as Debian's run-lock.mount makes it.
run_lock() {
	mkdir -p /run/lock
	grep -qs ' /run/lock tmpfs ' /proc/mounts ||
		mount -t tmpfs -o mode=755 tmpfs /run/lock
}

run_make() {
	run_lock
	mkdir -p "$RUN/sub" /run/lock/crh
	echo "state 1" >"$RUN/state"
	ln -s state "$RUN/current"
	mkfifo "$RUN/sub/fifo"
	chown 1000:1001 "$RUN/state"
	chmod 0640 "$RUN/state"
	chmod 0620 "$RUN/sub/fifo"
	chown 1000:1000 "$RUN" /run/lock/crh
	chmod 0750 "$RUN"
	chmod 0710 /run/lock/crh
	echo "held 1" >"$HELD"
	chown 1000:1000 "$HELD"
	chmod 0600 "$HELD"
}

run_st() {
	stat -c '%a %u %g' "$1" 2>&1
}

run_verify() {
	t_eq run-dir "750 1000 1000" "$(run_st "$RUN")"
	t_eq run-file "640 1000 1001 state 1" "$(run_st "$RUN/state") $(cat "$RUN/state")"
	t_eq run-link state "$(readlink "$RUN/current")"
	t_eq run-fifo "620 0 0 fifo" "$(run_st "$RUN/sub/fifo") $([ -p "$RUN/sub/fifo" ] && echo fifo)"
	t_eq run-pidfile "644 1000 1000 $P" "$(run_st "$PIDF") $(cat "$PIDF")"
	t_eq run-held-dir "710 1000 1000" "$(run_st /run/lock/crh)"
	t_eq run-held "600 1000 1000 held 1" "$(run_st "$HELD") $(cat "$HELD")"
	t_eq run-held-fd "$HELD" "$(readlink "/proc/$P/fd/3")"
}

verify() {
	rm -f "$D/result"
	touch "$D/verify"
	qr_wait 120 test -s "$D/result"
}

# seccomp_verify: cr-seccomp's verdict on its own state.
seccomp_verify() {
	rm -f "$S_D/result"
	touch "$S_D/verify"
	qr_wait 60 test -s "$S_D/result"
}

# seccomp_flags: each filter's flags/length of the main thread and of
# the worker, from outside.
seccomp_flags() {
	echo "$(timeout 60 cr-seccomp --flags "$S") / $(timeout 60 cr-seccomp --flags "$(qr_kv worker "$S_D/info")")"
}

seccomp_kept() {
	t_run seccomp-same-pid grep -qx cr-seccomp "/proc/$S/comm" || return
	t_run seccomp-verify-written seccomp_verify || return
	t_info seccomp-result "$(cat "$S_D/result")"
	[ "$(qr_kv ok "$S_D/result")" = 1 ] || qr_show_output seccomp-diff "$S_D/diff"
	t_eq seccomp-main-kept 1 "$(qr_kv main "$S_D/result")"
	t_eq seccomp-worker-kept 1 "$(qr_kv worker "$S_D/result")"
	t_eq seccomp-child-kept 1 "$(qr_kv child "$S_D/result")"
	t_eq seccomp-flags-lengths-kept "2/7 0/8 / 2/7 0/8 0/4" "$(seccomp_flags)"
}

# cgroup_freeze: cr-seccomp and its child in a frozen cgroup of their own.
cgroup_freeze() {
	_cg=/sys/fs/cgroup/seccomp
	[ -e /sys/fs/cgroup/cgroup.controllers ] ||
		mount -t cgroup2 none /sys/fs/cgroup || return
	mkdir -p "$_cg" || return
	echo "$S" >"$_cg/cgroup.procs" &&
		qr_kv child "$S_D/info" >"$_cg/cgroup.procs" &&
		echo 1 >"$_cg/cgroup.freeze" &&
		qr_wait 60 grep -q '^frozen 1' "$_cg/cgroup.events"
}

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		qr_shelter_fresh || return
		mkdir -p "$D"
		chmod 0777 "$D"
		qr_pids_above 1000
		run_make
		(cd / && exec cr-carry "$D" "$AREAS" </dev/null >/dev/null 2>&1 3<>"$HELD") &
		P=$!
		echo "$P" >"$D/pid"
		echo "$P" >"$PIDF"
		chown 1000:1000 "$PIDF"
		chmod 0644 "$PIDF"
		t_run started qr_wait 120 test -s "$D/info" || return
		t_info view "$(tr '\n' ';' <"$D/info")"
		t_run check quickreboot check $KEEP_RUN "$P"
		mkdir -p /run/crbig
		head -c 5000000 /dev/zero >/run/crbig/big
		t_fails refuse-run-size quickreboot check --keep-run /run/crbig "$P"
		t_eq refuse-run-size-named 1 \
			"$(grep -c -- '--keep-run /run/crbig: more than 4096 files or 4194304 bytes for restore to make anew: not carried' /tmp/.qr_out)"
		rm -rf /run/crbig
		mkdir -p "$S_D"
		(cd / && exec cr-seccomp "$S_D" </dev/null >/dev/null 2>&1) &
		S=$!
		echo "$S" >"$S_D/pid"
		t_run seccomp-started qr_wait 60 test -s "$S_D/info" || return
		t_info seccomp-info "$(cat "$S_D/info")"
		t_eq seccomp-sane-at-start 1 "$(qr_kv ok "$S_D/info")"
		t_eq seccomp-flags-at-start "2/7 0/8 / 2/7 0/8 0/4" "$(seccomp_flags)"
		t_run seccomp-check quickreboot check "$S"
		QUICKREBOOT_TEST_FAIL=capture quickreboot checkpoint --dir "$SH/rb" \
			"$S" >/tmp/cp.out 2>&1
		t_eq seccomp-rollback-fails-exit-1 1 "$?"
		t_run seccomp-rollback-not-frozen qr_none_frozen "$S"
		seccomp_kept
	else
		P=$(cat "$D/pid")
		S=$(cat "$S_D/pid")
		t_eq run-emptied "" "$(ls -d "$RUN" "$PIDF" /run/lock/crh 2>/dev/null)"
		run_lock
		t_run shelter-load quickreboot shelter load || return
		t_run shelter-mount quickreboot shelter mount || return
		t_run restore quickreboot restore --dir "$SH/cp"
		qr_show_output restore /tmp/.qr_out
		t_eq same-pid cr-carry "$(cat "/proc/$P/comm" 2>/dev/null)"
		t_run verify-written verify || return
		t_info result "$(cat "$D/result")"
		[ "$(qr_kv ok "$D/result")" = 1 ] || qr_show_output diff "$D/diff"
		t_eq state-kept 1 "$(qr_kv ok "$D/result")"
		t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
		t_eq areas-kept "$AREAS" "$(qr_kv areas "$D/result")"
		t_eq no-new-privs 1 "$(sed -n 's/^NoNewPrivs:\t//p' "/proc/$P/status")"
		t_eq cap-bounding 000001ffffbeffff "$(sed -n 's/^CapBnd:\t//p' "/proc/$P/status")"
		t_eq groups "10 20 30" "$(sed -n 's/^Groups:\t//p' "/proc/$P/status" | sed 's/ *$//')"
		t_eq oom-score-adj 321 "$(cat "/proc/$P/oom_score_adj")"
		seccomp_kept
		run_verify
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		t_run seccomp-cgroup-frozen cgroup_freeze || return
		t_eq seccomp-flags-read-cgroup-frozen "2/7 0/8 / 2/7 0/8 0/4" "$(seccomp_flags)"
		t_run seccomp-cgroup-frozen-again qr_wait 60 \
			grep -q '^frozen 1' /sys/fs/cgroup/seccomp/cgroup.events
		if [ "$1" = 0 ]; then
			t_run checkpoint-copy quickreboot checkpoint --mode copy \
				$KEEP_RUN --dir "$SH/cp" "$P" "$S" || return
			t_run new-cmdline sh -c \
				"quickreboot cmdline --append qr.hop=$(($1 + 1)) >/tmp/cmdline"
			QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
		else
			t_run checkpoint-zero-copy quickreboot checkpoint --mode zero-copy \
				--keep-first-block $KEEP_RUN --dir "$SH/cp" "$P" "$S" || return
			qr_show_output checkpoint /tmp/.qr_out
			t_run confined-cmdline qr_next_confined zero-copy "$SH/cp"
		fi
		t_eq frozen I "$(sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$P/status")"
		t_run shelter-umount quickreboot shelter umount
		sync
		t_run disk-detach umount -l /mnt/disk
	else
		kill -9 "$P" "$S" "$(qr_kv child "$S_D/info")"
		t_run shelter-umount quickreboot shelter umount
	fi
	sync
}
