# Nothing outside the declared region is touched: guard bytes in the reserved
# memory just below and just above the region keep their values through a
# format, a full device write, a filesystem, unload, and kexec (the next hop
# finds the shelter valid and writes it all again).
QR_APPEND='memmap=66M$0x2ff00000'
REGION=64M@0x30000000
GUARDS="0x2ff00000 0x2fffffc0 0x34000000 0x340fffc0"

# 64 bytes of guard pattern for ADDR, the same in every hop.
pattern() {
	printf '%s' "quickreboot-guard-$1" | sha256sum | cut -c1-64 |
		sed 's/../&&/g' | cut -c1-128
}

guards_intact() {
	for g in $GUARDS; do
		t_eq "$1-guard-$g" "$(pattern "$g")" "$(shelter-mem peek "$g" 64)"
	done
}

hop() {
	if [ "$1" = 0 ]; then
		for g in $GUARDS; do
			t_run "set-guard-$g" shelter-mem poke "$g" "$(pattern "$g")"
		done
	fi
	guards_intact "hop$1-start"
	rmmod shelter 2>/dev/null
	t_run load-format modprobe shelter region=$REGION format=1
	blocks=$(($(blockdev --getsize64 /dev/shelter0) / 4096))
	t_run fill-device dd if=/dev/urandom of=/dev/shelter0 bs=4096 \
		count=$blocks conv=fsync
	t_fails write-past-end dd if=/dev/zero of=/dev/shelter0 bs=4096 \
		seek=$blocks count=1 conv=fsync
	t_run mkfs mkfs.ext4 -q -F /dev/shelter0
	t_run unload rmmod shelter
	guards_intact "hop$1-end"
}
