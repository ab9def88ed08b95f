# zc-basic at the largest size issue 5 names: a process holding 1.5 GiB of
# pseudo-random data kept in zero copy across kexec, equal byte for byte
# after restore, every page in the frame the frozen process had it in
# (but those the evacuation of the first memory block left, copied), its
# transparent huge pages huge again, fork and copy-on-write working, and
# its memory freed at exit.
QR_MEM=4096
QR_HOP_TIMEOUT=1200
QR_PAIRS=back

MIB=1536

old() {
	zc_keep_old
}

new() {
	zc_keep_new
}
