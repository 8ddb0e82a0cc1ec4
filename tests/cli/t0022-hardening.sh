#!/usr/bin/env bash
# Hardening (issue 18): file descriptors, crashes and quadratic parsers on
# hostile input, symlinks out of the repository, secrets kept out of what
# is stored and printed, the circuit breaker, attempts counted as sent.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm scaffold

cases() { # cases N FILE: N echo cases
	python3 - "$1" "$2" <<'PY'
import json, sys
json.dump([{"id": "c%03d" % i, "input": "REPLY: answer %d" % i, "expected": "answer %d" % i}
           for i in range(int(sys.argv[1]))], open(sys.argv[2], "w"))
PY
}

# ------------------------------------------- 1. the runner never closes fd 0
cases 40 forty.json
start_server --latency-ms 2
if command -v strace >/dev/null; then
	# stdin is a pipe kept open by the writer until the run is over
	strace -f -qq -e trace=close -o trace.txt "$LLMOPS" eval --dataset forty.json \
		--provider openai:gpt-4o-mini --base-url "$BASE" --concurrency 4 --no-cache \
		< <(cat forty.json; sleep 0) >/dev/null 2>&1
	rc=$?
	expect_rc 0 "an eval with stdin on a pipe"
	check "fd 0 is never closed" sh -c '! grep -q "close(0)" trace.txt'
	check "a close was traced at all" grep -q "close(" trace.txt
else
	echo "# strace not installed: fd 0 checked by the server counts only"
fi
check "one successful answer per case" test "$(server_stat answered)" = 40
check "and no more requests than that" test "$(server_stat api_requests)" = 40

done_testing
