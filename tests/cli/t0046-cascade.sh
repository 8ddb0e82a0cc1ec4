#!/usr/bin/env bash
# Model cascades (issue 33, item 1): cascade:SMALL,LARGE asks each case of the cheap model and
# escalates what fails; every result keeps its tiers; --compare runs the large model alone
# beside it; the escalation rate, the costs and the McNemar p worked out by hand from the
# test server's answers (REPLY-FOR MODEL lines: what one model answers instead).
. "$(dirname "$0")/lib.sh"
VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"

start_server
export OPENAI_BASE_URL="$BASE" OPENAI_API_KEY=test-key
make_repo proj
cd proj || exit 1
llmops init >/dev/null

# 20 cases: 12 both models answer right; 5 the small one gets wrong (escalated, then
# right); 2 the large one gets wrong (the small one settles them); 1 both get wrong
python3 - <<'EOF'
import json
cases = []
for i in range(20):
    q = "REPLY: answer %d" % i
    if 12 <= i < 17 or i == 19:
        q += "\nREPLY-FOR gpt-4o-mini: wrong %d" % i
    if i in (17, 18, 19):
        q += "\nREPLY-FOR gpt-4o: bad %d" % i
    cases.append({"id": "c%02d" % i, "input": q, "expected": "answer %d" % i, "metric": "exact"})
json.dump(cases, open("evals/mix.json", "w"), indent=1)
EOF

run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --min-pass-rate 0 --concurrency 4
expect_rc 0 "a cascade runs"
check "says the escalation rate" has "$out" "cascade 6 of 20 escalated (30.0%, check pass); last answer: openai:gpt-4o-mini 14, openai:gpt-4o 6"
check "19 of 20 pass (c19 fails on both)" has "$out" "passed  19/20"
check "26 requests (20 + 6 escalated)" has "$out" "(26 requests)"
check "the metrics are the last answers' (19 exact of 20)" has "$out" "exact 0.950"
check "each result names the model that answered last" test "$(sql "SELECT group_concat(model || ':' || count, ' ') FROM (SELECT model, count(*) AS count FROM results GROUP BY model ORDER BY model)")" = "gpt-4o:6 gpt-4o-mini:14"
check "each result keeps its tiers, by hand" python3 - .llmops/ledger.db <<'EOF'
import json, sqlite3, sys
MINI, BIG = (0.15e-6, 0.60e-6), (2.50e-6, 10.0e-6)
def ntok(s):
    import re
    return len(re.findall(r"\w+|[^\w\s]", s))
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT case_id, passed, output, tokens_in, tokens_out, cost_usd, attempts, tiers FROM results ORDER BY position").fetchall()
assert len(rows) == 20
for cid, passed, out, tin, tout, cost, att, tiers in rows:
    i = int(cid[1:])
    t = json.loads(tiers)
    esc = 12 <= i < 17 or i == 19
    assert len(t) == (2 if esc else 1), (cid, t)
    assert [x["provider"] for x in t] == ["openai:gpt-4o-mini", "openai:gpt-4o"][:len(t)], t
    assert [x["tier"] for x in t] == list(range(1, len(t) + 1))
    if esc:
        assert t[0]["output"] == "wrong %d" % i and t[0]["passed"] is False, t
        assert t[0]["error"].startswith("exact 0.000 < 0.85"), t
    assert t[-1]["output"] == out
    # the server's count: the message's words and marks + 3 per message + 3 per request
    msg = json.load(open("evals/mix.json"))[i]["input"]
    for x, (pin, pout) in zip(t, (MINI, BIG)):
        assert x["tokens_in"] == ntok(msg) + 6 and x["tokens_out"] == ntok(x["output"]), x
        assert abs(x["cost_usd"] - (x["tokens_in"] * pin + x["tokens_out"] * pout)) < 1e-15, x
    assert tin == sum(x["tokens_in"] for x in t) and tout == sum(x["tokens_out"] for x in t)
    assert abs(cost - sum(x["cost_usd"] for x in t)) < 1e-15 and att == len(t), (cid, cost, t)
    assert passed == (0 if i == 19 else 1), (cid, passed)
EOF
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --min-pass-rate 0 --format json
printf '%s\n' "$out" >run.json
check "it validates against eval.schema.json" python3 "$VALIDATE" eval.schema.json run.json
check "the variant's cascade in JSON (served from the cache this time)" python3 -c '
import json,sys; d=json.load(open("run.json")); v=d["variants"][0]; c=v["cascade"]
assert v["provider"]=="cascade:openai:gpt-4o-mini,openai:gpt-4o" and c["check"]=="pass", v
assert (c["escalated"], c["escalations"], c["escalation_rate"])==(6, 6, 0.3), c
assert [t["answered"] for t in c["tiers"]]==[14, 6] and v["cache_hits"]==20, v
assert all("tiers" in r for r in d["results"]), d["results"][0]'

