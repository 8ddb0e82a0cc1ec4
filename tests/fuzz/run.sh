#!/usr/bin/env bash
# Run every libFuzzer harness over its corpus.
#   tests/fuzz/run.sh BUILD_DIR --smoke        each harness: its seeds and regression
#                                               inputs, then RUNS (default 2000) new inputs
#   tests/fuzz/run.sh BUILD_DIR SECONDS [NAME]  fuzz each harness (or NAME) for SECONDS,
#                                               keeping the corpus in $LLMOPS_FUZZ_CORPUS
#                                               (default ~/.cache/llmops-fuzz) across runs
# BUILD_DIR is configured with: CC=clang meson setup BUILD_DIR -Dfuzz=true
# and built with: meson compile -C BUILD_DIR fuzzers
# Seeds come from the test fixtures (and tests/fuzz/seeds/NAME); a crasher is
# kept as a regression input in tests/fuzz/regress/NAME/ once fixed.
set -eu
build=${1:?usage: run.sh BUILD_DIR --smoke|SECONDS [NAME]}
mode=${2:?usage: run.sh BUILD_DIR --smoke|SECONDS [NAME]}
only=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-2000}
names="bundle config dataset ingest ingestfile json lint lock prices prompt provider snapshot template tokenizer verdict"
[ -n "$only" ] && names=$only

# seed NAME DIR: the fixture files that exercise NAME, into DIR.  Harnesses
# whose first input byte picks a mode get each seed once per mode.
seed() {
	local name=$1 dir=$2 f i
	mkdir -p "$dir"
	prefixed() { # prefixed MODES FILE...: FILE behind each mode byte 0..MODES-1
		local modes=$1 m
		shift
		for f in "$@"; do
			[ -f "$f" ] || continue
			for m in $(seq 0 $((modes - 1))); do
				{ printf "\\x$(printf %02x "$m")"; cat "$f"; } >"$dir/$m-$(basename "$f")"
			done
		done
	}
	case $name in
	json | lock | config)
		cp "$root"/tests/fixtures/lint/*.json "$root"/evals/*.json "$root"/llmops.json \
			"$root"/prompts.lock "$root"/tests/fixtures/mustache-spec/*.json "$dir"/ ;;
	dataset) prefixed 8 "$root"/evals/*.json "$root"/tests/fixtures/lint/dataset-*.json ;;
	template)
		cp "$root"/tests/fixtures/lint/*.txt "$root"/prompts/*/*.txt "$dir"/
		python3 - "$root/tests/fixtures/mustache-spec" "$dir" <<'PY'
import json, os, sys
for name in sorted(os.listdir(sys.argv[1])):
    if name.endswith(".json"):
        for i, t in enumerate(json.load(open(os.path.join(sys.argv[1], name)))["tests"]):
            open(os.path.join(sys.argv[2], "%s-%d.txt" % (name[:-5], i)), "w").write(t["template"])
