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
	cmdline=${QR_NEXT_CMDLINE:-"$QR_BASE_APPEND qr.hop=$next $QR_LAYOUT_APPEND $QR_APPEND ${QR_NEXT_APPEND:-}"}
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

# The shelter's mount point, where `quickreboot shelter mount` puts it; the
# scenarios' checkpoint is in $QR_SH/cp.
QR_SH=/run/quickreboot/shelter

# Milliseconds since boot.
qr_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

# qr_shelter_fresh: a formatted shelter with a new filesystem, mounted.
qr_shelter_fresh() {
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount
}

# qr_restore: loads and mounts the shelter the last hop left and restores
# the checkpoint in it; the output in /tmp/restore.out, the time it took
# as restore-ms.
qr_restore() {
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	_t0=$(qr_ms)
	t_run restore quickreboot restore --dir "$QR_SH/cp"
	_rc=$?
	t_info restore-ms $(($(qr_ms) - _t0))
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	return $_rc
}

# qr_state PID: the one-letter state of a process (I: frozen by pfncheck).
qr_state() {
	sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# qr_none_frozen PID: every thread running or sleeping, none frozen (I)
# or parked (D); names the first that is.
qr_none_frozen() {
	for _st in /proc/"$1"/task/*/status; do
		case $(sed -n 's/^State:\t\(.\).*/\1/p' "$_st") in
		R | S) ;;
		*) echo "$_st: $(grep State "$_st")"; return 1 ;;
		esac
	done
}

# qr_pfncheck_param NAME: one of pfncheck's counters (frozen, page_refs...).
qr_pfncheck_param() {
	cat "/sys/module/pfncheck/parameters/$1"
}

# Zero copy scenarios (zc-*): a zc-keep process in $ZC_DIR, kept across
# quick reboots through the shelter.
ZC_DIR=/mnt/disk/zc

# zc_answered FILE: zc-keep answered a request with $ZC_DIR/FILE.
zc_answered() {
	qr_wait 60 test -s "$ZC_DIR/$1"
}

