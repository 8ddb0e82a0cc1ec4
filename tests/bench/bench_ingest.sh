#!/usr/bin/env bash
# Ingest rate and memory (issue 21): a generated production log of N records
# (gen_prod_log.py: three versions of a prompt with a 90/10 canary, 95% tagged,
# 5% attributed by text, 1 in 1,000 malformed) into a fresh ledger, against
# sqlite3's own .import of the same rows (as CSV, into a table with a unique id:
# the peer does no JSON, no attribution and no pricing).  Median wall time of
# RUNS each; peak RSS of llmops.  Targets: >= 50,000 records/s, RSS < 100 MB.
#   tests/bench/bench_ingest.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_ingest.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then n=2000 runs=1; else n=1000000 runs=3; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g() { git -c user.name=b -c user.email=b@example.invalid "$@"; }
cd "$tmp" && git init -q proj && cd proj
g commit -q --allow-empty -m init
"$llmops" init >/dev/null
g add -A && g commit -q -m scaffold
for v in v1.1.0 v1.2.0; do
	"$llmops" prompt new summarize >/dev/null 2>&1
	python3 -c 'import re, sys; p=sys.argv[1]; t=open(p).read(); open(p,"w").write(re.sub(r"one (plain sentence|sentence \(v[0-9.]*\))", sys.argv[2], t))' \
		"prompts/summarize/$v.txt" "one sentence ($v)"
	g add -A && g commit -q -m "$v"
done
"$llmops" prompt pin summarize@v1.1.0 >/dev/null 2>&1
"$llmops" prompt pin summarize@v1.2.0 --canary 10 >/dev/null 2>&1
g add -A && g commit -q -m pins
python3 "$here/gen_prod_log.py" . "$n" "$tmp/prod.jsonl" "$tmp/prod.csv"
echo "log: $n records, $(du -m "$tmp/prod.jsonl" | cut -f1) MB of JSONL"

. "$here/measure.sh"
times=() rss=0
for r in $(seq "$runs"); do
	rm -f "$tmp/ledger.db"*
	read -r ms kb < <(measure "$llmops" --ledger "$tmp/ledger.db" ingest --no-progress "$tmp/prod.jsonl")
	times+=("$ms")
	[ "$kb" -gt "$rss" ] && rss=$kb
	[ "$r" = 1 ] && "$llmops" --ledger "$tmp/ledger.db" ingest --format json "$tmp/prod.jsonl" 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print("again: %d read, %d added, %d present, %d malformed" % (s["read"], s["added"], s["present"], s["malformed"]))'
done
m=$(med "${times[@]}")
awk -v n="$n" -v m="$m" -v r="$runs" -v kb="$rss" 'BEGIN {
	printf "llmops ingest: median %d ms of %d, %.0f records/s (target >= 50000), peak RSS %.1f MB (target < 100)\n", m, r, n / (m / 1000), kb / 1024 }'
if command -v sqlite3 >/dev/null; then
	peer=()
	for _ in $(seq "$runs"); do
		rm -f "$tmp/peer.db"
		sqlite3 "$tmp/peer.db" "CREATE TABLE prod (id TEXT UNIQUE, day TEXT, prompt TEXT, version TEXT, model TEXT, input TEXT, output TEXT, tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL, cost_usd REAL, metadata TEXT, created_at TEXT)"
		read -r ms _ < <(measure sqlite3 "$tmp/peer.db" ".import --csv --skip 1 $tmp/prod.csv prod")
		peer+=("$ms")
	done
	p=$(med "${peer[@]}")
	awk -v n="$n" -v p="$p" -v m="$m" -v r="$runs" 'BEGIN {
		printf "peer: sqlite3 .import of the same rows (CSV): median %d ms of %d, %.0f rows/s; llmops / peer %.2fx\n", p, r, n / (p / 1000), m / p }'
else
	echo "peer: sqlite3 not installed; llmops figures only"
fi

# the same records as one JSON array (issue 30: an array was read in quadratic time), and one
# record too large to take (refused unread: memory stays what a line needs)
an=$((n < 200000 ? n : 200000))
python3 - "$tmp/prod.jsonl" "$an" "$tmp/prod-array.json" <<'PY'
import itertools, sys
with open(sys.argv[3], "w") as out:
    out.write("[\n")
    for i, line in enumerate(itertools.islice(open(sys.argv[1]), int(sys.argv[2]))):
        out.write((",\n" if i else "") + line.rstrip("\n"))
    out.write("\n]\n")
PY
head -n "$an" "$tmp/prod.jsonl" >"$tmp/prod-lines.jsonl"
rm -f "$tmp/ledger.db"*
read -r ams akb < <(measure "$llmops" --ledger "$tmp/ledger.db" ingest --no-progress "$tmp/prod-array.json")
rm -f "$tmp/ledger.db"*
read -r lms _ < <(measure "$llmops" --ledger "$tmp/ledger.db" ingest --no-progress "$tmp/prod-lines.jsonl")
awk -v n="$an" -v a="$ams" -v l="$lms" -v kb="$akb" 'BEGIN {
	printf "one JSON array of %d records: %d ms (%.0f records/s, peak RSS %.1f MB); the same as JSONL: %d ms; array / JSONL %.2fx\n", n, a, n / (a / 1000), kb / 1024, l, a / l }'
python3 -c '
import json
print(json.dumps({"id": "huge", "request": {"messages": [{"role": "user", "content": "x" * (200 << 20)}]}}))' >"$tmp/huge.jsonl"
rm -f "$tmp/ledger.db"*
read -r hms hkb < <(measure "$llmops" --ledger "$tmp/ledger.db" ingest --no-progress "$tmp/huge.jsonl" || true)
awk -v m="$hms" -v kb="$hkb" 'BEGIN { printf "one 200 MB record (refused above 16 MiB): %d ms, peak RSS %.1f MB\n", m, kb / 1024 }'
