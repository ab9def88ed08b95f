# The demo: load quickreboot's modules in the Old kernel, kexec into the
# New kernel, load them again there.
QR_APPEND='memmap=64M$0x30000000'

show_modules() {
	for m in shelter pfncheck restore; do
		case $m in
		shelter) args='region=64M@0x30000000' ;;
		*) args= ;;
		esac
		t_run "modprobe-$m" modprobe "$m" $args
	done
	t_info modules "$(lsmod | awk '/^(shelter|pfncheck|restore) /{printf "%s ", $1}')"
}

old() {
	t_info kernel "$(uname -r)"
	show_modules
}

new() {
	t_info kernel "$(uname -r)"
	t_info boot-to-init "$(cut -d' ' -f1 /proc/uptime)s"
	show_modules
}
