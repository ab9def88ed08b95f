# zc-basic at the largest size issue 5 names: a process holding 1.5 GiB of
# pseudo-random data kept in zero copy across kexec, equal byte for byte
# after restore, every page in the frame the frozen process had it in
# (but those the evacuation of the first memory block left, copied), its
# transparent huge pages huge again, fork and copy-on-write working, and
# its memory freed at exit.
QR_MEM=4096
# Boot area [256 MiB, 640 MiB) (quickreboot setup's size for 4 GiB),
# shelter [768 MiB, 896 MiB): the pages stay out of it.
QR_APPEND='memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=1200

MIB=1536

old() {
	zc_keep_old
}

new() {
	zc_keep_new
}
