# Four concurrent writers, each file fsynced, then umount and kexec: the New
# kernel finds every file that was written, with its checksum. The New kernel
# loads the shelter with the region from its command line (shelter.region=).
REGION=64M@0x30000000
QR_LAYOUT=reserve64
QR_APPEND="shelter.region=$REGION"
QR_PAIRS=back
WRITERS='0 1 2 3'
FILES=12	# per writer, up to 1 MiB each

status() {
	cat "/sys/module/shelter/status/$1"
}

# writer N: FILES files in /mnt/s/wN, each written with fsync, and its sums.
writer() {
	mkdir -p "/mnt/s/w$1"
	i=0
	while [ "$i" -lt "$FILES" ]; do
		f=/mnt/s/w$1/f$i
		head -c $(( $(qr_random) % (1024 * 1024) + 1 )) /dev/urandom >"/tmp/w$1"
		dd if="/tmp/w$1" of="$f" bs=64k conv=fsync 2>/dev/null || return 1
		(cd /mnt/s && sha256sum "w$1/f$i") >>"/tmp/sums$1"
		i=$((i + 1))
	done
	cp "/tmp/sums$1" "/mnt/s/w$1.sums" && sync
}

old() {
	modprobe -a ext4 crc32c_generic
	t_run load modprobe shelter region=$REGION format=1 || return
	t_run mkfs mkfs.ext4 -q -F /dev/shelter0 || return
	mkdir -p /mnt/s
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return
	pids=
	for w in $WRITERS; do
		writer "$w" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || t_fail writer "writer pid $p failed"
	done
	t_pass writers-done
	t_eq files-written $((FILES * 4)) "$(cat /mnt/s/w*.sums | wc -l)"
	t_run umount umount /mnt/s
	t_run unload rmmod shelter
}

new() {
	modprobe -a ext4 crc32c_generic
	t_run load-from-cmdline modprobe shelter || return
	t_eq region-from-cmdline "$REGION" \
		"$(cat /sys/module/shelter/parameters/region)"
	t_eq state valid "$(status state)"
	t_eq generation 2 "$(status generation)"
	t_run fsck e2fsck -fn /dev/shelter0
	mkdir -p /mnt/s
	t_run mount mount -t ext4 /dev/shelter0 /mnt/s || return
	for w in $WRITERS; do
		t_eq "files-of-writer-$w" "$FILES" "$(wc -l <"/mnt/s/w$w.sums")"
		t_run "checksums-of-writer-$w" \
			sh -c "cd /mnt/s && sha256sum -c w$w.sums"
	done
	t_run umount umount /mnt/s
	t_run unload rmmod shelter
}
