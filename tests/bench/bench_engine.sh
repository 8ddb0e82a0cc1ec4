#!/usr/bin/env bash
# The engine against the least a client can do (issue 32, item 5): N chat
# completions requests through `llmops eval` (rendering, sending with retries and
# rate limits, scoring, the ledger) and through bench_client (a bare libcurl multi
# loop), both against bench_server (C, epoll: the test server never caps the
# figures), at concurrency 32, 128 and 512 and 0 ms and 50 ms of latency.
# Prints, same run: wall time of each, the ratio, and CPU time per request (medians
# of REPS runs of each side, default 3, alternating).
#   tests/bench/bench_engine.sh BUILD_DIR [--smoke]
set -eu
build=$(cd "${1:?usage: bench_engine.sh BUILD_DIR [--smoke]}" && pwd)
smoke=${2:-}
llmops="$build/cmd/llmops"
bench="$build/tests/bench"
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
if [ "$smoke" = --smoke ]; then concs="32"; lats="0"; n0=200; n50=64; reps=1; else
	concs="32 128 512"; lats="0 50"; n0=20000; n50=4000; reps=${REPS:-3}; fi

# a project whose cases are sent as they are ("input" as the message), no cache
cd "$tmp"
git init -q proj && cd proj
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
git commit -q --allow-empty -m init
export OPENAI_API_KEY=sk-bench-not-a-real-key-0000
cases() { python3 -c 'import json,sys
with open(sys.argv[2], "w") as f:
    for i in range(int(sys.argv[1])): f.write(json.dumps({"id": "c%d" % i, "input": "say ok %d" % i, "expected": "ok"}) + "\n")' "$1" "$2"; }
cases "$n0" n0.jsonl
cases "$n50" n50.jsonl

# wall and CPU (user + system, ms) of a command: "WALL_MS CPU_MS"
measure() {
	/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
		cat "$tmp/err" >&2
		return 1
	}
	awk '{ printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000 }' "$tmp/time"
}

# the median of each column of FILE's lines "WALL_MS CPU_MS"
median() {
	for k in 1 2; do sort -n -k"$k","$k" "$1" | awk -v k="$k" '{ v[NR] = $k }
		END { printf "%s ", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; done
	echo
}

echo "(medians of $reps runs of each)"
printf '%-10s %5s %7s  %10s %10s %6s  %14s %14s %6s\n' latency conc requests \
	"llmops ms" "client ms" ratio "llmops cpu/req" "client cpu/req" ratio
for lat in $lats; do
	rm -f "$tmp/port"
	"$bench/bench_server" "$tmp/port" "$lat" 900 &
	pid=$!
	for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
	url="http://127.0.0.1:$(cat "$tmp/port")/v1"
	if [ "$lat" = 0 ]; then n=$n0 ds=n0.jsonl; else n=$n50 ds=n50.jsonl; fi
	for c in $concs; do
		# each side $reps times, alternating; the medians (a shared machine is noisy)
		: >"$tmp/l" && : >"$tmp/c"
		for _ in $(seq "$reps"); do
			rm -rf .llmops
			measure "$llmops" eval --dataset "$ds" --provider openai:gpt-4o-mini \
				--base-url "$url" --concurrency "$c" --no-cache --min-pass-rate 0 \
				--no-progress >>"$tmp/l"
			measure "$bench/bench_client" "$url/chat/completions" "$n" "$c" >>"$tmp/c"
		done
		read -r lw lc < <(median "$tmp/l")
		read -r cw cc < <(median "$tmp/c")
		awk -v l="$lat" -v c="$c" -v n="$n" -v lw="$lw" -v lc="$lc" -v cw="$cw" -v cc="$cc" \
			'BEGIN { printf "%-10s %5d %7d  %10d %10d %5.2fx  %11.1f us %11.1f us %5.2fx\n",
			l " ms", c, n, lw, cw, lw / (cw ? cw : 1), lc * 1000 / n, cc * 1000 / n,
			(cc ? lc / cc : 0) }'
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
done
echo "(llmops: the whole process, start-up, rendering, scoring and the ledger included;"
echo " client: bench_client, a bare libcurl multi loop over the same requests)"
