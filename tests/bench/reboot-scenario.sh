# The guest of `make bench-reboot` (tests/bench/reboot writes one copy per
# workload size, the settings up to QR_CRIU changed). One guest session
# works through a plan of reboots kept on its disk: each boot finishes the
# step that rebooted into it (restore; then the workload must answer with
# its data intact and its counter gone on) and starts the next one. The
# workload is one process carried from reboot to reboot, started again
# only when a step lost it. The host times each step from the guest's
# "QRT <hop> REBOOT <method> ..." line to the first "QRB tick" the
# workload prints on the console after the New kernel's banner (the
# floor: to the next init), every line stamped with the host's clock as it
# arrives. The workload does not have to notice the new boot itself:
# whatever a quick reboot keeps the same for it cannot hide that it
# printed after the banner.
#
# Methods (what the reboot command does; then what the next boot does):
#   floor          kexec -l, kexec -e; no workload (ends at the next init)
#   firmware-disk  our checkpoint to the disk, reboot -f (QEMU resets:
#                  firmware, the kernel again); restore from the disk
#   kexec-disk     kexec -l, our checkpoint to the disk, kexec -e; restore
#   qr-copy        quickreboot reboot (copy mode, through the shelter);
#                  shelter load + mount, quickreboot restore
#   qr-zero-copy   quickreboot reboot --mode zero-copy (the New kernel
#                  confined to the boot area); the same, and the restore
#                  hands the rest of RAM back but for the next boot area
#   criu-disk      kexec -l, criu dump to the disk, kexec -e; criu restore
#   criu-shelter   kexec -l, criu dump into the shelter, kexec -e; shelter
#                  load + mount, criu restore
# Every reboot command syncs before its kexec (quickreboot reboot and
# reboot -f do it themselves). Every kexec loads with -i (quickreboot
# reboot --no-kexec-digest): purgatory's SHA-256 of the loaded kernel and
# initramfs costs seconds under TCG, the same in every kexec method, where
# hardware spends a fraction of a second.
#
# Zero copy runs right after the firmware method (the plan keeps the order
# of BENCH_METHODS): in the cold-booted kernel, two boot areas are
# reserved, [256 MiB, 640 MiB) and [768 MiB, 1152 MiB). The New kernel is
# confined to the first, and its restore finds the second free of the
# process's frames for the next boot area. A process of 1.5 GiB restored in
# copy mode leaves its frames spread over the RAM it was given, so that
# with only the one boot area `quickreboot setup` reserves, no other
# 384 MiB would be free of them and the restore refuses.
BENCH_MIB=10
BENCH_RUNS=1
BENCH_METHODS="floor firmware-disk qr-zero-copy kexec-disk qr-copy criu-disk criu-shelter"
SHELTER=128M
QR_MEM=2048
QR_DISK=256
# earlyprintk: the New kernel's first line comes right after its decompression.
QR_APPEND="earlyprintk=serial,ttyS0,115200 memmap=384M\$0x10000000 memmap=384M\$0x30000000 memmap=$SHELTER\$0x48000000 quickreboot.shelter=$SHELTER@0x48000000"
QR_HOP_TIMEOUT=900
QR_RESET=1
QR_CRIU=1

B=/mnt/disk/bench
SH=/run/quickreboot/shelter
W=qr-bench-workload

hop() {
	mkdir -p $B
	if [ ! -e $B/plan ]; then
		bench_next_boot
		bench_plan >$B/plan
	fi
	[ ! -e $B/current ] || bench_finish $(cat $B/current)
	while step=$(sed -n "$(($(cat $B/done) + 1))p" $B/plan) && [ -n "$step" ]; do
		bench_start $step
	done
	t_info bench-done "$(cat $B/done) steps"
}

# What every kexec boots, on the disk: the kernel, and this initramfs
# without the kernels and the test programs (all kexec methods load the
# same; a cold boot gets the whole initramfs from the firmware).
bench_next_boot() {
	cp "/boot/vmlinuz-$(qr_kernel_of_hop 1)" $B/vmlinuz
	(cd / && { grep -v -e '^boot/' -e '^usr/bin/.' /etc/qr/manifest &&
		echo usr/bin/$W; } | cpio -o -H newc >$B/next.cpio 2>/dev/null)
}

# "METHOD RUN" lines: the floor first (it needs no workload), then the
# methods in turn, run after run, so that a slow spell of the host falls
# on all of them.
bench_plan() {
	local m r
	for r in $(seq "$BENCH_RUNS"); do
		case " $BENCH_METHODS " in *" floor "*) echo "floor $r" ;; esac
	done
	for r in $(seq "$BENCH_RUNS"); do
		for m in $BENCH_METHODS; do
			[ "$m" = floor ] && continue
			echo "$m $r"
		done
	done
	echo 0 >$B/done
}

bench_next() {
	rm -f $B/current
	echo $(($(cat $B/done) + 1)) >$B/done
}

# The workload, running: P. Started when no step carried one here.
bench_workload() {
	P=$(cat $B/pid 2>/dev/null)
	# comm holds 15 characters of the name.
	case $(cat /proc/"${P:-0}"/comm 2>/dev/null) in qr-bench-work*) return 0 ;; esac
	rm -f /run/qrb-resumed
	qr_pids_above 1000
	setsid $W "$BENCH_MIB" </dev/null >/dev/null 2>&1 &
	P=$!
	# It may die at once (a kernel left without its RAM by a failed step).
	qr_wait 600 sh -c "test -s /run/qrb-resumed || ! kill -0 $P 2>/dev/null"
	t_run workload-ready test -s /run/qrb-resumed || return 1
	echo "$P" >$B/pid
	qr_kv sum /run/qrb-resumed >$B/sum
	echo 0 >$B/counter
	t_info workload "pid $P, $BENCH_MIB MiB, checksum $(cat $B/sum)"
}

