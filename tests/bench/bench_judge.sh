#!/usr/bin/env bash
# The judge metric adds requests, not overhead (issue 19): N cases judged
# (2N requests: each answer, then its verdict) against a plain run of 2N
# cases (2N requests), both at concurrency 32 against the test server with
# LATENCY ms added to every answer; median wall time of RUNS each, and the
# ratio (target <= 1.10).
#   tests/bench/bench_judge.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_judge.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then n=20 latency=5 runs=1; else n=1000 latency=50 runs=5; fi
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$here/../llm_server.py" --latency-ms "$latency" --port-file "$tmp/port" \
	--max-seconds 3600 >/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
base="http://127.0.0.1:$(cat "$tmp/port")/v1"
cd "$tmp"
git init -q proj && cd proj
git -c user.name=b -c user.email=b@example.invalid commit -q --allow-empty -m init
"$llmops" init >/dev/null
git add -A && git -c user.name=b -c user.email=b@example.invalid commit -q -m scaffold
"$llmops" prompt pin _judges/relevance@v1.0.0 >/dev/null 2>&1
git add -A && git -c user.name=b -c user.email=b@example.invalid commit -q -m pin
python3 - "$n" <<'PY'
import json, sys
n = int(sys.argv[1])
with open("judged.jsonl", "w") as f:
    for i in range(n):
        f.write(json.dumps({"id": "j%d" % i, "input": "REPLY: answer %d VERDICT: 4" % i}) + "\n")
with open("plain.jsonl", "w") as f:
    for i in range(2 * n):
        f.write(json.dumps({"id": "p%d" % i, "input": "REPLY: answer %d" % i,
                            "expected": "answer %d" % i}) + "\n")
PY
export OPENAI_API_KEY=sk-bench-not-a-key
# one run's wall time in ms
timed() {
	local t0 t1
	t0=$(date +%s%N)
	"$llmops" --ledger "$tmp/ledger.db" eval --no-cache --no-progress --concurrency 32 \
		--provider openai:gpt-4o-mini --base-url "$base" --min-pass-rate 0 "$@" >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
"$llmops" --ledger "$tmp/ledger.db" ledger create >/dev/null 2>&1 || true
judged=() plain=()
for _ in $(seq "$runs"); do
	judged+=("$(timed --dataset judged.jsonl --metric judge:relevance --judge openai:gpt-4o-mini)")
	plain+=("$(timed --dataset plain.jsonl)")
done
med() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mj=$(med "${judged[@]}") mp=$(med "${plain[@]}")
echo "judge: $n cases judged ($((2 * n)) requests), concurrency 32, ${latency} ms: median $mj ms of $runs"
echo "peer:  $((2 * n)) plain cases ($((2 * n)) requests), same server:         median $mp ms of $runs"
awk -v j="$mj" -v p="$mp" 'BEGIN { printf "ratio judged / plain (target <= 1.10): %.2f\n", j / p }'
