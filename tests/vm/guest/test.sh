# Helpers for scenarios, sourced by the guest init (busybox ash).
# Every result is one console line "QRT <hop> <WORD> ...", read by the host.

qrt() {
	echo "QRT $QR_HOP $*"
}

t_pass() {
	qrt PASS "$1"
}

t_fail() {
	qrt FAIL "$1: $2"
}

t_info() {
	qrt INFO "$1=$2"
}

# Prints a command's output under the check's name, line by line.
qr_show_output() {
	while IFS= read -r line; do
		qrt OUT "$1: $line"
	done <"$2"
}

# t_run NAME CMD...: passes if CMD exits 0; returns non-zero when it failed,
# so that a scenario can stop early: t_run load modprobe x || return.
t_run() {
	name=$1
	shift
	if "$@" >/tmp/.qr_out 2>&1; then
		t_pass "$name"
	else
		rc=$?
		qr_show_output "$name" /tmp/.qr_out
		t_fail "$name" "'$*' exited $rc"
		return 1
	fi
}

# t_fails NAME CMD...: passes if CMD exits non-zero (refusals, bad input).
t_fails() {
	name=$1
	shift
	if "$@" >/tmp/.qr_out 2>&1; then
		qr_show_output "$name" /tmp/.qr_out
		t_fail "$name" "'$*' succeeded but must fail"
	else
		t_pass "$name"
	fi
}

# qr_wait SECONDS CMD...: polls CMD every half second until it succeeds.
qr_wait() {
	_n=$(($1 * 2))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.5
		_n=$((_n - 1))
	done
	return 1
}

# qr_kv KEY FILE: the value of KEY in "KEY=VALUE" words of FILE.
qr_kv() {
	sed -n "s/.* *$1=\([^ ]*\).*/\1/p" "$2"
}

# Processes started after this get PIDs above N, like the services of a
# system that has run for a while: the New kernel's own threads, created
# at boot before restore, then cannot hold the PIDs to restore (there are
# more of them on 6.12 than on 6.1).
qr_pids_above() {
	echo "$1" >/proc/sys/kernel/ns_last_pid
}

# A random 32-bit number.
qr_random() {
	od -An -N4 -tu4 /dev/urandom | tr -d ' '
}

# t_eq NAME EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1" "expected '$2', got '$3'"
	fi
}

# The kernel of hop N: the scenario's kernels alternate Old, New, Old, ...
qr_kernel_of_hop() {
	set -- $QR_KERNELS "$1"
	if [ $(($3 % 2)) = 0 ]; then echo "$1"; else echo "$2"; fi
}

# Loads the next hop's kernel and initramfs (this initramfs, re-archived
# from its manifest). QR_NEXT_APPEND, if a hop sets it, is added to the New
# kernel's command line; QR_NEXT_CMDLINE replaces it whole (it must then
# carry qr.hop=N+1 itself). A hop may call it early, so that loading is not
# part of a measured downtime; the init loads only if the hop did not.
qr_kexec_load() {
	next=$((QR_HOP + 1))
	krel=$(qr_kernel_of_hop "$next")
	qr_next_initrd
	cmdline=${QR_NEXT_CMDLINE:-"$QR_BASE_APPEND qr.hop=$next $QR_APPEND ${QR_NEXT_APPEND:-}"}
	if ! kexec -l "/boot/vmlinuz-$krel" --initrd=/tmp/next.cpio \
		--append="$cmdline" >/tmp/.qr_out 2>&1; then
		qr_show_output kexec-load /tmp/.qr_out
		t_fail kexec-load "kexec -l /boot/vmlinuz-$krel failed"
		return 1
	fi
	rm -f /tmp/next.cpio
	QR_KEXEC_LOADED=$krel
}

# The initramfs for the next hop, re-archived from this one's manifest:
# /tmp/next.cpio.
qr_next_initrd() {
	(cd / && cpio -o -H newc </etc/qr/manifest >/tmp/next.cpio 2>/dev/null)
}

# Kexecs into the next hop's kernel.
qr_kexec_next() {
	[ -n "${QR_KEXEC_LOADED:-}" ] || qr_kexec_load || return 1
	sync
	qrt KEXEC "$QR_KEXEC_LOADED"
	kexec -e
	t_fail kexec-exec "kexec -e returned"
}

# Readies the guest for Debian's CRIU (scenarios with QR_CRIU=1): the
# loopback up and the modules its probes need (QR_CRIU_MODS).
qr_criu_ready() {
	ip link set lo up && modprobe -a $QR_CRIU_MODS
}
