# Files on the guest's persistent disk across kexec, there and back (Old ->
# New -> Old), from a chroot: cr-files, chrooted into its directory on the
# disk and working in /sub, reads input.txt and writes output.txt and an
# O_APPEND journal record by record, holds a MAP_PRIVATE mapping of
# data.bin with three pages of its own and a MAP_SHARED mapping of
# shared.bin it has written, and a directory fd. After restore: its root
# and working directory are the same, reading and writing go on from the
# same offsets (every record once, in order, none lost), its own private
# pages keep its values and the others show the file (and follow it: a
# change written to the file shows there), what it wrote
# through the shared mapping is in the file (synced before the kexec) and
# what it writes now reaches the file, O_APPEND is kept.
QR_MEM=2048
QR_APPEND='memmap=128M$0x30000000 quickreboot.shelter=128M@0x30000000'
QR_HOPS=2
QR_DISK=64
QR_HOP_TIMEOUT=900

SH=/run/quickreboot/shelter
D=/mnt/disk/files

# Records are "%020llu\n": the i-th holds i, none missing or repeated
# (zeros stripped: busybox awk reads a leading 0 as octal).
consecutive() {
	awk '{ x = $1; sub(/^0+/, "", x); if (x != NR) { print "record " NR " holds " $1; exit 1 } }' "$1"
}

verify() {
	rm -f "$D/result"
	touch "$D/verify"
	qr_wait 60 test -s "$D/result"
}

hop() {
	modprobe -a crc32c_generic ext4
	if [ "$1" = 0 ]; then
		t_run shelter-load quickreboot shelter load --format
		t_run shelter-mkfs quickreboot shelter mkfs
		t_run shelter-mount quickreboot shelter mount
		mkdir -p "$D"
		qr_pids_above 1000
		(cd / && exec cr-files "$D" </dev/null >/dev/null 2>&1) &
		P=$!
		echo "$P" >"$D/pid"
		t_run started qr_wait 60 sh -c "test -s $D/info && [ \$(wc -l <$D/output.txt) -ge 5 ]"
		t_eq in-chroot "$D" "$(readlink "/proc/$P/root")"
	else
		P=$(cat "$D/pid")
		t_eq shared-file-on-disk "$(cat "$D/shared.md5")" "$(md5sum <"$D/shared.bin")"
		t_run shelter-load quickreboot shelter load
		t_run shelter-mount quickreboot shelter mount
		t_run restore quickreboot restore --dir "$SH/cp"
		t_eq same-pid cr-files "$(cat "/proc/$P/comm" 2>/dev/null)"
		t_eq root-kept "$D" "$(readlink "/proc/$P/root")"
		t_eq cwd-kept "$D/sub" "$(readlink "/proc/$P/cwd")"
		t_run output-advances qr_wait 60 sh -c "[ \$(wc -l <$D/output.txt) -gt $(cat "$D/at-checkpoint") ]"
		t_run verify-written verify
		t_info result "$(cat "$D/result")"
		t_eq pid-kept "$P" "$(qr_kv pid "$D/result")"
		t_eq input-read-in-sequence 0 "$(qr_kv seq_bad "$D/result")"
		t_eq private-own-pages-kept 1 "$(qr_kv own "$D/result")"
		t_eq private-other-pages-show-file 1 "$(qr_kv file "$D/result")"
		t_eq private-writes-not-in-file 1 "$(qr_kv data "$D/result")"
		t_eq private-other-pages-follow-file 1 "$(qr_kv follows "$D/result")"
		t_eq shared-mapping-kept "$1" "$(qr_kv shared "$D/result")"
		t_eq shared-writes-reach-file 1 "$(qr_kv shared_file "$D/result")"
		t_eq append-kept 1 "$(qr_kv append "$D/result")"
		t_eq dir-fd-kept 1 "$(qr_kv dirfd "$D/result")"
		t_eq root-seen-inside 1 "$(qr_kv root "$D/result")"
		t_eq cwd-seen-inside 1 "$(qr_kv cwd "$D/result")"
		t_run output-no-gap consecutive "$D/output.txt"
		t_run journal-no-gap consecutive "$D/journal.txt"
		t_info records "$(wc -l <"$D/output.txt") (checkpointed at $(cat "$D/at-checkpoint"))"
	fi
	if [ "$1" -lt "$QR_HOPS" ]; then
		t_run checkpoint quickreboot checkpoint --dir "$SH/cp" "$P"
		wc -l <"$D/output.txt" >"$D/at-checkpoint"
		md5sum <"$D/shared.bin" >"$D/shared.md5"
		t_run shelter-umount quickreboot shelter umount
		sync
		t_run disk-detach umount -l /mnt/disk
		t_run new-cmdline sh -c \
			"quickreboot cmdline --append qr.hop=$(($1 + 1)) >/tmp/cmdline"
		QR_NEXT_CMDLINE=$(cat /tmp/cmdline)
	else
		kill -9 "$P"
		t_run shelter-umount quickreboot shelter umount
	fi
	sync
}
