# Harness self-test: a module that warns must make the run fail. The run
# passes only if every hop completes and the kernel log has the warning.
QR_EXPECT_FAIL='WARNING:.*qr_warn'
QR_PAIRS=one

old() {
	t_run load-warning-module modprobe qr_warn
}

new() {
	t_eq new-kernel "$(qr_kernel_of_hop "$QR_HOP")" "$(uname -r)"
}
