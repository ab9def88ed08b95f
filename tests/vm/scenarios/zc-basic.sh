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
QR_PAIRS=directions

MIB=64

old() {
	zc_keep_old
}

new() {
	zc_keep_new
}
