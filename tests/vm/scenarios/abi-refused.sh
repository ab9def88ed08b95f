# The command refuses a module of another ABI version, saying which side to
# upgrade, and exits 4: modules built with "make QR_ABI_BUMP=1" (their ABI
# version plus 1, in /lib/qr/abi-bump/KREL/) stand for modules newer than
# the command. In the Old kernel, a zero-copy checkpoint with such a
# pfncheck loaded is refused before anything is frozen, then succeeds once
# the right pfncheck replaces it; in the New kernel, the restore with such
# a restore module loaded is refused before the hand-back (the image is
# left as it was), then succeeds with the right one: same process, same
# data. The version comparison in both directions is unit-tested
# (tests/unit/test_module_abi.c).
QR_PAIRS=one
QR_ABI_BUMPED=1
# Boot area [256 MiB, 640 MiB), shelter [768 MiB, 896 MiB), as zc-basic.
QR_LAYOUT=zc
QR_DISK=64
QR_HOP_TIMEOUT=900

MIB=16
QR_EXIT_ABI=4

# load_bumped MODULE: the module of the bumped build, in place of ours.
load_bumped() {
	rmmod "$1" 2>/dev/null
	t_run "$1-bumped-load" insmod "/lib/qr/abi-bump/$QR_KREL/$1.ko" || return
	BUMPED=$(cat "/sys/module/$1/parameters/abi_version")
	t_info "$1-bumped-abi-version" "$BUMPED"
	t_run "$1-abi-version-read-only" sh -c \
		"! echo 1 >/sys/module/$1/parameters/abi_version"
}

# refused NAME CMD...: CMD exits QR_EXIT_ABI, says to upgrade the
# quickreboot package (the command is the older side), and not to rebuild
# the modules.
refused() {
	_n=$1
	shift
	"$@" >"/tmp/$_n.out" 2>&1
	_rc=$?
	qr_show_output "$_n" "/tmp/$_n.out"
	t_eq "$_n-exit-code" $QR_EXIT_ABI $_rc
	t_run "$_n-names-package" grep -q \
		'the command is older than the module: upgrade the quickreboot package' \
		"/tmp/$_n.out"
	t_run "$_n-names-version" grep -q "ABI version $BUMPED, this command $((BUMPED - 1))" \
		"/tmp/$_n.out"
	t_fails "$_n-not-dkms" grep -q quickreboot-dkms "/tmp/$_n.out"
}

old() {
	load_bumped pfncheck || return
	zc_start "$MIB" || return
	P=$(cat "$ZC_DIR/pid")
	refused checkpoint-refused quickreboot checkpoint --mode zero-copy \
		--keep-first-block --dir "$QR_SH/cp" "$P"
	t_eq nothing-frozen 0 "$(cat /sys/module/pfncheck/parameters/frozen)"
	t_run process-runs test -e "/proc/$P"
	t_run pfncheck-bumped-unload rmmod pfncheck || return
	# The command loads the right pfncheck itself.
	zc_checkpoint || return
	t_eq pfncheck-abi-version $((BUMPED - 1)) \
		"$(cat /sys/module/pfncheck/parameters/abi_version)"
}

new() {
	load_bumped restore || return
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	refused restore-refused quickreboot restore --dir "$QR_SH/cp"
	t_eq nothing-held 0 "$(cat /sys/module/restore/status/held)"
	t_run image-left test -s "$QR_SH/cp/image"
	t_run restore-bumped-unload rmmod restore || return
	# The command loads the right restore module itself.
	t_run restore quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/restore.out
	qr_show_output restore /tmp/restore.out
	t_eq restore-abi-version $((BUMPED - 1)) \
		"$(cat /sys/module/restore/parameters/abi_version)"
	t_run zero-copy-adopted grep -q 'adopt [0-9]* ms, zero copy' /tmp/restore.out
	zc_verify
}
