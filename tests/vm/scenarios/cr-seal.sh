# The image and its pages file are sealed together (copy mode): in the
# New kernel, restore refuses, before it creates anything, a pages file
# with 16 bytes overwritten, the pages file of another checkpoint, and a
# truncated one, naming the cause, exiting 3 and leaving the image in
# place; with its own pages back, the process is restored whole.
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900
QR_PAIRS=cross

old() {
	seal_old copy
}

new() {
	seal_new
}
