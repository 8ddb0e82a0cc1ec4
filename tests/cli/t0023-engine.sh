#!/usr/bin/env bash
# Issue 16: one engine, one run model, one printer, one typed configuration.
# A case is refused in the same words at the same place by eval, cost and
# lint; llmops.json's unknown keys name the nearest known one; eval -o and
# report (and show) write the same columns and keys for one run, and every
# JSON output validates against its schema in man/schemas/; the text view
# never cuts a variant's name, says "-" for what is unknown, and never
# passes the gate of an interrupted run.
. "$(dirname "$0")/lib.sh"

VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"
make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -q -m init
start_server

# ---------------------------------------------- one case check, three commands
mkdir -p evals
printf '[{"id": "a", "question": "q", "expected": "x", "metric": "blue"}]\n' >evals/m.json
run llmops eval --dataset evals/m.json --provider replay
expect_rc 2 "eval refuses an unknown metric"
want="evals/m.json:1:48: case 'a': unknown metric 'blue'; did you mean 'bleu'?"
check "eval: position and suggestion" has "$err" "$want"
run llmops cost --dataset evals/m.json --prompt summarize
expect_rc 2 "cost refuses it too"
check "cost: the same words at the same place" has "$err" "$want"
run llmops lint --format json
check "lint: the same words at the same place" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
f=[f for f in d["findings"] if f["rule"]=="dataset-metric"][0]
assert (f["path"], f["line"], f["column"]) == ("evals/m.json", 1, 48), f
assert "case '"'"'a'"'"': unknown metric '"'"'blue'"'"'; did you mean '"'"'bleu'"'"'?" in f["message"], f' "$out"
rm evals/m.json

printf '{"id": "t", "input": "x", "expected": "x", "threshold": "0.3"}\n' >evals/t.jsonl
run llmops eval --dataset evals/t.jsonl --provider replay
expect_rc 2 "a threshold given as text is refused by eval"
check "eval says where" has "$err" "evals/t.jsonl:1:44: case 't': \"threshold\" must be a number in [0, 1]"
run llmops lint --format json
check "lint says the same" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
f=[f for f in d["findings"] if f["rule"]=="dataset-threshold"][0]
assert (f["line"], f["column"]) == (1, 44) and "must be a number in [0, 1]" in f["message"], f' "$out"
rm evals/t.jsonl

printf '[{"id": "s", "input": "x", "assert": [{"type": "contians", "value": "x"}]}]\n' >evals/s.json
run llmops eval --dataset evals/s.json --provider replay
expect_rc 2 "an unknown assertion type is refused by eval"
check "eval names the assertion" has "$err" "case 's': assert[0]"
run llmops cost --dataset evals/s.json --prompt summarize
expect_rc 2 "and by cost"
run llmops lint --format json
check "lint finds it (dataset-assert)" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert any(f["rule"]=="dataset-assert" for f in d["findings"])' "$out"
rm evals/s.json

# ------------------------------------------------------------- llmops.json keys
cp llmops.json llmops.json.orig
python3 - <<'EOF'
import json
c = json.load(open("llmops.json")); c["eval"] = {"treshold": 0.1}
json.dump(c, open("llmops.json", "w"), indent=2)
EOF
run llmops eval --dataset evals/summarize.json --provider replay
expect_rc 2 "an unknown key in eval is an error"
check "it names the nearest key" has "$err" "unknown key 'treshold' in eval; did you mean 'threshold'?"
check "at its position" has "$err" "llmops.json:"
python3 - <<'EOF'
import json
c = json.load(open("llmops.json.orig")); c["evals"] = {}
json.dump(c, open("llmops.json", "w"), indent=2)
EOF
run llmops lint
expect_rc 2 "an unknown section too, in lint as well"
check "the nearest section" has "$err" "unknown key 'evals' in llmops.json; did you mean 'eval'?"
python3 - <<'EOF'
import json
c = json.load(open("llmops.json.orig")); c["eval"] = {"concurrency": "8"}
json.dump(c, open("llmops.json", "w"), indent=2)
EOF
run llmops eval --dataset evals/summarize.json --provider replay
expect_rc 2 "a value of the wrong type"
check "says what it must be" has "$err" "eval.concurrency must be a number in [1, 100000], not a string"
cp llmops.json.orig llmops.json

