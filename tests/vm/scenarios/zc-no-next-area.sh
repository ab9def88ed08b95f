# Zero copy when the New kernel finds no room for the next boot area (the
# RAM hidden from it holds no piece as large as the boot area it runs in):
# restore still brings the process back as in zc-basic, gives all RAM
# back and says there is no next boot area (the next quick reboot cannot
# be in zero copy), instead of refusing to restore and leaving the
# process's image behind.
# Boot area [256 MiB, 1280 MiB), shelter [1280 MiB, 1408 MiB): hidden from
# the New kernel are [128 MiB, 256 MiB) and [1408 MiB, 2 GiB), both
# smaller than 1 GiB.
QR_LAYOUT=zc1024
QR_PAIRS=back

MIB=64

old() {
	zc_keep_old
}

new() {
	zc_keep_new
	t_run no-next-boot-area grep -q 'no next boot area' /tmp/restore.out
	t_run says-why grep -q 'no room for the next boot area' /tmp/restore.out
}
