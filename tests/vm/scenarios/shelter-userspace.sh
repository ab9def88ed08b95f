# The quickreboot command drives the shelter through a quick reboot: load,
# mkfs and mount in Old; the New kernel's command line built by
# `quickreboot cmdline`; load and mount (after fsck) in New without --region,
# the shelter found from that command line; files intact.
QR_LAYOUT=shelter64
QR_HOPS=2
QR_PAIRS=back

SH=/run/quickreboot/shelter

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		t_fails load-without-format-makes-no-device \
			sh -c 'quickreboot shelter load && test -b /dev/shelter0'
		rmmod shelter
		t_run load-format quickreboot shelter load --format
		t_eq state-formatted formatted "$(cat /sys/module/shelter/status/state)"
		t_run mkfs quickreboot shelter mkfs
		t_run mount quickreboot shelter mount
		t_run write dd if=/dev/urandom of=$SH/data bs=1M count=16
		(cd $SH && sha256sum data >data.sha256)
	else
		t_run load-found-on-cmdline quickreboot shelter load
		t_eq state-valid valid "$(cat /sys/module/shelter/status/state)"
		t_eq generation "$1" "$(($(cat /sys/module/shelter/status/generation) - 1))"
		t_run mount-after-fsck quickreboot shelter mount
		t_run data-intact sh -c "cd $SH && sha256sum -c data.sha256"
	fi
	t_run umount quickreboot shelter umount
	t_fails second-load-refused quickreboot shelter load
	if [ "$1" -lt "$QR_HOPS" ]; then
		t_run new-cmdline sh -c \
			"quickreboot cmdline --append qr.hop=$(($1 + 1)) >/tmp/cmdline"
		QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
		t_run cmdline-keeps-shelter grep -q 'memmap=64M\$0x30000000' /tmp/cmdline
		t_info next-cmdline "$QR_NEXT_CMDLINE"
	fi
}
