# The downtime of a quick reboot from a run of tests/vm/demo-scenario.sh
# (sourced by tests/vm/demo and tests/bench/downtime): the host's clock
# between the guest's two markers, the phases from the guest's own clocks
# and the host's stamps of the console.

# downtime_phases OUT: "NAME MS" lines, one per phase, then "total MS".
downtime_phases() {
	local out=$1
	info() { sed -n "s/.*QRT [0-9]* INFO $1=\([0-9]*\).*/\1/p" "$out/console.log"; }
	stamp() { awk -v p="$1" 'index($0, p) { print $1; exit }' "$out/timed.log"; }
	ms() { [ -z "$1" ] || [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
	echo "checkpoint $(info checkpoint-ms)"
	echo "to-kexec $(ms "$(stamp 'INFO checkpoint-ms')" "$(stamp 'QRT 0 KEXEC')")"
	echo "reload $(info reload-ms)"
	echo "kexec-to-init $(ms "$(stamp 'QRT 0 KEXEC')" "$(stamp 'QRT 1 INIT')")"
	echo "shelter $(info shelter-ms)"
	echo "restore $(info restore-ms)"
	echo "handback $(info handback-ms)"
	echo "adopt $(info adopt-ms)"
	echo "total $(ms "$(stamp 'INFO downtime-start')" "$(stamp 'INFO downtime-end')")"
}

# What each phase is, for people.
downtime_label() {
	case $1 in
	checkpoint) echo "freeze + capture + write the image" ;;
	to-kexec) echo "unmount, sync, into kexec (host)" ;;
	reload) echo "of which: New kernel loaded again (first block)" ;;
	kexec-to-init) echo "kexec -e to the New kernel's init (host)" ;;
	shelter) echo "load and mount the shelter" ;;
	restore) echo "restore" ;;
	handback) echo "of which: hand RAM back (zero copy)" ;;
	adopt) echo "of which: adopt frames (zero copy)" ;;
	total) echo "total, checkpoint start to running (host)" ;;
	esac
}
