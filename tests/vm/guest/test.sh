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
# carry qr.hop=N+1 itself); QR_NEXT_KEXEC_OPTS are added to kexec -l (the
# placement in the boot area: see qr_next_confined). A hop may call it early, so that loading is not
# part of a measured downtime; the init loads only if the hop did not.
qr_kexec_load() {
	next=$((QR_HOP + 1))
	krel=$(qr_kernel_of_hop "$next")
	qr_next_initrd
	cmdline=${QR_NEXT_CMDLINE:-"$QR_BASE_APPEND qr.hop=$next $QR_APPEND ${QR_NEXT_APPEND:-}"}
	# shellcheck disable=SC2086 # options, split on purpose
	if ! kexec -l ${QR_NEXT_KEXEC_OPTS:-} "/boot/vmlinuz-$krel" \
		--initrd=/tmp/next.cpio --append="$cmdline" >/tmp/.qr_out 2>&1; then
		qr_show_output kexec-load /tmp/.qr_out
		t_fail kexec-load "kexec -l /boot/vmlinuz-$krel failed"
		return 1
	fi
	rm -f /tmp/next.cpio
	QR_KEXEC_LOADED=$krel
}

# qr_next_confined [MODE [DIR]]: the next hop as `quickreboot cmdline`
# makes it (MODE zero-copy by default, or copy, or auto; the pageblocks of
# the first memory block that the checkpoint in DIR kept pages in hidden
# too): QR_NEXT_CMDLINE and, in zero copy, QR_NEXT_KEXEC_OPTS placing the
# kexec segments in the boot area.
qr_next_confined() {
	_mode=${1:-zero-copy}
	_hide=${2:+--hide-from=$2}
	QR_NEXT_CMDLINE=$(quickreboot cmdline --mode "$_mode" $_hide \
		--append "qr.hop=$((QR_HOP + 1))") || return 1
	QR_NEXT_KEXEC_OPTS=$(quickreboot cmdline --mode "$_mode" $_hide --kexec-options) ||
		return 1
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

# Zero copy scenarios (zc-*): a zc-keep process in $ZC_DIR, kept across
# quick reboots through the shelter at $ZC_SH.
ZC_SH=/run/quickreboot/shelter
ZC_DIR=/mnt/disk/zc

# zc_answered FILE: zc-keep answered a request with $ZC_DIR/FILE.
zc_answered() {
	qr_wait 60 test -s "$ZC_DIR/$1"
}

# zc_start MIB: a fresh shelter and a zc-keep process of MIB MiB.
zc_start() {
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	mkdir -p "$ZC_DIR"
	rm -f "$ZC_DIR"/*
	qr_pids_above 1000
	zc-keep "$ZC_DIR" "$1" </dev/null >/dev/null 2>&1 &
	echo $! >"$ZC_DIR/pid"
	t_run started qr_wait 120 test -s "$ZC_DIR/info"
}

# zc_checkpoint [MODE]: checkpoints (zero copy by default, keeping the
# pages left in the first memory block), records the frames the frozen
# process is left in (pages moved out of the first memory block are in
# their new ones), detaches shelter and disk, and confines the next hop.
zc_checkpoint() {
	_p=$(cat "$ZC_DIR/pid")
	_keep=
	[ "${1:-zero-copy}" != zero-copy ] || _keep=--keep-first-block
	rm -f "$ZC_DIR/frames-before"
	t_run checkpoint quickreboot checkpoint --mode "${1:-zero-copy}" $_keep \
		--dir "$ZC_SH/cp" "$_p" || return
	cp /tmp/.qr_out /tmp/checkpoint.out
	qr_show_output checkpoint /tmp/checkpoint.out
	t_run frames-recorded zc-keep --frames "$ZC_DIR" || return
	t_run confined-cmdline qr_next_confined "${1:-zero-copy}" "$ZC_SH/cp"
	# For this hop's checks, and the next hop's ($ZC_DIR is on the disk).
	cp /tmp/checkpoint.out "$ZC_DIR/"
	rm -f /tmp/first-block-hidden "$ZC_DIR/first-block-hidden"
	cp "$ZC_SH/cp/first-block-hidden" /tmp/ 2>/dev/null &&
		cp /tmp/first-block-hidden "$ZC_DIR/"
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
}

# zc_restore: mounts the shelter and restores; output in /tmp/restore.out.
zc_restore() {
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t_run restore quickreboot restore --dir "$ZC_SH/cp"
	_rc=$?
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	return $_rc
}

# zc_verify: the process is back with its PID and data, no kept page
# moved to another frame, and it runs on.
zc_verify() {
	_p=$(cat "$ZC_DIR/pid")
	t_eq same-pid zc-keep "$(cat "/proc/$_p/comm" 2>/dev/null)"
	rm -f "$ZC_DIR/result"
	touch "$ZC_DIR/verify"
	t_run verify-written zc_answered result || return
	t_info result "$(cat "$ZC_DIR/result")"
	t_eq checksum-equal "$(qr_kv sum "$ZC_DIR/info")" "$(qr_kv sum "$ZC_DIR/result")"
	t_eq no-frame-moved 0 "$(qr_kv moved "$ZC_DIR/result")"
	t_run counter-continues test "$(qr_kv counter "$ZC_DIR/result")" -gt 0
}

# Readies the guest for Debian's CRIU (scenarios with QR_CRIU=1): the
# loopback up and the modules its probes need (QR_CRIU_MODS).
qr_criu_ready() {
	ip link set lo up && modprobe -a $QR_CRIU_MODS
}

# zc-basic and zc-large: one process of MIB MiB kept in zero copy, checked
# page by page (the scenarios' comments say what).

# Free memory, kB: MemFree plus the pages freed into the per-CPU lists,
# which MemFree leaves out until they drain (6.1 keeps freed THPs there;
# 6.12 lets them grow to tens of MiB after large frees).
memfree() {
	echo $(($(awk '/^MemFree:/ { print $2 }' /proc/meminfo) +
		$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)))
}

# freed KIB_BEFORE: at least 7/8 of the process's memory (MIB) came back.
freed() {
	[ $(($(memfree) - $1)) -ge $((MIB * 1024 * 7 / 8)) ]
}

# Transparent huge pages of the process (kB): migration keeps them huge
# when it finds a free 2 MiB frame, else splits them.
thp() {
	awk '/AnonHugePages/ { print $2 }' "/proc/$P/smaps_rollup"
}

zc_keep_old() {
	zc_start "$MIB" || return
	P=$(cat "$ZC_DIR/pid")
	t_info thp-kb-before "$(thp)"
	zc_checkpoint || return
	t_info thp-kb-frozen "$(thp)"
	t_run some-pages-kept grep -q 'zero copy: [1-9][0-9]* pages kept' /tmp/checkpoint.out
	moved=$(sed -n 's/.*zero copy: \([0-9]*\) of \([0-9]*\) pages moved out.*/\1 \2/p' \
		/tmp/checkpoint.out)
	t_info moved-of-found "$moved"
	left=$(sed -n 's/.* ms (\([0-9]*\) left, .*/\1/p' /tmp/checkpoint.out)
	t_info left-in-first-block "${left:-0}"
	# Not one page is copied for its place: those the evacuation left in
	# the first block are kept, their pageblocks hidden from the New kernel.
	t_eq none-copied-for-place 0 \
		"$(sed -n 's/.*copied (\([0-9]*\) of them for where.*/\1/p' /tmp/checkpoint.out)"
	t_eq left-kept-in-first-block "${left:-0}" "$(zc_kept_first /tmp/checkpoint.out)"
	[ "${left:-0}" -eq 0 ] || zc_first_block_hidden
}

# zc_kept_first CHECKPOINT_OUTPUT: pages kept in the first memory block.
zc_kept_first() {
	_n=$(sed -n 's/.*zero copy: \([0-9]*\) of the pages kept are in the first.*/\1/p' "$1")
	echo "${_n:-0}"
}

# zc_first_block_hidden: after zc_checkpoint kept pages in the first
# memory block, the next hop's command line hides their pageblocks.
zc_first_block_hidden() {
	t_run first-block-hidden-file test -s /tmp/first-block-hidden || return
	t_info first-block-hidden "$(cat /tmp/first-block-hidden)"
	t_run first-block-hidden-on-cmdline qr_hides_first_block /tmp/first-block-hidden \
		"$QR_NEXT_CMDLINE"
}

# qr_range_of SIZE$ADDR: "START END" in bytes (SIZE in M or hex).
qr_range_of() {
	_sz=${1%%\$*}
	_ad=${1#*\$}
	case $_sz in *M) _sz=$((${_sz%M} * 1048576)) ;; *) _sz=$((_sz)) ;; esac
	echo $((_ad)) $((_ad + _sz))
}

