# Judges one finished run from its console (sourced by tests/vm/run).

# Kernel log lines that fail any run, wherever they appear.
KERNEL_BAD='\[ *[0-9]+\.[0-9]+\].*(BUG:|WARNING:|Oops|general protection|Bad page|rss-counter|hung task|blocked for more than)'

# Milliseconds between the first lines of timed.log matching $2 and $3.
ms_between() {
	awk -v a="$2" -v b="$3" '
		$0 ~ a && !ta { ta = $1 }
		$0 ~ b && ta && !tb { tb = $1 }
		END { if (ta && tb) printf "%d", (tb - ta) * 1000 }' "$1"
}

judge() {
	local name=$1 old=$2 new=$3 out=$4 hops=$5 expect=$6 timeout=$7
	local log=$out/console.log problems=() kbad h ms checks verdict
	local times=

	[ -z "$timeout" ] || problems+=("timeout: $timeout")
	for h in $(seq 0 "$hops"); do
		grep -q "QRT $h INIT" "$log" || { problems+=("hop $h never reached init"); break; }
	done
	grep -q "QRT $hops DONE" "$log" || problems+=("the last hop did not finish")
	while IFS= read -r h; do
		problems+=("check failed: $h")
	done < <(grep -o 'QRT [0-9]* FAIL .*' "$log" || true)
	kbad=$(grep -E "$KERNEL_BAD" "$log" | grep -v 'QRT ' || true)
	checks=$(grep -c 'QRT [0-9]* PASS ' "$log" || true)

	for h in $(seq 1 "$hops"); do
		ms=$(ms_between "$out/timed.log" "QRT $((h - 1)) KEXEC " "QRT $h INIT ")
		[ -n "$ms" ] || continue
		times+=" hop$h=${ms}ms (purgatory+decompress $(ms_between "$out/timed.log" \
			"QRT $((h - 1)) KEXEC " "Linux version")ms)"
	done

	if [ -n "$expect" ]; then
		# Self-test: the run must fail for the expected reason only.
		if [ ${#problems[@]} = 0 ] && grep -qE "$expect" <<<"$kbad"; then
			verdict=PASS
			echo "$name: failed as expected: kernel log matched '$expect'"
		else
			verdict=FAIL
			[ ${#problems[@]} != 0 ] || problems+=("kernel log did not match '$expect': the harness missed a failure")
		fi
	else
		[ -z "$kbad" ] || problems+=("kernel log: $(head -n 3 <<<"$kbad")")
		[ ${#problems[@]} = 0 ] && verdict=PASS || verdict=FAIL
	fi

	grep -o 'QRT [0-9]* INFO .*' "$log" | sed "s/^QRT /$name: hop /" || true
	echo "$verdict $name $old -> $new: $checks checks; kexec->init:${times:- none}; log $log"
	echo "$verdict" >"$out/result"
	if [ "$verdict" = FAIL ]; then
		printf '  %s\n' "${problems[@]}"
		echo "--- last console lines ($log) ---"
		tail -n 40 "$log"
		echo "---"
		return 1
	fi
}

# client_checks REPORT HOPS: the outside client's report (lib/tcp_client.py)
# as the last hop's check lines, for judge.
client_checks() {
	local report=$1 hops=$2 ok
	ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' "$report" 2>/dev/null)
	echo "QRT $hops INFO client $(cat "$report" 2>/dev/null || echo 'no report')"
	if [ "$ok" = 1 ]; then
		echo "QRT $hops PASS client-no-error-no-reconnect"
	else
		echo "QRT $hops FAIL client-no-error-no-reconnect: $(cat "$report" 2>/dev/null)"
	fi
}
