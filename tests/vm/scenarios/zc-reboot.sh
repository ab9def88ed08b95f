# `quickreboot reboot` in zero copy (auto: a boot area is there): it loads
# the New kernel confined to the boot area, its segments placed there,
# checkpoints with the same mode, keeping the pages left in the first
# memory block (then it loads the New kernel again, their pageblocks
# hidden), and kexecs; `quickreboot restore` in the New kernel hands RAM
# back and the process adopts its frames, those in the first block too.
QR_PAIRS=back

old() {
	zc_start 64 || return
	touch "$ZC_DIR/dump"
	t_run frames-recorded zc_answered frames-before || return
	krel=$(qr_kernel_of_hop 1)
	qr_next_initrd
	sync
	qrt KEXEC "$krel"
	quickreboot reboot --kernel "/boot/vmlinuz-$krel" --initrd /tmp/next.cpio \
		--append qr.hop=1 "$(cat "$ZC_DIR/pid")" >"$ZC_DIR/reboot.out" 2>&1
	qr_show_output reboot "$ZC_DIR/reboot.out"
	t_fail reboot "quickreboot reboot returned $?"
}

new() {
	t_run bootarea-named grep -q 'quickreboot.bootarea=384M@0x10000000' /proc/cmdline
	qr_restore
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	zc_verify || return
	# Pages kept in the first block: loaded again, held in its holes.
	kept_first=$(zc_kept_first "$ZC_DIR/reboot.out")
	t_info kept-in-first-block "$kept_first"
	t_eq hole-frames-held "$kept_first" "$(cat /sys/module/restore/status/hole_frames)"
	if [ "$kept_first" -gt 0 ]; then
		t_run loaded-again grep -q 'loading the New kernel again, their pageblocks hidden' \
			"$ZC_DIR/reboot.out"
	fi
	kill -9 "$(cat "$ZC_DIR/pid")"
	quickreboot shelter umount
}