# qr_hides_first_block FILE CMDLINE: the first memmap= list of CMDLINE
# covers every pageblock range of FILE (merged with its neighbours or not).
qr_hides_first_block() {
	_want=$(tr , ' ' <"$1")
	_list=$(echo "$2" | sed -n 's/^memmap=\([^ ]*\).*/\1/p' | tr , ' ')
	for _e in $_want; do
		set -- $(qr_range_of "$_e")
		_s=$1 _t=$2 _ok=
		for _l in $_list; do
			set -- $(qr_range_of "$_l")
			[ "$1" -le "$_s" ] && [ "$2" -ge "$_t" ] && _ok=1
		done
		[ -n "$_ok" ] || return 1
	done
}

zc_keep_new() {
	P=$(cat "$ZC_DIR/pid")
	zc_restore
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	t_run frames-held-said grep -q \
		'^hand-back: [0-9]* MiB in [0-9]* ms ([1-9][0-9]* frames held aside, zero copy); ' \
		/tmp/restore.out
	zc_verify || return
	# Every page in the frame it had, those in the first block too.
	t_eq every-page-same-frame $((MIB * 256)) "$(qr_kv same "$ZC_DIR/result")"
	t_info kept-in-first-block "$(qr_kv first "$ZC_DIR/result")"
	t_eq hole-frames-held "$(zc_kept_first "$ZC_DIR/checkpoint.out")" \
		"$(cat /sys/module/restore/status/hole_frames)"
	# Debian's kernels give a 64 MiB mapping THPs at its first touch.
	huge=$(cat /sys/module/restore/status/adopted_huge)
	t_info adopted-huge "$huge"
	t_run huge-kept test "$huge" -gt 0
	t_run huge-reported grep -q "zero copy, $huge huge pages" /tmp/restore.out
	thp=$(sed -n 's/^AnonHugePages: *\([0-9]*\) kB/\1/p' "/proc/$P/smaps_rollup")
	t_info anon-huge-kb "$thp"
	t_run anon-huge-pages test "$thp" -ge $((huge * 2048))
	zc_fork_and_exit
}

