#!/usr/bin/env bash
# Issue 17: trust.  A pin covers everything it sends, every score and price
# is right, nothing is accepted silently.  Each block is one item of the
# issue and failed before its fix.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -q -m init

# ------------------------------------------ a pin covers its partials
mkdir -p prompts/support/reply prompts/_partials
printf 'Reply to {{question}}.\n{{#formal}}{{> greeting}}{{/formal}}\n{{> signature}}\n' \
	>prompts/support/reply/v2.0.1.txt
printf -- '-- The team{{> footer}}\n' >prompts/_partials/signature.txt
printf 'Dear customer,\n' >prompts/_partials/greeting.txt
git add -A && git commit -q -m "reply v2.0.1"
run llmops prompt pin support/reply@v2.0.1
expect_rc 0 "pin a version with partials"
check "the lock records its whole render closure" python3 -c '
import json; e=json.load(open("prompts.lock"))["prompts"]["support/reply"]["partials"]
assert set(e)=={"greeting","signature","footer"}, e
assert e["footer"] is None and len(e["signature"]["blob"])==40 and len(e["greeting"]["sha256"])==64, e'
git add -A && git commit -q -m pin
run llmops prompt verify
expect_rc 0 "verify holds before any change"
printf -- '-- Support\n' >prompts/_partials/signature.txt
git commit -q -am "edit the signature"
run llmops prompt verify
expect_rc 1 "verify fails when a partial the pin includes changed"
check "naming the partial and the way out" has "$out" "prompts/_partials/signature.txt, which support/reply@v2.0.1 includes, changed in the work tree after the pin"
check "how to release it" has "$out" "llmops prompt new support/reply"
printf '[{"id": "p1", "question": "q", "expected": "x", "output": "x"}]\n' >evals/pin.json
run llmops eval --dataset evals/pin.json --prompt support/reply --provider replay
expect_rc 1 "eval refuses the pinned version while a partial differs from the pin"
check "naming the partial" has "$err" "prompts/_partials/signature.txt, which support/reply@v2.0.1 includes, changed"
rm evals/pin.json
run llmops prompt log support/reply --format json
check "log lists the commit that changed a partial" python3 -c '
import json,sys; l=json.loads(sys.argv[1])
e=[x for x in l if x["summary"]=="edit the signature"]
assert e and e[0]["event"]=="partial-changed" and e[0]["partial"]=="prompts/_partials/signature.txt", l' "$out"
run llmops prompt render support/reply@v2.0.1 --var question=q
expect_rc 0 "render of the pinned version"
check "renders the partial as it was at the pin" has "$out" "-- The team"
check "says the work tree differs" has "$err" "is rendered as it was at the pin"
run llmops prompt render support/reply@v2.0.1 --var question=q --worktree
check "--worktree renders the work tree's" has "$out" "-- Support"
run llmops prompt pin support/reply@v2.0.1
expect_rc 1 "re-pinning the same version over changed partials is refused"
check "pointing at a new version" has "$err" "release the change as a new version"
git revert --no-edit HEAD >/dev/null
printf 'the footer\n' >prompts/_partials/footer.txt
run llmops prompt verify
expect_rc 1 "a partial that did not exist at the pin and now does"
check "says so" has "$out" "did not exist when it was pinned"
rm prompts/_partials/footer.txt
git rm -q prompts/_partials/greeting.txt
run llmops prompt verify
expect_rc 1 "a deleted partial (inside a section)"
check "says it is gone" has "$out" "prompts/_partials/greeting.txt, which support/reply@v2.0.1 includes, is gone"
git checkout -q HEAD -- prompts/_partials/greeting.txt
run llmops prompt verify
expect_rc 0 "restored: verify holds again"
python3 -c '
import json; d=json.load(open("prompts.lock")); del d["prompts"]["support/reply"]["partials"]
json.dump(d, open("prompts.lock", "w"), indent=2)'
run llmops prompt verify
check "a lock from before partials were recorded: a warning to re-pin" has "$out" "was pinned before llmops recorded them"
git checkout -q prompts.lock
echo "changed" >>prompts/support/reply/v2.0.1.txt
run llmops prompt show support/reply
check "show notes a work tree that differs" has "$err" "differs in the work tree; this is the committed version"
git checkout -q prompts/support/reply/v2.0.1.txt

# ------------------------------------------ one open review per case, prompt version, output
python3 - <<'PY'
import json
with open("evals/rv.jsonl", "w") as f:
    for i in range(4):
        f.write(json.dumps({"id": "r%d" % i, "expected": "the right answer %d" % i,
                            "output": "a wrong one" if i < 3 else "the right answer 3"}) + "\n")