# ------------------------------------------- one run, every format, two writers
python3 - <<'EOF'
import json
json.dump([{"id": "c%d" % i, "input": "REPLY: word %d" % (i % 3), "expected": "word %d" % (i % 2)}
           for i in range(6)], open("six.json", "w"))
EOF
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 -o run.json
expect_rc 0 "a run written as JSON"
RUN=$(python3 -c 'import json; print(json.load(open("run.json"))["id"])')
check "eval -o json validates" python3 "$VALIDATE" eval.schema.json run.json
for fmt in csv junit markdown; do
	ext=$fmt; [ $fmt = junit ] && ext=xml; [ $fmt = markdown ] && ext=md
	run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
		--min-pass-rate 0 -o "eval.$ext"
	E=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' < <(llmops show last --format json))
	run llmops report "$E" -o "report.$ext"
	expect_rc 0 "report --format $fmt"
	case $fmt in
	csv) check "csv: the same header from eval -o and report" \
		test "$(head -1 eval.csv)" = "$(head -1 report.csv)" ;;
	junit) check "junit: the same cases and verdicts" python3 -c '
import xml.etree.ElementTree as E, sys
def cases(p):
    return sorted((c.get("name"), c.find("failure") is not None, c.find("error") is not None)
                  for c in E.parse(p).getroot().iter("testcase"))
assert cases("eval.xml") == cases("report.xml"), (cases("eval.xml"), cases("report.xml"))' ;;
	markdown) check "markdown: the same table of failing cases" python3 -c '
def rows(p):
    t = open(p).read(); i = t.index("| case | score |"); return t[i:]
assert rows("eval.md") == rows("report.md")' ;;
	esac
done
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 -o run.jsonl
check "eval -o jsonl: each line validates" python3 "$VALIDATE" result.schema.json run.jsonl --lines
run llmops show last --format json
printf '%s' "$out" >show.json
check "show validates" python3 "$VALIDATE" show.schema.json show.json
check "show and eval -o jsonl write a result with the same keys" python3 -c '
import json
s = json.load(open("show.json"))["results"]
j = [json.loads(l) for l in open("run.jsonl")]
assert [sorted(k for k in x if k != "run") for x in j] == [sorted(x) for x in s]'
check "show has the pass-rate interval its text shows" python3 -c '
import json; d=json.load(open("show.json")); assert len(d["pass_rate_ci95"]) == 2'
run llmops runs --format json
printf '%s' "$out" >runs.json
check "runs validates" python3 "$VALIDATE" runs.schema.json runs.json
check "JSON is indented with two spaces" python3 -c '
import sys; t=open("runs.json").read(); assert "\t" not in t and "\n  {" in t and "\n    \"id\"" in t'
check "results come in dataset order" python3 -c '
import json; s=json.load(open("show.json"))["results"]; assert [x["case"] for x in s] == ["c%d" % i for i in range(6)]'

# -------------------------------------------------------------------- the text
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 --limit 1 --max-cost 0.0000001
check "one case, not one cases" has "$out" "six.json, 1 case x 1 variant"
check "a maximum under a cent keeps its digits" has "$out" "maximum \$0.00000010"
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --provider openai:gpt-4.1-mini \
	--base-url "$BASE" --min-pass-rate 0 --no-cache
check "the matrix names what differs, whole (cut only between words)" has "$out" \
	"| openai:gpt-4o-mini | openai:gpt-4.1-mini"
check "and what is shared, once" has "$out" "each variant: (input) x *"
check "cells aligned" has "$out" "  latency p50 | "
check "no nan anywhere" sh -c '! printf "%s" "$1" | grep -qi nan' _ "$out"

# the HTML report of that matrix run: each variant side by side, each case across them
run llmops report -o matrix.html
expect_rc 0 "report of a matrix run"
check "the variants side by side, not pooled" python3 - <<'EOF'
import re
h = open("matrix.html").read()
i = h.index("<h2>Variants side by side</h2>")
assert "(input) x openai:gpt-4o-mini" in h[i:i + 600] and "(input) x openai:gpt-4.1-mini" in h[i:i + 600]
assert "12 over 2 variants" in h, "the summary says results over variants"
j = h.index("<h2>Cases across the variants</h2>")
rows = re.findall(r"<tr><td>(c\d)<td", h[j:h.index("</table>", j)])
assert rows == ["c%d" % k for k in range(6)], rows  # one row per case, in dataset order
assert 'aria-label="score of the gating metric"' in h and ">results</text>" in h  # labelled axes
EOF
run timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1366,2400 \
	--screenshot="$PWD/matrix.png" "file://$PWD/matrix.html"
