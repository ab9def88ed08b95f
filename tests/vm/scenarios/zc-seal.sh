# The image and its pages file are sealed together (zero copy): as
# cr-seal, with the processes' pages kept in their frames, whose hand-back
# a refused image does not start.
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_APPEND='memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900
QR_PAIRS=cross

old() {
	seal_old zero-copy
}

new() {
	seal_new
}
