# Bad input is refused with a clear message and touches no data: regions that
# are RAM, overlap RAM, are unaligned, overflow or exceed the reservation; a
# second load; unload while mounted or open; I/O past the end; non-root
# access; a fresh or corrupt header (no device, data kept) until format=1.
# Runs in the Old kernel and again in the New one.
QR_LAYOUT=reserve64
QR_PAIRS=back
BASE=0x30000000
REGION=64M@$BASE
MARK=QRSHELTERMARK
MARK_OFF=1048576	# in the block device
MARK_PHYS=$((BASE + 4096 + MARK_OFF))

status() {
	cat "/sys/module/shelter/status/$1" 2>/dev/null
}

# logged NAME TEXT: the kernel log (since the last dmesg -c) has "shelter: ...TEXT"
logged() {
	if dmesg | grep 'shelter: ' | grep -qF -- "$2"; then
		t_pass "$1"
	else
		dmesg | grep 'shelter: ' >/tmp/.log
		qr_show_output "$1" /tmp/.log
		t_fail "$1" "no 'shelter: ...$2' in the kernel log"
	fi
}

# refused NAME TEXT ARGS...: loading with ARGS fails, logs TEXT, leaves nothing
refused() {
	_n=$1 _text=$2
	shift 2
	dmesg -c >/dev/null
	t_fails "$_n" modprobe shelter "$@"
	logged "$_n-says-why" "$_text"
	t_fails "$_n-not-loaded" test -d /sys/module/shelter
}

hex() {
	od -An -tx1 | tr -d ' \n'
}

peek() {
	shelter-mem peek "$1" "$2"
}

# The checksum field with its first byte inverted.
bad_checksum() {
	c=$(peek $((BASE + 60)) 4)
	printf '%02x%s' $((0x${c%??????} ^ 0xff)) "${c#??}"
}