# --compare: the large model alone, paired: 17 both, 2 only on the cascade (c17, c18), 1
# neither (c19): 95% against 85%
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --compare openai:gpt-4o --min-pass-rate 0 --format json
expect_rc 0 "--compare"
printf '%s\n' "$out" >cmp.json
check "it validates against eval.schema.json" python3 "$VALIDATE" eval.schema.json cmp.json
check "the paired comparison by hand" python3 - <<'EOF'
import json, re
MINI, BIG = (0.15e-6, 0.60e-6), (2.50e-6, 10.0e-6)
ntok = lambda s: len(re.findall(r"\w+|[^\w\s]", s))
d = json.load(open("cmp.json")); c = d["compare"]
assert (c["pairs"], c["both"], c["cascade_only"], c["against_only"], c["neither"]) == (20, 17, 2, 0, 1), c
assert c["cascade_pass_rate"] == 0.95 and c["against_pass_rate"] == 0.85 and abs(c["difference"] - 0.10) < 1e-12
assert c["p_value"] == 0.5 and c["finding"] == "no_significant_difference", c  # 2 x 0.5^2
cas = big = 0
for i, case in enumerate(json.load(open("evals/mix.json"))):
    tin = ntok(case["input"]) + 6
    small = "wrong %d" % i if (12 <= i < 17 or i == 19) else "answer %d" % i
    large = "bad %d" % i if i in (17, 18, 19) else "answer %d" % i
    cas += tin * MINI[0] + ntok(small) * MINI[1]
    if small != "answer %d" % i:
        cas += tin * BIG[0] + ntok(large) * BIG[1]
    big += tin * BIG[0] + ntok(large) * BIG[1]
assert abs(c["cascade_cost_usd"] - cas) < 1e-12 and abs(c["against_cost_usd"] - big) < 1e-12, (c, cas, big)
assert abs(c["cost_ratio"] - cas / big) < 1e-9, c
EOF
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --compare openai:gpt-4o --min-pass-rate 0
check "the text says it in one line" has "$out" "pass rate 95.0% against 85.0% (+10.0 points; 2 passed only on the cascade, 0 only alone; exact McNemar p = 0.5: not significant at 0.05)"
check "and the cost" grep -Eq 'cost \$0\.[0-9]{6} against \$0\.[0-9]{6} \(4[0-9]% of it\)' <<<"$out"
run llmops show last --format json
check "show gives the same comparison" python3 -c '
import json,sys; a=json.load(open("cmp.json"))["compare"]; b=json.loads(sys.argv[1])["compare"]; assert a==b, (a,b)' "$out"
run llmops show last --case c12
check "show --case lists the tiers" has "$out" "tier 1    openai:gpt-4o-mini: failed"
check "with the small model's answer" has "$out" "wrong 12"

# cost prices the cascade at the escalations of its newest evaluation (6 of 20: tier 2 on 30%)
git add -A && git commit -qm cases
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
for m in gpt-4o-mini gpt-4o; do
	llmops cost --model "$m" --output-tokens 10 --requests-per-day 1000 --format json >"cost-$m.json"
done
run llmops cost --cascade cascade:openai:gpt-4o-mini,openai:gpt-4o --output-tokens 10 --requests-per-day 1000 --format json
expect_rc 0 "cost --cascade"
printf '%s\n' "$out" >cost-cascade.json
check "each tier's price weighted by the share that reached it, by hand" python3 - <<'EOF'
import json
cur = lambda f: json.load(open(f))["prompts"][0]["current"]
small, big, c = cur("cost-gpt-4o-mini.json"), cur("cost-gpt-4o.json"), json.load(open("cost-cascade.json"))
k = c["cascade"]; side = c["prompts"][0]["current"]
assert [t["reach"] for t in k["tiers"]] == [1, 0.3] and k["run"], k
want = small["cost_per_request_usd"] + 0.3 * big["cost_per_request_usd"]
assert abs(side["cost_per_request_usd"] - want) < 1e-12, (side, want)
assert abs(c["total_per_month_usd"] - want * 1000 * 30) < 1e-9, c
EOF
run llmops cost --cascade cascade:openai:gpt-4o,openai:gpt-4o-mini --output-tokens 10
expect_rc 0 "a cascade never evaluated"
check "is priced at its most, and says so" has "$err" "no evaluation of cascade:openai:gpt-4o,openai:gpt-4o-mini in the ledger: priced as if every request went through every tier"
run llmops cost --cascade openai:gpt-4o
expect_rc 2 "--cascade of one model"
run llmops cost --cascade cascade:openai:gpt-4o-mini,openai:gpt-4o --model gpt-4o
expect_rc 2 "--cascade with --model"