PY
rv() { run llmops eval --dataset evals/rv.jsonl --provider replay --min-pass-rate 0 --review-below 0.9 "$@"; }
rv
check "eval says how many it queued" has "$out" "review: 3 results queued (score below 0.9)"
rv --format json
check "a rerun queues none again" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["review"]
assert r=={"below": 0.9, "queued": 0, "already_pending": 3}, r' "$out"
check "the queue holds three" test "$(sql "select count(*) from reviews where status='pending'")" = 3
# two identical items from an older llmops: accepting one settles both
python3 -c 'import sqlite3; d=sqlite3.connect(".llmops/ledger.db"); d.execute("insert into reviews (result_id, reason, created_at) select result_id, reason, created_at from reviews where id = (select min(id) from reviews)"); d.commit()'
first=$(sql "select min(id) from reviews")
run llmops review reject "$first" -m "wrong"
expect_rc 0 "reject one"
check "its duplicate is settled with it" test "$(sql "select count(*) from reviews where status='pending'")" = 2

# ------------------------------------------ accepting into a JSON dataset keeps its layout
cat >evals/keep.json <<'J'
[
   { "id": "k1",  "expected": "alpha beta",   "output": "alpha beta", "weight": 1.50 },
   {
      "id": "k2",
      "output": "gamma delta",
      "expected": "something else entirely",
      "tags": ["a",   "b"]
   },
   { "id": "k3", "output": "no expected here", "assert": [{"type": "contains", "value": "no"}] }
]
J
cp evals/keep.json keep.before
run llmops eval --dataset evals/keep.json --provider replay --min-pass-rate 0 --review-below 0.5
K2=$(sql "select v.id from reviews v join results r on r.id = v.result_id where r.case_id = 'k2' order by v.id desc limit 1")
run llmops review accept "$K2" --update-dataset
expect_rc 0 "accept into a JSON dataset"
check "only the value's bytes changed" python3 -c '
a=open("keep.before").read(); b=open("evals/keep.json").read()
assert b == a.replace("\"something else entirely\"", "\"gamma delta\""), b'

# ------------------------------------------ diff compares comparable runs
printf '{"id": "d%d", "expected": "x %d", "output": "x %d"}\n' 0 0 0 1 1 1 >evals/d2.jsonl
run llmops eval --dataset evals/d2.jsonl --provider replay --min-pass-rate 0
D2_FIRST=$(sql "select id from runs order by id desc limit 1")
run llmops eval --dataset evals/rv.jsonl --provider replay --min-pass-rate 0
RV=$(sql "select id from runs order by id desc limit 1")
run llmops eval --dataset evals/d2.jsonl --provider replay --min-pass-rate 0
D2=$(sql "select id from runs order by id desc limit 1")
run llmops diff --format json
expect_rc 0 "diff with no runs named"
check "compares the last run with the newest earlier run of its dataset, not the last but one" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert d["a"]["run"]==sys.argv[2] and d["b"]["run"]==sys.argv[3], (d["a"]["run"], d["b"]["run"], sys.argv[2:])' "$out" "$D2_FIRST" "$D2"
run llmops diff "$RV" "$D2"
expect_rc 2 "runs with no case in common: exit 2, not 'no regression'"
check "warns that the datasets differ" has "$err" "different datasets (evals/rv.jsonl and evals/d2.jsonl)"
check "says nothing pairs" has "$err" "nothing to compare"

# ------------------------------------------ small things said right
run llmops prompt new résumé
expect_rc 2 "a name with a non-ASCII letter"
check "names the whole character" has "$err" "has 'é' at position 2"
run llmops tokens --model davinci-002 --format json
check "davinci-002 counts with cl100k_base, as tiktoken maps it" has "$out" '"encoding": "cl100k_base"'
run llmops tokens --model babbage-002
expect_rc 0 "babbage-002 too"
run llmops cost --model claude-sonet-4
check "the nearest priced name is the one-letter typo's, an alias" has "$err" "(nearest: 'claude-sonnet-4')"
printf '{"id": "x", "input": "boom", "expected": "boom"}\n' >evals/allerr.jsonl
printf '#!/bin/sh\nexit 1\n' >fail.sh && chmod +x fail.sh
run llmops eval --dataset evals/allerr.jsonl --provider "exec:$PWD/fail.sh" --retries 0 --metric exact --no-cache
check "an all-errored run does not call itself assertions-only" has "$out" "none: no output was scored"
printf '{"cost": {"budget_usd": 0.000001, "requests_per_day": {"support/reply": 1000000}}}\n' >llmops.json
run llmops cost --model gpt-4o
expect_rc 1 "over budget fails the cost gate"
check "labelled as the failed gate, not a note" has "$out" "gate failed: over budget"
check "and not as a note" eval '! has "$out" "note: over budget"'
git checkout -q llmops.json

