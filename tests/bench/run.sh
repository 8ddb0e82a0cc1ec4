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

if [ "$smoke" = --smoke ]; then families=20 versions=3 commits=10 pruns=3; else
	families=1000 versions=20 commits=2000 pruns=21; fi
echo "== prompt store: $families families x $versions versions, $commits commits (median of $pruns) =="
python3 "$here/gen_prompt_repo.py" "$tmp/prompts-repo" "$families" "$versions" "$commits"
repo="$tmp/prompts-repo"
# Print bench_startup's line on stderr, and its median on stdout for the ratio.
median() {
	local line
	line=$("$bench/bench_startup" "$pruns" "$@")
	echo "$line" >&2
	echo "$line" | sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p'
}
ls_tree=$(median "peer: git ls-tree -r HEAD prompts/" git -C "$repo" ls-tree -r HEAD prompts/)
median "peer: git status prompts/" git -C "$repo" status --porcelain prompts/ >/dev/null
list=$(median "llmops prompt list" "$llmops" -C "$repo" prompt list)
verify=$(median "llmops prompt verify" "$llmops" -C "$repo" prompt verify)
awk -v l="$list" -v v="$verify" -v g="$ls_tree" 'BEGIN {
	printf "ratio to git ls-tree (target <= 3): prompt list %.1fx, prompt verify %.1fx\n", l / g, v / g }'
