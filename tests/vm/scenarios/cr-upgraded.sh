# A running program's binary is upgraded before the quick reboot, as dpkg
# does it: the new file is renamed over the old one, whose code and data
# mappings now name a deleted file. `check` says they are carried whole;
# after restore the process runs its old code from its own memory (the
# path now holds another program, busybox, which would crash it), its data
# and counter go on, and its exe is the file now at that path.
QR_PAIRS=back
D=$CR_DIR

cr_start() {
	cp "$(command -v cr-counter)" "$D/app"
	"$D/app" "$D" 16 </dev/null >/dev/null 2>&1 &
	CR_PIDS=$!
	t_run counter-started qr_wait 120 cr_records_above 4 || return
	cp /bin/busybox "$D/app.new"
	mv "$D/app.new" "$D/app"
	t_run code-maps-a-deleted-file grep -q "$D/app (deleted)" "/proc/$CR_PIDS/maps"
	quickreboot check "$CR_PIDS" >/tmp/check.out 2>&1
	t_eq check-keeps-it 0 "$?"
	qr_show_output check /tmp/check.out
	t_run check-says-carried-whole grep -q "$D/app (deleted): copied whole" /tmp/check.out
}

cr_post_checkpoint() {
	cr_counter_mark
}

# Its counter advancing is its old code running.
cr_verify() {
	cr_counter_verify app || return
	t_run code-not-from-the-new-file sh -c "! grep -q ' $D/app' /proc/$P/maps"
	t_eq exe-is-the-new-file "$D/app" "$(readlink "/proc/$P/exe")"
}
