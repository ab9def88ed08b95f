# The first test, in copy mode across one kexec: a single-threaded
# compute loop (cr-counter) holding 256 MiB of pseudo-random data is frozen,
# checkpointed into a 384 MiB shelter and restored in the New kernel with
# the same PID; the checksum of its data is equal and its progress counter
# continues from where it stopped instead of restarting (every record
# present once, none missing). Times of checkpoint and restore are
# reported.
QR_LAYOUT=shelter384
QR_PAIRS=back

cr_start() {
	cr_counter_start 256 3 300 || return
	t_eq holds-256-mib yes "$(awk '/^VmRSS/ { print ($2 >= 256 * 1024) ? "yes" : "no " $2 }' "/proc/$CR_PIDS/status")"
}

cr_post_checkpoint() {
	cr_counter_mark
}

cr_verify() {
	cr_counter_verify cr-counter 120
}
