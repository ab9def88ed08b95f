# Zero copy across kexec: a process holding 64 MiB of pseudo-random data is
# checkpointed with its anonymous pages left where they are (frames in the
# image), the New kernel boots confined to the boot area (`quickreboot
# cmdline`, kexec segments placed there), `quickreboot restore` hands the
# rest of RAM back holding those frames aside and the process adopts them:
# same PID, data equal byte for byte, its counter goes on; the Old
# kernel's transparent huge pages are huge pages again; fork and
# copy-on-write work on adopted pages, huge ones too; its exit frees the
# memory. The pages the Old kernel had put in the first memory block (where
# the New kernel runs) are moved out of it at the checkpoint, before they
# are pinned; the few in a 2 MiB pageblock that also holds a page the
# kernel cannot move (the kernel's image where KASLR put it, block device
# pages whose buffers the mounted ext4 filesystems hold) stay where they
# are, their pageblocks hidden from the New kernel. Not one page is copied
# for its place: every page is in the same frame after the restore as the
# frozen process had it.
QR_MEM=2048
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_APPEND='memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900

MIB=64

old() {
	zc_keep_old
}

new() {
	zc_keep_new
}
