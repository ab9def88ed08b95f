# The boot area works before anything adopts a frame: a process's 64 MiB
# (mlocked, frames read from pagemap) stay in place, byte for byte, across a
# kexec into a New kernel confined by `quickreboot cmdline` to the boot area
# reserved at cold boot (kexec segments placed there too); the New kernel
# reads those frames through /dev/mem and finds every page intact (but
# those in the first memory block, where the New kernel runs too). Then,
# with no image, `quickreboot restore` hands the hidden RAM back alone.
QR_DISK=16

F=/mnt/disk/frames

# ram_confined START END: every System RAM range of /proc/iomem lies in the
# first memory block (128 MiB) or inside [START, END).
ram_confined() {
	grep 'System RAM' /proc/iomem | while IFS='- ' read -r s e _; do
		qrt INFO "ram=$s-$e"
		[ $((0x$e)) -lt $((0x8000000)) ] && continue
		[ $((0x$s)) -ge $(($1)) ] && [ $((0x$e)) -lt $(($2)) ] && continue
		echo "System RAM $s-$e outside the boot area"
		exit 1
	done
}

old() {
	echo 0 >/proc/sys/vm/compact_unevictable_allowed
	zc-frames fill 64 "$F" >/tmp/fill.out 2>&1 &
	t_run filled qr_wait 120 grep -q ready /tmp/fill.out || return
	t_run confined-cmdline qr_next_confined || return
	t_info cmdline "$QR_NEXT_CMDLINE"
	t_info kexec-options "$QR_NEXT_KEXEC_OPTS"
	case $QR_NEXT_CMDLINE in
	*'quickreboot.bootarea=384M@0x10000000'*) t_pass boot-area-found ;;
	*) t_fail boot-area-found "no quickreboot.bootarea=384M@0x10000000" ;;
	esac
	t_eq kexec-in-boot-area "--mem-min=0x10000000 --mem-max=0x27ffffff" "$QR_NEXT_KEXEC_OPTS"
	sync
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
	# Confined: System RAM is the first MiB and the boot area only.
	t_run only-boot-area-is-ram ram_confined 0x10000000 0x28000000
	t_run frames-intact zc-frames check "$F" 0x8000000
	qr_show_output frames /tmp/.qr_out
	# Nothing to restore: restore --handback-only gives the hidden RAM
	# back (else the system would keep only its boot area); a missing
	# image alone never does (issue 14).
	before=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)
	t_fails no-image-no-handback quickreboot restore --dir /run/no-image
	t_eq no-image-memtotal "$before" "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	t_run handback-alone quickreboot restore --handback-only
	qr_show_output handback /tmp/.qr_out
	cp /tmp/.qr_out /tmp/handback.out
	t_run handback-no-mode grep -q '^hand-back: [1-9][0-9]* MiB in [0-9]* ms; ' \
		/tmp/handback.out
	after=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)
	t_info memtotal-kib "$before -> $after"
	t_run ram-handed-back test $((after - before)) -ge $((900 * 1024))
}
