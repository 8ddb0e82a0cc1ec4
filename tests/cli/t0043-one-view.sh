#!/usr/bin/env bash
# One run view, one writer (issue 32): what eval prints of the run it just
# recorded is what show and report print of it from the ledger, byte for
# byte: eval --format json = show --format json, and eval -o FILE = report
# -o FILE in every format (html, json, jsonl, csv, junit, markdown), for a
# plain run, a run of two variants repeated, and a run compared with a
# baseline.  What the evaluation decided (gate, variants, baseline) is kept
# with the run, and a ledger whose kept outcome is not what llmops writes
# shows only what has the expected shape.
. "$(dirname "$0")/lib.sh"

VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"
make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -q -m init
start_server
python3 - <<'PY'
import json
json.dump([{"id": "c%d" % i, "input": "REPLY: word %d" % (i % 3), "expected": "word %d" % (i % 2)}
           for i in range(6)], open("six.json", "w"))
PY
ev() { llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0 "$@"; }

# every format from both writers, for the run eval just made ($1: a label)
same_everywhere() {
	local label=$1 fmt ext run_id
	shift
	run ev "$@" --format json
	expect_rc 0 "$label: eval --format json"
	printf '%s\n' "$out" >e.json
	run_id=$(python3 -c 'import json; print(json.load(open("e.json"))["id"])')
	run llmops show "$run_id" --format json
	printf '%s\n' "$out" >s.json
	check "$label: eval --format json = show --format json" cmp -s e.json s.json
	check "$label: it validates" python3 "$VALIDATE" eval.schema.json e.json
	for fmt in html json jsonl csv junit markdown; do
		ext=$fmt; [ $fmt = junit ] && ext=xml; [ $fmt = markdown ] && ext=md
		run ev "$@" -o "eval.$ext"
		run_id=$(llmops show last --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
		run llmops report "$run_id" -o "report.$ext"
		expect_rc 0 "$label: report -o report.$ext"
		check "$label: eval -o eval.$ext = report -o report.$ext" cmp -s "eval.$ext" "report.$ext"
	done
}

same_everywhere "one variant"
check "the run's gate is in the view" python3 -c '
import json; d=json.load(open("e.json")); assert d["gate"]["passed"] is True and d["total"] == 6 and d["dataset_cases"] == 6, d' 
check "requests counted per HTTP request, in both" python3 -c '
import json; d=json.load(open("e.json")); assert d["requests"] == 6 and d["variants"][0]["latency_ms"]["requests"] == 6, d'

same_everywhere "two variants, repeated" --provider openai:gpt-4o --repeat 2
check "two variants and the repeats in the view" python3 -c '
import json; d=json.load(open("e.json"))
assert len(d["variants"]) == 2 and d["total"] == 24 and d["dataset_cases"] == 6 and d["repeat"] == 2, d
assert len(d["repeats"]) == 2, d["repeats"]' 
check "markdown: the variants table" grep -q '| variant | passed |' eval.md

B=$(llmops show last --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
same_everywhere "against a baseline" --baseline "$B"
check "the baseline comparison is kept with the run" python3 -c '
import json; d=json.load(open("e.json")); assert "regressed" in d["baseline"], d.get("baseline")'

# an outcome not written by llmops (a fetched ledger): only the expected shapes are shown
R=$(python3 -c 'import json; print(json.load(open("e.json"))["id"])')
python3 -c 'import sqlite3,sys; d=sqlite3.connect(".llmops/ledger.db")
d.execute("UPDATE runs SET outcome = ? WHERE id = ?", (sys.argv[1], sys.argv[2])); d.commit()' \
	'{"gate": "<script>", "variants": {"x": 1}, "redactions": 3, "evil": true}' "$R"
run llmops show "$R" --format json
expect_rc 0 "a hostile outcome"
check "only the members of the expected types" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert "gate" not in d and "variants" not in d and "evil" not in d and d["redactions"] == 3, d' "$out"
run llmops report "$R" --format markdown
expect_rc 0 "markdown of it"

done_testing
