# Shared anonymous memory across kexec, in copy mode then in zero copy
# (which copies it: no zero copy of shared memory yet): cr-shm and its
# child share a MAP_SHARED | MAP_ANONYMOUS area and a shared mapping of
# /dev/zero. `check` accepts them and says how each area travels. After
# each restore both processes are back, each area holds its pattern, a
# word written by the parent comes back from the child through each area
# (one object again, not two copies), and /proc names them as shared
# anonymous memory.
# cr-ipc and its child share the named kinds and System V IPC (see
# tests/vm/progs/cr-ipc.c): a sealed memfd mapped and held as an fd, one
# mapped only, a /dev/shm file mapped (and one unlinked, held), a private
# mapping of it, a System V segment (owner, creator, SHM_LOCK) and one
# marked for removal, both attached by both, one attached by nobody, a
# semaphore set, a message queue, and a set whose values a third process
# holds SEM_UNDO adjustments on (the values move by them when it exits
# after each restore).
# After each restore every object is one again between the two (a word
# written by one comes back from the other), with its ids, metadata,
# values and messages in order. Before the first checkpoint, one that
# fails after the capture leaves all of it as it was.
# A System V object restore cannot make fails only the processes using
# it: two cr-sysv-lose processes are checkpointed on their own at hop 0,
# A using a semaphore set and a segment, B a segment of its own. In the
# New kernel the set's id is taken before their restore: A fails, named
# with the set, its segment is removed, B runs on with its segment.
# A process sharing its SEM_UNDO list with another (clone CLONE_SYSVSEM)
# is refused by checkpoint, named, and left running.
# Private memory shared copy-on-write since fork (tests/vm/progs/cr-cow.c):
# a parent fills 24 MiB and forks 3 children, which each write 1/8 of it,
# and the parent writes 1/16 after. After each restore every page of each
# process holds its own contents, the pages a child had not written are
# shared with the parent again (not copied: smaps' Shared_*), and a page a
# child writes then is not seen by the parent. What the four take (Pss,
# AnonPages) is reported before the first checkpoint and after each
# restore.
QR_LAYOUT=zc
QR_HOPS=2
CR_MODES="copy zero-copy"
D=$CR_DIR

I=$D/ipc
L=$D/lose
C=$D/cow
COW_MIB=24
IPC_KEYS="data memfd seals mapped posix posix_meta gone private shm shm_meta rmid loose sem msg undo"

# A booted system's POSIX shared memory directory.
dev_shm() {
	mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
}

# cow_pids: cr-cow and its three children.
cow_pids() {
	echo "$(qr_kv pid "$C/info") $(qr_kv children "$C/info" | tr , ' ')"
}

# cow_memory WHEN: what the four take, reported: their Pss summed
# (smaps_rollup) and the system's AnonPages, in KiB.
# shellcheck disable=SC2046 # cow_pids, a list, split on purpose
cow_memory() {
	_pss=0
	for _cp in $(cow_pids); do
		_pss=$((_pss + $(sed -n 's/^Pss: *\([0-9]*\) kB/\1/p' "/proc/$_cp/smaps_rollup")))
	done
	t_info "cow-pss-kib-$1" "$_pss"
	t_info "cow-anonpages-kib-$1" "$(sed -n 's/^AnonPages: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
}

cow_start() {
	mkdir -p "$C"
	(cd / && exec cr-cow "$C" "$COW_MIB" </dev/null >"$D/cow.err" 2>&1) &
	CR_PIDS="$CR_PIDS $!"
	t_run cow-started qr_wait 120 test -s "$C/info" || { t_info cow-err "$(cat "$D/cow.err")"; return 1; }
	cow_memory old
}

