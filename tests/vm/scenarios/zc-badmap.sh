# A damaged PFN map is refused before anything is touched: a frame in the
# boot area the New kernel runs in, outside RAM, inside the shelter, listed
# twice, or a run of an absurd length (checksums kept right, so that only
# the checks on frames can catch it; "twice": a run of copied pages made
# frames that another run has). Each time restore fails naming the
# frame, nothing is adopted, the image is left as it was; the intact
# image then restores the process with its data.

old() {
	zc_start 64 || return
	zc_checkpoint
}

# bad NAME MESSAGE ZC-IMAGE-ARGS...: the image damaged so is refused.
bad() {
	_name=$1
	_msg=$2
	shift 2
	cp /tmp/image.good "$I"
	t_run "damaged-$_name" zc-image "$I" "$@" || return
	cp "$I" /tmp/image.bad
	t_fails "refused-$_name" quickreboot restore --dir "$QR_SH/cp"
	cp /tmp/.qr_out /tmp/refusal.out
	qr_show_output "refusal-$_name" /tmp/refusal.out
	t_run "says-why-$_name" grep -q "$_msg" /tmp/refusal.out
	t_run "left-in-place-$_name" cmp -s "$I" /tmp/image.bad
	t_run "nothing-adopted-$_name" test ! -e "/proc/$P"
}

new() {
	P=$(cat "$ZC_DIR/pid")
	I=$QR_SH/cp/image
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	cp "$I" /tmp/image.good
	run0=$(zc-image "$I" show 0)
	t_info first-run "$run0"
	bad boot-area "is inside memory this kernel runs in" frame 0 0x10000
	bad outside-ram "is not RAM in the firmware map" frame 0 0x100000
	bad shelter "frame 0x3000" frame 0 0x30000
	bad absurd-count "is not inside" count 0 0x10000000000
	# A copied run made frames that run 0 has already.
	bad twice "is listed twice" copied 0 "$(echo "$run0" | sed 's/.*pfn=\([^ ]*\).*/\1/')"
	cp /tmp/image.good "$I"
	t_run restore-intact quickreboot restore --dir "$QR_SH/cp"
	zc_verify
	kill -9 "$P"
	quickreboot shelter umount
}
