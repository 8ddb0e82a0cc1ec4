#!/usr/bin/env bash
# The eval benchmark (issue 5): N cases against the test server with L ms of
# latency at concurrency 32, beside the ideal (N x L / 32), the server's own
# capacity (the same requests from a minimal libcurl client), and promptfoo
# (from the npm registry, in a scratch directory) on the same cases against
# the same server, with both peak RSS; then scoring recorded outputs with
# replay and rouge_l, in cases per second.
#   tests/bench/bench_eval.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_eval.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
bench=$(cd "$build" && pwd)/tests/bench
if [ "$smoke" = --smoke ]; then cases=64 latency=5 replay=2000; else
	cases=1000 latency=50 replay=100000; fi
conc=32
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

python3 "$here/../llm_server.py" --latency-ms "$latency" --port-file "$tmp/port" \
	--max-seconds 900 >/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port/v1"

# the cases: distinct inputs, so no layer can answer one from another
python3 - "$tmp" "$cases" "$replay" <<'EOF'
import json, random, sys
tmp, n, nr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261122)
words = "the a system data model request token latency cost prompt version cache ledger " \
        "score metric provider retry budget gate review dataset case output expected".split()
def sentence(k):
    return " ".join(rng.choice(words) for _ in range(k))
cases = []
for i in range(n):
    s = sentence(12)
    cases.append({"id": "case-%05d" % i, "input": "REPLY: %s\nSummarise case %d." % (s, i),
                  "expected": s})
json.dump(cases, open(tmp + "/cases.json", "w"))
with open(tmp + "/cases.csv", "w") as f:  # promptfoo reads the same cases from CSV
    f.write("input,__expected\n")
    for c in cases:
        f.write('"%s","contains:%s"\n' % (c["input"].replace('"', '""'), c["expected"].split()[0]))
with open(tmp + "/replay.jsonl", "w") as f:
    for i in range(nr):
        e = sentence(rng.randint(15, 40))
        o = " ".join(w if rng.random() > 0.2 else rng.choice(words) for w in e.split())
        f.write(json.dumps({"id": "r%06d" % i, "expected": e, "output": o}) + "\n")
EOF

# wall time (ms) and peak RSS (KB, the largest process of the tree) of a command
measure() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = (time.monotonic() - t) * 1000
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.0f %d %d" % (wall, rss, r.returncode))
if r.returncode not in (0, 1):
    sys.stderr.write(r.stderr.decode(errors="replace")[-2000:])
EOF
}

ideal=$(awk -v n="$cases" -v l="$latency" -v c="$conc" 'BEGIN { printf "%.0f", n * l / c }')
echo "== eval: $cases cases, ${latency} ms server latency, concurrency $conc =="
echo "ideal (cases x latency / concurrency): $ideal ms"
echo "server capacity, minimal libcurl client, same request count:"
"$bench/bench_server_load" "$base/chat/completions" "$cases" "$conc"

cd "$tmp"
git init -q proj && cd proj
mkdir -p .llmops
runs=3
[ "$smoke" = --smoke ] && runs=1
walls=
for i in $(seq "$runs"); do
	rm -f .llmops/ledger.db*
	read -r wall rss rc < <(measure "$llmops" eval --dataset "$tmp/cases.json" \
		--provider openai:gpt-4o-mini --base-url "$base" --concurrency "$conc" --no-cache \
		--no-progress)
	walls="$walls $wall"
	echo "llmops run $i: wall $wall ms, peak RSS $((rss / 1024)) MB, exit $rc"
done
med=$(echo "$walls" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
awk -v m="$med" -v i="$ideal" 'BEGIN { printf "llmops median: %d ms = %.2fx the ideal (target <= 1.15)\n", m, m / i }'
ours_rss=$rss

if [ "$smoke" != --smoke ] && command -v npm >/dev/null; then
	mkdir -p "$tmp/peer" && cd "$tmp/peer"
	if npm init -y >/dev/null 2>&1 &&
		npm install --silent --no-audit --no-fund promptfoo >/dev/null 2>&1; then
		cat >promptfooconfig.yaml <<EOF
prompts:
  - "{{input}}"
providers:
  - id: openai:chat:gpt-4o-mini
    config:
      apiBaseUrl: $base
      apiKey: unused
tests: file://$tmp/cases.csv
EOF
		export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CACHE_ENABLED=false
		export PROMPTFOO_DISABLE_SHARING=1 HOME="$tmp/peer"
		read -r pwall prss prc < <(measure npx promptfoo eval --max-concurrency "$conc" --no-cache \
			--no-table --no-write -c promptfooconfig.yaml)
		echo "peer: promptfoo $(npx promptfoo --version 2>/dev/null | tail -1): wall $pwall ms, peak RSS $((prss / 1024)) MB, exit $prc"
		awk -v m="$med" -v p="$pwall" -v a="$ours_rss" -v b="$prss" 'BEGIN {
			printf "llmops is %.1fx faster than promptfoo (target >= 5), with %.1f%% of its memory (target <= 10%%)\n", p / m, 100 * a / b }'
	else
		echo "peer: npm install promptfoo failed; llmops figures only"
	fi
	cd "$tmp/proj"
fi

echo "== scoring recorded outputs: $replay cases, replay + rouge_l =="
rm -f .llmops/ledger.db*
read -r wall rss rc < <(measure "$llmops" eval --dataset "$tmp/replay.jsonl" --provider replay \
	--metric rouge_l --min-pass-rate 0 --no-progress)
awk -v n="$replay" -v w="$wall" -v r="$rss" 'BEGIN {
	printf "llmops: %d cases in %d ms = %.0f cases/s (ledger writes included), peak RSS %d MB\n", n, w, n / (w / 1000), r / 1024 }'
