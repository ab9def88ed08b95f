# kexec from Old to New: the guest proves that it runs the New kernel, and the
# host reports the time from kexec -e to the New kernel's init.
QR_PAIRS=directions

old() {
	t_eq old-kernel "$(qr_kernel_of_hop 0)" "$(uname -r)"
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
	t_info uptime-at-init "$(cut -d' ' -f1 /proc/uptime)s"
}
