# TCP and UDP sockets across two quick reboots (copy mode Old -> New, then
# zero copy New -> Old, each capture in the kernel it leaves), over the
# loopback: cr-tcp's root R holds an IPv4 listener (TCP_DEFER_ACCEPT) and
# an IPv6 wildcard one (IPV6_V6ONLY, SO_REUSEPORT, O_NONBLOCK), the
# connection its child C made to the first, with megabytes of numbered
# bytes queued each way (keepalive, TCP_NODELAY, buffer sizes, timeouts
# set), an IPv6 connection to the second with its accepted end, both in
# R, streams queued each way too, and UDP sockets (bound, connected,
# IPv6). Rebuilt through TCP_REPAIR, each pair together. After each
# restore every queued byte arrives once and in order, each connection
# goes on past it, options and flags are as set, no socket is left in
# repair mode, both listeners accept new connections, UDP answers.
# Before the first checkpoint, one that fails after the capture leaves
# every connection working and none in repair mode. `check` refuses by
# name a netlink, a packet and a raw socket, a listener with a connection
# not accepted and that connection's client, queued datagrams and a
# connection in CLOSE_WAIT.
#
# A client outside the guest (tests/vm/lib/tcp_client.py, through QEMU's
# user networking: QR_HOSTFWD) holds a connection to cr-tcp's echo server
# E on port 7030 and sends numbered requests all along, each answered
# once, across both quick reboots: no error, no reconnect (the run's last
# checks, with the longest gap between answers). The Old kernel drops the
# kept connections' packets from the capture on (the network lock); in
# the New kernel restore runs before the network is configured, as the
# product's unit does (Before=network-pre.target), and quickreboot makes
# the connections live without their address or a route (README
# "Network sockets"); the card comes up after restore: the peer's
# retransmissions find the connection, never a kernel without it.
#
# An IPv6 connection to another machine (cr-tcp's fd 26, to fd00::77 on
# the card's fd00::/64, which no one answers) is made by restore before
# the network, through a private route (README "Network sockets"), not
# dropped, its own SO_MARK back.
#
# Carried options: TCP_FASTOPEN, TCP_CORK, TCP_CONGESTION, SO_BINDTODEVICE,
# IP_TRANSPARENT and IPV6_TRANSPARENT, a listener's own TCP_FASTOPEN_KEY,
# UDP_CORK, and whether buffer sizes were set (autotuning stays on for
# the sockets that never set them: pfncheck reads the locks); SO_LINGER
# and the int options a new socket has otherwise (fds/inet_more.c). An IPv6
# address on the loopback in the first kernel only (fd00::9) holds a
# listener and a connection with both ends kept: restored where it is
# gone, the connection is dropped for its process only, named by
# restore; its process reads ECONNABORTED and goes on, the rest kept.
# `check` also refuses urgent data, SHUT_RD, an eBPF socket filter, a
# TCP_MD5SIG key, a multicast membership, a UDP socket filter, a UDP
# datagram corked, not sent, IP_UNICAST_IF (an interface index) and
# SO_TIMESTAMPING's OPT_ID counter.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
QR_HOSTFWD=1
D=$CR_DIR
GUEST=10.0.2.15

lo_up() {
	ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
}

# The network card up with the guest's address (QEMU's user networking),
# and fd00::15/64, where cr-tcp's fd 26 reaches another machine.
net_up() {
	modprobe virtio_net &&
		qr_wait 10 test -e /sys/class/net/eth0 &&
		ip link set eth0 up &&
		ip addr add "$GUEST/24" dev eth0 &&
		echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad &&
		ip addr add fd00::15/64 dev eth0
}

# The address of the connection to drop, in the first kernel only.
net_gone_later() {
	ip addr add fd00::9/128 dev lo
}

# echo_state: E's counters (answered= conns= bad=) in $D/echo/echo-result.
echo_state() {
	rm -f "$D/echo/echo-result"
	touch "$D/echo/echo-verify"
	qr_wait 30 test -s "$D/echo/echo-result"
}

# echo_going NAME: the outside client is answered, more and more, on one
# connection, and nothing went wrong.
echo_going() {
	t_run "$1-echo-state" echo_state || return
	_a0=$(qr_kv answered "$D/echo/echo-result")
	sleep 3
	t_run "$1-echo-state-later" echo_state || return
	t_info "$1-echo" "$(cat "$D/echo/echo-result")"
	t_run "$1-client-answered" test "$(qr_kv answered "$D/echo/echo-result")" -gt "$_a0"
	t_eq "$1-one-connection" 1 "$(qr_kv conns "$D/echo/echo-result")"
	t_eq "$1-nothing-bad" 0 "$(qr_kv bad "$D/echo/echo-result")"
}

# refused_line NAME PATTERN: check's output names it (grep -E).
refused_line() {
	t_run "$1-named" grep -Eq "$2" /tmp/check.out
}