# ------------------------------------------ one pairing rule: nested prompt names too
mkdir -p evals/support
printf '[{"id": "n1", "question": "q?", "mood": "calm", "expected": "-- The team", "output": "-- The team"}]\n' \
	>evals/support/reply.json
run llmops eval --dataset evals/support/reply.json --provider replay --format json
expect_rc 0 "eval pairs evals/support/reply.json with support/reply"
check "the run is of support/reply" test "$(sql "select prompt_name from runs order by id desc limit 1")" = support/reply
(cd evals && "$LLMOPS" eval --dataset support/reply.json --provider replay >/dev/null 2>&1)
check "from a subdirectory too" test "$(sql "select prompt_name from runs order by id desc limit 1")" = support/reply
run llmops lint --format json
check "lint pairs them by the same rule (checks the dataset's variables against the prompt)" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert [f for f in d["findings"] if f["rule"]=="variable-unused" and "mood" in f["message"]], d["findings"]' "$out"
run llmops prompt pin summarize@v1.0.0
run llmops cost --dataset evals/support/reply.json --model gpt-4o --format json
expect_rc 0 "cost with a dataset"
check "prices only the prompt the dataset belongs to" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); names=[p["name"] for p in d["prompts"]]
assert names==["support/reply"], names' "$out"
git checkout -q prompts.lock
rm -r evals/support

# ------------------------------------------ lint positions inside a .json chat prompt
mkdir -p prompts/chat
printf '[\n  {"role": "system", "content": "Be terse."},\n  {"role": "user", "content": "Caf\\u00e9 \\"x\\"\\nRules: {{rules}} and {{> nopartial}}"}\n]\n' \
	>prompts/chat/v1.0.0.json
run llmops lint --format json prompts/chat/v1.0.0.json
check "a finding lands on its character in the file, escapes decoded" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
line = open("prompts/chat/v1.0.0.json").read().split("\n")[2]
f=[f for f in d["findings"] if f["rule"]=="template-partial"][0]
assert (f["line"], f["column"]) == (3, line.index("{{> nopartial}}") + 1), (f, line)' "$out"
rm -r prompts/chat

# ------------------------------------------ cosine's IDF: the whole dataset
mkdir -p evals
python3 - <<'PY'
import json
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
with open("evals/cos.jsonl", "w") as f:
    for i in range(8):
        e = " ".join(words[(i + k) % 10] for k in range(4))
        o = " ".join(words[(i + k) % 10] for k in range(1, 5))
        f.write(json.dumps({"id": "c%d" % i, "expected": e, "output": o}) + "\n")
PY
for how in "" "--shard 1/2" "--limit 2"; do
	# shellcheck disable=SC2086
	run llmops eval --dataset evals/cos.jsonl --provider replay --metric cosine \
		--min-pass-rate 0 $how
	expect_rc 0 "cosine run ${how:-whole}"
done
check "a case scores the same whole, in a shard and within --limit" python3 -c '
import sys; s = sys.argv[1].split()
assert len(s) == 3 and len(set(s)) == 1, s' \
	"$(sql "select printf('%.6f', score) from results where case_id = 'c1' order by id")"

# ------------------------------------- a second --dataset is never dropped
runs_before=$(sql "select count(*) from runs")
run llmops eval --dataset evals/cos.jsonl --dataset evals/other.jsonl --provider replay
expect_rc 2 "two datasets are refused"
check "naming both" has "$err" "--dataset given twice ('evals/cos.jsonl', then 'evals/other.jsonl'): give it once"
check "nothing ran" test "$(sql "select count(*) from runs")" = "$runs_before"
run llmops eval --dataset evals/cos.jsonl --dataset=evals/cos.jsonl --provider replay --metric cosine --min-pass-rate 0
expect_rc 0 "the same one twice is harmless"
run llmops --ledger a.db --ledger b.db runs
expect_rc 2 "a global option too"
mkdir -p d1/d2
run llmops -C d1 -C d2 --help
expect_rc 0 "-C stays cumulative"

