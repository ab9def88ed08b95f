# Copy-mode checkpoint/restore across kexec, there and back (Old -> New ->
# Old): a single-threaded process holding 64 MiB of pseudo-random data is
# frozen by pfncheck and checkpointed into the shelter, and restored by
# `quickreboot restore` in the next kernel with the same PID; its data checksum is
# equal, its progress counter and file offset continue without a gap or a
# restart, and the xmm/ymm values it keeps during each spin survive.
QR_HOPS=2
QR_PAIRS=directions

cr_start() {
	cr_counter_start 64 5 120
}

cr_post_checkpoint() {
	cr_counter_mark
}

cr_verify() {
	# Not confined, no frames: no hand-back, no adoption, no mode.
	t_run said-what-happened grep -q \
		'^restore: processes [0-9]* ms (read pages [0-9]* ms)$' /tmp/restore.out
	cr_counter_verify
}