# check schema:FILE, named in llmops.json: a JSON answer with a string "answer" or escalate
cat >llmops.json <<'EOF'
{"providers": {"triage": {"type": "cascade", "tiers": ["openai:gpt-4o-mini", "openai:gpt-4o"],
                          "check": "schema:evals/answer.schema.json"},
               "self": {"type": "cascade", "tiers": ["openai:gpt-4o-mini", "self"]},
               "one": {"type": "cascade", "tiers": ["openai:gpt-4o"]}}}
EOF
echo '{"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string"}}}' >evals/answer.schema.json
python3 - <<'EOF'
import json
json.dump([{"id": "j%d" % i, "input": 'REPLY: {"answer": "%d"}' % i + ("\nREPLY-FOR gpt-4o-mini: %d" % i if i % 2 else ""),
            "assert": [{"type": "is_json"}]} for i in range(6)], open("evals/json.json", "w"))
EOF
run llmops eval --dataset evals/json.json --provider triage --min-pass-rate 0 --format json
expect_rc 0 "a named cascade with a schema check"
check "the three plain-text answers escalated" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); c=d["variants"][0]["cascade"]
assert c["check"]=="schema:evals/answer.schema.json" and c["escalated"]==3, c
assert all(json.loads(r["output"])["answer"] for r in d["results"]), d["results"]' "$out"

# check logprob:MIN: the small model's own confidence (0.4 a token: log 0.4 = -0.916 < -0.5)
python3 - <<'EOF'
import json
json.dump([{"id": "p%d" % i, "input": "REPLY: answer %d\nCONFIDENCE-FOR gpt-4o-mini: %s" % (i, "0.4" if i < 3 else "0.9"),
            "expected": "answer %d" % i} for i in range(8)], open("evals/sure.json", "w"))
EOF
python3 -c 'import json; c=json.load(open("llmops.json")); c["providers"]["sure"]={"type": "cascade", "tiers": ["openai:gpt-4o-mini", "openai:gpt-4o"], "check": "logprob:-0.5"}; c["providers"]["claude"]={"type": "cascade", "tiers": ["anthropic:claude-3-5-haiku-latest", "openai:gpt-4o"], "check": "logprob:-0.5"}; json.dump(c, open("llmops.json","w"))'
run llmops eval --dataset evals/sure.json --provider sure --min-pass-rate 0 --format json
expect_rc 0 "a cascade on the answer's confidence"
check "the three unsure answers escalated, with the reason" python3 -c '
import json,sys,math; d=json.loads(sys.argv[1]); v=d["variants"][0]
assert v["cascade"]["escalated"]==3 and v["cascade"]["check"]=="logprob:-0.5", v
for r in d["results"]:
    i=int(r["case"][1:]); t=r["tiers"][0]
    want=math.log(0.4 if i < 3 else 0.9)
    assert abs(t["logprob"]-want) < 1e-9, t
    assert len(r["tiers"])==(2 if i < 3 else 1), r
    if i < 3:
        assert t["escalated"]=="mean token log-probability %.3f < -0.5" % want, t
        assert "logprob" not in r["tiers"][1] or r["tiers"][1]["logprob"] is None, r["tiers"][1]' "$out"
printf '%s\n' "$out" >sure.json
check "it validates against eval.schema.json" python3 "$VALIDATE" eval.schema.json sure.json
run llmops eval --dataset evals/sure.json --provider claude --min-pass-rate 0
expect_rc 2 "a logprob check on a tier that gives none"
check "names the tier" has "$err" "tier 1 'anthropic:claude-3-5-haiku-latest' gives no log-probabilities"

# a failed request escalates too: the next tier is the fallback
run llmops eval --dataset evals/mix.json --provider cascade:openai:no-such-model,openai:gpt-4o --min-pass-rate 0 --retries 0 --format json
check "every case answered by the second tier" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); v=d["variants"][0]
assert v["cascade"]["escalated"]==20 and v["errors"]==0, v
r=d["results"][0]; assert r["tiers"][0]["passed"] is None and "no-such-model" in r["tiers"][0]["error"], r' "$out"

# --max-cost: once it is spent nothing escalates (the answer it has is the case's)
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --min-pass-rate 0 --no-cache --concurrency 1 --max-cost 0.00002 --format json
check "no escalation past the budget" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); rs=d["results"]
sent=[r for r in rs if r["outcome"]!="skipped"]
assert sent and all(len(r["tiers"])==1 for r in sent if int(r["case"][1:])>=12), sent
assert sum(r["cost_usd"] or 0 for r in rs) < 0.00002 + 0.00001, d["variants"][0]' "$out"

