# The modules' safety limits as a user without privileges, and unloading
# restore after a hand-back (issue 14, case 1, and its limits): in one
# kernel, every device node, ioctl and sysfs file of shelter, pfncheck and
# restore is tried as uid 65534 (qr-unpriv: nodes opened by root are used
# after it drops to nobody) before and after a hand-back and after restore
# is unloaded: opens refused, every ioctl EPERM, no sysfs file writable,
# /proc/iomem readable. restore refuses to unload while it holds frames
# (unloading gave them to the page allocator); once they are released it
# unloads, and the memory it added stays correct: /proc/iomem, read by
# nobody, names it without crashing in r_show (the name lived in the
# module). quickreboot run as nobody says that it needs root, not that
# DKMS may be broken. The kernel log stays clean.
QR_PAIRS=one
# 128 MiB hidden at 0x30000000 to hand back, a 64 MiB shelter at
# 0x50000000; the boot area named so that restore opens its module.
QR_APPEND='memmap=128M$0x30000000 memmap=64M$0x50000000 quickreboot.bootarea=128M@0x30000000'

ST=/sys/module/restore/status

probe() {
	t_run "unpriv-$1" qr-unpriv probe "$1"
	qr_show_output "probe-$1" /tmp/.qr_out
}

old() {
	# Non-root, the module not loaded: the message names the cause.
	t_fails nonroot-restore qr-unpriv exec quickreboot restore --handback-only
	cp /tmp/.qr_out /tmp/nonroot.out
	qr_show_output nonroot /tmp/nonroot.out
	t_run nonroot-says-root grep -q 'root' /tmp/nonroot.out
	t_fails nonroot-no-dkms-hint grep -qi dkms /tmp/nonroot.out

	t_run load-shelter modprobe shelter region=64M@0x50000000 format=1 || return
	t_run load-pfncheck modprobe pfncheck || return
	t_run load-restore modprobe restore || return
	for n in /dev/qr-restore /dev/pfncheck /dev/shelter0; do
		t_eq "mode-$(basename $n)" "600 0 0" "$(stat -c '%a %u %g' $n)"
	done
	t_fails nonroot-open qr-unpriv exec quickreboot restore --handback-only
	cp /tmp/.qr_out /tmp/nonroot.out
	t_run nonroot-open-says-root grep -q 'root' /tmp/nonroot.out
	probe before

	t_run handback qr-unpriv handback 0x30000 16 || return
	t_eq handed-back 1 "$(cat $ST/handed_back)"
	t_eq held 16 "$(cat $ST/held)"
	probe after-handback

	# Held frames keep the module loaded.
	t_fails unload-while-held rmmod restore
	t_run still-loaded test -e /dev/qr-restore
	t_eq still-held 16 "$(cat $ST/held)"
	t_run release qr-unpriv release
	t_eq none-held 0 "$(cat $ST/held)"
	t_run unload rmmod restore
	t_fails unloaded test -e /sys/module/restore
	t_run iomem-names-added grep -q 'System RAM (quickreboot)' /proc/iomem
	t_run iomem-nobody qr-unpriv exec cat /proc/iomem
	probe after-unload

	# Loaded again: nothing handed back in this load.
	t_run reload modprobe restore
	t_eq reload-not-handed-back 0 "$(cat $ST/handed_back)"
	probe reloaded
	t_run unload-again rmmod restore
	t_run unload-pfncheck rmmod pfncheck
	t_run unload-shelter rmmod shelter
	probe all-unloaded
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
}
