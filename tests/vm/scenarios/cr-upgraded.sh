# A running program's binary is upgraded before the quick reboot, as dpkg
# does it: the new file is renamed over the old one, whose code and data
# mappings now name a deleted file. `check` says they are carried whole;
# after restore the process runs its old code from its own memory (the
# path now holds another program, busybox, which would crash it), its data
# and counter go on, and its exe is the file now at that path.
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/upg

verify() {
	rm -f "$D/result"
	touch "$D/verify"
	qr_wait 60 test -s "$D/result"
}

old() {
	t_run shelter-load quickreboot shelter load --format || return
	t_run shelter-mkfs quickreboot shelter mkfs || return
	t_run shelter-mount quickreboot shelter mount || return
	mkdir -p "$D"
	cp "$(command -v cr-counter)" "$D/app"
	qr_pids_above 1000
	"$D/app" "$D" 16 </dev/null >/dev/null 2>&1 &
	P=$!
	echo "$P" >"$D/pid"
	t_run counter-started qr_wait 120 sh -c \
		"[ \$(wc -l <$D/progress 2>/dev/null || echo 0) -ge 5 ]" || return
	cp /bin/busybox "$D/app.new"
	mv "$D/app.new" "$D/app"
	t_run code-maps-a-deleted-file grep -q "$D/app (deleted)" "/proc/$P/maps"
	quickreboot check "$P" >/tmp/check.out 2>&1
	t_eq check-keeps-it 0 "$?"
	qr_show_output check /tmp/check.out
	t_run check-says-carried-whole grep -q "$D/app (deleted): copied whole" /tmp/check.out
	t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$P" || return
	wc -l <"$D/progress" >"$D/at-checkpoint"
	t_run shelter-umount quickreboot shelter umount
	sync
	t_run disk-detach umount -l /mnt/disk
	t_run new-cmdline sh -c "quickreboot cmdline --append qr.hop=1 >/tmp/cmdline"
	QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
}

new() {
	P=$(cat "$D/pid")
	t_run shelter-load quickreboot shelter load || return
	t_run shelter-mount quickreboot shelter mount || return
	t_run restore quickreboot restore --dir "$SH/cp" || return
	t_eq same-pid app "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_run old-code-runs qr_wait 60 sh -c "[ \$(wc -l <$D/progress) -gt $(cat "$D/at-checkpoint") ]"
	t_run verify-written verify || return
	t_eq checksum-equal "$(qr_kv sum "$D/info")" "$(qr_kv sum "$D/result")"
	t_eq fpu-kept 0 "$(qr_kv fpu_bad "$D/result")"
	t_run counter-continues test "$(qr_kv counter "$D/result")" -gt "$(cat "$D/at-checkpoint")"
	t_run code-not-from-the-new-file sh -c "! grep -q ' $D/app' /proc/$P/maps"
	t_eq exe-is-the-new-file "$D/app" "$(readlink "/proc/$P/exe")"
	kill -9 "$P"
	qr_wait 30 sh -c "! test -e /proc/$P"
	quickreboot shelter umount
}
