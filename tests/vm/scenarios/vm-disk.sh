# The harness's persistent disk: a file written in the Old kernel is read
# back intact in the New one.
QR_DISK=64
QR_PAIRS=one

old() {
	t_run write-file dd if=/dev/urandom of=/mnt/disk/data bs=1M count=8
	sha256sum /mnt/disk/data >/mnt/disk/data.sha256
	sync
}

new() {
	t_run file-intact sha256sum -c /mnt/disk/data.sha256
}