checks() {
	modprobe -a ext4 crc32c_generic
	mkdir -p /mnt/s
	rmmod shelter 2>/dev/null

	# Unclaimed, the reserved region is reachable through /dev/mem: wipe
	# the magic to start fresh.
	t_run devmem-unclaimed shelter-mem poke $BASE 0000000000000000 || return

	dmesg -c >/dev/null
	t_run load-fresh modprobe shelter region=$REGION || return
	t_eq fresh-state fresh "$(status state)"
	t_eq fresh-generation 0 "$(status generation)"
	t_eq fresh-no-device "" "$(status device)"
	t_fails fresh-no-node test -e /dev/shelter0
	logged fresh-logged "fresh, no shelter header"
	t_run unload-fresh rmmod shelter
	t_eq fresh-untouched 0000000000000000 "$(peek $BASE 8)"

	refused no-region "no region given"
	refused syntax "expected SIZE@ADDR" region=64M
	refused bad-size "bad or overflowing size" region=64Q@$BASE
	refused huge-size "bad or overflowing size" region=99999999999T@$BASE
	refused zero-size "region size is zero" region=0@$BASE
	refused unaligned-address "region address 0x30000800 is not page aligned" \
		region=64M@0x30000800
	refused unaligned-size "region size 0x4000200 is not page aligned" \
		region=0x4000200@$BASE
	refused too-small "is too small" region=4K@$BASE
	refused overflow "overflows the address space" \
		region=32M@0xffffffffff000000
	refused ram "region 0x10000000-0x13ffffff is System RAM" \
		region=64M@0x10000000
	refused overlaps-ram "region 0x2e000000-0x31ffffff overlaps System RAM: only 0x30000000-0x31ffffff of it is reserved" \
		region=64M@0x2e000000
	refused larger-than-reserved "region 0x30000000-0x37ffffff overlaps System RAM: only 0x30000000-0x33ffffff of it is reserved" \
		region=128M@$BASE
	refused not-reserved "region 0x200000000-0x200ffffff is not reserved memory" \
		region=16M@0x200000000

	# A good load, formatted.
	t_run load-format modprobe shelter region=$REGION format=1 || return
	t_eq formatted-state formatted "$(status state)"
	t_eq formatted-generation 1 "$(status generation)"
	t_eq region-start 0x30000000 "$(status region_start)"
	t_eq region-size 67108864 "$(status region_size)"
	t_eq data-offset 4096 "$(status data_offset)"
	size=$(status data_size)
	t_eq data-size 67104768 "$size"
	t_eq param-region "$REGION" "$(cat /sys/module/shelter/parameters/region)"
	t_eq device-size "$size" "$(blockdev --getsize64 /dev/shelter0)"
	t_fails devmem-claimed peek $BASE 8
	t_fails load-twice insmod "/lib/modules/$QR_KREL/updates/shelter.ko" \
		region=$REGION

	# Root only.
	t_eq node-mode "600 0 0" "$(stat -c '%a %u %g' /dev/shelter0)"
	t_run root-opens shelter-mem open-as 0 /dev/shelter0
	t_fails nobody-cannot-open shelter-mem open-as 65534 /dev/shelter0
	chmod 666 /dev/shelter0
	t_fails nobody-cannot-open-mode-666 shelter-mem open-as 65534 /dev/shelter0
	chmod 600 /dev/shelter0

	# I/O past the end.
	t_run write-last-block dd if=/dev/zero of=/dev/shelter0 bs=4096 \
		seek=$((size / 4096 - 1)) count=1 conv=fsync
	t_fails write-past-end dd if=/dev/zero of=/dev/shelter0 bs=4096 \
		seek=$((size / 4096)) count=1 conv=fsync
	t_eq read-past-end 0 "$(dd if=/dev/shelter0 bs=4096 \
		skip=$((size / 4096)) count=1 2>/dev/null | wc -c)"

	# No unload while mounted or open.
	t_run mkfs mkfs.ext4 -q -F /dev/shelter0 || return
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return
	t_fails unload-mounted rmmod shelter
	t_run still-loaded test -b /dev/shelter0
	t_run umount umount /mnt/s
	sleep 30 </dev/shelter0 &
	holder=$!
	sleep 1
	t_fails unload-open rmmod shelter
	kill "$holder"
	wait "$holder" 2>/dev/null

	printf %s "$MARK" | dd of=/dev/shelter0 bs=$MARK_OFF seek=1 conv=fsync \
		2>/dev/null
	t_run unload rmmod shelter || return
	mark=$(printf %s "$MARK" | hex)
	t_eq mark-in-region "$mark" "$(peek $MARK_PHYS ${#MARK})"

	# A wrong checksum: reported, no device, nothing written.
	good=$(peek $BASE 64)
	t_run corrupt-checksum shelter-mem poke $((BASE + 60)) "$(bad_checksum)"
	bad=$(peek $BASE 64)
	dmesg -c >/dev/null
	t_run load-corrupt modprobe shelter region=$REGION || return
	t_eq corrupt-state corrupt "$(status state)"
	t_fails corrupt-no-node test -e /dev/shelter0
	case $(status problem) in
	checksum*) t_pass corrupt-problem ;;
	*) t_fail corrupt-problem "$(status problem)" ;;
	esac
	logged corrupt-logged "corrupt header: checksum"
	t_run unload-corrupt rmmod shelter
	t_eq corrupt-header-kept "$bad" "$(peek $BASE 64)"
	t_eq corrupt-data-kept "$mark" "$(peek $MARK_PHYS ${#MARK})"

	# An unknown layout version.
	t_run restore-header shelter-mem poke $BASE "$good"
	t_run bad-version shelter-mem poke $((BASE + 8)) 02000000
	dmesg -c >/dev/null
	t_run load-version modprobe shelter region=$REGION || return
	t_eq version-state corrupt "$(status state)"
	logged version-logged "unsupported layout version 2"
	t_run unload-version rmmod shelter
	t_run restore-header-2 shelter-mem poke $BASE "$good"

	# A region smaller than the header says.
	dmesg -c >/dev/null
	t_run load-smaller modprobe shelter region=32M@$BASE || return
	t_eq smaller-state corrupt "$(status state)"
	logged smaller-logged "written for a region of 0x4000000 bytes"
	t_run unload-smaller rmmod shelter
	t_eq smaller-header-kept "$good" "$(peek $BASE 64)"

	# The restored header is valid again: next generation, data kept.
	t_run load-valid modprobe shelter region=$REGION || return
	t_eq valid-state valid "$(status state)"
	t_eq valid-generation 2 "$(status generation)"
	t_eq valid-data "$mark" "$(dd if=/dev/shelter0 bs=$MARK_OFF skip=1 \
		count=1 2>/dev/null | head -c ${#MARK} | hex)"
	t_run unload-valid rmmod shelter

	# format=1 re-initialises a corrupt shelter: generation 1, data zero.
	t_run corrupt-again shelter-mem poke $((BASE + 60)) "$(bad_checksum)"
	t_run load-reformat modprobe shelter region=$REGION format=1 || return
	t_eq reformat-state formatted "$(status state)"
	t_eq reformat-generation 1 "$(status generation)"
	t_eq reformat-zeroed "$(head -c ${#MARK} /dev/zero | hex)" \
		"$(dd if=/dev/shelter0 bs=$MARK_OFF skip=1 count=1 2>/dev/null |
			head -c ${#MARK} | hex)"
	t_run unload-reformatted rmmod shelter
}

old() {
	checks
}

new() {
	checks
}