# ------------------------------------------- errors fail the gate by themselves
cat >answer.sh <<'SH'
#!/bin/sh
# the answer is the input, except that "boom" fails
read -r line
case "$line" in *boom*) echo "no answer" >&2; exit 1 ;; esac
printf '%s\n' "$line"
SH
chmod +x answer.sh
python3 - <<'PY'
import json
with open("evals/err.jsonl", "w") as f:
    for i in range(20):
        x = "boom %d" % i if i < 5 else "fine %d" % i
        f.write(json.dumps({"id": "e%d" % i, "input": x, "expected": x}) + "\n")
PY
ev() { run llmops eval --dataset evals/err.jsonl --provider "exec:$PWD/answer.sh" --retries 0 \
	--metric exact --min-pass-rate 0.6 --no-cache "$@"; }
ev
expect_rc 1 "5 errors of 20 fail the gate at 75% against a 60% minimum"
check "the summary says why" has "$out" "5 errors, maximum 0: any error fails the gate"
ev --max-errors 5
expect_rc 0 "--max-errors 5 allows them"
ev --max-errors 20%
expect_rc 1 "--max-errors 20% (4 of 20) does not"
ev --max-errors 25% --format json
expect_rc 0 "--max-errors 25% does"
check "the gate in JSON" python3 -c '
import json,sys; g=json.loads(sys.argv[1])["gate"]
assert g["errors"]==5 and g["max_errors_percent"]==25 and g["passed"], g' "$out"
for bad in abc -1 101% 2.5; do
	ev --max-errors "$bad"
	expect_rc 2 "--max-errors $bad is refused"
done
printf '{"eval": {"max_errors": "25%%"}}\n' >llmops.json
ev
expect_rc 0 "eval.max_errors in llmops.json"
printf '{"eval": {"max_errors": true}}\n' >llmops.json
ev
expect_rc 2 "eval.max_errors of the wrong type"
check "says where" has "$err" "llmops.json:1:25"
git checkout -q llmops.json

# ------------------------------ every result names who answered it
start_server
export OPENAI_API_KEY=sk-test-0123456789
python3 -c '
import json; json.dump([{"id": "c%d" % i, "input": "say %d" % i, "expected": "say %d" % i}
                        for i in range(4)], open("evals/live.json", "w"))'
printf '{"providers": {"backup": {"type": "openai", "model": "gpt-4o", "base_url": "%s"}}}\n' \
	"$BASE" >llmops.json
run llmops eval --dataset evals/live.json --provider openai:gpt-4o-mini \
	--base-url http://127.0.0.1:1/v1 --fallback backup --retries 0 --no-cache --format json
