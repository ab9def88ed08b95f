# The harness pieces behind make bench-reboot: Debian's CRIU runs in the
# guest (QR_CRIU=1), and a guest may reboot through the firmware
# (QR_RESET=1: QEMU resets the machine, the firmware boots the Old kernel
# again, the disk is kept). A process that CRIU dumps to the disk before
# the reset runs again after it, with its PID and its data.
QR_PAIRS=one
QR_CRIU=1
QR_RESET=1
QR_DISK=64
D=/mnt/disk/criu

old() {
	if [ -e $D/pid ]; then
		after_reset
	else
		before_reset
	fi
}

before_reset() {
	t_run criu-ready qr_criu_ready || return
	qr_pids_above 1000
	setsid qr-bench-workload 8 </dev/null >/dev/null 2>&1 &
	P=$!
	t_run workload-ready qr_wait 60 test -s /run/qrb-resumed || return
	mkdir -p $D
	qr_kv sum /run/qrb-resumed >$D/sum
	# Its console ticks stop, so that CRIU never finds /dev/console open.
	touch /run/qrb-hush
	t_run workload-quiet qr_wait 60 test -e /run/qrb-hushed || return
	t_run criu-dump criu dump -t "$P" -D $D --shell-job -o dump.log || return
	t_run workload-gone sh -c "! test -e /proc/$P"
	echo "$P" >$D/pid
	sync
	qrt REBOOT firmware
	reboot -f
	t_fail reboot "reboot -f returned"
}

after_reset() {
	P=$(cat $D/pid)
	t_eq cold-boot-into-old "$(qr_kernel_of_hop 0)" "$(uname -r)"
	t_run criu-ready qr_criu_ready || return
	t_run criu-restore criu restore -D $D --shell-job -d -o restore.log || return
	t_eq same-pid qr-bench-worklo "$(cat "/proc/$P/comm")"
	touch /run/qrb-verify
	t_run workload-answers qr_wait 60 test -s /run/qrb-result
	t_run counter-goes-on test "$(qr_kv counter /run/qrb-result)" -gt 0
	t_eq data-intact "$(cat $D/sum)" "$(qr_kv sum /run/qrb-result)"
	kill -9 "$P"
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop 1)" "$(uname -r)"
}
