# Files of random sizes filling most of the shelter, written with checksums in
# the Old kernel, come back intact (fsck clean, every checksum) in the New one.
QR_LAYOUT=reserve64
REGION=64M@0x30000000
FILL_KIB=49152	# of the 64 MiB region: most of what ext4 leaves free

status() {
	cat "/sys/module/shelter/status/$1"
}

old() {
	modprobe -a ext4 crc32c_generic
	t_run load-format modprobe shelter region=$REGION format=1
	t_eq state-formatted formatted "$(status state)"
	t_eq generation-1 1 "$(status generation)"
	t_eq device shelter0 "$(status device)"
	t_run mkfs mkfs.ext4 -q -F /dev/shelter0 || return
	mkdir -p /mnt/s
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return

	total=0 n=0
	while [ "$total" -lt $((FILL_KIB * 1024)) ]; do
		size=$(( $(qr_random) % (3 * 1024 * 1024) + 1 ))
		[ $((total + size)) -le $((FILL_KIB * 1024)) ] ||
			size=$((FILL_KIB * 1024 - total))
		head -c "$size" /dev/urandom >"/mnt/s/f$n" || break
		total=$((total + size))
		n=$((n + 1))
	done
	t_info files "$n"
	t_info bytes "$total"
	(cd /mnt/s && sha256sum f* >SUMS)
	t_eq sums-listed "$n" "$(wc -l </mnt/s/SUMS)"
	t_run df df -k /mnt/s
	t_run umount umount /mnt/s
	t_run fsck-old e2fsck -fn /dev/shelter0
	# The New kernel's command line carries the hash of the list of sums,
	# so that a damaged list cannot vouch for itself.
	QR_NEXT_APPEND="qrt.sums=$(sha256sum /dev/null | cut -d' ' -f1)"
	mount -t ext4 -o ro /dev/shelter0 /mnt/s &&
		QR_NEXT_APPEND="qrt.sums=$(sha256sum /mnt/s/SUMS | cut -d' ' -f1)" &&
		umount /mnt/s
	t_run unload rmmod shelter
}

new() {
	modprobe -a ext4 crc32c_generic
	t_run load modprobe shelter region=$REGION
	t_eq state-valid valid "$(status state)"
	t_eq generation-2 $((QR_HOP + 1)) "$(status generation)"
	t_eq device shelter0 "$(status device)"
	t_run fsck-new e2fsck -fn /dev/shelter0
	mkdir -p /mnt/s
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return
	t_eq sums-list-intact \
		"$(sed -n 's/.*qrt\.sums=\([0-9a-f]*\).*/\1/p' /proc/cmdline)" \
		"$(sha256sum /mnt/s/SUMS | cut -d' ' -f1)"
	t_run checksums sh -c 'cd /mnt/s && sha256sum -c SUMS >/tmp/check.out'
	t_info files-verified "$(grep -c ': OK$' /tmp/check.out)"
	t_run umount umount /mnt/s
	t_run unload rmmod shelter
}
