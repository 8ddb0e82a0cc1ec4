#!/usr/bin/env bash
# Reading the ledger: runs, show, diff and eval --baseline over runs made by
# real evaluations against the test server; the McNemar figures are checked
# against values worked out by hand.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm scaffold
llmops prompt pin summarize@v1.0.0 >/dev/null && git add prompts.lock && git commit -qm pin

# ------------------------------------------------------------ empty ledger
run llmops runs
expect_rc 0 "runs on an empty ledger"
check "says there are none yet" has "$err" "no runs yet"
run llmops show
expect_rc 2 "show on an empty ledger"
check "says how to make one" has "$err" "has no runs yet; 'llmops eval' records one"
run llmops diff
expect_rc 2 "diff on an empty ledger"

start_server --latency-ms 2
# cases(FILE, WRONG...): 20 cases c00..c19; the server echoes "REPLY: x", so a
# case listed in WRONG gets a reply that does not match its expected text (each its
# own: two identical requests would race each other to the cache, making a run's
# request count 19 or 20)
cases() {
	python3 - "$@" <<'EOF2'
import json, sys
wrong = set(sys.argv[2:])
json.dump([{"id": "c%02d" % i,
            "input": "REPLY: %s" % ("something else entirely, nothing alike (%d)" % i
                                    if "c%02d" % i in wrong else "the answer is %d" % i),
            "expected": "the answer is %d" % i} for i in range(20)], open(sys.argv[1], "w"))
EOF2
}
ev() { llmops eval --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0 "$@"; }

cases a.json c18 c19
run ev --dataset a.json
expect_rc 0 "run A: 18 of 20 pass"
A=$(sql "select id from runs order by id desc limit 1")
# B: c00..c05 now fail, c18 and c19 now pass: b = 6, c = 2
cases a.json c00 c01 c02 c03 c04 c05
run ev --dataset a.json
expect_rc 0 "run B: 14 of 20 pass"
B=$(sql "select id from runs order by id desc limit 1")

# ------------------------------------------------------------------ runs
run llmops runs
expect_rc 0 "runs"
check "both runs listed, newest first" test "$(echo "$out" | awk 'NR>1{print $1}' | tr '\n' ' ')" = "$B $A "
check "pass rates" has "$out" "90.0%"
check "B's pass rate" has "$out" "70.0%"
check "prompt and model" has "$out" "openai/gpt-4o-mini"
run llmops runs --format json
check "json: every run with its figures" python3 -c '
import json,sys; r=json.loads(sys.argv[1]); assert len(r)==2
assert r[0]["id"]==sys.argv[2] and r[0]["passed"]==14 and r[0]["cases"]==20
assert r[1]["requests"]==20 and r[1]["latency_p50_ms"] is not None' "$out" "$B"
run llmops runs --limit 1 --format json
check "--limit" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==1' "$out"
run llmops runs --dataset a.json --format json
check "--dataset matches by path" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==2' "$out"
run llmops runs --dataset evals/summarize.json
expect_rc 0 "--dataset with no runs"
check "says none match" has "$err" "no runs match"
run llmops runs --since 2000-01-01 --format json
check "--since a date" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==2' "$out"
run llmops runs --since 1h --format json
check "--since an age" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1]))==2' "$out"
run llmops runs --since 2999-01-01 --format json
check "--since the future: none" test "$out" = "[]"
run llmops runs --since yesterdayish
expect_rc 2 "a bad --since"
check "says what is accepted" has "$err" "neither a date"
run llmops runs --since 2026-02-30
expect_rc 2 "an impossible date"
run llmops runs --status failed --format json
check "--status" test "$out" = "[]"

# ------------------------------------------------------------------ show
run llmops show
expect_rc 0 "show (the last run)"
check "its id" has "$out" "run $B"
check "pass rate with interval" has "$out" "pass rate 70.0% (95% CI 48.1%-85.5%)"
check "every case listed" test "$(echo "$out" | grep -c '^  \(pass\|fail\|error\) ')" = 20
run llmops show last~1 --failed
expect_rc 0 "show last~1 --failed"
check "run A" has "$out" "run $A"
check "only the two failures" test "$(echo "$out" | grep -c '^  fail ')" = 2
check "no passing lines" test "$(echo "$out" | grep -c '^  pass ')" = 0
run llmops show "${A:0:20}" --case c19
expect_rc 0 "show by prefix, one case"
check "expected and output side by side" has "$out" "expected:"
check "the output" has "$out" "something else entirely"
check "the request" has "$out" "input:"
check "a case that was sent names what answered it" has "$out" "answered  openai:"
run llmops show "$B" --format json
check "json: run and results" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["id"]==sys.argv[2]
assert len(d["results"])==20 and sum(1 for r in d["results"] if r["passed"])==14
assert all("output" in r and "expected" in r for r in d["results"])' "$out" "$B"
run llmops show "$B" --case c77
expect_rc 2 "an unknown case"
check "suggests a near one" has "$err" "did you mean c"
typo="${B:0:24}$( [ "${B:24:1}" = 0 ] && echo 1 || echo 0)${B:25}"
run llmops show "$typo"
expect_rc 2 "an unknown run id"
check "suggests the nearest" has "$err" "did you mean $B"
run llmops show last~9
expect_rc 2 "last~N beyond the ledger"
check "says how many there are" has "$err" "it has 2 runs"
run llmops show not-a-run
expect_rc 2 "a malformed reference"

