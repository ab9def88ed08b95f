# A sandboxed service's mount namespace across kexec, in copy mode (Old ->
# New) and in zero copy (New -> Old): cr-mntns builds by hand what
# systemd builds for redis-server.service (PrivateTmp, PrivateDevices,
# ProtectSystem, ReadOnlyDirectories=/, ReadWriteDirectories=,
# ProtectKernelTunables, ProtectKernelModules: see
# tests/vm/progs/cr-mntns.c) and forks a child into it. `check` accepts
# them; after each restore the program finds its own view the same
# (mountinfo but for ids, peer group numbers and anonymous devices; its
# private /tmp's files, which the reboot emptied from init's /tmp; /dev's
# nodes and links; EROFS where it was read-only, DIR writable), and both
# processes in one namespace that is not init's; its mounts of init's
# /mnt/disk (shared there) are slaves of it. The same sandbox with an
# mqueue mounted (no mount of init's shows it) and a file of its private
# /tmp held open is refused by name, both.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR
R=/mnt/disk/cr-refuse

# As a system booted by systemd shows it: the sandbox's /mnt/disk and DIR
# are slaves of it.
shared_disk() {
	t_run disk-shared mount --make-shared /mnt/disk
}

cr_pre_restore() {
	shared_disk
}

# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_start() {
	shared_disk
	mkdir -p /mnt/disk/mntns-proc /mnt/disk/mntns-mq "$R"
	(cd / && exec cr-mntns "$R" refuse </dev/null >"$R/err" 2>&1) &
	_r=$!
	t_run refuse-started qr_wait 60 test -s "$R/info" || t_info refuse-err "$(cat "$R/err")"
	quickreboot check "$_r" >/tmp/check-refuse.out 2>&1
	t_eq refuse-exit-3 3 "$?"
	qr_show_output check-refuse /tmp/check-refuse.out
	t_run refuse-names-mqueue grep -Eq "^quickreboot: process $_r: mount namespace [0-9]+: mount point /mnt/disk/mntns-mq \(mqueue mqueue\): its filesystem \(device 0:[0-9]+\) is mounted nowhere in init's namespace: not carried" /tmp/check-refuse.out
	t_eq refuse-only-mqueue 1 "$(grep -c "mount point" /tmp/check-refuse.out)"
	t_run refuse-names-private-file grep -Eq "^quickreboot: process $_r: fd [0-9]+ \(/tmp/secret\): a file of its mount namespace, which init's namespace does not show at that path: not carried" /tmp/check-refuse.out
	kill -9 "$_r" "$(qr_kv child "$R/info")"
	(cd / && exec cr-mntns "$D" </dev/null >"$D/err" 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || { t_info err "$(cat "$D/err")"; return 1; }
	CR_PIDS="$CR_PIDS $(qr_kv child "$D/info")"
	t_info view "$(tr '\n' ';' <"$D/view0")"
	quickreboot check $CR_PIDS >/tmp/check.out 2>&1
	t_eq check-accepts 0 "$?"
	qr_show_output check /tmp/check.out
}

cr_verify() {
	_c=$(qr_kv child "$D/info")
	t_eq same-pid cr-mntns "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq child-back cr-mntns "$(cat "/proc/$_c/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	[ "$(qr_kv ok "$D/result")" = 1 ] || qr_show_output diff "$D/diff"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	for _k in view tmp dev ro rw shared ok; do
		t_eq "$_k-kept" 1 "$(qr_kv "$_k" "$D/result")"
	done
	t_eq dev-files 14 "$(qr_kv devfiles "$D/result")"
	_ns=$(readlink "/proc/$P/ns/mnt")
	t_eq child-same-ns "$_ns" "$(readlink "/proc/$_c/ns/mnt")"
	t_run not-init-ns test "$_ns" != "$(readlink /proc/1/ns/mnt)"
	t_run private-tmp-made test -f /tmp/systemd-private-5f1c0a9d6f2e4b1c8a5d3e2f1a0b9c8d-cr-mntns.service-Qr18/tmp/secret
	t_eq stage-not-in-init 0 "$(grep -c ' /run/quickreboot/mntns' /proc/1/mountinfo)"
	t_run dir-slave-of-disk grep -Eq "^[0-9]+ [0-9]+ [0-9:]+ /cr $D rw,[a-z,]* shared:[0-9]+ master:$(sed -n 's|^[0-9]* [0-9]* [0-9:]* / /mnt/disk [a-z,]* shared:\([0-9]*\) .*|\1|p' /proc/1/mountinfo) " "/proc/$P/mountinfo"
}