check "a screenshot at a laptop's width" sh -c 'head -c 8 matrix.png | od -An -tx1 | grep -q "89 50 4e 47"'

# an interrupted run has no verdict
start_server --latency-ms 400
SLOW=$BASE
python3 -c 'import json; json.dump([{"id": "s%d" % i, "input": "REPLY: x", "expected": "x"} for i in range(40)], open("slow.json", "w"))'
runs_before=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset slow.json --provider openai:gpt-4o-mini --base-url "$SLOW" --concurrency 2 \
	--no-cache >int.out 2>int.err &
pid=$!
wait_results "$runs_before" 2
kill -INT "$pid"
wait "$pid"
rc=$?
check "interrupted: exit 130" test "$rc" = 130
check "the gate is not decided" has "$(cat int.out)" "gate: not decided (interrupted after"
check "never passed" sh -c '! grep -q "gate: passed" int.out'

# Ctrl-C while recorded outputs are replayed (no request in flight) interrupts too
python3 -c '
with open("many.jsonl", "w") as f:
    for i in range(300000):
        f.write("{\"id\": \"r%d\", \"output\": \"a b %d\", \"expected\": \"a b %d\"}\n" % (i, i % 7, i % 5))'
runs_before=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset many.jsonl --provider replay --min-pass-rate 0 >many.out 2>many.err &
pid=$!
wait_results "$runs_before" 4096
kill -INT "$pid"
wait "$pid"
rc=$?
check "a replay interrupted: exit 130" test "$rc" = 130
RUN=$(sql "select id from runs order by id desc limit 1")
check "recorded as interrupted" test "$(sql "select status from runs where id='$RUN'")" = interrupted
check "its gate undecided" has "$(cat many.out)" "gate: not decided"
done1=$(sql "select count(*) from results where run_id='$RUN'")
run llmops eval --resume "$RUN" --no-progress
expect_rc 0 "the resume runs the rest"
check "every case once" test "$(sql "select count(*), count(distinct case_id) from results where run_id='$RUN'")" = "300000|300000"
check "the first part was kept" test "$done1" -lt 300000

# llmops.json names the prompt eval runs by default
python3 - <<'EOF'
import json
c = json.load(open("llmops.json.orig")); c.setdefault("eval", {})["prompt"] = "summarize@v1.0.0"
json.dump(c, open("llmops.json", "w"), indent=2)
EOF
cp evals/summarize.json cases-any-name.json
run llmops eval --dataset cases-any-name.json --provider replay --min-pass-rate 0
check "eval.prompt is the default prompt" has "$out" "summarize@v1.0.0"
cp llmops.json.orig llmops.json

# a run with faults, retries, errors and cache hits; then every run's kept figures (counted
# by the engine as it ran) must be what its results say
start_server --fail-rate 0.3 --retry-after 0
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 --retries 1 --no-cache
run llmops eval --dataset six.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 --retries 1
check "the figures kept for each run are its results' figures" python3 - <<'EOF'
import math, sqlite3
db = sqlite3.connect(".llmops/ledger.db")
bad = []
for (rid, cases, passed, failed, errored, ti, to, cost, req, hits, mean, p50, p95) in db.execute(
        "select id, cases, passed, failed, errored, tokens_in, tokens_out, cost_usd, requests,"
        " cache_hits, score_mean, latency_p50, latency_p95 from runs"
        " where kind = 'eval' and status != 'interrupted'"):
    r = db.execute("select count(*), sum(passed = 1), sum(passed = 0), sum(passed is null),"
                   " coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0),"
                   " coalesce(sum(cost_usd), 0), coalesce(sum(attempts), 0),"
                   " coalesce(sum(cache_hit), 0), avg(score) from results where run_id = ?",
                   (rid,)).fetchone()
    want = (r[0], r[1] or 0, r[2] or 0, r[3] or 0, r[4], r[5])
    got = (cases, passed, failed, errored, ti, to)
    close = lambda a, b: (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)
    if got != want or not close(cost, r[6]) or req != r[7] or hits != r[8] or not close(mean, r[9]):
        bad.append((rid, got, want, cost, r[6], req, r[7], hits, r[8], mean, r[9]))
assert not bad, bad
EOF

done_testing