# bad cascades: exit 2, saying what is wrong
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o
expect_rc 2 "a cascade of one tier"
check "says so" has "$err" "a cascade of 1 tier: give two or more"
run llmops eval --dataset evals/mix.json --provider one
expect_rc 2 "a named cascade of one tier"
run llmops eval --dataset evals/mix.json --provider self
expect_rc 2 "a cycle"
check "names it" has "$err" "provider 'self': tier 2 is the cascade itself (a cycle)"
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,triage
expect_rc 2 "a cascade in a cascade"
check "names the tier" has "$err" "tier 2 'triage' is a cascade"
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,replay
expect_rc 2 "replay as a tier"
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,,openai:gpt-4o
expect_rc 2 "an empty tier"
python3 -c 'import json; c=json.load(open("llmops.json")); c["providers"]["triage"]["check"]="logits:5"; json.dump(c, open("llmops.json","w"))'
run llmops eval --dataset evals/json.json --provider triage
expect_rc 2 "an unknown check"
check "lists the known ones" has "$err" "unknown check 'logits:5' (known: pass"
python3 -c 'import json; c=json.load(open("llmops.json")); c["providers"]["triage"]["check"]="schema:nope.json"; json.dump(c, open("llmops.json","w"))'
run llmops eval --dataset evals/json.json --provider triage
expect_rc 2 "a schema file that is not there"
check "names it" has "$err" "check schema:nope.json"
run llmops eval --dataset evals/mix.json --provider openai:gpt-4o --compare openai:gpt-4o-mini
expect_rc 2 "--compare without a cascade"
check "says so" has "$err" "is no cascade"
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --compare openai:gpt-4o --repeat 2
expect_rc 2 "--compare with --repeat"
run llmops eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --fallback openai:gpt-4o
expect_rc 2 "--fallback with a cascade"

# the cascades llmops.json names travel in the bundle, and verify holds the bundle to them
cat >llmops.json <<'EOF'
{"providers": {"triage": {"type": "cascade", "tiers": ["openai:gpt-4o-mini", "big"],
                          "check": "schema:evals/answer.schema.json"},
               "big": {"type": "openai", "model": "gpt-4o"}}}
EOF
run llmops prompt bundle -o bundle.json
expect_rc 0 "a bundle with a cascade"
check "the cascade as an application applies it" python3 -c '
import json; b=json.load(open("bundle.json")); c=b["cascades"]
assert list(c)==["triage"], c
t=c["triage"]
assert t["tiers"]==[{"provider":"openai:gpt-4o-mini","type":"openai","model":"gpt-4o-mini"},
                    {"provider":"big","type":"openai","model":"gpt-4o"}], t
assert t["check"]=="schema:evals/answer.schema.json" and t["schema"]==json.load(open("evals/answer.schema.json")), t'
run llmops prompt verify --bundle bundle.json
expect_rc 0 "verify: the bundle holds what llmops.json names"
python3 -c 'import json; b=json.load(open("bundle.json")); b["cascades"]["triage"]["check"]="pass"; json.dump(b, open("tampered.json","w"), indent=2)'
run llmops prompt verify --bundle tampered.json
expect_rc 1 "verify: a cascade changed in the bundle"
check "says so" has "$out$err" "its \"cascades\" are not llmops.json's"
echo '{}' >llmops.json
run llmops prompt verify --bundle bundle.json
expect_rc 1 "verify: llmops.json names no cascade now"
check "says so" has "$out$err" "it has \"cascades\"; llmops.json names none"
run llmops prompt bundle
check "a bundle without cascades has no such key" python3 -c 'import json,sys; assert "cascades" not in json.loads(sys.argv[1])' "$out"

# an interrupted cascade run resumed: the tiers of the results kept count in its figures
start_server --latency-ms 100
export OPENAI_BASE_URL="$BASE"
runs0=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset evals/mix.json --provider cascade:openai:gpt-4o-mini,openai:gpt-4o --min-pass-rate 0 --concurrency 2 --no-cache >int.out 2>int.err &
pid=$!
wait_results "$runs0" 4
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "Ctrl-C stops the cascade run"
run_id=$(sql "select id from runs order by id desc limit 1")
done1=$(sql "select count(*) from results where run_id='$run_id'")
check "some results kept" test "$done1" -gt 0 -a "$done1" -lt 20
run llmops eval --resume "$run_id" --format json
expect_rc 0 "the resumed cascade run completes"
check "its escalations count every result, kept or new" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); c=d["variants"][0]["cascade"]
assert (c["escalated"], [t["answered"] for t in c["tiers"]])==(6, [14, 6]), c' "$out"

# the tiers travel with the run: merged into another ledger as they are
run llmops --ledger other.db ledger merge .llmops/ledger.db
expect_rc 0 "merge"
check "tiers merged" test "$(LEDGER=other.db sql "SELECT count(*) FROM results WHERE tiers IS NOT NULL")" = "$(sql "SELECT count(*) FROM results WHERE tiers IS NOT NULL")"

done_testing
