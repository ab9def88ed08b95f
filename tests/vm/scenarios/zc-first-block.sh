# Pages kept in the first memory block, where every kernel runs. The
# evacuation is made to fail (QUICKREBOOT_TEST_FAIL=evacuate), so every
# page the Old kernel put in the first 128 MiB stays there: a whole
# pageblock at least (often thousands of pages), not the handful a real run
# leaves (zc-basic); where the boot leaves the free memory decides how many. checkpoint --keep-first-block
# keeps them all, and their 2 MiB pageblocks are hidden from the New
# kernel (memmap=2M$ADDR in its hidden list); its restore module holds
# those frames in the holes and gives them a direct mapping. Two hops, the
# second keeping the pages again in the holes of the first New kernel. At
# each: same PID and data, every page in its frame, none copied. At the
# end, swap out to zram and back and fork with copy-on-write (the kernel
# reads adopted pages of the holes through the direct map), and the exit
# frees the memory.
QR_HOPS=2

MIB=64

fb_checkpoint() {
	export QUICKREBOOT_TEST_FAIL=evacuate
	zc_checkpoint
	_rc=$?
	unset QUICKREBOOT_TEST_FAIL
	[ "$_rc" = 0 ] || return
	t_run evacuation-failed grep -q 'failure injected at evacuate' /tmp/checkpoint.out
	t_eq none-copied-for-place 0 \
		"$(sed -n 's/.*copied (\([0-9]*\) of them for where.*/\1/p' /tmp/checkpoint.out)"
	t_info kept-in-first-block "$(zc_kept_first /tmp/checkpoint.out)"
	t_run many-kept-in-first-block test "$(zc_kept_first /tmp/checkpoint.out)" -ge 512
	zc_first_block_hidden
}

fb_verify() {
	qr_restore
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	t_run first-block-hidden-here qr_hides_first_block \
		"$ZC_DIR/first-block-hidden" "$(cat /proc/cmdline)"
	zc_verify || return
	t_eq every-page-same-frame $((MIB * 256)) "$(qr_kv same "$ZC_DIR/result")"
	t_run many-in-first-block test "$(qr_kv first "$ZC_DIR/result")" -ge 512
	t_eq hole-frames-held "$(zc_kept_first "$ZC_DIR/checkpoint.out")" \
		"$(cat /sys/module/restore/status/hole_frames)"
}

hop() {
	case $1 in
	0)
		# Compaction moves movable pages to the top of each zone, so
		# that the first block's free 2 MiB blocks are the ones the
		# process's huge pages come from, whatever the boot left there.
		echo 1 >/proc/sys/vm/compact_memory
		zc_start "$MIB" && fb_checkpoint
		;;
	1)
		fb_verify && fb_checkpoint
		;;
	*)
		fb_verify || return
		# Swapped out to zram and back: the kernel compresses the pages
		# of the holes through the direct map too.
		t_run zram modprobe zram || return
		echo 96M >/sys/block/zram0/disksize
		t_run swapon sh -c 'mkswap /dev/zram0 && swapon /dev/zram0' || return
		touch "$ZC_DIR/pageout"
		t_run pageout-answered zc_answered paged || return
		t_info paged "$(cat "$ZC_DIR/paged")"
		t_run first-block-swapped test "$(qr_kv first "$ZC_DIR/paged")" -ge 512
		t_eq swapped-back-same "$(qr_kv sum "$ZC_DIR/info")" "$(qr_kv sum "$ZC_DIR/paged")"
		swapoff /dev/zram0
		zc_fork_and_exit
		;;
	esac
}
