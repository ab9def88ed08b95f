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
# are pinned; every page is in the same frame after the restore as the
# frozen process had it. Only pages in a 2 MiB pageblock that also holds a
# page the kernel cannot move stay to be copied: seen, pageblocks shared
# with the kernel's image (reserved; where KASLR put it) and with block
# device pages whose buffers the mounted ext4 filesystems hold (up to 515
# pages in 2-4 pageblocks; 0 is the aim of issue 5, not reached).
QR_MEM=2048
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB).
QR_APPEND='memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900

MIB=64

memfree() {
	awk '/MemFree/ { print $2 }' /proc/meminfo
}

# freed KIB_BEFORE: at least 7/8 of the process's memory came back.
freed() {
	[ $(($(memfree) - $1)) -ge $((MIB * 1024 * 7 / 8)) ]
}

# Transparent huge pages of the process (kB): migration keeps them huge
# when it finds a free 2 MiB frame, else splits them.
thp() {
	awk '/AnonHugePages/ { print $2 }' "/proc/$P/smaps_rollup"
}

old() {
	zc_start "$MIB" || return
	P=$(cat "$ZC_DIR/pid")
	t_info thp-kb-before "$(thp)"
	zc_checkpoint || return
	t_info thp-kb-frozen "$(thp)"
	t_run some-pages-kept grep -q 'zero copy: [1-9][0-9]* pages kept' /tmp/checkpoint.out
	moved=$(sed -n 's/.*zero copy: \([0-9]*\) of \([0-9]*\) pages moved out.*/\1 \2/p' \
		/tmp/checkpoint.out)
	t_info moved-of-found "$moved"
	left=$(sed -n 's/.* ms (\([0-9]*\) left, .*/\1/p' /tmp/checkpoint.out)
	place=$(sed -n 's/.*copied (\([0-9]*\) of them for where.*/\1/p' /tmp/checkpoint.out)
	# Every page copied for its place is one the evacuation left, named.
	t_eq copied-for-place-were-left "${left:-0}" "$place"
	t_run at-most-1024-left test "${left:-0}" -le 1024
}

new() {
	P=$(cat "$ZC_DIR/pid")
	zc_restore
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	zc_verify || return
	same=$(qr_kv same "$ZC_DIR/result")
	low=$(qr_kv low "$ZC_DIR/result")
	t_eq every-page-kept-or-left $((MIB * 256)) $((same + low))
	t_run few-in-first-block test "$low" -le 1024
	# Debian's kernels give a 64 MiB mapping THPs at its first touch.
	huge=$(cat /sys/module/restore/status/adopted_huge)
	t_info adopted-huge "$huge"
	t_run huge-kept test "$huge" -gt 0
	t_run huge-reported grep -q "zero copy, $huge huge pages" /tmp/restore.out
	thp=$(sed -n 's/^AnonHugePages: *\([0-9]*\) kB/\1/p' "/proc/$P/smaps_rollup")
	t_info anon-huge-kb "$thp"
	t_run anon-huge-pages test "$thp" -ge $((huge * 2048))
	touch "$ZC_DIR/fork"
	t_run fork-answered zc_answered forked || return
	t_eq fork-cow "child=OK parent=OK" "$(cat "$ZC_DIR/forked")"
	free_before=$(memfree)
	kill -9 "$P"
	t_run exited qr_wait 30 sh -c "! test -e /proc/$P"
	# Freed pages reach MemFree once the per-CPU lists drain.
	t_run exit-frees-memory qr_wait 20 freed "$free_before"
	t_info freed-kib "$(($(memfree) - free_before))"
	quickreboot shelter umount
}