# After each restore: each process's pages its own, those the children
# had not written shared with the parent again (13/16 of the area, less
# their markers), a child's write not seen by the parent.
cow_verify() {
	for _cp in $(cow_pids); do
		t_eq "cow-$_cp-back" cr-cow "$(cat "/proc/$_cp/comm" 2>/dev/null)"
	done
	cow_memory "hop$1"
	t_run cow-verify-written cr_answer 120 "$C" || return
	t_info cow-result "$(cat "$C/result")"
	t_eq cow-data-kept 1 "$(qr_kv data "$C/result")"
	t_eq cow-children-data-kept 3 "$(qr_kv children "$C/result")"
	t_eq cow-write-after-restore-copied 1 "$(qr_kv cow "$C/result")"
	t_run cow-shared-again test "$(qr_kv min_shared "$C/result")" -ge \
		$((COW_MIB * 256 * 13 / 16 - 8))
}

# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_start() {
	dev_shm
	mkdir -p "$I"
	(cd / && exec cr-shm "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	(cd / && exec cr-ipc "$I" </dev/null >"$D/ipc.err" 2>&1) &
	CR_PIDS="$CR_PIDS $!"
	t_run started qr_wait 60 test -s "$D/info" || return
	t_run ipc-started qr_wait 60 test -s "$I/info" || { t_info ipc-err "$(cat "$D/ipc.err")"; return 1; }
	mkdir -p "$L/b"
	for _w in a b; do
		(cd / && exec cr-sysv-lose "$L" $_w </dev/null >/dev/null 2>&1) &
	done
	t_run lose-started qr_wait 60 sh -c "test -s $L/a.info && test -s $L/b.info" || return
	undo_shared_refused
	cow_start || return
	t_run check quickreboot check $CR_PIDS
	quickreboot check $CR_PIDS >/tmp/check.out 2>&1
	qr_show_output check /tmp/check.out
	t_run check-says-shared grep -q 'copied once for every process that shares it (shared anonymous' /tmp/check.out
	t_run check-says-named grep -q 'a memfd or /dev/shm file, made again with its name' /tmp/check.out
	t_run check-says-sysv grep -q 'System V segment copied once' /tmp/check.out
	t_run check-says-private grep -q 'private mapping of a memfd or /dev/shm file' /tmp/check.out
	t_run check-says-segments-carried grep -Eq '^System V shared memory segment [0-9]+ \(key 0x51520001, 16384 bytes\): carried' /tmp/check.out
	t_run check-says-sem-undo grep -Eq '^System V semaphore set [0-9]+ \(key 0x51520005\): carried with its values and the kept processes. SEM_UNDO adjustments' /tmp/check.out
	t_run check-says-queue-carried grep -Eq '^System V message queue [0-9]+ \(key 0x51520003\): carried with its 4 message' /tmp/check.out
}

# The cr-ipc result's keys all 1; $1 prefixes the check names.
ipc_kept() {
	t_run "${1}ipc-verify-written" cr_answer 60 "$I" || return
	t_info "${1}ipc-result" "$(cat "$I/result")"
	t_eq "${1}ipc-pid-kept" "$(qr_kv pid "$I/info")" "$(qr_kv pid "$I/result")"
	for _k in $IPC_KEYS; do
		t_eq "${1}ipc-$_k" 1 "$(qr_kv "$_k" "$I/result")"
	done
}

# shellcheck disable=SC2086 # $CR_PIDS, a list, split on purpose
cr_pre_checkpoint() {
	[ "$1" = 0 ] || return 0
	QUICKREBOOT_TEST_FAIL=capture quickreboot checkpoint --dir "$QR_SH/rb" \
		$CR_PIDS >/tmp/cp.out 2>&1
	t_eq rollback-fails-exit-1 1 "$?"
	for _p in $CR_PIDS; do
		t_run "rollback-$_p-not-frozen" qr_none_frozen "$_p"
	done
	ipc_kept rollback-
	t_info rollback-sysvipc "$(cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg | tr -s ' ' | tr '\n' ';')"
	t_run lose-checkpoint quickreboot checkpoint --mode copy --dir "$QR_SH/lose" \
		"$(qr_kv pid "$L/a.info")" "$(qr_kv pid "$L/b.info")"
}

