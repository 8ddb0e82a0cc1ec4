#!/usr/bin/env bash
# The ledger-reading benchmark (issue 7): a generated ledger of RESULTS results
# across RUNS runs (1,000,000 and 2,000 by default; the last two are 10,000-case
# evaluations of the same cases), then runs, show, diff of the two big runs and
# stats --by day, each timed over the whole process (median of REPS, warm page
# cache).  Beside them, the same questions asked the naive way: Python's
# sqlite3 over the results table (what a script over the ledger would do
# without the per-run figures llmops keeps at finish).
#   tests/bench/bench_read.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_read.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
bench=$(cd "$build" && pwd)/tests/bench
if [ "$smoke" = --smoke ]; then runs=20 results=2000 big=200 reps=3; else
	runs=2000 results=1000000 big=10000 reps=7; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/ledger.db"

"$llmops" --ledger "$db" ledger create >/dev/null
t0=$(date +%s.%N)
python3 "$here/gen_ledger.py" "$db" "$runs" "$results" "$big"
t1=$(date +%s.%N)
size=$(stat -c %s "$db")
echo "== reading the ledger: $results results, $runs runs, $((size / 1000000)) MB (generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s); median of $reps, warm cache =="
cat "$db" >/dev/null # warm the page cache, as a ledger in use is
L="$llmops --ledger $db"
"$bench/bench_startup" "$reps" "llmops runs" $L runs 2>/dev/null
"$bench/bench_startup" "$reps" "llmops runs --limit 0 (all)" $L runs --limit 0
"$bench/bench_startup" "$reps" "llmops show last ($big cases)" $L show last
"$bench/bench_startup" "$reps" "llmops show last --format json" $L show last --format json
"$bench/bench_startup" "$reps" "llmops diff last~1 last ($big x $big)" $L diff last~1 last
"$bench/bench_startup" "$reps" "llmops stats --by day" $L stats --by day
"$bench/bench_startup" "$reps" "llmops stats --by model" $L stats --by model
echo "(target: runs, show, diff and stats --by day under 200 ms each)"

# the HTML report of the 10,000-case run: its size, and how long Chromium takes
# to open it (load, lay out, run the filter script) and print the DOM
"$bench/bench_startup" "$reps" "llmops report last --vs last~1 (html)" \
	$L report last --vs last~1 -o "$tmp/report.html" 2>/dev/null
bytes=$(stat -c %s "$tmp/report.html")
awk -v b="$bytes" 'BEGIN { printf "report: %.2f MB (target: under 5 MB)\n", b / 1e6 }'
if command -v chromium >/dev/null; then
	creps=$([ "$smoke" = --smoke ] && echo 1 || echo 5)
	"$bench/bench_startup" "$creps" "chromium: open report, screenshot" \
		chromium --headless --no-sandbox --disable-gpu --window-size=1280,1000 \
		--screenshot="$tmp/report.png" "file://$tmp/report.html" 2>/dev/null
	"$bench/bench_startup" "$creps" "chromium: open report, dump DOM" \
		chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$tmp/report.html" 2>/dev/null
	"$bench/bench_startup" "$creps" "peer: chromium, empty page, screenshot" \
		chromium --headless --no-sandbox --disable-gpu --window-size=1280,1000 \
		--screenshot="$tmp/empty.png" "data:text/html,<p>x" 2>/dev/null
	echo "(target: the report opens in Chromium in under 2 s)"
fi

# the naive way, once each (it is slow)
naive() {
	python3 - "$db" "$1" <<'PY'
import sqlite3, sys, time
db, what = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
t = time.perf_counter()
if what == "stats":
    days = {}
    for day, lat in c.execute("SELECT substr(r.created_at, 1, 10), r.latency_ms FROM results r"
                              " WHERE r.cache_hit = 0 AND r.latency_ms IS NOT NULL"):
        days.setdefault(day, []).append(lat)
    for v in days.values():
        v.sort()
        v[len(v) // 2], v[int(len(v) * 0.95)]
    label = "peer: stats by day over the results table (python sqlite3)"
else:
    a, b = [r[0] for r in c.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 2")][::-1]
    q = "SELECT case_id, passed, score, output FROM results WHERE run_id = ?"
    ra = {r[0]: r for r in c.execute(q, (a,))}
    flips = sum(1 for r in c.execute(q, (b,)) if r[0] in ra and ra[r[0]][1] != r[1])
    label = "peer: diff of the two runs by case id (python sqlite3)"
print("%-40s once    %9.3f ms" % (label, (time.perf_counter() - t) * 1000))
PY
}
naive diff
naive stats
