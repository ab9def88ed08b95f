# UNIX sockets across two quick reboots (copy mode Old -> New, then zero
# copy New -> Old, each capture in the kernel it leaves): cr-unix's root R and
# child C share a stream and a seqpacket socketpair with data queued both
# ways at the freeze (one end shared by R and C, and dup'ed in R), R holds
# a datagram pair with five messages queued, a listener bound
# to a path (socket file mode 0640, SO_PASSCRED) with a connection queued
# and not accepted, an abstract listener, a half shut down connection
# (SO_PEEK_OFF set), an unbound socket and EXTRA more pairs, with buffer
# sizes, timeouts, O_NONBLOCK and FD_CLOEXEC set. Checkpoints that fail
# after the capture and after the image is written leave every queue as
# it was. After restore each process finds its sockets at their numbers:
# every queued byte once and in order, message boundaries, the queued
# connection accepted and talking, new connections to both listeners,
# end of file and EPIPE where shut down, options, flags and sharing; the
# peer credentials (pid, uid, gid, groups) each end reported, of a
# socketpair and a connection made by a child of uid 1000 that exited
# (not restore's root); an accepted end's name and its client's peer
# name; SO_PRIORITY, SO_MARK, SO_RCVLOWAT, SO_LINGER, SO_KEEPALIVE,
# SO_TIMESTAMPNS, SO_PASSSEC, a classic BPF filter; each queued
# datagram's sender name and the credentials it carries (SCM_CREDENTIALS
# read with SO_PASSCRED turned on after restore: none, R's, and those of
# a child of uid 1000 that exited).
# After each restore cr-unix queues the same again for the next one.
# `check` refuses by name a socket whose peer is outside the kept set
# (its path and holder), one with an fd in flight (SCM_RIGHTS), and a
# connection not yet accepted whose socket another uid made (the
# credentials it connected with are unknown); a seqpacket queue with an
# empty message behind another is carried by the first `check`, which
# peeks at it, and refused by the second, which the kernel steps over it
# for (its peer's send memory says more is queued than was read); the
# same on a datagram socket fed by an unbound sender, which no sender's
# memory accounts for: pfncheck counts more datagrams than were read.
# Boot area and shelter as zc-basic's.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR
EXTRA=64

# refused NAME PATTERN PID: `quickreboot check PID` refuses with a line
# matching PATTERN (grep -E), freezing nothing.
refused() {
	quickreboot check "$3" >/tmp/check.out 2>&1
	t_eq "$1-refused-exit-3" 3 "$?"
	t_info "$1-says" "$(grep -v '^check:' /tmp/check.out | tr '\n' ';')"
	t_run "$1-named" grep -Eq "$2" /tmp/check.out
	t_run "$1-not-frozen" qr_none_frozen "$3"
	t_fails "$1-names-nothing-else" grep -v -E "$2|^check:" /tmp/check.out
}

refusals() {
	mkdir -p "$D/rights" "$D/srv" "$D/cli"
	cr-unix "$D/rights" rights </dev/null >/dev/null 2>&1 &
	_ur=$!
	t_run rights-ready qr_wait 30 test -e "$D/rights/ready"
	refused rights "^quickreboot: process $_ur: fd [0-9]+: UNIX socket: file descriptors in flight \\(SCM_RIGHTS\\): not carried\$" "$_ur"
	mkdir -p "$D/empty"
	cr-unix "$D/empty" empty </dev/null >/dev/null 2>&1 &
	_ue=$!
	t_run empty-ready qr_wait 30 test -e "$D/empty/ready"
	t_run empty-first-check quickreboot check "$_ue"
	refused empty "^quickreboot: process $_ue: fd [0-9]+: UNIX socket: more is queued than a peek reads \\([0-9]+ bytes of memory, [0-9]+ read: an empty message behind another, peeked over\\?\\): not carried\$" "$_ue"
	mkdir -p "$D/fed"
	cr-unix "$D/fed" fed </dev/null >/dev/null 2>&1 &
	_uf=$!
	t_run fed-ready qr_wait 30 test -e "$D/fed/ready"
	t_run fed-first-check quickreboot check "$_uf"
	refused fed "^quickreboot: process $_uf: fd [0-9]+: UNIX socket: 3 datagrams queued, a peek reads 2 \\(an empty one behind another, peeked over\\?\\): not carried\$" "$_uf"
	mkdir -p "$D/handed"
	cr-unix "$D/handed" handed </dev/null >/dev/null 2>&1 &
	_uh=$!
	t_run handed-ready qr_wait 30 test -e "$D/handed/ready"
	refused handed "^quickreboot: process $_uh: fd [0-9]+: UNIX socket waiting to be accepted, made by uid 1000 and held by a process of uid 0: the credentials it connected with are unknown: not carried\$" "$_uh"
	cr-unix "$D/srv" serve "$D/srv/s.sock" </dev/null >/dev/null 2>&1 &
	_us=$!
	t_run serve-ready qr_wait 30 test -e "$D/srv/serving"
	cr-unix "$D/cli" client "$D/srv/s.sock" </dev/null >/dev/null 2>&1 &
	_uc=$!
	t_run client-ready qr_wait 30 test -e "$D/cli/ready"
	refused outside "^quickreboot: process $_uc: fd [0-9]+: UNIX socket connected to $D/srv/s.sock \\(socket [0-9]+\\), held by process $_us \\(fd [0-9]+\\), outside the kept set: not carried\$" "$_uc"
	kill "$_ur" "$_ue" "$_uf" "$_uh" "$_us" "$_uc"
	wait "$_ur" "$_ue" "$_uf" "$_uh" "$_us" "$_uc" 2>/dev/null
}

cr_start() {
	refusals
	(cd / && exec cr-unix "$D" "$EXTRA" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info tree "$(cat "$D/info")"
	t_run check quickreboot check "$CR_PIDS"
	qr_show_output check /tmp/.qr_out
	for _step in capture write; do
		QUICKREBOOT_TEST_FAIL=$_step quickreboot checkpoint --dir "$QR_SH/cp" \
			"$CR_PIDS" >/tmp/cp.out 2>&1
		t_eq "$_step-fails-exit-1" 1 "$?"
		t_run "$_step-r-not-frozen" qr_none_frozen "$CR_PIDS"
		t_run "$_step-c-not-frozen" qr_none_frozen "$(qr_kv c "$D/info")"
	done
}

cr_post_checkpoint() {
	t_eq c-frozen I "$(qr_state "$(qr_kv c "$D/info")")"
}

cr_verify() {
	t_eq r-there cr-unix "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq c-there cr-unix "$(cat "/proc/$(qr_kv c "$D/info")/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_info why "$(tr '\n' ';' <"$D/why")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	for _k in stream seq dgram listen abstract half opts flags share unbound \
		extra cred names opts2 from c_bytes c_msgs; do
		t_eq "$_k-kept" 1 "$(qr_kv $_k "$D/result")"
	done
	# C holds the listener bound on the disk: gone before cr_end's
	# umount, which kills R only.
	if [ "$1" = "$QR_HOPS" ]; then
		kill -9 "$(qr_kv c "$D/info")"
		t_run c-killed qr_wait 30 cr_dead "$(qr_kv c "$D/info")"
	fi
}
