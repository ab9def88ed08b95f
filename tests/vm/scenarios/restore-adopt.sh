# The restore module across kexec: the Old kernel writes a pattern into
# frames of a hidden RAM range (memmap=...$...), the New kernel hands the
# range back with those frames held aside and adopts them as the anonymous
# pages of a process. Asserted: contents, the PFNs themselves (not one page
# copied), transparent huge pages kept huge (2 MiB of contiguous aligned
# frames at a 2 MiB-aligned address: AnonHugePages, kpageflags, and their
# fork, split and swap), MemTotal, write in place, fork copy-on-write, swap out and in
# (zram), migration by compaction, memory cgroup charge, free memory back
# after exit, every refusal (HANDBACK and ADOPT) changing nothing, RELEASE,
# pages that ram[] does not call RAM kept out, and copy mode (force_copy=1)
# giving the same contents on other PFNs. No move_pages(): the guest has one
# NUMA node.
# A 4 MiB hidden range inside a block that is System RAM otherwise.
QR_APPEND='memmap=384M$0x40000000 memmap=4M$0x60000000'
QR_PAIRS=directions
# Zero copy: 2112 frames, 15 pages apart, in the first 128 MiB block, and
# 1124 contiguous ones from a 2 MiB-aligned frame in the second (two THPs
# and 100 pages more); the third block is kept hidden for the copy-mode run.
SEED=0x5eed
FIRST=0x40000
STRIDE=15
N=2048
NREL=64
HFIRST=0x48000
HN=1124
NTHP=2
KEEP_START=0x50000000
KEEP_END=0x58000000
# Copy mode: 272 frames, 7 pages apart, in the third block.
CSEED=0xc0de
CFIRST=0x50000
CSTRIDE=7
CN=256
CNREL=16

status() {
	cat "/sys/module/restore/status/$1"
}

# rt NAME CMD...: runs CMD (restore-test); each "ok X" / "FAIL X: why" line
# it prints is a check NAME-X, each "info K=V" an info line.
rt() {
	_n=$1
	shift
	"$@" >/tmp/rt.out 2>&1
	_rc=$?
	while IFS= read -r _l; do
		case $_l in
		"ok "*) t_pass "$_n-${_l#ok }" ;;
		"FAIL "*) _l=${_l#FAIL }; t_fail "$_n-${_l%%:*}" "${_l#*: }" ;;
		"info "*) for _kv in ${_l#info }; do t_info "$_n-${_kv%%=*}" "${_kv#*=}"; done ;;
		*) qrt OUT "$_n: $_l" ;;
		esac
	done </tmp/rt.out
	[ "$_rc" = 0 ] || t_fail "$_n" "$* exited $_rc"
}

# logged NAME TEXT: the kernel log has "restore: ...TEXT"
logged() {
	if dmesg | grep 'restore: ' | grep -qF -- "$2"; then
		t_pass "$1"
	else
		t_fail "$1" "no 'restore: ...$2' in the kernel log"
	fi
}