# zc_fork_and_exit: the kept process forks (copy-on-write checked), then
# is killed, and its memory comes back.
zc_fork_and_exit() {
	P=$(cat "$ZC_DIR/pid")
	touch "$ZC_DIR/fork"
	t_run fork-answered zc_answered forked || return
	t_eq fork-cow "child=OK parent=OK" "$(cat "$ZC_DIR/forked")"
	free_before=$(memfree)
	kill -9 "$P"
	t_run exited qr_wait 30 sh -c "! test -e /proc/$P"
	# Freed pages reach MemFree once the per-CPU lists drain.
	t_run exit-frees-memory qr_wait 20 freed "$free_before"
	t_info freed-kib "$(($(memfree) - free_before))"
	quickreboot shelter umount
}

# cr-seal and zc-seal: two processes checkpointed into two directories of
# the shelter (MODE copy or zero-copy), $SEAL_SH/a and $SEAL_SH/b; in the
# New kernel, a's pages damaged, swapped for b's and truncated are each
# refused with the image left in place, then a restores from its own.
SEAL_SH=/run/quickreboot/shelter
SEAL_D=/mnt/disk/seal

seal_old() {
	_keep=
	[ "$1" = copy ] || _keep=--keep-first-block
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	qr_pids_above 1000
	for _c in a b; do
		mkdir -p "$SEAL_D/$_c"
		cr-counter "$SEAL_D/$_c" 16 </dev/null >/dev/null 2>&1 &
		echo $! >"$SEAL_D/$_c/pid"
	done
	for _c in a b; do
		t_run "started-$_c" qr_wait 120 test -s "$SEAL_D/$_c/info" || return
		t_run "checkpoint-$_c" quickreboot checkpoint --mode "$1" $_keep \
			--dir "$SEAL_SH/$_c" "$(cat "$SEAL_D/$_c/pid")" || return
	done
	t_run pages-header grep -q '^QRPAGES' "$SEAL_SH/a/pages"
	if [ "$1" = copy ]; then
		t_run next-cmdline qr_next_confined copy
	else
		t_run next-cmdline qr_next_confined zero-copy "$SEAL_SH/a"
	fi
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
}

