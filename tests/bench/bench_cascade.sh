#!/usr/bin/env bash
# A model cascade (issue 33, item 1) over the test server's two models: N cases, the cheap
# one (gpt-4o-mini) wrong on a marked 30% of them and the large one (gpt-4o) right on all
# but 2%; `eval --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --compare openai:gpt-4o`
# prints the escalation rate, the pass rate and cost of the cascade beside the large model
# alone (the peer) and the paired McNemar p; the run's wall time beside a run of the large
# model alone over the same cases (both on a cold cache).
#   tests/bench/bench_cascade.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_cascade.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then n=200; else n=5000; fi
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$here/../llm_server.py" --latency-ms 20 --port-file "$tmp/port" --max-seconds 900 >/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
export OPENAI_BASE_URL="http://127.0.0.1:$(cat "$tmp/port")/v1" OPENAI_API_KEY=bench
cd "$tmp"
python3 - "$n" <<'PY'
import json, sys
n = int(sys.argv[1])
with open("cases.jsonl", "w") as f:
    for i in range(n):
        q = "Summarise ticket %d in one line.\nREPLY: ticket %d resolved" % (i, i)
        if i % 10 < 3:
            q += "\nREPLY-FOR gpt-4o-mini: no idea"
        if i % 50 == 49:
            q += "\nREPLY-FOR gpt-4o: ticket %d open" % i
        f.write(json.dumps({"id": "t%05d" % i, "input": q, "expected": "ticket %d resolved" % i,
                            "metric": "exact"}) + "\n")
PY
t0=$(date +%s%N)
"$llmops" --ledger c.db eval --dataset cases.jsonl --provider cascade:openai:gpt-4o-mini,openai:gpt-4o \
	--compare openai:gpt-4o --min-pass-rate 0 --concurrency 64 --format json >cascade.json
t1=$(date +%s%N)
"$llmops" --ledger b.db eval --dataset cases.jsonl --provider openai:gpt-4o --min-pass-rate 0 \
	--concurrency 64 --format json >big.json
t2=$(date +%s%N)
python3 - "$n" $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000)) <<'PY'
import json, sys
n, ms_c, ms_b = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
d = json.load(open("cascade.json")); c = d["compare"]; v = d["variants"][0]; k = v["cascade"]
print("cases: %d (gpt-4o-mini wrong on 30%%, gpt-4o on 2%%)" % n)
print("cascade: escalation rate %.1f%% (%d of %d), pass rate %.1f%%, cost $%.4f"
      % (100 * k["escalation_rate"], k["escalated"], n, 100 * c["cascade_pass_rate"], c["cascade_cost_usd"]))
print("peer: gpt-4o alone: pass rate %.1f%%, cost $%.4f" % (100 * c["against_pass_rate"], c["against_cost_usd"]))
print("the cascade costs %.1f%% of gpt-4o alone; pass rate %+.1f points (%d passed only on the cascade, "
      "%d only alone; exact McNemar p = %.3g)" % (100 * c["cost_ratio"], 100 * c["difference"],
                                                 c["cascade_only"], c["against_only"], c["p_value"]))
print("wall: cascade with --compare %d ms (%d requests); gpt-4o alone %d ms" % (ms_c, d["requests"], ms_b))
PY
