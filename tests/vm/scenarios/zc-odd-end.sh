# Zero copy on a machine whose RAM ends inside a memory block, as real
# machines' often does (firmware reservations, ACPI, holes): 3700 MiB under
# QEMU's pc machine are 3 GiB below 4 GiB and 628 MiB above, ending at
# 0x127400000, 116 MiB into the block at 0x120000000. The New kernel is
# told that block's RAM is reserved like the rest it must not touch; the
# hand-back adds the block all the same (its pages past the end of RAM
# held back), both ways: 6.1 -> 6.12 -> 6.1, one process kept throughout,
# large enough that the Old kernel put some of its pages in that block.
# At each restore: no RAM is left hidden but the shelter and the next boot
# area (ram-left), MemTotal grew by exactly the RAM handed back, nothing
# is said not handed back, and the process's data is equal byte for byte,
# every page in the frame it had (those of the first block are copied:
# ZC_FIRST_BLOCK=copy, so that no hole of boot memory stays hidden).
QR_MEM=3700
QR_HOPS=2
QR_HOP_TIMEOUT=1200

MIB=640
ZC_FIRST_BLOCK=copy
# The zc layout's shelter, 128M@0x30000000.
ODD_SHELTER=0x30000000-0x38000000

memtotal() {
	awk '/^MemTotal:/ { print $2 }' /proc/meminfo
}

# odd_restore: the restore, and what the hand-back gave back.
odd_restore() {
	_mt0=$(memtotal)
	_hidden=$(ram-left "$ODD_SHELTER")
	t_info hidden-kib-before "$_hidden"
	qr_restore || return
	_next=$(sed -n 's/.*next boot area \([0-9]*\)M@\(0x[0-9a-f]*\).*/\1 \2/p' \
		/tmp/restore.out)
	t_run next-area-said test -n "$_next" || return
	set -- $_next
	_area=$(printf '%x-%x' $(($2)) $(($2 + $1 * 1048576)))
	t_eq nothing-left-hidden 0 "$(ram-left "$ODD_SHELTER" "$_area")"
	t_eq memtotal-grew-by-ram-handed-back $((_hidden - $1 * 1024)) \
		$(($(memtotal) - _mt0))
	t_fails nothing-said-not-handed-back grep 'not handed back' /tmp/restore.out
	t_eq status-nothing-not-handed-back 0 \
		"$(cat /sys/module/restore/status/unhanded_bytes)"
	t_info memtotal-kb-old-new "$(cat "$ZC_DIR/memtotal-old") $(memtotal)"
}

hop() {
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
		t_info partial-blocks "$_part"
		t_run frames-in-partial-block test "${_part##*frames=}" -gt 0
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		zc_checkpoint
	else
		zc_fork_and_exit
	fi
}
