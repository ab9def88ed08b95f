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
# what it writes now reaches the file, O_APPEND is kept, and a file it
# dup'ed and shares with a child (forked before the chroot) is one open
# file description again in both (kcmp, and one offset).
QR_HOPS=2
QR_PAIRS=back
D=$CR_DIR

cr_start() {
	(cd / && exec cr-files "$D" </dev/null >/dev/null 2>&1) &
	CR_PIDS=$!
	t_run started qr_wait 60 sh -c "test -s $D/info && [ \$(wc -l <$D/output.txt) -ge 5 ]"
	t_eq in-chroot "$D" "$(readlink "/proc/$CR_PIDS/root")"
}

cr_post_checkpoint() {
	cr_records "$D/output.txt" >"$D/at-checkpoint"
	md5sum <"$D/shared.bin" >"$D/shared.md5"
}

cr_pre_restore() {
	t_eq shared-file-on-disk "$(cat "$D/shared.md5")" "$(md5sum <"$D/shared.bin")"
}

cr_verify() {
	t_eq same-pid cr-files "$(cat "/proc/$P/comm" 2>/dev/null)"
	t_eq root-kept "$D" "$(readlink "/proc/$P/root")"
	t_eq cwd-kept "$D/sub" "$(readlink "/proc/$P/cwd")"
	t_run output-advances qr_wait 60 cr_records_above "$(cat "$D/at-checkpoint")" "$D/output.txt"
	t_run verify-written cr_answer
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
	t_eq open-file-shared-kept 1 "$(qr_kv ofd "$D/result")"
	t_run output-no-gap cr_consecutive "$D/output.txt"
	t_run journal-no-gap cr_consecutive "$D/journal.txt"
	t_info records "$(cr_records "$D/output.txt") (checkpointed at $(cat "$D/at-checkpoint"))"
}
