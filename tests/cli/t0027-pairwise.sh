#!/usr/bin/env bash
# judge:pairwise (issue 19): two variants' outputs of each case compared by a judge,
# asked twice with the order swapped; a win only when both orders agree; win, tie and
# loss with a sign test in the summary, the gate failing when the second variant is
# significantly worse; a judge that fails, or a missing output, is an error for both.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
check "init writes the pairwise rubric" grep -q "^verdict: preference" prompts/_judges/pairwise/v1.0.0.txt
mkdir -p prompts/qa
printf 'Answer the question.\nREPLY: {{a}}\n' >prompts/qa/v1.0.0.txt
printf 'Answer the question.\nREPLY: {{b}}\n' >prompts/qa/v2.0.0.txt
# the judge from llmops.json (eval.judge); --judge overrides it
python3 -c 'import json; c=json.load(open("llmops.json")); c["eval"]["judge"]="openai:gpt-4o"; json.dump(c, open("llmops.json","w"))'
git add -A && git commit -qm scaffold
run llmops prompt pin _judges/pairwise@v1.0.0
expect_rc 0 "the rubric pinned, as any prompt"
git add -A && git commit -qm "pin the rubric"
run llmops lint
expect_rc 0 "the pairwise rubric lints clean"

start_server
export OPENAI_API_KEY=sk-test-0123456789
# the test server's pairwise judge prefers the answer whose "QUALITY: N" is higher;
# "PREFER: first" is a judge that always prefers what it sees first (its orders disagree)
python3 - <<'PYEOF'
import json
cases = []
for i in range(12):  # v2 better
    cases.append({"id": "b%02d" % i, "a": "answer %d QUALITY: 2" % i, "b": "answer %d QUALITY: 4" % i})
for i in range(2):   # v1 better
    cases.append({"id": "a%02d" % i, "a": "answer %d QUALITY: 5" % i, "b": "answer %d QUALITY: 1" % i})
for i in range(3):   # as good as each other
    cases.append({"id": "t%02d" % i, "a": "answer %d QUALITY: 3" % i, "b": "reply %d QUALITY: 3" % i})
for i in range(2):   # a judge with a position bias
    cases.append({"id": "p%02d" % i, "a": "answer %d QUALITY: 1 PREFER: first" % i, "b": "other %d QUALITY: 5" % i})
cases.append({"id": "line", "a": "answer QUALITY: 1 PREFER: line", "b": "answer QUALITY: 2"})
json.dump(cases, open("evals/pairs.json", "w"), indent=1)
PYEOF
git add -A && git commit -qm cases
pw() { run llmops eval --dataset evals/pairs.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--metric judge:pairwise --min-pass-rate 0 --retries 1 "$@"; }

pw --prompt qa@v1.0.0
expect_rc 2 "one variant cannot be compared"
check "says what it needs" has "$err" "judge:pairwise compares the outputs of two variants, and this run has 1"

before=$(server_stat api_requests)
pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 --format json
expect_rc 0 "a pairwise run where the second variant is better"
check "two outputs and two judge requests per case" test "$(($(server_stat api_requests) - before))" = 80
# v2 wins b00-b11 and line (13), loses a00 a01 (2); ties t00-t02 and the two biased (5):
# the sign test over 13 wins and 2 losses: 2 x (1 + 15 + 105) / 2^15
check "win, tie, loss and the sign test" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); p=d["pairwise"]
assert (p["wins"], p["ties"], p["losses"], p["ties_inconsistent"]) == (13, 5, 2, 2), p
assert abs(p["p_value"] - 2*121/32768) < 1e-12 and p["finding"] == "better", p
assert p["variant"].startswith("qa@v2.0.0") and p["against"].startswith("qa@v1.0.0"), p
assert p["rubric"] == "pairwise@v1.0.0" and p["alpha"] == 0.05
assert d["gate"]["passed"] and not d["gate"]["pairwise_worse"], d["gate"]
v = d["variants"]; assert v[1]["pairwise"]["wins"] == 13 and v[0]["pairwise"]["wins"] == 2, v
assert v[0]["judge"]["verdicts"] == 20 and v[1]["judge"]["verdicts"] == 20' "$out"
RUN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run"])' "$out")
run llmops show "$RUN" --format json
check "each result keeps both orders' verdicts" python3 -c '
import json,sys; r={(x["case"], x["variant"][:9]): x for x in json.loads(sys.argv[1])["results"]}
w=r[("b00","qa@v2.0.0")]; l=r[("b00","qa@v1.0.0")]
assert w["judge"]["outcome"]=="win" and l["judge"]["outcome"]=="loss" and w["score"]==1 and l["score"]==0
assert w["passed"] and l["passed"], "a lost comparison is not a failed case"
o=w["judge"]["orders"]; assert len(o)==2 and o[0]["first"].startswith("qa@v2.0.0") and o[0]["winner"]=="A" and o[1]["winner"]=="B", o
assert w["judge"]["consistent"] and w["judge"]["against"].startswith("qa@v1.0.0")
b=r[("p00","qa@v2.0.0")]["judge"]; assert b["outcome"]=="tie" and not b["consistent"], b
assert r[("p00","qa@v2.0.0")]["score"]==0.5
assert r[("line","qa@v2.0.0")]["judge"]["outcome"]=="win"
for x in r.values():  # each result carries the cost of its own order
    c=x["judge"]["orders"][0]["cost_usd"]; assert x["judge"]["cost_usd"]==c and c > 0, x' "$out"