# The workload quiet (no tick on the console) until the next boot: never
# frozen with /dev/console open, and its first tick is the New kernel's.
bench_hush() {
	rm -f /run/qrb-hushed
	touch /run/qrb-hush
	qr_wait 60 test -e /run/qrb-hushed
}

# The shelter loaded, mounted and empty (formatted when it carries nothing).
bench_shelter() {
	if ! grep -q " $SH " /proc/mounts; then
		grep -q '^shelter ' /proc/modules ||
			quickreboot shelter load --format || return 1
		quickreboot shelter mount 2>/dev/null ||
			{ quickreboot shelter mkfs && quickreboot shelter mount; } || return 1
	fi
	rm -rf $SH/cp $SH/criu
}

# The New kernel loaded for kexec -e: its command line is the one
# quickreboot reboot gives a copy-mode reboot.
bench_kexec_load() {
	kexec -l -i $B/vmlinuz --initrd=$B/next.cpio \
		--append="$(quickreboot cmdline --mode copy --append qr.hop=1)"
}

# bench_start METHOD RUN: reboots, or returns when the step failed.
bench_start() {
	local m=$1 r=$2 ready=true log
	case $m in
	floor) ;;
	qr-*) ready="bench_workload && t_run shelter-ready bench_shelter" ;;
	criu-shelter) ready="bench_workload && t_run shelter-ready bench_shelter &&
		mkdir -p $SH/criu && qr_criu_ready" ;;
	criu-disk) ready="bench_workload && mkdir -p $B/criu && qr_criu_ready" ;;
	*) ready="bench_workload && mkdir -p $B/cp" ;;
	esac
	[ "$m" = floor ] || ready="$ready && t_run workload-quiet bench_hush"
	if ! eval "$ready"; then
		t_fail "$m-run$r" "could not get ready"
		qrt INFO "step=$m:$r:failed"
		bench_next
		return
	fi
	echo "$m $r" >$B/current
	sync
	qrt REBOOT "$m mib=$BENCH_MIB run=$r"
	case $m in
	floor)
		bench_kexec_load && sync && kexec -e ;;
	firmware-disk)
		quickreboot checkpoint --mode copy --dir $B/cp "$P" && reboot -f ;;
	kexec-disk)
		bench_kexec_load && quickreboot checkpoint --mode copy --dir $B/cp "$P" &&
			sync && kexec -e ;;
	qr-copy)
		quickreboot reboot --mode copy --no-kexec-digest --kernel $B/vmlinuz \
			--initrd $B/next.cpio --append qr.hop=1 "$P" ;;
	qr-zero-copy)
		quickreboot reboot --mode zero-copy --no-kexec-digest --kernel $B/vmlinuz \
			--initrd $B/next.cpio --append qr.hop=1 "$P" ;;
	criu-disk)
		bench_kexec_load &&
			criu dump -t "$P" -D $B/criu --shell-job -o dump.log &&
			sync && kexec -e ;;
	criu-shelter)
		bench_kexec_load &&
			criu dump -t "$P" -D $SH/criu --shell-job -o dump.log &&
			quickreboot shelter umount && sync && kexec -e ;;
	esac >/tmp/.qr_out 2>&1
	qr_show_output "$m" /tmp/.qr_out
	for log in $B/criu/dump.log $SH/criu/dump.log; do
		[ -e $log ] && tail -n 20 $log >/tmp/.qr_out &&
			qr_show_output "$m" /tmp/.qr_out
	done
	t_fail "$m-run$r" "the reboot command returned"
	qrt INFO "step=$m:$r:failed"
	bench_next
}

# bench_finish METHOD RUN: in the boot METHOD rebooted into.
bench_finish() {
	local m=$1 r=$2 ok=failed log= rc
	case $m in
	floor) ;;
	firmware-disk | kexec-disk)
		quickreboot restore --dir $B/cp ;;
	qr-copy | qr-zero-copy)
		quickreboot shelter load && quickreboot shelter mount &&
			quickreboot restore --dir $SH/cp ;;
	criu-disk)
		log=$B/criu/restore.log
		qr_criu_ready && criu restore -D $B/criu --shell-job -d -o restore.log ;;
	criu-shelter)
		log=$SH/criu/restore.log
		qr_criu_ready && quickreboot shelter load &&
			quickreboot shelter mount &&
			criu restore -D $SH/criu --shell-job -d -o restore.log ;;
	esac >/tmp/.qr_out 2>&1
	rc=$?
	if [ "$m" = floor ]; then
		ok=ok
	elif [ $rc != 0 ]; then
		qr_show_output "$m-restore" /tmp/.qr_out
		[ -n "$log" ] && tail -n 20 "$log" >/tmp/.qr_out 2>/dev/null &&
			qr_show_output "$m-restore" /tmp/.qr_out
		t_fail "$m-run$r" "restore exited $rc"
	elif bench_check "$m-run$r"; then
		ok=ok
	fi
	qrt INFO "step=$m:$r:$ok"
	rm -rf $B/cp $B/criu
	[ "$ok" = ok ] || rm -f $B/pid
	bench_next
}

# The restored workload answers, its data intact, its counter further (the
# host saw it running again: its first tick after the banner).
bench_check() {
	local was
	was=$(cat $B/counter)
	rm -f /run/qrb-result
	touch /run/qrb-verify
	t_run "$1-answers" qr_wait 600 test -s /run/qrb-result || return 1
	qr_kv counter /run/qrb-result >$B/counter
	t_run "$1-data-intact" test "$(cat $B/sum)" = "$(qr_kv sum /run/qrb-result)" &&
		t_run "$1-counter-goes-on" test "$(cat $B/counter)" -gt "$was"
}