# seal_refused NAME REASON: restore of a refuses its pages, exit 3, the
# image left in place and the process not created.
seal_refused() {
	t_fails "refused-$1" quickreboot restore --dir "$SEAL_SH/a"
	cp /tmp/.qr_out /tmp/refused.out
	qr_show_output "refused-$1" /tmp/refused.out
	t_run "refused-$1-why" grep -qE "$2" /tmp/refused.out
	quickreboot restore --dir "$SEAL_SH/a" >/dev/null 2>&1
	t_eq "refused-$1-exit" 3 "$?"
	t_run "refused-$1-image-kept" test -s "$SEAL_SH/a/image"
	t_run "refused-$1-not-created" test ! -e "/proc/$(cat "$SEAL_D/a/pid")"
}

seal_new() {
	_a=$(cat "$SEAL_D/a/pid")
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	cp "$SEAL_SH/a/pages" /tmp/a.pages
	# 16 bytes overwritten (in the header's padding: present in both modes).
	printf 'XXXXXXXXXXXXXXXX' |
		dd of="$SEAL_SH/a/pages" bs=1 seek=100 conv=notrunc 2>/dev/null
	seal_refused overwritten 'bytes 0-.* are not what was checkpointed'
	cp "$SEAL_SH/b/pages" "$SEAL_SH/a/pages"
	seal_refused swapped 'belongs to another checkpoint'
	head -c 4096 /tmp/a.pages >"$SEAL_SH/a/pages"
	[ "$(wc -c </tmp/a.pages)" -gt 4096 ] ||
		printf 'X' >>"$SEAL_SH/a/pages"
	seal_refused truncated 'the image expects|is truncated'
	cp /tmp/a.pages "$SEAL_SH/a/pages"
	t_run restore-own-pages quickreboot restore --dir "$SEAL_SH/a"
	qr_show_output restore /tmp/.qr_out
	t_eq same-pid cr-counter "$(cat "/proc/$_a/comm" 2>/dev/null)"
	rm -f "$SEAL_D/a/result"
	touch "$SEAL_D/a/verify"
	t_run verify-written qr_wait 60 test -s "$SEAL_D/a/result" || return
	t_eq checksum-equal "$(qr_kv sum "$SEAL_D/a/info")" "$(qr_kv sum "$SEAL_D/a/result")"
	kill -9 "$_a"
	t_run shelter-umount quickreboot shelter umount
}
