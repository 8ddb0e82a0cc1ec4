#!/usr/bin/env bash
# llmops review over a queue filled by a real evaluation (eval --review-below):
# list, show, accept (--update-dataset for JSONL and JSON), reject; bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
start_server
# c00..c04 get a reply close to, but not the same as, what they expect
python3 - <<'EOF2'
import json
rows = [{"id": "c%02d" % i, "input": "REPLY: the answer is %d%s" % (i, " today, surely" if i < 5 else ""),
         "expected": "the answer is %d" % i} for i in range(10)]
open("cases.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
json.dump(rows, open("cases.json", "w"), indent=1)
EOF2
cp cases.jsonl before.jsonl
ev() { llmops eval --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0 "$@"; }

run llmops review list
expect_rc 0 "an empty queue"
check "says how to fill it" has "$err" "--review-below"
run ev --dataset cases.jsonl --review-below 0.99
expect_rc 0 "an evaluation queues low scores"
RUN=$(sql "select id from runs order by id desc limit 1")
run llmops review list
expect_rc 0 "review list"
check "five pending" test "$(echo "$out" | grep -c ' pending ')" = 5
check "with the reason" has "$out" "score below --review-below"
run llmops review list --format json
check "json: ids, cases, scores" python3 -c '
import json,sys; v=json.loads(sys.argv[1]); assert sorted(x["case"] for x in v)==["c%02d"%i for i in range(5)]
assert all(x["status"]=="pending" and 0<x["score"]<0.99 for x in v)' "$out"
# the queue is in the order results completed (requests run concurrently): pick by case
review_of() { echo "$out" | python3 -c 'import json,sys; print([x["id"] for x in json.load(sys.stdin) if x["case"] == sys.argv[1]][0])' "$1"; }
ID=$(review_of c00)
ID2=$(review_of c01)
run llmops review show "$ID"
expect_rc 0 "review show"
check "expected and output" has "$out" "the answer is 0 today, surely"
check "the score" has "$out" "score 0."

run llmops review accept "$ID" --update-dataset --note "the longer answer is right" --reviewer ana
expect_rc 0 "accept with --update-dataset"
check "the case now expects the output" python3 -c '
import json; r=[json.loads(l) for l in open("cases.jsonl")]
assert r[0]["expected"]=="the answer is 0 today, surely"'
check "every other line is byte-for-byte the same" bash -c 'diff <(sed 1d cases.jsonl) <(sed 1d before.jsonl)'
check "recorded as accepted, by whom and why" test \
	"$(sql "select status, reviewer, note from reviews where id=$ID")" = "accepted|ana|the longer answer is right"
run llmops review accept "$ID" --update-dataset
expect_rc 1 "accepting again: the case no longer expects what the run scored"
check "nothing written, says why" has "$err" "no longer expects"
run ev --dataset cases.jsonl
check "the case passes now" test \
	"$(sql "select passed from results where case_id='c00' order by id desc limit 1")" = 1

run llmops review reject "$ID2" -m "too chatty"
expect_rc 0 "reject"
run llmops review list --status all --format json
check "one accepted, one rejected, three pending" python3 -c '
import json,sys; v=json.loads(sys.argv[1]); s=sorted(x["status"] for x in v)
assert s==["accepted","pending","pending","pending","rejected"], s' "$out"
run llmops review list --run "$RUN" --status rejected
check "filters by run and status" has "$out" "rejected"

# a JSON dataset is written again, with the one change
run ev --dataset cases.json --review-below 0.99
J=$(sql "select v.id from reviews v join results r on r.id = v.result_id where r.case_id = 'c04' order by v.id desc limit 1")
run llmops review accept "$J" --update-dataset
expect_rc 0 "accept into a JSON dataset"
check "valid JSON with the change" python3 -c '
import json; r=json.load(open("cases.json")); assert r[4]["expected"]=="the answer is 4 today, surely" and len(r)==10'

# --------------------------------------------------------------- bad input
run llmops review show 9999
expect_rc 2 "an unknown review"
check "says how to list them" has "$err" "llmops review list"
run llmops review accept abc
expect_rc 2 "not a number"
run llmops review reject "$ID2" --update-dataset
expect_rc 2 "--update-dataset with reject"
printf 'id,input,expected\nx1,REPLY: yes sir,yes\n' >cases.csv
run ev --dataset cases.csv --review-below 0.99
C=$(sql "select max(id) from reviews")
run llmops review accept "$C" --update-dataset
expect_rc 2 "a CSV dataset is not rewritten"
check "says to edit it by hand" has "$err" "edit case 'x1' by hand"
check "the CSV is unchanged" test "$(cat cases.csv | wc -l)" = 2
check "and the review is still pending" test "$(sql "select status from reviews where id=$C")" = pending
run llmops review frobnicate
expect_rc 2 "an unknown verb"

done_testing
