# A process tree across kexec: cr-tree's root R leads its session and waits
# in waitpid() for the children in A's group, A and B; A leads that group
# and waits in waitpid() for its child G; B is in its sibling A's group;
# R's child Z exited with status 9 and is a zombie. `quickreboot check R`
# lists all five, `checkpoint R` takes them all, and after `restore` in
# the next kernel each has its PID, parent, group and session again (Z
# still a zombie); told to end, G exits 5 (A's waitpid sees it), A exits 3
# and B dies of SIGUSR1, R's waits return exactly those statuses, then
# Z's 9. What only a process reads of itself is carried: R is still a
# child subreaper registered for private expedited membarrier, B's
# parent-death signal is SIGHUP again; R's own (SIGTERM) is not set again,
# its parent not kept, and restore says so.
D=$CR_DIR

# "ppid pgid sid" of a process (stat fields 4-6, after the comm's ')').
ids() {
	sed 's/.*) . //' "/proc/$1/stat" | cut -d' ' -f1-3
}

cr_start() {
	(cd / && exec cr-tree "$D" </dev/null >/dev/null 2>&1) &
	t_run started qr_wait 60 test -s "$D/info" || return
	t_info tree "$(cat "$D/info")"
	t_eq z-zombie Z "$(qr_state "$(qr_kv z "$D/info")")"
	for n in r z a b g; do
		p=$(qr_kv $n "$D/info")
		echo "$n $p $(ids "$p")" >>"$D/before"
	done
	t_info before "$(cat "$D/before" | tr '\n' ';')"
	CR_PIDS=$(qr_kv r "$D/info")
	quickreboot check "$CR_PIDS" >"$D/check" 2>&1
	t_info check "$(cat "$D/check" | tr '\n' ';')"
	t_eq check-lists-five 5 "$(grep -c 'can be kept' "$D/check")"
	t_eq check-names-zombie 1 "$(grep -c "^$(qr_kv z "$D/info") (child of $(qr_kv r "$D/info")): can be kept as it is: exited (status 9)" "$D/check")"
	t_eq check-names-grandchild 1 "$(grep -c "^$(qr_kv g "$D/info") (child of $(qr_kv a "$D/info")): can be kept" "$D/check")"
}

cr_post_checkpoint() {
	for n in r a b g; do
		t_eq "frozen-$n" I "$(qr_state "$(qr_kv $n "$D/info")")"
	done
}

cr_verify() {
	while read -r n p ppid pgid sid; do
		t_eq "$n-there" cr-tree "$(cat "/proc/$p/comm" 2>/dev/null)"
		now=$(ids "$p")
		if [ "$n" = r ]; then
			# Its parent was not checkpointed: now init's child.
			t_eq r-group-session "$pgid $sid" "${now#* }"
			t_info r-parent "before $ppid, now ${now%% *}"
		else
			t_eq "$n-parent-group-session" "$ppid $pgid $sid" "$now"
		fi
	done <"$D/before"
	t_eq z-still-zombie Z "$(qr_state "$(qr_kv z "$D/info")")"
	t_eq b-in-a-group "$(qr_kv a "$D/info")" "$(ids "$(qr_kv b "$D/info")" | cut -d' ' -f2)"
	touch "$D/exit"
	t_run reaped qr_wait 60 test -e "$D/done"
	t_info reaped "$(cat "$D/reaped" | tr '\n' ';')"
	t_eq a-waitpid-g g=exit:5 "$(cat "$D/a")"
	t_eq r-wait-a "$(qr_kv a "$D/info") exit:3" "$(grep "^$(qr_kv a "$D/info") " "$D/reaped")"
	t_eq r-wait-b "$(qr_kv b "$D/info") sig:10" "$(grep "^$(qr_kv b "$D/info") " "$D/reaped")"
	t_eq r-reaped-z-last "$(qr_kv z "$D/info") exit:9" "$(tail -n 1 "$D/reaped")"
	t_eq r-reaped-three 3 "$(wc -l <"$D/reaped")"
	t_eq r-subreaper-membarrier "subreaper=1 pdeath=0 membarrier=ok" "$(cat "$D/r")"
	t_eq b-pdeath-sighup pdeath=1 "$(cat "$D/b")"
	_r=$(qr_kv r "$D/info")
	t_run r-pdeath-said grep -q "restore: pid $_r: thread $_r: parent-death signal 15 not set again: its parent [0-9]* was not kept" /tmp/restore.out
}