# zc_start MIB: a fresh shelter and a zc-keep process of MIB MiB.
zc_start() {
	qr_shelter_fresh || return
	mkdir -p "$ZC_DIR"
	rm -f "$ZC_DIR"/*
	qr_pids_above 1000
	zc-keep "$ZC_DIR" "$1" </dev/null >/dev/null 2>&1 &
	echo $! >"$ZC_DIR/pid"
	t_run started qr_wait 120 test -s "$ZC_DIR/info"
}

# zc_checkpoint [MODE]: checkpoints (zero copy by default, keeping the
# pages left in the first memory block unless ZC_FIRST_BLOCK=copy: then
# they are copied, and no hole is hidden there), records the frames the frozen
# process is left in (pages moved out of the first memory block are in
# their new ones), detaches shelter and disk, and confines the next hop.
zc_checkpoint() {
	_p=$(cat "$ZC_DIR/pid")
	_keep=
	[ "${1:-zero-copy}" != zero-copy ] || [ "${ZC_FIRST_BLOCK:-}" = copy ] ||
		_keep=--keep-first-block
	rm -f "$ZC_DIR/frames-before"
	t_run checkpoint quickreboot checkpoint --mode "${1:-zero-copy}" $_keep \
		--dir "$QR_SH/cp" "$_p" || return
	cp /tmp/.qr_out /tmp/checkpoint.out
	qr_show_output checkpoint /tmp/checkpoint.out
	t_run frames-recorded zc-keep --frames "$ZC_DIR" || return
	t_run confined-cmdline qr_next_confined "${1:-zero-copy}" "$QR_SH/cp"
	# For this hop's checks, and the next hop's ($ZC_DIR is on the disk).
	cp /tmp/checkpoint.out "$ZC_DIR/"
	rm -f /tmp/first-block-hidden "$ZC_DIR/first-block-hidden"
	cp "$QR_SH/cp/first-block-hidden" /tmp/ 2>/dev/null &&
		cp /tmp/first-block-hidden "$ZC_DIR/"
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
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
	qr_restore
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

# Checkpoint/restore scenarios (cr-*): programs in $CR_DIR on the disk,
# kept across quick reboots through the shelter. A scenario that defines
# cr_start is run by cr_hop, hop by hop (the init calls it in place of
# hop, old and new); it sets CR_MODES if its checkpoints are not in the
# default mode (the mode before each kexec in turn: copy or zero-copy,
# the next hop then confined by qr_next_confined), and defines:
#   cr_start              hop 0, the shelter fresh, $CR_DIR made, new PIDs
#                         above 1000: starts the programs, waits until they
#                         run, and sets CR_PIDS, the processes to checkpoint
#   cr_verify HOP         each later hop, after the restore
# and if it needs them
#   cr_pre_restore HOP    before the restore
#   cr_pre_checkpoint HOP just before the checkpoint
#   cr_post_checkpoint HOP  the processes checkpointed and frozen, the
#                         shelter and the disk still there
# P is the first of CR_PIDS. The last hop kills them (cr_end).
CR_DIR=/mnt/disk/cr
# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		qr_shelter_fresh || return
		mkdir -p "$CR_DIR"
		qr_pids_above 1000
		CR_PIDS=
		cr_start || return
		echo $CR_PIDS >"$CR_DIR/pids"
	fi
	CR_PIDS=$(cat "$CR_DIR/pids")
	P=${CR_PIDS%% *}
	if [ "$1" != 0 ]; then
		cr_hook cr_pre_restore "$1"
		qr_restore || return
		cr_verify "$1"
		# Restored, the checkpoint is spent: the next one replaces a
		# previous one only once complete, and both may not fit.
		rm -f "$QR_SH/cp/image" "$QR_SH/cp/pages"
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		cr_hand_over "$1"
	else
		cr_end
	fi
}

# cr_hook NAME ARGS...: calls the scenario's NAME if it has one.
cr_hook() {
	if command -v "$1" >/dev/null; then
		"$@"
	fi
}

# cr_hand_over HOP: the quick reboot of $CR_PIDS, up to the kexec: they
# are checkpointed into the shelter (in the mode CR_MODES names for this
# hop, if any) and stay frozen until the kexec. The
# shelter is unmounted; the disk, where the programs keep files open as a
# kept service keeps its own, is synced and detached rather than
# unmounted (what a quick reboot does with a filesystem that frozen
# processes hold; its journal makes the next mount clean); the next hop's
# command line is `quickreboot cmdline`'s.
# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_hand_over() {
	_mode=$(echo "${CR_MODES:-}" | awk -v n=$(($1 + 1)) '{ print $n }')
	cr_hook cr_pre_checkpoint "$1"
	_t0=$(qr_ms)
	t_run checkpoint quickreboot checkpoint ${_mode:+--mode $_mode} \
		--dir "$QR_SH/cp" $CR_PIDS || return
	t_info checkpoint-ms $(($(qr_ms) - _t0))
	t_info checkpoint "$(ls -l "$QR_SH/cp" | tr -s ' ' | tr '\n' ';')"
	t_run frozen cr_frozen $CR_PIDS
	cr_hook cr_post_checkpoint "$1"
	# (A SIGKILL while frozen stops the kexec: freeze-sigkill.)
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	if [ -n "$_mode" ]; then
		t_run confined-cmdline qr_next_confined "$_mode"
	else
		t_run new-cmdline cr_next_cmdline
	fi
}

# The next hop's command line, as `quickreboot cmdline` makes it.
cr_next_cmdline() {
	QR_NEXT_CMDLINE=$(quickreboot cmdline --append "qr.hop=$((QR_HOP + 1))")
}

# cr_end: the last hop kills $CR_PIDS and unmounts the shelter.
# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_end() {
	kill -9 $CR_PIDS
	t_run killed qr_wait 30 cr_dead $CR_PIDS
	t_run shelter-umount quickreboot shelter umount
}

# cr_frozen PID...: every one frozen by pfncheck (state I); names the
# first that is not.
cr_frozen() {
	for _p in "$@"; do
		_s=$(qr_state "$_p")
		[ "$_s" = I ] || { echo "process $_p: state '$_s', not I"; return 1; }
	done
}

# cr_dead PID...: every one gone, or a zombie.
cr_dead() {
	for _p in "$@"; do
		[ ! -e "/proc/$_p" ] || [ "$(qr_state "$_p")" = Z ] || return 1
	done
}

# cr_answer [SECONDS [DIR]]: the program in DIR ($CR_DIR), asked to check
# itself (DIR/verify), wrote DIR/result within SECONDS (60).
cr_answer() {
	_d=${2:-$CR_DIR}
	rm -f "$_d/result"
	touch "$_d/verify"
	qr_wait "${1:-60}" test -s "$_d/result"
}

# cr_records [FILE]: the records in a progress file ($CR_DIR/progress).
cr_records() {
	wc -l <"${1:-$CR_DIR/progress}" 2>/dev/null || echo 0
}

# cr_records_above N [FILE]: more than N records.
cr_records_above() {
	[ "$(cr_records "${2:-}")" -gt "$1" ]
}

# cr_counter_at DIR: a cr-counter of 16 MiB keeping its progress in DIR,
# its PID in DIR.pid, running once it has written two records.
cr_counter_at() {
	mkdir -p "$1"
	rm -f "$1/progress"
	cr-counter "$1" 16 </dev/null >/dev/null 2>&1 &
	echo $! >"$1.pid"
	qr_wait 60 sh -c "[ \$(wc -l <$1/progress 2>/dev/null || echo 0) -ge 2 ]"
}

# cr_grows FILE [SECONDS]: the progress file gains a record within
# SECONDS (20).
cr_grows() {
	qr_wait "${2:-20}" cr_records_above "$(cr_records "$1")" "$1"
}

# cr_dir_state DIR: a checkpoint directory's files and the sums of image
# and pages (a killed checkpoint's temporary files aside: the next one
# removes them).
cr_dir_state() {
	(cd "$1" && ls && md5sum image pages)
}

# cr_consecutive FILE: records are "%020llu\n", the i-th holds i, none
# missing or repeated (zeros stripped: busybox awk reads a leading 0 as
# octal).
cr_consecutive() {
	awk '{ x = $1; sub(/^0+/, "", x); if (x != NR) { print "record " NR " holds " $1; exit 1 } }' "$1"
}

# cr_counter_start MIB RECORDS SECONDS: a cr-counter of MIB MiB in
# $CR_DIR, which wrote RECORDS records within SECONDS.
cr_counter_start() {
	cr-counter "$CR_DIR" "$1" </dev/null >/dev/null 2>&1 &
	CR_PIDS=$!
	t_run counter-started qr_wait "$3" cr_records_above $(($2 - 1))
}

# cr_counter_mark: the records at the checkpoint (cr_post_checkpoint).
cr_counter_mark() {
	cr_records >"$CR_DIR/at-checkpoint"
}

# cr_counter_verify [COMM [SECONDS]]: the cr-counter $P (command name
# COMM, cr-counter by default) came back and goes on: the same PID, more
# records than at the checkpoint, and asked to check itself (within
# SECONDS, 60) its data checksum equal, its FPU values kept, its counter
# past the checkpoint's; every record in its progress file once.
cr_counter_verify() {
	_at=$(cat "$CR_DIR/at-checkpoint")
	t_eq same-pid "${1:-cr-counter}" "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run counter-advances qr_wait 60 cr_records_above "$_at"
	t_run verify-written cr_answer "${2:-60}" || return
	t_eq pid-kept "$P" "$(qr_kv pid "$CR_DIR/result")"
	t_eq checksum-equal "$(qr_kv sum "$CR_DIR/info")" "$(qr_kv sum "$CR_DIR/result")"
	t_eq fpu-kept 0 "$(qr_kv fpu_bad "$CR_DIR/result")"
	t_run counter-continues test "$(qr_kv counter "$CR_DIR/result")" -gt "$_at"
	t_run progress-no-gap cr_consecutive "$CR_DIR/progress"
	t_info counter "$(qr_kv counter "$CR_DIR/result") (checkpointed at $_at)"
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
	qr_shelter_fresh || return
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