# AnonHugePages in /proc/meminfo, kB.
thp_kb() {
	sed -n 's/^AnonHugePages: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

# Free memory is at least $want kB above $free0.
memfree_gained() {
	[ $(($(memfree) - free0)) -ge "$want" ]
}

old() {
	rt fill restore-test fill $SEED $FIRST $STRIDE $((N + NREL))
	rt fill-huge restore-test fill $SEED $HFIRST 1 $HN
}

refusals() {
	rt bad-boot-area restore-test handback-bad boot-area 0x10000
	logged bad-boot-area-logged "frame 0x10000 in memory this kernel runs in"
	# In the block of the 4 MiB hole, past the hole: System RAM. (A frame
	# in the hole itself is held: zc-first-block.)
	rt bad-boot-block restore-test handback-bad boot-area 0x60400
	logged bad-boot-block-logged "frame 0x60400 in memory this kernel runs in"
	rt bad-not-ram restore-test handback-bad not-ram 0x7fff0
	logged bad-not-ram-logged "frame 0x7fff0 not RAM in the firmware map"
	rt bad-twice restore-test handback-bad twice $FIRST
	logged bad-twice-logged "not ascending (listed twice?)"
	rt bad-count restore-test handback-bad count $FIRST
	logged bad-count-logged "1099511627776 frames, more than ram[] holds"
	rt bad-kept restore-test handback-bad kept 0x50000 $KEEP_START $KEEP_END
	logged bad-kept-logged "frame 0x50000 in a range kept for the next boot"
	rt bad-ranges restore-test handback-bad ranges $FIRST
	logged bad-ranges-logged "ram[] or keep[] malformed"
	rt bad-flags restore-test handback-bad flags $FIRST
	# The shelter claims its region: busy, and so is the rest of its block.
	t_run shelter-load modprobe shelter region=64M@0x50000000 format=1 || return
	rt bad-busy restore-test handback-bad busy 0x50010
	logged bad-busy-logged "frame 0x50010 in a busy resource"
	rt bad-busy-block restore-test handback-bad busy 0x54000
	t_run shelter-unload rmmod shelter
}

setup_swap_and_cgroup() {
	t_run zram modprobe zram || return 1
	echo 64M >/sys/block/zram0/disksize
	t_run mkswap mkswap /dev/zram0 || return 1
	t_run swapon swapon /dev/zram0 || return 1
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p /sys/fs/cgroup/rt
}

# in_cgroup CMD...: runs CMD inside the child memory cgroup.
in_cgroup() {
	sh -c 'echo $$ >/sys/fs/cgroup/rt/cgroup.procs && exec "$@"' sh "$@"
}

new() {
	dmesg -c >/dev/null
	t_run load modprobe restore || return
	# Where the kernel enforces IBT (the "ibt" CPU flag), zero copy is off.
	if grep -qw ibt /proc/cpuinfo; then
		expect=copy
		t_eq copy-reason-ibt "IBT enforced: zero copy not verified under IBT" \
			"$(status copy_reason)"
	else
		expect=zero-copy
	fi
	t_info ibt-enforced "$(grep -qw ibt /proc/cpuinfo && echo yes || echo no)"
	t_eq mode $expect "$(status mode)"
	t_eq node-mode "600 0 0" "$(stat -c '%a %u %g' /dev/qr-restore)"
	refusals
	setup_swap_and_cgroup || return

	free0=$(memfree)
	thp0=$(thp_kb)
	rt zc in_cgroup restore-test run $expect $SEED $FIRST $STRIDE $N $NREL \
		$KEEP_START $KEEP_END 0 0 $HFIRST $HN
	added_kb=262144
	t_eq added-kb $added_kb "$(($(status added_bytes) / 1024))"
	# Time inside ADOPT (all calls), per page placed.
	t_info zc-kernel-ns-per-page \
		"$((($(status adopt_ns) + $(status copy_ns)) / (N + HN)))"
	if [ $expect = zero-copy ]; then
		t_eq adopted $((N + HN)) "$(status adopted)"
		t_eq adopted-huge $NTHP "$(status adopted_huge)"
	else
		t_eq copied $((N + HN)) "$(status copied)"
	fi
	t_eq released $NREL "$(status released)"
	t_eq held 0 "$(status held)"
	grep -q 'System RAM (quickreboot)' /proc/iomem && t_pass iomem ||
		t_fail iomem "no 'System RAM (quickreboot)' in /proc/iomem"
	# After exit the adopted pages are free. Charged pages left behind would
	# stay in the cgroup (its only process is gone), within 2 MiB.
	cg=$(cat /sys/fs/cgroup/rt/memory.current)
	t_info zc-memcg-after-exit "$cg"
	[ "$cg" -lt 2097152 ] && t_pass memcg-empty-after-exit ||
		t_fail memcg-empty-after-exit "memory.current $cg after exit"
	# Free memory grew by what was added, less its struct pages (64 bytes
	# per 4 KiB) and 4 MiB; waits up to 10 s for deferred frees.
	want=$((added_kb - added_kb / 64 - 4096))
	qr_wait 10 memfree_gained
	free1=$(memfree)
	t_info zc-memfree-gain-kb "$((free1 - free0))"
	[ $((free1 - free0)) -ge $want ] && t_pass memfree-back ||
		t_fail memfree-back "MemFree $free0 -> $free1 kB, want a gain of $want kB or more"
	# The THPs' NR_ANON_THPS went with them.
	t_eq anon-thp-back "$thp0" "$(thp_kb)"
	t_run unload rmmod restore

	# Copy mode, forced: same contents, other PFNs.
	rt fill-copy restore-test fill $CSEED $CFIRST $CSTRIDE $((CN + CNREL))
	dmesg -c >/dev/null
	t_run load-copy modprobe restore force_copy=1 || return
	t_eq copy-mode copy "$(status mode)"
	t_eq copy-reason force_copy=1 "$(status copy_reason)"
	logged copy-logged "mode: copy (force_copy=1)"
	# ram[] without the block's last MiB: those pages stay out of MemTotal.
	rt copy in_cgroup restore-test run copy $CSEED $CFIRST $CSTRIDE $CN $CNREL \
		0 0 0x57f00000 0x58000000 0 0
	t_info copy-kernel-ns-per-page "$(($(status copy_ns) / CN))"
	t_eq copy-added-kb 131072 "$(($(status added_bytes) / 1024))"
	t_eq copied $CN "$(status copied)"
	t_eq copy-adopted 0 "$(status adopted)"
	# It added a block with pages that are not RAM: those would go to the
	# page allocator at the block's next offline/online cycle without its
	# online callback, so it stays (issue 14).
	t_fails unload-copy-refused rmmod restore
	logged unload-refused-logged "cannot be unloaded while it has added memory with pages that are not RAM"
	t_run iomem-after-refused-unload grep -q 'System RAM (quickreboot)' /proc/iomem
	swapoff /dev/zram0
}