PY
		;;
	prompt) prefixed 4 "$root"/tests/fixtures/lint/*.txt "$root"/prompts/*/*.txt \
		"$root"/tests/fixtures/lint/tool-schema.*.json ;;
	lint) prefixed 4 "$root"/tests/fixtures/lint/*.txt "$root"/tests/fixtures/lint/*.json ;;
	prices) cp "$root"/lib/data/prices.json "$dir"/ ;;
	tokenizer)
		python3 - "$root/tests/fixtures/tokens/golden.json" "$dir" <<'PY'
import json, os, sys
for i, c in enumerate(json.load(open(sys.argv[1]))["cases"]):
    open(os.path.join(sys.argv[2], "%d.txt" % i), "wb").write(bytes([i % 256]) + c["text"].encode())
PY
		;;
	ingestfile) # the record seeds as JSONL, as one array on many lines, and on one line
		cp "$here"/seeds/ingest/* "$dir"/
		python3 - "$here/seeds/ingest" "$dir" <<'PY'
import json, os, sys
recs = []
for n in sorted(os.listdir(sys.argv[1])):
    try:
        recs.append(json.load(open(os.path.join(sys.argv[1], n))))
    except ValueError:
        pass
open(os.path.join(sys.argv[2], "all.jsonl"), "w").write("".join(json.dumps(r) + "\n" for r in recs))
open(os.path.join(sys.argv[2], "array.json"), "w").write(json.dumps(recs, indent=1))
open(os.path.join(sys.argv[2], "array-line.jsonl"), "w").write(json.dumps(recs[:3]) + "\n" + json.dumps(recs[-1]) + "\n")
PY
		;;
	bundle) # the genuine bundle of the harness's own repository and lock
		FUZZ_BUNDLE_SEED="$dir/genuine.json" "$build/tests/fuzz/fuzz_bundle" -runs=0 \
			>/dev/null 2>&1 ;;
	snapshot) # small ledgers made by this build: empty, and with a run, results and a review
		local l=$dir/.make.db
		"$build/cmd/llmops" --ledger "$l" ledger create >/dev/null
		python3 - "$l" "$dir" <<'PY'
import shutil, sqlite3, sys
src, out = sys.argv[1], sys.argv[2]
db = sqlite3.connect(src)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("PRAGMA page_size = 512")
db.execute("VACUUM")
db.close()
shutil.copy(src, out + "/empty.db")
db = sqlite3.connect(src)
t = "2026-12-01T10:00:00.000Z"
db.execute("INSERT INTO datasets (sha256, path, format, cases, bytes, created_at) VALUES (?, 'evals/a.json', 'json', 2, 10, ?)", ("ab" * 32, t))
db.execute("INSERT INTO runs (id, kind, status, started_at, finished_at, prompt_name, prompt_version, dataset_id, provider, model, params, llmops_version, cases, passed, failed) VALUES ('01KBZ0000000000000000000AB', 'eval', 'failed', ?, ?, 'summarize', 'v1.0.0', 1, 'openai', 'gpt-4o-mini', '{}', '0.1.0', 2, 1, 1)", (t, t))
for i, (out_, ok) in enumerate([("an answer", 1), ("another", 0)]):
    db.execute("INSERT INTO results (run_id, case_id, output, expected, score, passed, latency_ms, tokens_in, tokens_out, cost_usd, created_at, scores, steps, metadata) VALUES ('01KBZ0000000000000000000AB', ?, ?, 'x', 0.5, ?, 12.5, 3, 4, 0.001, ?, '{\"exact\":0}', '[]', '{}')", ("c%d" % i, out_, ok, t))
db.execute("INSERT INTO reviews (result_id, status, created_at) VALUES (1, 'pending', ?)", (t,))
db.execute("INSERT INTO run_aliases (alias, run_id) VALUES ('01KBZ0000000000000000000AC', '01KBZ0000000000000000000AB')")
db.commit()
db.execute("VACUUM")
db.close()
shutil.copy(src, out + "/run.db")
PY
		rm -f "$l" ;;
	esac
	if [ -d "$here/seeds/$name" ]; then cp "$here/seeds/$name"/* "$dir"/; fi
	if [ -d "$here/regress/$name" ]; then cp "$here/regress/$name"/* "$dir"/; fi
}

status=0
for name in $names; do
	bin="$build/tests/fuzz/fuzz_$name"
	[ -x "$bin" ] || { echo "fuzz: $bin is not built (meson compile -C $build fuzzers)"; exit 2; }
	if [ "$mode" = --smoke ]; then
		corpus=$(mktemp -d)
		seed "$name" "$corpus/seeds"
		mkdir -p "$corpus/new"
		ok=ok
		out=$("$bin" -runs="$runs" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
			-artifact_prefix="$corpus/" "$corpus/new" "$corpus/seeds" 2>&1) ||
			{ ok=FAILED; status=1; echo "$out" | tail -40; }
		execs=$(echo "$out" | sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' | tail -1)
		echo "fuzz_$name: ${execs:-?} executions, $(ls "$corpus/seeds" | wc -l) seeds: $ok"
		rm -rf "$corpus"
	else
		corpus=${LLMOPS_FUZZ_CORPUS:-$HOME/.cache/llmops-fuzz}/$name
		mkdir -p "$corpus" "$corpus.seeds" "$corpus.crashes"
		seed "$name" "$corpus.seeds"
		"$bin" -max_total_time="$mode" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
			-artifact_prefix="$corpus.crashes/" -print_final_stats=1 \
			"$corpus" "$corpus.seeds" 2>&1 | grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|==.*ERROR|SUMMARY)' || true
		if [ -n "$(ls -A "$corpus.crashes")" ]; then
			echo "fuzz_$name: crashers in $corpus.crashes"
			status=1
		fi
	fi
done
exit $status
