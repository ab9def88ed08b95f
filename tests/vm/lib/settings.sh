# Scenario settings defined once (sourced by tests/vm/run).

# The guests' memory layouts by name: a scenario says QR_LAYOUT=NAME, and
# the layout's words go on the command line of its Old kernel and of every
# New one, before the scenario's own QR_APPEND. Each hides RAM from the
# kernel at cold boot (memmap=SIZE$ADDR) for a shelter (quickreboot.shelter=,
# the quickreboot command's) or for the shelter module's region= parameter,
# and for the zero copy boot area.
# shellcheck disable=SC2016 # the $ of memmap= is the kernel's, not the shell's
layout_append() {
	case $1 in
	'') ;;
	# 64 MiB at 768 MiB, for `modprobe shelter region=64M@0x30000000`.
	reserve64) echo 'memmap=64M$0x30000000' ;;
	# The quickreboot command's shelter at 768 MiB: 64, 128 or 384 MiB.
	shelter64) echo 'memmap=64M$0x30000000 quickreboot.shelter=64M@0x30000000' ;;
	shelter128) echo 'memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000' ;;
	shelter384) echo 'memmap=384M$0x30000000 quickreboot.shelter=384M@0x30000000' ;;
	# Zero copy: the boot area [256 MiB, 640 MiB), where the New kernel
	# runs (quickreboot setup's size for 4 GiB), and the shelter
	# [768 MiB, 896 MiB), which the kept pages stay out of.
	zc) echo 'memmap=384M$0x10000000 memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000' ;;
	# A boot area of 1 GiB [256 MiB, 1280 MiB), the shelter above it
	# [1280 MiB, 1408 MiB): no piece of the RAM hidden from the New
	# kernel is as large as its boot area.
	zc1024) echo 'memmap=1024M$0x10000000 memmap=128M$0x50000000 quickreboot.shelter=128M@0x50000000' ;;
	*) return 1 ;;
	esac
}

# The settings a family's scenarios share, before a scenario's own: the
# checkpoint/restore (cr-*) and zero copy (zc-*) ones keep processes whose
# files are on the disk, through a shelter, and a hop may take minutes
# under TCG.
family_settings() {
	case $1 in
	cr-*) QR_LAYOUT=shelter128 QR_DISK=64 QR_HOP_TIMEOUT=900 ;;
	zc-*) QR_LAYOUT=zc QR_DISK=64 QR_HOP_TIMEOUT=900 ;;
	esac
}
