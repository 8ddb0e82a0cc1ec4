#!/usr/bin/env bash
# Feedback ingest (issue 33, item 5): N feedback records (a third each in llmops's,
# Langfuse's (scores of a whole trace) and LangSmith's shapes, 1 in 1,000 malformed)
# about N production records already in the ledger, ingested into a copy of that ledger;
# then `stats --feedback` over them.  The peer: Python's sqlite3 reading the same lines
# (json.loads) into a table with a unique key by executemany, one transaction: no shapes,
# no checks, no join.  Median wall time of RUNS each; peak RSS of llmops.
# Target: 100,000 feedback records in under 5 s.
#   tests/bench/bench_feedback.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_feedback.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then n=2000 runs=1; else n=100000 runs=3; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
python3 - "$n" <<'PY'
import json, random, sys
n = int(sys.argv[1])
rnd = random.Random(20261208)
with open("recs.jsonl", "w") as f, open("fb.jsonl", "w") as g:
    for i in range(n):
        v = "v1.0.0" if i % 10 else "v1.1.0"
        f.write(json.dumps({"id": "rec-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [
            {"role": "user", "content": "question %d" % i}]}, "response": {"choices": [
            {"message": {"content": "answer %d" % i}}], "usage": {"prompt_tokens": 12, "completion_tokens": 4}},
            "latency_ms": 300 + i % 97, "timestamp": "2026-12-0%dT10:00:00Z" % (1 + i % 7),
            "metadata": {"llmops.prompt": "summarize", "llmops.version": v}}) + "\n")
    for i in range(n):
        rec = "rec-%d" % rnd.randrange(n)
        k = i % 3
        if i % 1000 == 999:
            g.write(json.dumps({"record_id": rec, "thumbs": "sideways"}) + "\n")
        elif k == 0:
            g.write(json.dumps({"id": "fb-%d" % i, "record_id": rec, "thumbs": rnd.choice(["up", "up", "down"]),
                                "comment": "ok" if i % 2 else None, "timestamp": "2026-12-08T09:00:00Z"}) + "\n")
        elif k == 1:
            x = {"id": "lf-%d" % i, "traceId": rec, "name": "helpful", "value": round(rnd.random(), 3),
                 "dataType": "NUMERIC", "timestamp": "2026-12-08T09:00:00.000Z", "source": "API"}
            g.write(json.dumps(x) + "\n")
        else:
            g.write(json.dumps({"id": "ls-%d" % i, "run_id": rec, "key": "correctness",
                                "score": rnd.random() < 0.7, "comment": None,
                                "created_at": "2026-12-08T09:00:00.000000", "feedback_source": {"type": "app"}}) + "\n")
PY
echo "feedback: $n records, $(du -k fb.jsonl | cut -f1) KB of JSONL, about $n production records"
"$llmops" --ledger base.db ingest --no-progress recs.jsonl >/dev/null 2>&1

. "$here/measure.sh"
times=() stimes=() ptimes=() rss=0
for r in $(seq "$runs"); do
	rm -f l.db* && cp base.db l.db
	read -r ms kb < <(measure "$llmops" --ledger l.db ingest --no-progress fb.jsonl)
	times+=("$ms")
	[ "$kb" -gt "$rss" ] && rss=$kb
	read -r ms _ < <(measure "$llmops" --ledger l.db stats --feedback)
	stimes+=("$ms")
	if [ "$r" = 1 ]; then
		"$llmops" --ledger l.db ingest --format json fb.jsonl 2>/dev/null | python3 -c '
import json,sys; s=json.load(sys.stdin)
print("again: %d read, %d added, %d present, %d malformed" % (s["read"], s["feedback"], s["feedback_present"], s["malformed"]))'
		"$llmops" --ledger l.db stats --feedback | sed 's/^/  /'
	fi
	rm -f peer.db
	read -r ms _ < <(measure python3 -c '
import json, sqlite3, sys
d = sqlite3.connect("peer.db")
d.execute("CREATE TABLE f (k TEXT PRIMARY KEY, rec TEXT, name TEXT, value REAL, comment TEXT, at TEXT)")
def rows():
    for line in open("fb.jsonl"):
        x = json.loads(line)
        yield (str(x.get("id") or hash(line)), x.get("record_id") or x.get("traceId") or x.get("run_id"),
               x.get("name") or x.get("key"), x.get("score") if "score" in x else x.get("value"),
               x.get("comment"), x.get("timestamp") or x.get("created_at"))
with d:
    d.executemany("INSERT OR IGNORE INTO f VALUES (?, ?, ?, ?, ?, ?)", rows())
')
	ptimes+=("$ms")
done
m=$(med "${times[@]}") s=$(med "${stimes[@]}") p=$(med "${ptimes[@]}")
awk -v n="$n" -v m="$m" -v s="$s" -v p="$p" -v r="$runs" -v kb="$rss" 'BEGIN {
	printf "llmops ingest (feedback): median %d ms of %d, %.0f records/s, peak RSS %.1f MB (target: 100,000 in < 5000 ms)\n", m, r, n / (m / 1000), kb / 1024
	printf "llmops stats --feedback: median %d ms\n", s
	printf "peer: python3 sqlite3 executemany of the same lines: median %d ms (%.0f records/s); llmops %.2fx its time\n", p, n / (p / 1000), m / p }'