refusals() {
	mkdir -p "$D/refuse"
	cr-tcp "$D/refuse" refuse </dev/null >/dev/null 2>&1 &
	_tr=$!
	t_run refuse-ready qr_wait 30 test -e "$D/refuse/ready"
	quickreboot check "$_tr" >/tmp/check.out 2>&1
	t_eq refused-exit-3 3 "$?"
	t_info refused-says "$(grep -v '^check:' /tmp/check.out | tr '\n' ';')"
	_pre="^quickreboot: process $_tr: fd"
	refused_line netlink "$_pre 10 is a netlink socket \\(NETLINK_ROUTE\\): not carried\$"
	refused_line packet "$_pre 11 is a packet socket \\(raw\\): not carried\$"
	refused_line raw "$_pre 12 is a raw IPv4 socket \\(protocol 1\\): not carried\$"
	refused_line not-accepted "$_pre 13: TCP listener on 127.0.0.1:7020 has 1 connection\\(s\\) completed but not yet accepted: not carried\$"
	refused_line its-client "$_pre 14: TCP connection 127.0.0.1:[0-9]+ -> 127.0.0.1:7020: its other end waits in a listener's queue, not accepted: not carried\$"
	refused_line datagrams "$_pre 15: UDP socket 127.0.0.1:7021: datagrams queued to read \\(the first of 3 bytes\\): not carried\$"
	refused_line close-wait "$_pre 16: TCP connection 127.0.0.1:[0-9]+ -> 127.0.0.1:7022 in state CLOSE_WAIT: not carried\$"
	refused_line urgent "$_pre 17: TCP connection 127.0.0.1:7023 -> 127.0.0.1:[0-9]+: urgent data \\(MSG_OOB\\) queued to read: not carried\$"
	refused_line shut-rd "$_pre 19: TCP connection 127.0.0.1:[0-9]+ -> 127.0.0.1:7025: its receive side is shut down \\(SHUT_RD\\): not carried\$"
	refused_line ebpf "$_pre 21: TCP socket: an eBPF socket filter of its own \\(SO_ATTACH_BPF\\): not carried\$"
	refused_line md5 "$_pre 22: TCP socket: a TCP_MD5SIG key, which cannot be read back: not carried\$"
	refused_line multicast "$_pre 23: UDP socket 0.0.0.0:7026: a member of multicast group 224.1.2.3 on eth0: not carried\$"
	refused_line udp-filter "$_pre 24: UDP socket 127.0.0.1:7027: a socket filter of its own \\(SO_ATTACH_FILTER\\): not carried\$"
	refused_line unicast-if "$_pre 26: UDP socket 127.0.0.1:7031: IP_UNICAST_IF \\(an interface index\\): not carried\$"
	refused_line tstamp-id "$_pre 27: UDP socket 127.0.0.1:7032: SO_TIMESTAMPING with OPT_ID \\(its counter cannot be read\\): not carried\$"
	refused_line udp-corked "$_pre 25: UDP socket 127.0.0.1:7029: a datagram being built, not sent \\(UDP_CORK or MSG_MORE\\): not carried\$"
	t_run refused-not-frozen qr_none_frozen "$_tr"
	kill "$_tr"
	wait "$_tr" 2>/dev/null
}

# The connections work and hold what was queued (cr_verify's checks).
kept() {
	t_run "$1verify-written" cr_answer 240
	t_info "$1result" "$(cat "$D/result")"
	t_info "$1why" "$(tr '\n' ';' <"$D/why")"
	for _k in conn v6 opts flags repair accept udp c gone far; do
		t_eq "$1$_k-kept" 1 "$(qr_kv $_k "$D/result")"
	done
}

# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_start() {
	t_run lo-up lo_up
	t_run net-up net_up
	t_run net-gone-later net_gone_later
	refusals
	(cd / && exec cr-tcp "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	mkdir -p "$D/echo"
	(cd / && exec cr-tcp "$D/echo" echo </dev/null >/dev/null 2>&1) &
	CR_PIDS="$CR_PIDS $!"
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info tree "$(cat "$D/info")"
	t_run client-connected qr_wait 120 sh -c \
		"touch $D/echo/echo-verify; sleep 1; grep -q 'conns=1' $D/echo/echo-result"
	t_run check quickreboot check $CR_PIDS
	qr_show_output check /tmp/.qr_out
	QUICKREBOOT_TEST_FAIL=capture quickreboot checkpoint --dir "$QR_SH/cp" \
		$CR_PIDS >/tmp/cp.out 2>&1
	t_eq rollback-fails-exit-1 1 "$?"
	t_run rollback-r-not-frozen qr_none_frozen "${CR_PIDS%% *}"
	t_run rollback-e-not-frozen qr_none_frozen "${CR_PIDS#* }"
	t_run rollback-c-not-frozen qr_none_frozen "$(qr_kv c "$D/info")"
	kept rollback-
	t_eq rollback-not-dropped 0 "$(qr_kv dropped "$D/result")"
	echo_going rollback
}

cr_pre_checkpoint() {
	t_info queued "$(qr_kv queued "$D/result")"
	t_run megabytes-queued test "$(qr_kv queued "$D/result")" -ge 2000000
}

cr_post_checkpoint() {
	t_eq c-frozen I "$(qr_state "$(qr_kv c "$D/info")")"
}

# Restore before the network: nothing set up by hand, not even the
# loopback. The card comes up after.
cr_verify() {
	t_run net-up-after net_up
	# The first restore is where fd00::9 is gone; the next has closed ends.
	[ "$1" = 1 ] && t_run restore-named-drop grep -Eq "^quickreboot: restore: process $P: fd (19|21): TCP connection \\[fd00::9\\]:[0-9]+ -> \\[fd00::9\\]:[0-9]+: no route to its peer from this address here \\(Network is unreachable\\): connection dropped, the process reads ECONNABORTED\$" /tmp/restore.out
	# An IPv6 connection to another machine, made before the network.
	t_run restore-far-made sh -c "! grep -q 'fd 26:' /tmp/restore.out"
	echo_going restored
	t_eq r-there cr-tcp "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq c-there cr-tcp "$(cat "/proc/$(qr_kv c "$D/info")/comm" 2>/dev/null)"
	kept ""
	t_eq dropped 1 "$(qr_kv dropped "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	if [ "$1" = "$QR_HOPS" ]; then
		# The client ends on the server's word, before cr_end's kill.
		touch "$D/echo/echo-stop"
		sleep 2
		kill -9 "$(qr_kv c "$D/info")"
		t_run c-killed qr_wait 30 cr_dead "$(qr_kv c "$D/info")"
	fi
}
