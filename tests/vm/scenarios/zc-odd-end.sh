# Zero copy on a machine whose RAM ends inside a memory block, as real
# machines' often does (firmware reservations, ACPI, holes): 3700 MiB under
# QEMU's pc machine are 3 GiB below 4 GiB and 628 MiB above, ending at
# 0x127400000, 116 MiB into the block at 0x120000000. The New kernel is
# told that block's RAM is reserved like the rest it must not touch; the
# hand-back adds the block all the same (its pages past the end of RAM
# held back), both ways: 6.1 -> 6.12 -> 6.1, one process kept throughout,
# larger than the RAM above 4 GiB, which the Old kernel fills first: some
# of its pages are in that block.
# At each restore: no RAM is left hidden but the shelter and the next boot
# area (ram-left), MemTotal grew by exactly the RAM handed back, nothing
# is said not handed back, and the process's data is equal byte for byte,
# every page in the frame it had (those of the first block are copied:
# ZC_FIRST_BLOCK=copy, so that no hole of boot memory stays hidden).
# Hop 3 (6.12), nothing kept: the New kernel is told that 1 MiB of that
# block is ACPI tables (memmap=1M#ADDR, a busy resource), so the block
# cannot be added; `restore --handback-only`, the restore module's status,
# its log and `quickreboot status` say how much RAM that leaves out, and
# why, and every other block is handed back all the same.
QR_MEM=3700
QR_HOPS=3
QR_HOP_TIMEOUT=1200

MIB=1024
ZC_FIRST_BLOCK=copy
# The zc layout's shelter, 128M@0x30000000.
ODD_SHELTER=0x30000000-0x38000000
# The last block, where the RAM ends, and the ACPI tables put in it.
ODD_BLOCK=0x120000000
ODD_RAM_END=0x127400000
ODD_ACPI=0x127000000

memtotal() {
	awk '/^MemTotal:/ { print $2 }' /proc/meminfo
}

# odd_next_area FILE: the next boot area that FILE (restore's output)
# names, as ram-left takes it, and its size in KiB: "START-END KIB".
odd_next_area() {
	set -- $(sed -n 's/.*next boot area \([0-9]*\)M@\(0x[0-9a-f]*\).*/\1 \2/p' "$1")
	[ -n "$2" ] && printf '%x-%x %d\n' $(($2)) $(($2 + $1 * 1048576)) $(($1 * 1024))
}

# odd_restore: the restore, and what the hand-back gave back.
odd_restore() {
	_mt0=$(memtotal)
	_hidden=$(ram-left "$ODD_SHELTER")
	t_info hidden-kib-before "$_hidden"
	qr_restore || return
	_next=$(odd_next_area /tmp/restore.out)
	t_run next-area-said test -n "$_next" || return
	set -- $_next
	t_eq nothing-left-hidden 0 "$(ram-left "$ODD_SHELTER" "$1")"
	t_eq memtotal-grew-by-ram-handed-back $((_hidden - $2)) \
		$(($(memtotal) - _mt0))
	t_fails nothing-said-not-handed-back grep 'not handed back' /tmp/restore.out
	t_eq status-nothing-not-handed-back 0 \
		"$(cat /sys/module/restore/status/unhanded_bytes)"
	t_info memtotal-kb-old-new "$(cat "$ZC_DIR/memtotal-old") $(memtotal)"
}

# odd_shared: hop 3, the last block shares its addresses with ACPI tables.
odd_shared() {
	_mt0=$(memtotal)
	_hidden=$(ram-left "$ODD_SHELTER")
	t_run handback-only quickreboot restore --handback-only || return
	cp /tmp/.qr_out /tmp/handback.out
	qr_show_output handback /tmp/handback.out
	# The block's RAM but the MiB of ACPI tables, which is not RAM here.
	_lost=$(((ODD_RAM_END - ODD_BLOCK) / 1024 - 1024))
	_why="$_lost KiB in 1 block, shared with a busy resource"
	t_run said-not-handed-back grep -q "^hand-back: RAM not handed back: $_why" \
		/tmp/handback.out
	t_eq status-unhanded-bytes $((_lost * 1024)) \
		"$(cat /sys/module/restore/status/unhanded_bytes)"
	t_run logged-not-handed-back sh -c "dmesg | grep -q 'handback: block $ODD_BLOCK-0x127ffffff: $_lost KiB of RAM not handed back'"
	quickreboot status >/tmp/status.out 2>&1
	qr_show_output status /tmp/status.out
	t_run status-says-not-handed-back grep -q "not handed back: $_why" /tmp/status.out
	set -- $(odd_next_area /tmp/handback.out)
	t_eq only-that-block-left-hidden $((_lost + 1024)) \
		"$(ram-left "$ODD_SHELTER" "$1")"
	t_eq memtotal-grew-by-the-rest $((_hidden - $2 - _lost - 1024)) \
		$(($(memtotal) - _mt0))
}

hop() {
	if [ "$1" = 3 ]; then
		odd_shared
		return
	fi
	if [ "$1" = 0 ]; then
		zc_start "$MIB" || return
		memtotal >"$ZC_DIR/memtotal-old"
	else
		odd_restore
		zc_verify || return
		_r=$ZC_DIR/result
		t_eq every-page-same-frame $((MIB * 256)) \
			$(($(qr_kv same "$_r") + $(qr_kv low "$_r")))
		_part=$(ram-left --partial "$ZC_DIR/frames-before")
		t_info partial-blocks-frames "$_part"
		t_run frames-in-last-block test "$(echo "$_part" |
			sed -n "s/.*$ODD_BLOCK-0x[0-9a-f]*:\([0-9]*\).*/\1/p")" -gt 0
	fi
	if [ "$1" -lt 2 ]; then
		zc_checkpoint
	else
		zc_fork_and_exit
		t_run confined-cmdline qr_next_confined zero-copy || return
		QR_NEXT_CMDLINE="$QR_NEXT_CMDLINE memmap=1M#$ODD_ACPI"
	fi
}
