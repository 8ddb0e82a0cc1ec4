#!/usr/bin/env bash
# Run the foundation's benchmarks and print each figure beside its peer's.
#   tests/bench/run.sh BUILD_DIR [--smoke]
# --smoke: tiny inputs, to show the benchmarks build and start (CI runs this).
set -eu
build=${1:?usage: run.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops="$build/cmd/llmops"
bench="$build/tests/bench"
if [ "$smoke" = --smoke ]; then runs=5 results=2000 requests=64 latency=5; else
	runs=300 results=100000 requests=3000 latency=50; fi

echo "== start-up (whole process, median of $runs) =="
"$bench/bench_startup" "$runs" "llmops --version" "$llmops" --version
"$bench/bench_startup" "$runs" "llmops help" "$llmops" help
"$bench/bench_startup" "$runs" "peer: git --version" git --version
if command -v sqlite3 >/dev/null; then
	"$bench/bench_startup" "$runs" "peer: sqlite3 --version" sqlite3 --version
fi
"$bench/bench_startup" "$runs" "floor: same libraries, no work" "$bench/bench_floor"
"$bench/bench_startup" "$runs" "floor: /bin/true" true

echo "== ledger append rate =="
"$bench/bench_ledger" "$results"

echo "== test LLM server: 32 keep-alive connections, ${latency} ms added latency =="
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$here/../llm_server.py" --latency-ms "$latency" --port-file "$tmp/port" \
	--max-seconds 300 >/dev/null &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
"$bench/bench_server_load" "http://127.0.0.1:$(cat "$tmp/port")/v1/chat/completions" \
	"$requests" 32
awk -v l="$latency" 'BEGIN { printf "peer: the ceiling for 32 connections at %d ms is %.0f requests/s\n", l, 32000 / l }'