# A shared undo list refused after the freeze, the processes thawed.
undo_shared_refused() {
	(cd / && exec cr-sysv-lose "$L" share </dev/null >/dev/null 2>&1) &
	_sp=$!
	t_run share-started qr_wait 30 test -s "$L/share.info" || return
	t_fails undo-shared-refused quickreboot checkpoint --dir "$QR_SH/share" "$_sp"
	cp /tmp/.qr_out /tmp/share.out
	qr_show_output share /tmp/share.out
	t_run undo-shared-named grep -Eq "process ($_sp|$(qr_kv child "$L/share.info")): its SEM_UNDO adjustments are shared with 1 task\(s\) of other processes \(clone CLONE_SYSVSEM\): not carried" /tmp/share.out
	t_run undo-shared-thawed qr_none_frozen "$_sp"
	kill "$_sp" "$(qr_kv child "$L/share.info")"
	rm -rf "$QR_SH/share"
}

# sysv_has KIND ID: /proc/sysvipc/KIND lists id ID.
sysv_has() {
	awk -v id="$2" '$2 == id { f = 1 } END { exit !f }' "/proc/sysvipc/$1"
}

# Hop 1: the lose image restored with A's set's id taken.
lose_restore() {
	_la=$(qr_kv pid "$L/a.info")
	_lb=$(qr_kv pid "$L/b.info")
	_ls=$(qr_kv sem "$L/a.info")
	_lm=$(qr_kv shm "$L/a.info")
	t_run lose-id-taken cr-sysv-lose "$L" take "$_ls"
	t_fails lose-restore-fails quickreboot restore --dir "$QR_SH/lose"
	cp /tmp/.qr_out /tmp/lose.out
	qr_show_output lose-restore /tmp/lose.out
	t_run lose-set-named grep -q "restore: System V semaphore set $_ls (key 0x51520006): the New kernel gave id [0-9]*: id $_ls is taken already" /tmp/lose.out
	t_run lose-a-named grep -q "restore: pid $_la (cr-sysv-lose): System V semaphore set $_ls (its last user) was not made: not restored" /tmp/lose.out
	t_run lose-a-gone qr_wait 10 cr_dead "$_la"
	t_run lose-a-segment-removed grep -q "restore: System V shared memory segment $_lm removed: every process using it failed" /tmp/lose.out
	t_fails lose-a-segment-not-listed sysv_has shm "$_lm"
	t_run lose-b-restored grep -q "restored $_lb (cr-sysv-lose)" /tmp/lose.out
	t_run lose-b-verify cr_answer 60 "$L/b"
	t_eq lose-b-segment-kept 1 "$(qr_kv shm "$L/b/result")"
	t_eq lose-b-pid-kept "$_lb" "$(qr_kv pid "$L/b/result")"
	kill "$_lb"
	rm -rf "$QR_SH/lose"
}

cr_pre_restore() {
	dev_shm
}

cr_verify() {
	t_eq same-pid cr-shm "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq child-back cr-shm "$(cat "/proc/$(qr_kv child "$D/info")/comm" 2>/dev/null)"
	t_run verify-written cr_answer
	t_info result "$(cat "$D/result")"
	t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
	t_eq data-kept 1 "$(qr_kv data "$D/result")"
	t_eq still-shared 1 "$(qr_kv shared "$D/result")"
	t_eq named-shared-anonymous 1 "$(qr_kv named "$D/result")"
	t_eq ipc-child-back cr-ipc "$(cat "/proc/$(qr_kv child "$I/info")/comm" 2>/dev/null)"
	ipc_kept
	t_info sysvipc "$(cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg | tr -s ' ' | tr '\n' ';')"
	cow_verify "$1"
	[ "$1" != 1 ] || lose_restore
}
