# Five quick reboots in a row (Old, New, Old, ...): each hop finds the shelter
# valid with the next generation, verifies every file of the earlier hops and
# adds its own.
QR_LAYOUT=reserve64
QR_HOPS=5
REGION=64M@0x30000000

status() {
	cat "/sys/module/shelter/status/$1"
}

hop() {
	modprobe -a ext4 crc32c_generic
	mkdir -p /mnt/s
	if [ "$1" = 0 ]; then
		t_run load-format modprobe shelter region=$REGION format=1 || return
		t_eq state formatted "$(status state)"
		t_run mkfs mkfs.ext4 -q -F /dev/shelter0 || return
	else
		t_run load modprobe shelter region=$REGION || return
		t_eq state valid "$(status state)"
		t_run fsck e2fsck -fn /dev/shelter0
	fi
	t_eq generation $(($1 + 1)) "$(status generation)"
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return
	if [ "$1" != 0 ]; then
		t_eq files-so-far "$(($1 * 8))" "$(cat /mnt/s/SUMS | wc -l)"
		t_run verify-earlier-hops sh -c 'cd /mnt/s && sha256sum -c SUMS'
	fi
	mkdir -p "/mnt/s/hop$1"
	for i in 0 1 2 3 4 5 6 7; do
		head -c $(( $(qr_random) % (1024 * 1024) + 1 )) /dev/urandom \
			>"/mnt/s/hop$1/f$i"
	done
	(cd /mnt/s && sha256sum hop"$1"/f* >>SUMS)
	t_info kernel "$QR_KREL"
	t_run umount umount /mnt/s
	t_run unload rmmod shelter
}
