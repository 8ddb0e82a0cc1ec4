#!/usr/bin/env bash
# The eval benchmark (issues 5 and 16): N cases against the test server with
# L ms of latency at concurrency 32, beside the ideal (N x L / 32), the
# server's own capacity (the same requests from a minimal libcurl client),
# and promptfoo (from the npm registry, in a scratch directory) on the same
# cases against the same server, with both peak RSS and llmops's CPU time per
# case; then scoring 1,000,000 recorded outputs with replay and rouge_l
# (ledger writes included), in cases per second and peak RSS.
#
# With BASELINE=REV in the environment, the llmops of that commit is built
# in a scratch directory and measured in the same run beside this one.
#   tests/bench/bench_eval.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_eval.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
bench=$(cd "$build" && pwd)/tests/bench
if [ "$smoke" = --smoke ]; then cases=64 latency=5 replay=2000; else
	cases=1000 latency=50 replay=${REPLAY_CASES:-1000000}; fi
conc=32
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# the previous commit's llmops, built apart, to measure beside this one
old=
if [ -n "${BASELINE:-}" ]; then
	src=$(cd "$here/../.." && pwd)
	git -C "$src" worktree add -q --detach "$tmp/base" "$BASELINE"
	trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; git -C "$src" worktree remove --force "$tmp/base" 2>/dev/null; rm -rf "$tmp"' EXIT
	if (cd "$tmp/base" && meson setup "$tmp/base/build" >/dev/null 2>&1 &&
		meson compile -C "$tmp/base/build" cmd/llmops >/dev/null 2>&1); then
		old=$tmp/base/build/cmd/llmops
		echo "baseline: $(git -C "$src" log -1 --format='%h %s' "$BASELINE" | cut -c1-72)"
	else
		echo "baseline: $BASELINE did not build; this commit's figures only"
	fi
fi

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

# wall time (ms), peak RSS (KB, the largest process of the tree), exit status and
# CPU time (user + sys, ms) of a command
measure() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = (time.monotonic() - t) * 1000
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.0f %d %d %.0f" % (wall, u.ru_maxrss, r.returncode, (u.ru_utime + u.ru_stime) * 1000))
if r.returncode not in (0, 1):
    sys.stderr.write(r.stderr.decode(errors="replace")[-2000:])
EOF
}

ideal=$(awk -v n="$cases" -v l="$latency" -v c="$conc" 'BEGIN { printf "%.0f", n * l / c }')
echo "== eval: $cases cases, ${latency} ms server latency, concurrency $conc =="
echo "ideal (cases x latency / concurrency): $ideal ms"
echo "server capacity, minimal libcurl client, same request count:"
"$bench/bench_server_load" "$base/chat/completions" "$cases" "$conc" | tee "$tmp/client.txt"
client_ms=$(awk '{ for (i = 1; i <= NF; i++) if ($(i + 1) == "requests/s,") print int($1 / $i * 1000) }' "$tmp/client.txt")

cd "$tmp"
git init -q proj && cd proj
mkdir -p .llmops
runs=3
[ "$smoke" = --smoke ] && runs=1
live() { # live BINARY LABEL: each run, then the median wall and CPU per case
	local walls= cpus= wall rss rc cpu i
	for i in $(seq "$runs"); do
		rm -f .llmops/ledger.db*
		read -r wall rss rc cpu < <(measure "$1" eval --dataset "$tmp/cases.json" \
			--provider openai:gpt-4o-mini --base-url "$base" --concurrency "$conc" \
			--no-cache --no-progress)
		walls="$walls $wall"
		cpus="$cpus $cpu"
		echo "$2 run $i: wall $wall ms, peak RSS $((rss / 1024)) MB, exit $rc"
	done
	med=$(echo "$walls" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	cpu=$(echo "$cpus" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	awk -v m="$med" -v i="$ideal" -v c="$cpu" -v n="$cases" -v l="$2" 'BEGIN {
		printf "%s median: %d ms = %.2fx the ideal; CPU %.3f ms per case (user + sys)\n", l, m, m / i, c / n }'
	last_rss=$rss
}
live "$llmops" llmops
ours_med=$med
ours_rss=$last_rss
if [ -n "$old" ]; then live "$old" "baseline llmops"; fi
med=$ours_med
rss=$ours_rss
[ -n "$client_ms" ] && awk -v m="$med" -v c="$client_ms" 'BEGIN {
	printf "llmops median wall / the minimal client'"'"'s wall: %.2f (target <= 1.05)\n", m / c }'

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
		read -r pwall prss prc _ < <(measure npx promptfoo eval --max-concurrency "$conc" --no-cache \
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
replay_run() { # replay_run BINARY LABEL
	local wall rss rc cpu
	rm -f .llmops/ledger.db*
	read -r wall rss rc cpu < <(measure "$1" eval --dataset "$tmp/replay.jsonl" --provider replay \
		--metric rouge_l --min-pass-rate 0 --no-progress)
	awk -v n="$replay" -v w="$wall" -v r="$rss" -v l="$2" -v rc="$rc" 'BEGIN {
		printf "%s: %d cases in %d ms = %.0f cases/s (ledger writes included), peak RSS %d MB, exit %d (targets: >= 100000 cases/s, <= 64 MB)\n", l, n, w, n / (w / 1000), r / 1024, rc }'
}
replay_run "$llmops" llmops
if [ -n "$old" ]; then replay_run "$old" "baseline llmops"; fi
