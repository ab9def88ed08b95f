# Benchmark (not a test): throughput of the shelter next to brd and tmpfs,
# in the Old kernel and again in the New one. Read by tests/bench/run.
QR_APPEND='memmap=256M$0x30000000'
QR_HOP_TIMEOUT=900

bench() {	# NAME PATH
	qr-bench-io "$2" 128 5 >/tmp/bench.out 2>&1 ||
		{ qr_show_output "$1" /tmp/bench.out; t_fail "$1" "qr-bench-io $2 failed"; return; }
	while read -r test unit min med max; do
		t_info "bench.$1.$test" "$med $min $max $unit"
	done </tmp/bench.out
}

hop() {
	t_run load-shelter modprobe shelter region=256M@0x30000000 format=1
	bench shelter /dev/shelter0
	rmmod shelter
	t_run load-brd modprobe brd rd_nr=1 rd_size=262144
	bench brd /dev/ram0
	rmmod brd
	mkdir -p /mnt/tmpfs
	t_run mount-tmpfs mount -t tmpfs -o size=300m tmpfs /mnt/tmpfs
	bench tmpfs /mnt/tmpfs/bench
	umount /mnt/tmpfs
}