# ------------------------------------------------------------------ diff
run llmops diff "$A" "$B"
expect_rc 0 "diff A B"
check "6 newly failing, 2 newly passing" has "$out" "6 newly failing, 2 newly passing"
# exact McNemar, b=6 c=2: 2 * (C(8,0)+C(8,1)+C(8,2)) / 2^8 = 2 * 37 / 256 = 0.2890625
check "McNemar p by hand" has "$out" "p = 0.2891"
check "pass rate change" has "$out" "90.0% -> 70.0% (-20.0 points)"
check "score interval" has "$out" "95% CI"
check "latency change" has "$out" "ms p50"
check "lists a newly failing case" has "$out" "c03"
run llmops diff "$A" "$B" --format json
check "json: the 2x2 table and p" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); p=d["paired"]
assert (p["both_passed"],p["newly_failing"],p["newly_passing"],p["both_failed"])==(12,6,2,0)
assert abs(p["mcnemar_p"]-0.2890625)<1e-12
assert sorted(x["case"] for x in d["newly_failing"])==["c0%d"%i for i in range(6)]
assert sorted(x["case"] for x in d["newly_passing"])==["c18","c19"]
lo,hi=p["score_change_ci95"]; assert lo<p["score_change_mean"]<hi
assert d["regressed"] is True' "$out"
run llmops diff
expect_rc 0 "diff with no arguments: last~1 against last"
check "same comparison" has "$out" "6 newly failing, 2 newly passing"
run llmops diff "$A" "$B" --fail-on-regression
expect_rc 1 "--fail-on-regression: a case flipped"
run llmops diff "$A" "$B" --fail-on-regression --significance 0.05
expect_rc 0 "--significance 0.05: p = 0.289 is not significant"
check "says so" has "$out" "not significant at 0.05"
run llmops diff "$B" "$A" --fail-on-regression
expect_rc 1 "the reverse also has flips (2 pass -> fail)"
run llmops diff "$A" "$A" --fail-on-regression
expect_rc 0 "a run against itself"
check "p = 1" has "$out" "p = 1"
run llmops diff --tolerance 2
expect_rc 2 "a bad --tolerance"
run llmops diff "$A" nope1234
expect_rc 2 "an unknown run in diff"

# content pairing: the same cases under new ids
python3 - <<'EOF2'
import json
d = json.load(open("a.json"))
for c in d[:5]:
    c["id"] = "renamed-" + c["id"]
json.dump(d, open("renamed.json", "w"))
EOF2
run ev --dataset renamed.json
C=$(sql "select id from runs order by id desc limit 1")
run llmops diff "$B" "$C" --format json
check "renamed cases paired by content" python3 -c '
import json,sys; p=json.loads(sys.argv[1])["paired"]
assert p["cases"]==20 and p["matched_by_content"]==5 and p["only_in_a"]==0' "$out"

# ------------------------------------------------------- eval --baseline
cases a.json c00 c01 c02 c03 c04 c05 c06 c07 c08 c09 c10 c11 c12 c13
run ev --dataset a.json --baseline "$A" --fail-on-regression
expect_rc 1 "--fail-on-regression against run A"
check "the comparison is shown" has "$out" "against the baseline"
check "14 newly failing" has "$out" "14 newly failing, 2 newly passing"
check "the run is recorded as failed" test "$(sql "select status from runs order by id desc limit 1")" = failed
run ev --dataset a.json --baseline "$A" --fail-on-regression --significance 0.05 --format json
expect_rc 1 "b=14, c=2 is significant"
check "json carries the baseline" python3 -c '
import json,sys; b=json.loads(sys.argv[1])["baseline"]
assert b["a"]["run"]==sys.argv[2] and b["regressed"] and b["paired"]["mcnemar_p"]<0.05' "$out" "$A"
cases a.json c18 c19
run ev --dataset a.json --baseline last --fail-on-regression
expect_rc 1 "--baseline last: the previous evaluation of this dataset"
check "compared with the run before (c00-c13 failing there)" has "$out" "2 newly failing, 14 newly passing"
run ev --dataset a.json --baseline pinned
expect_rc 2 "--baseline pinned with no prompt"
check "says to give one" has "$err" "--prompt"
run ev --dataset a.json --fail-on-regression
expect_rc 2 "--fail-on-regression needs a baseline"
run ev --dataset a.json --baseline ZZZZZZZZ
expect_rc 2 "an unknown baseline"
run ev --dataset renamed.json --baseline last --significance 2
expect_rc 2 "a bad --significance"