run llmops show "$RUN" --case p00
check "show --case gives the outcome" has "$out" "judge     pairwise@v1.0.0 by openai:gpt-4o: tie against qa@v1.0.0 x openai:gpt-4o-mini (the orders disagreed)"
check "and both orders" has "$out" "qa@v2.0.0 x openai:gpt-4o-mini first: A, the first one reads better"

pw --prompt qa@v1.0.0 --prompt qa@v2.0.0
check "the summary" has "$out" "qa@v2.0.0"
check "win/tie/loss" has "$out" "13 wins, 5 ties (2 where the orders disagreed), 2 losses"
check "the sign test" has "$out" "sign test p = 0.007385: it is preferred"
check "cached the second time" has "$out" "cache hits 20"

pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 --significance 0.001 --format json
expect_rc 0 "a stricter level"
check "no significant difference at 0.001" python3 -c '
import json,sys; p=json.loads(sys.argv[1])["pairwise"]; assert p["finding"]=="no_difference" and p["alpha"]==0.001, p' "$out"

pw --prompt qa@v2.0.0 --prompt qa@v1.0.0
expect_rc 1 "the second variant significantly worse fails the gate"
check "says why" has "$out" "pairwise: 2 wins, 13 losses, p = 0.007385 < 0.05"
check "and what it found" has "$out" "it is worse (the gate fails)"

VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"
pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 -o pairs.json
check "eval -o json with pairwise verdicts validates" python3 "$VALIDATE" eval.schema.json pairs.json
pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 -o pairs.md
check "the Markdown report has the comparison" grep -q "13 wins, 5 ties (2 where the orders disagreed), 2 losses" pairs.md

# a judge that fails, or answers with no winner: both results of the case are errors
cat >evals/bad.json <<'EOF'
[{"id": "fails", "a": "x QUALITY: 1 PREFER: 500", "b": "y QUALITY: 2"},
 {"id": "none", "a": "x QUALITY: 1 PREFER: none", "b": "y QUALITY: 2"},
 {"id": "fine", "a": "x QUALITY: 1", "b": "y QUALITY: 2"}]
EOF
run llmops eval --dataset evals/bad.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--metric judge:pairwise --judge openai:gpt-4o --min-pass-rate 0 --retries 1 \
	--prompt qa@v1.0.0 --prompt qa@v2.0.0 --max-errors 4 --format json
expect_rc 0 "errors within --max-errors"
check "a failed verdict is an error for both, never a pass" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); r={(x["case"], x["variant"][:9]): x for x in d["results"]}
for v in ("qa@v1.0.0", "qa@v2.0.0"):
    assert r[("fails",v)]["passed"] is None and "pairwise judge" in r[("fails",v)]["error"], r[("fails",v)]
    assert "HTTP 500" in r[("fails",v)]["error"] or "first failed" in r[("fails",v)]["error"], r[("fails",v)]
    assert r[("none",v)]["passed"] is None and "no winner" in r[("none",v)]["error"] + "first failed", r[("none",v)]
assert r[("fine","qa@v2.0.0")]["judge"]["outcome"]=="win"
p=d["pairwise"]; assert (p["wins"], p["ties"], p["losses"])==(1,0,0), p' "$out"

# an output that never comes: its partner is an error, whichever ended first
for order in "openai:gpt-4o-mini openai:no-such-model" "openai:no-such-model openai:gpt-4o-mini"; do
	set -- $order
	run llmops eval --dataset evals/bad.json --provider "$1" --provider "$2" --base-url "$BASE" \
		--metric judge:pairwise --judge openai:gpt-4o --min-pass-rate 0 --retries 0 \
		--prompt qa@v1.0.0 --concurrency 1 --format json
	check "no output to compare with ($1 first)" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); rs=d["results"]
ok=[x for x in rs if "no-such" not in x["variant"]]
assert len(ok)==3 and all(x["passed"] is None and "has no output of this case to compare with" in x["error"] for x in ok), ok' "$out"
done

# Anthropic's Messages API has no response format: the rubric's own words ask for the shape
pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 --judge anthropic:claude-3-5-haiku-20241022 --format json
expect_rc 0 "an Anthropic judge"
check "the same finding" python3 -c '
import json,sys; p=json.loads(sys.argv[1])["pairwise"]; assert (p["wins"], p["losses"])==(13, 2), p' "$out"

# an interrupted pairwise run resumes: the kept results' outcomes counted; a pair with
# neither result kept judged again; one with one kept cannot be (an error, said why)
pw --prompt qa@v1.0.0 --prompt qa@v2.0.0 --limit 4 --format json
RUN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run"])' "$out")
python3 - "$RUN" <<'EOF'
import sqlite3, sys
d = sqlite3.connect(".llmops/ledger.db")
d.execute("UPDATE runs SET status='running', finished_at=NULL WHERE id=?", (sys.argv[1],))
d.execute("DELETE FROM results WHERE run_id=? AND case_id='b03'", (sys.argv[1],))
d.execute("DELETE FROM results WHERE run_id=? AND case_id='b02' AND variant LIKE 'qa@v1%'", (sys.argv[1],))
d.commit()
EOF
run llmops eval --resume "$RUN" --format json
expect_rc 1 "resumed, with the half-kept pair an error"
check "the outcomes counted" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); p=d["pairwise"]
assert (p["wins"], p["ties"], p["losses"])==(4,0,0), p
r={(x["case"], x["variant"][:9]): x for x in d["results"]}
e=r[("b02","qa@v1.0.0")]; assert e["passed"] is None and "kept from the interrupted run" in e["error"], e
assert r[("b03","qa@v2.0.0")]["judge"]["outcome"]=="win"' "$out"

done_testing
