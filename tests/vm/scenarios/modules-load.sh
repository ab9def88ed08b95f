# The three modules load and unload in the Old kernel and again in the New
# one, with a clean kernel log.
QR_LAYOUT=reserve64
QR_PAIRS=directions

load_unload() {
	for m in shelter pfncheck restore; do
		case $m in
		shelter) args='region=64M@0x30000000' ;;
		*) args= ;;
		esac
		t_run "load-$m" modprobe "$m" $args
		t_run "loaded-$m" test -d "/sys/module/$m"
		t_run "vermagic-$m" sh -c \
			"modinfo -F vermagic $m | grep -q '^$QR_KREL '"
		t_run "unload-$m" rmmod "$m"
		t_fails "unloaded-$m" test -d "/sys/module/$m"
	done
}

old() {
	load_unload
}

new() {
	load_unload
}