# --baseline pinned: the newest run of the pinned version on this dataset
run llmops eval --dataset evals/summarize.json --prompt summarize@v1.0.0
expect_rc 0 "the pinned version evaluated"
P=$(sql "select id from runs order by id desc limit 1")
run llmops eval --dataset evals/summarize.json --prompt summarize --baseline pinned --format json
expect_rc 0 "--baseline pinned"
check "compared with the pinned run" python3 -c '
import json,sys; assert json.loads(sys.argv[1])["baseline"]["a"]["run"]==sys.argv[2]' "$out" "$P"

# ------------------------------------------------------------------ stats
run llmops stats
expect_rc 0 "stats by day"
check "today's row" has "$out" "$(date -u +%Y-%m-%d)"
check "a total" has "$out" "total"
run llmops stats --by model --format json
expect_rc 0 "stats --by model"
check "json: figures per model" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); keys=[r["key"] for r in d["rows"]]
assert "gpt-4o-mini" in keys and d["total"]["runs"]>=7
r=[r for r in d["rows"] if r["key"]=="gpt-4o-mini"][0]
assert r["latency_p50_ms"] is not None and r["latency_p95_ms"]>=r["latency_p50_ms"]
assert 0<r["pass_rate"]<1 and r["error_rate"]==0' "$out"
run llmops stats --by provider --since 2999-01-01
expect_rc 0 "stats of nothing"
check "says so" has "$err" "no runs since then"
run llmops stats --by week
expect_rc 2 "an unknown --by"
# drift: the same prompt, dataset and model; 6 runs pass everything, then 3
# runs (a stricter threshold) pass nothing
python3 - <<'EOF2'
import json
json.dump([{"id": "d%02d" % i, "input": "REPLY: the answer is %d today" % i,
            "expected": "the answer is %d" % i} for i in range(20)], open("drift.json", "w"))
EOF2
for i in 1 2 3 4 5 6; do ev --dataset drift.json >/dev/null 2>&1; done
run llmops stats --format json
check "no drift while stable" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["series_tested"]>=1 and d["drift"]==[]' "$out"
for i in 1 2 3; do ev --dataset drift.json --threshold 0.95 >/dev/null 2>&1; done
run llmops stats --format json
check "the drop in pass rate is flagged" python3 -c '
import json,sys; d=json.loads(sys.argv[1])["drift"]
x=[x for x in d if x["metric"]=="pass_rate" and x["dataset"]=="drift.json"][0]
assert x["before"]==1 and x["recent"]==0 and x["p"]<0.01 and x["runs_recent"]==3 and x["runs_before"]==6' "$out"
run llmops stats
check "drift in the text" has "$out" "pass_rate 1 -> 0"

# ------------------------------------------------- a ledger from schema 1
cp .llmops/ledger.db old.db
python3 - <<'EOF2'
import sqlite3
d = sqlite3.connect("old.db")
d.execute("DROP INDEX runs_dataset")
d.execute("DROP TABLE run_aliases")
for c in ("requests", "cache_hits", "score_mean", "latency_p50", "latency_p95", "latencies"):
    d.execute("ALTER TABLE runs DROP COLUMN " + c)
d.execute("DROP INDEX results_answered")  # schema 4
d.execute("ALTER TABLE runs DROP COLUMN skipped")
d.execute("ALTER TABLE runs DROP COLUMN judge_cost_usd")
d.execute("ALTER TABLE runs DROP COLUMN outcome")  # schema 7
d.execute("DROP TABLE feedback")  # schema 8
d.execute("ALTER TABLE results DROP COLUMN tiers")
d.execute("DROP INDEX results_record")  # schema 6
d.execute("DROP INDEX runs_kind")
for c in ("record_key", "metadata"):
    d.execute("ALTER TABLE results DROP COLUMN " + c)
for c in ("position", "metric", "threshold", "provider", "model", "skipped", "judge",
          "judge_cost_usd", "steps"):  # schemas 3, 4, 5
    d.execute("ALTER TABLE results DROP COLUMN " + c)
d.execute("PRAGMA user_version = 1")
d.commit()
EOF2
run llmops --ledger old.db runs --format json
expect_rc 0 "a schema 1 ledger is migrated"
check "now schema 8" test "$(LEDGER=old.db sql 'PRAGMA user_version')" = 8
check "figures computed from the results" python3 -c '
import json,sys; r=[x for x in json.loads(sys.argv[1]) if x["id"]==sys.argv[2]][0]
assert r["requests"]==20 and r["latency_p50_ms"] is not None' "$out" "$A"
run llmops --ledger old.db stats --by prompt --format json
expect_rc 0 "stats over the migrated ledger"
check "latencies from the results" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["total"]["latency_p50_ms"] is not None' "$out"

# a recorded output: nothing was sent, and unknown counts are '-' (issue 32)
llmops eval --dataset evals/summarize.json >/dev/null 2>&1
run llmops show last --case sqlite
expect_rc 0 "show --case of a recorded output"
check "it says no request was sent" has "$out" "answered  by its recorded output: no request sent"
check "no -1 for what is unknown" eval '! has "$out" "-1 in" && has "$out" "tokens    - in,"'
done_testing
