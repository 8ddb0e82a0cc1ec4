#!/usr/bin/env bash
# Command tools run beside the runner (issue 30, finding 5): N cases whose model calls a
# {"$exec": ...} tool that takes SECONDS, at concurrency N, against the test server; the
# median wall time of RUNS, beside what running the tools one after another would take
# (N x SECONDS, the floor of the old synchronous tool call) and the tools' own floor
# (SECONDS).
#   tests/bench/bench_tools.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_tools.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then n=2 secs=0.1 runs=1; else n=8 secs=2 runs=5; fi
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$here/../llm_server.py" --port-file "$tmp/port" --max-seconds 3600 >/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
base="http://127.0.0.1:$(cat "$tmp/port")/v1"
cd "$tmp"
git init -q proj && cd proj
git -c user.name=b -c user.email=b@example.invalid commit -q --allow-empty -m init
"$llmops" init >/dev/null
mkdir -p prompts/clock
cat >prompts/clock/v1.0.0.json <<'EOF'
{"messages": [{"role": "user", "content": "{{question}}"}],
 "tools": [{"type": "function", "function": {"name": "get_time", "description": "The time",
            "parameters": {"type": "object", "properties": {}}}}]}
EOF
git add -A && git -c user.name=b -c user.email=b@example.invalid commit -q -m scaffold
python3 - "$n" "$secs" <<'PY'
import json, sys
n, secs = int(sys.argv[1]), sys.argv[2]
json.dump([{"id": "c%d" % i, "question": "CALL: get_time {}\nREPLY: {results}",
            "tools": {"get_time": {"$exec": "sleep %s; printf noon" % secs}},
            "assert": [{"type": "equals", "value": "noon"}]} for i in range(n)],
          open("tools.json", "w"))
PY
export OPENAI_API_KEY=sk-bench-not-a-key
times=()
for _ in $(seq "$runs"); do
	t0=$(date +%s%N)
	"$llmops" --ledger "$tmp/ledger.db" eval --dataset tools.json --prompt clock@v1.0.0 \
		--provider openai:gpt-4o-mini --base-url "$base" --no-cache --no-progress \
		--concurrency "$n" >/dev/null
	t1=$(date +%s%N)
	times+=($(((t1 - t0) / 1000000)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
serial=$(python3 -c "print(round($n * $secs * 1000))")
floor=$(python3 -c "print(round($secs * 1000))")
printf '%d cases, a %s s tool each, concurrency %d: median %d ms of %d runs\n' "$n" "$secs" "$n" "$median" "$runs"
printf '  one after another (the old runner): at least %d ms; the tool alone: %d ms; ratio %.2fx the tool alone\n' \
	"$serial" "$floor" "$(python3 -c "print($median / $floor)")"
