# Pipes and a FIFO across kexec, with data in flight in every queue:
# cr-pipes (see its header) runs a pipeline of three processes whose two
# pipes are full at the freeze (one raised to 256 KiB with F_SETPIPE_SZ),
# holds a pipe's read end only and another's write end only, and shares a
# FIFO on the disk with a child, 300 records queued in it. `check` names
# a pipe whose other end is held outside the kept set, and a FIFO open
# outside too (process and command), and refuses a pipe in packet mode
# (O_DIRECT: its message boundaries are not kept). Before the
# checkpoint, two checkpoints made to fail after the capture and after
# the image is written leave every queue as it was.
# After restore each process checks its own: every record once and in
# order end to end (sequence numbers), the queues as long as at the
# freeze, pipe sizes, fd numbers, O_NONBLOCK and FD_CLOEXEC, the FIFO's
# open file descriptions one pipe and the shared one shared.
# zc-pipes, a link to this file, runs it in zero copy (its family's
# layout, zc, is the one with a boot area).
case ${QR_LAYOUT_APPEND:-} in
*'memmap=384M$0x10000000'*) CR_MODES=zero-copy ;;
esac
D=$CR_DIR

cr_start() {
	rm -rf "$D/out" && mkdir -p "$D/out"
	cr-pipes --outside "$D/out" </dev/null >/dev/null 2>&1 &
	t_run outside-started qr_wait 60 test -s "$D/out/info" || return
	_pk=$(qr_kv kept "$D/out/info")
	_po=$(qr_kv outside "$D/out/info")
	quickreboot check "$_pk" >/tmp/check.out 2>&1
	t_eq outside-refused-exit-3 3 "$?"
	qr_show_output check-outside /tmp/check.out
	t_run outside-holder-named grep -q \
		"process $_pk: fd [0-9]* is pipe:\[[0-9]*\]: .*process $_po (pipe-holder)" /tmp/check.out
	t_run outside-fifo-holder-named grep -q \
		"process $_pk: fd [0-9]* is FIFO $D/out/ofifo: .*process $_po (pipe-holder)" /tmp/check.out
	t_run packet-mode-refused grep -q \
		"process $_pk: fd [0-9]* is pipe:\[[0-9]*\] in packet mode (O_DIRECT): not carried" /tmp/check.out
	kill -9 "$_pk" "$_po"

	(cd / && exec cr-pipes "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info pids "$(cat "$D/info")"
	t_run pipes-full qr_wait 120 test -s "$D/a-full" -a -s "$D/b-full" || return
	t_info at-freeze "A $(cat "$D/a-full") B $(cat "$D/b-full")"
	# Full up to the partly read page at the head.
	t_run a-full-enough test "$(qr_kv queued "$D/a-full")" -gt $((256 * 1024 - 4096))
	t_run b-full-enough test "$(qr_kv queued "$D/b-full")" -gt $((64 * 1024 - 4096))
	quickreboot check "$CR_PIDS" >/tmp/check.out 2>&1
	t_eq check-accepts 0 "$?"
	grep -v '^ ' /tmp/check.out >/tmp/check.short
	qr_show_output check /tmp/check.short
	t_eq check-lists-five 5 "$(grep -c 'can be kept' /tmp/check.out)"
}

# Checkpoints that fail after the capture leave the queues alone: the
# processes' own checks after restore would see a byte taken or added.
cr_pre_checkpoint() {
	for _cp_st in capture write; do
		QUICKREBOOT_TEST_FAIL=$_cp_st quickreboot checkpoint --dir "$QR_SH/cp" \
			$CR_PIDS >/tmp/cp.out 2>&1
		t_eq "$_cp_st-fails-exit-1" 1 "$?"
		t_run "$_cp_st-says-injected" grep -q "failure injected at $_cp_st" /tmp/cp.out
		for _cp_n in r p f c k; do
			t_run "$_cp_st-$_cp_n-not-frozen" qr_none_frozen "$(qr_kv $_cp_n "$D/info")"
		done
	done
}

cr_verify() {
	for _cp_n in r p f c k; do
		t_eq "$_cp_n-there" cr-pipes "$(cat "/proc/$(qr_kv $_cp_n "$D/info")/comm" 2>/dev/null)"
	done
	touch "$D/go"
	for _cp_n in P F C R K; do
		t_run "res-$_cp_n" qr_wait 180 test -s "$D/res.$_cp_n"
		t_info "res.$_cp_n" "$(cat "$D/res.$_cp_n")"
	done
	t_eq a-queue-as-at-freeze "$(qr_kv queued "$D/a-full")" "$(qr_kv a_queued "$D/res.P")"
	t_eq a-size-kept 262144 "$(qr_kv a_size "$D/res.P")"
	t_eq a-size-kept-reader 262144 "$(qr_kv a_size "$D/res.F")"
	t_eq b-queue-as-at-freeze "$(qr_kv queued "$D/b-full")" "$(qr_kv b_queued "$D/res.C")"
	t_eq b-size-kept 65536 "$(qr_kv b_size "$D/res.C")"
	t_eq producer-wrote-all 60000 "$(qr_kv wrote "$D/res.P")"
	t_eq filter-forwarded-all 60000 "$(qr_kv fwd "$D/res.F")"
	t_eq filter-in-sequence 0 "$(qr_kv bad "$D/res.F")"
	t_eq filter-no-partial 0 "$(qr_kv partial "$D/res.F")"
	t_eq consumer-got-all 60000 "$(qr_kv got "$D/res.C")"
	t_eq consumer-in-sequence 0 "$(qr_kv bad "$D/res.C")"
	t_eq consumer-no-partial 0 "$(qr_kv partial "$D/res.C")"
	t_eq one-end-read-all 5000 "$(qr_kv one_read "$D/res.R")"
	t_eq one-end-data 1 "$(qr_kv one_ok "$D/res.R")"
	t_eq one-end-eof 1 "$(qr_kv one_eof "$D/res.R")"
	t_eq write-end-only-epipe 1 "$(qr_kv epipe "$D/res.R")"
	t_eq fifo-queue-read 4800 "$(qr_kv fifo_read "$D/res.K")"
	t_eq fifo-in-sequence 0 "$(qr_kv fifo_bad "$D/res.K")"
	t_eq fifo-size-kept 131072 "$(qr_kv fifo_size "$D/res.K")"
	t_eq fifo-one-pipe 1 "$(qr_kv fifo_back "$D/res.R")"
	t_eq fifo-fd-shared 1 "$(qr_kv shared "$D/res.K")"
	t_eq fifo-fds-apart 1 "$(qr_kv apart "$D/res.K")"
	for _cp_n in P F C R K; do
		t_eq "fds-$_cp_n-kept" 1 "$(qr_kv fdok "$D/res.$_cp_n")"
	done
	# cr_end kills R; its children hold the FIFO on the disk.
	kill -9 $(qr_kv p "$D/info") $(qr_kv f "$D/info") $(qr_kv c "$D/info") \
		$(qr_kv k "$D/info")
}