expect_rc 0 "the fallback answers every case"
FB=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run"])' "$out")
check "the variant counts the fallback's answers" python3 -c '
import json,sys; v=json.loads(sys.argv[1])["variants"][0]
assert v["fallback_answers"]==4 and v["fallback"]=="backup", v' "$out"
check "the run keeps its own provider and model" test "$(sql "select provider||':'||model from runs where id='$FB'")" = "openai:gpt-4o-mini"
check "each result names the model that answered" test "$(sql "select distinct provider||':'||model from results where run_id='$FB'")" = "openai:gpt-4o"
check "priced at the fallback's price" python3 -c '
import sqlite3,sys; d=sqlite3.connect(".llmops/ledger.db")
rows=d.execute("select tokens_in, tokens_out, cost_usd from results where run_id=?", (sys.argv[1],)).fetchall()
assert len(rows)==4 and all(c > 0 and abs(c - (i*2.5 + o*10)/1e6) < 1e-12 for i,o,c in rows), rows' "$FB"
run llmops show "$FB" --format json
check "show: per result" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["results"]
assert all(x["provider"]=="openai" and x["model"]=="gpt-4o" and x["outcome"]=="pass" for x in r), r' "$out"
run llmops show "$FB" --case c1
check "show: the case says who answered" has "$out" "answered  openai:gpt-4o"
run llmops stats --by model --format json
check "stats --by model files the answers under the model that gave them" python3 -c '
import json,sys; rows={r["key"]: r for r in json.loads(sys.argv[1])["rows"]}
assert rows["gpt-4o"]["cases"]==4 and "gpt-4o-mini" not in rows, rows' "$out"
run llmops export --format prometheus --run "$FB"
check "Prometheus labels carry the answering model" has "$out" 'llmops_cases_total{prompt="",version="",model="gpt-4o",provider="openai",source="eval",outcome="pass"} 4'
run llmops export --format otlp --run "$FB"
check "OTLP spans are named after the model, with gen_ai.request.model" python3 -c '
import json,sys; sp=json.loads(sys.argv[1])["resourceSpans"][0]["scopeSpans"][0]["spans"]
assert len(sp)==4 and all(s["name"]=="chat gpt-4o" for s in sp)
assert all({"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}} in s["attributes"] for s in sp)' "$out"

# two providers side by side: the run names none, every result its own
run llmops eval --dataset evals/live.json --provider backup --provider openai:gpt-4o-mini \
	--base-url "$BASE" --no-cache --format json
expect_rc 0 "a two-provider run"
TWO=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run"])' "$out")
run llmops stats --by provider --format json
check "stats --by provider: the two-provider run under its providers" python3 -c '
import json,sys; rows={r["key"]: r for r in json.loads(sys.argv[1])["rows"]}
assert rows["openai"]["cases"]==12 and rows["openai"]["runs"]==2, rows' "$out"
run llmops export --format prometheus --run "$TWO"
check "Prometheus: one series per model, none empty" python3 -c '
import re,sys; m=set(re.findall(r"llmops_requests_total\{[^}]*model=\"([^\"]*)\"", sys.argv[1]))
assert m=={"gpt-4o","gpt-4o-mini"}, m' "$out"
run llmops report --format csv "$TWO"
check "CSV: provider and model per row" python3 -c '
import csv,sys; r=list(csv.DictReader(sys.argv[1].splitlines()))
assert sorted({x["model"] for x in r})==["gpt-4o","gpt-4o-mini"] and len(r)==8' "$out"

# ------------------------------------ --max-cost stops the sending
python3 -c '
import json; json.dump([{"id": "m%02d" % i, "input": "say number %d " % i * 20, "expected": "x"}
                        for i in range(40)], open("evals/spend.json", "w"))'
before=$(server_stat api_requests)
run llmops eval --dataset evals/spend.json --provider backup --no-cache --max-cost 0.01 \
	--min-pass-rate 0 --concurrency 4 -o spend.xml
expect_rc 1 "the gate fails once sending stopped"
sent=$(($(server_stat api_requests) - before))
check "it stopped sending: $sent of 40 sent" test "$sent" -lt 40
check "the summary says why" has "$out" "$((40 - sent)) results not sent once it was reached"
check "not counted as errors" has "$out" "$sent failed, 0 errors, $((40 - sent)) not sent (--max-cost reached)"
SP=$(sql "select id from runs order by id desc limit 1")
run llmops show "$SP" --format json
check "show: skipped, not errors; the spending within the maximum and the last requests" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); n=int(sys.argv[2])
assert d["skipped"]==40-n and d["errors"]==0 and d["status"]=="failed", d
assert sum(r["outcome"]=="skipped" and r["passed"] is None and "error" not in r
           for r in d["results"])==40-n
assert d["cost_usd"] < 0.01 + 4*d["cost_usd"]/n, d["cost_usd"]' "$out" "$sent"
check "skipped results are recorded, not as errors" test "$(sql "select count(*) from results where run_id='$SP' and skipped=1 and passed is null")" = $((40 - sent))
check "the run counts them apart" test "$(sql "select errored||' '||skipped from runs where id='$SP'")" = "0 $((40 - sent))"
check "JUnit marks them skipped" python3 -c '
import sys,xml.etree.ElementTree as E; s=E.parse("spend.xml").getroot()[0]
assert int(s.get("skipped"))==40-int(sys.argv[1]) and s.get("errors")=="0"
assert len(s.findall("testcase/skipped"))==int(s.get("skipped"))' "$sent"
run llmops eval --dataset evals/spend.json --provider backup --no-cache --max-cost 0.01 \
	--min-pass-rate 0 --concurrency 4
check "the text says it" has "$out" "not sent once it was reached"
run llmops show "$SP"
check "show counts them" has "$out" "not sent (--max-cost reached)"
run llmops diff "$SP" last
check "diff leaves them out" has "$out" "not sent (--max-cost), so not compared"
printf '{"providers": {"unpriced": {"type": "openai", "model": "my-own-model", "base_url": "%s"}}}\n' \
	"$BASE" >llmops.json
run llmops eval --dataset evals/spend.json --provider unpriced --max-cost 0.01
expect_rc 2 "--max-cost with a model that has no price is refused"
check "naming the model" has "$err" "no price is known for unpriced (my-own-model)"
git checkout -q llmops.json
unset OPENAI_API_KEY
stop_servers

done_testing
