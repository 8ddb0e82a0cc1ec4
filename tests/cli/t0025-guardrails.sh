#!/usr/bin/env bash
# Guardrails (issue 19): outputs checked for secrets and personal data
# (no_secret, no_pii), and what a run would send checked before anything is
# sent.  A finding names the kind and the place, never the value.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm scaffold

KEY=sk-proj-AbC123dEf456GhI789jKl012MnO345
AWS=AKIAZ3MSJV4WWNKWW5FA

# ---------------------------------------------- no_secret and no_pii on outputs
python3 - "$KEY" <<'PY'
import json, sys
key = sys.argv[1]
cases = [
    {"id": "pii", "input": "q", "output": "Write to jane.doe@acme.io\nor call +1 415 555 0132.",
     "assert": ["no_pii"]},
    {"id": "secret", "input": "q", "output": "Use the key " + key, "assert": [{"type": "no_secret"}]},
    {"id": "clean", "input": "q", "output": "Mail info@example.com, nothing else.",
     "assert": ["no_pii", "no_secret"]},
    {"id": "card-not-asked", "input": "q", "output": "card 4111 1111 1111 1111",
     "assert": [{"type": "no_pii", "value": ["email", "phone"]}]},
    {"id": "card", "input": "q", "output": "card 4111 1111 1111 1111", "assert": [{"type": "no_pii", "value": "card"}]},
    {"id": "not-luhn", "input": "q", "output": "card 4111 1111 1111 1112", "assert": ["no_pii"]},
]
json.dump(cases, open("evals/guard.json", "w"), indent=1)
PY
run llmops eval --dataset evals/guard.json --provider replay --min-pass-rate 0 --format json
expect_rc 0 "assertions on recorded outputs"
check "each verdict" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
assert [k for k in r if not r[k]["passed"]]==["pii","secret","card"], r
assert r["pii"]["reason"]=="no_pii: e-mail address at 1:10, telephone number at 2:9", r["pii"]
assert r["secret"]["reason"]=="no_secret: OpenAI API key at 1:13", r["secret"]
assert r["card"]["reason"]=="no_pii: Visa card number at 1:6", r["card"]' "$out"
check "a reason never holds the value" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert all(sys.argv[2] not in x["reason"] and "jane" not in x["reason"]
           for x in d["results"] if "reason" in x)' "$out" "$KEY"
printf '[{"id": "x", "input": "q", "output": "o", "assert": [{"type": "no_pii", "value": "ssn"}]}]\n' >evals/bad.json
run llmops eval --dataset evals/bad.json --provider replay
expect_rc 2 "an unknown kind of personal data"
check "says where and what is known" has "$err" "evals/bad.json:1:"
check "the kinds" has "$err" "must be one of email, phone, card"
printf '[{"id": "x", "input": "q", "output": "o", "assert": [{"type": "no_secret", "value": 1}]}]\n' >evals/bad.json
run llmops eval --dataset evals/bad.json --provider replay
expect_rc 2 "no_secret takes no value"
rm evals/bad.json

# ------------------------------- what would be sent is checked before sending
start_server
export OPENAI_API_KEY=sk-test-0123456789
python3 - "$AWS" <<'PY'
import json, sys
cases = [{"id": "ok", "input": "REPLY: hello", "expected": "hello"},
         {"id": "leaky", "input": "debug with api_key=Zx81kQ0pLm3Nv7Rt2Yw9 please", "expected": "x"},
         {"id": "aws", "input": sys.argv[1] + " is my id", "expected": "x"},
         {"id": "mail", "input": "REPLY: reply to jane.doe@acme.io", "expected": "reply to jane.doe@acme.io"}]
open("evals/leak.json", "w").write("[\n" + ",\n".join(json.dumps(c) for c in cases) + "\n]\n")
PY
run llmops eval --dataset evals/leak.json --provider openai:gpt-4o-mini --base-url "$BASE" --no-cache
expect_rc 2 "a request holding a secret is refused"
check "not one request was sent" test "$(server_stat api_requests)" = 0
check "names the case and the kind" has "$err" "evals/leak.json:4: case 'aws' would send an AWS access key id (message 1) to openai:gpt-4o-mini"
check "the generic kind too" has "$err" "case 'leaky' would send a high-entropy value"
check "never the value" bash -c '! grep -q "$1" <<<"$2" && ! grep -q Zx81kQ0pLm3Nv7Rt2Yw9 <<<"$2"' _ "$AWS" "$err"
check "says how to go on" has "$err" "--allow-secrets"
check "personal data is a warning" has "$err" "warning: eval: 1 request holds personal data (1 e-mail address), the first of case 'mail'"
run llmops eval --dataset evals/leak.json --provider openai:gpt-4o-mini --base-url "$BASE" --no-cache \
	--allow-secrets --min-pass-rate 0
expect_rc 0 "--allow-secrets sends them"
check "all four sent" test "$(server_stat api_requests)" = 4

# a secret that reaches the request through a prompt's template
mkdir -p prompts/leaky
printf 'Use %s to answer {{question}}\n' "$AWS" >prompts/leaky/v1.0.0.txt
printf '[{"id": "q1", "question": "why", "expected": "x"}]\n' >evals/leaky.json
git add -A && git commit -qm leaky
run llmops eval --dataset evals/leaky.json --prompt leaky@v1.0.0 --provider openai:gpt-4o-mini \
	--base-url "$BASE" --no-cache
expect_rc 2 "a secret in the rendered prompt is refused too"
check "still four requests" test "$(server_stat api_requests)" = 4
# recorded outputs and replay send nothing: nothing to refuse
run llmops eval --dataset evals/leak.json --provider replay --min-pass-rate 0
check "replay is not checked" bash -c '! grep -q "would send" <<<"$1"' _ "$err"
unset OPENAI_API_KEY
stop_servers

# ---------------------------------------------------------- approved models
start_server
export OPENAI_API_KEY=sk-test-0123456789
printf '[{"id": "a", "input": "REPLY: yes", "expected": "yes"}]\n' >evals/tiny.json
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-mini-2024-07-18 --base-url "$BASE"
expect_rc 0 "a qualifying run"
QUAL=$(sql "select id from runs order by id desc limit 1")
cat >llmops.json <<EOF
{"models": {"approved": [{"id": "gpt-4o-mini-2024-07-18", "run": "$QUAL"}]}}
EOF
before=$(server_stat api_requests)
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-2024-08-06 --base-url "$BASE"
expect_rc 2 "a model not on the list is refused"
check "before anything is sent" test "$(server_stat api_requests)" = "$before"
check "naming the list" has "$err" "'gpt-4o-2024-08-06' is not approved in llmops.json models.approved (approved: gpt-4o-mini-2024-07-18)"
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-mini --base-url "$BASE"
expect_rc 2 "a moving alias is refused"
check "and the dated id named" has "$err" "'gpt-4o-mini' is a moving alias"
check "the dated id" has "$err" "(gpt-4o-mini-2024-07-18)"
run llmops eval --dataset evals/tiny.json --provider openai:chatgpt-4o-latest --base-url "$BASE"
expect_rc 2 "a -latest id is refused"
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-mini-2024-07-18 --base-url "$BASE"
expect_rc 0 "the approved model runs"
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-mini-2024-07-18 --base-url "$BASE" \
	--fallback openai:gpt-4o-2024-08-06
expect_rc 2 "a fallback is checked too"
run llmops cost --prompt summarize@v1.0.0 --model gpt-4o-2024-08-06
expect_rc 2 "cost refuses it too"
check "cost says so" has "$err" "cost: 'gpt-4o-2024-08-06' is not approved"
run llmops models --approved --format json
expect_rc 0 "models --approved"
check "the approval and its qualifying run's pass rate" python3 -c '
import json,sys; m=json.loads(sys.argv[1]); assert len(m)==1, m; m=m[0]
assert m["id"]=="gpt-4o-mini-2024-07-18" and m["provider"]=="openai" and m["input_usd_per_mtok"]==0.15
assert m["tokenizer"]=="o200k_base" and m["tokenizer_exact"] and not m["moving"]
a=m["approved"]; assert a["run"]==sys.argv[2] and a["run_found"] and a["pass_rate"]==1, a' "$out" "$QUAL"
run llmops models --format json
# (the list is over 128 KiB: read from standard input, not an argument)
check "every priced model, moving aliases marked" eval 'printf "%s" "$out" | python3 -c "
import json,sys; m={x[\"id\"]: x for x in json.load(sys.stdin)}
assert len(m) > 100 and m[\"gpt-4o-mini\"][\"moving\"] and m[\"chatgpt-4o-latest\"][\"moving\"]
assert m[\"gpt-4o-mini\"][\"approved\"][\"id\"]==\"gpt-4o-mini-2024-07-18\" and m[\"gpt-4o\"][\"approved\"] is None
d=m[\"gpt-4o-mini-2024-07-18\"]; assert not d[\"moving\"] and d[\"alias_of\"]==\"gpt-4o-mini\", d
p=m[\"ft:gpt-4o\"]; assert p[\"pattern\"] and not p[\"moving\"], p
"'
run llmops lint --format json
expect_rc 1 "lint: the scaffold's prompt names a moving alias"
check "lint names the file, line and rule" python3 -c '
import json,sys; f=[x for x in json.loads(sys.argv[1])["findings"] if x["rule"]=="model-unapproved"]
assert len(f)==1 and f[0]["path"]=="prompts/summarize/v1.0.0.txt" and f[0]["line"]==2, f
assert f[0]["severity"]=="error" and "moving alias" in f[0]["message"], f' "$out"
cat >llmops.json <<EOF
{"models": {"approved": [{"id": "gpt-4o-mini-2024-07-18", "run": "$QUAL"}], "unapproved": "warn"}}
EOF
run llmops eval --dataset evals/tiny.json --provider openai:gpt-4o-2024-08-06 --base-url "$BASE"
expect_rc 0 "unapproved: warn runs it"
check "with a warning" has "$err" "warning: eval: 'gpt-4o-2024-08-06' is not approved"
run llmops lint --format json
check "lint: a warning under unapproved: warn" python3 -c '
import json,sys; f=[x for x in json.loads(sys.argv[1])["findings"] if x["rule"]=="model-unapproved"]
assert len(f)==1 and f[0]["severity"]=="warning", f' "$out"
printf '{"models": {"approved": [{"id": "gpt-4o-mini", "run": "x"}]}}\n' >llmops.json
run llmops lint
expect_rc 2 "approving a moving alias is a configuration error"
check "at its line and column, with the dated id" has "$err" "llmops.json:1:33: models.approved[0].id: 'gpt-4o-mini' is a moving alias: approve a dated id (gpt-4o-mini-2024-07-18)"
printf '{"models": {"approved": [{"id": "gpt-4o-2024-08-06"}]}}\n' >llmops.json
run llmops models
expect_rc 2 "an approval needs its run"
check "says so" has "$err" "needs \"run\""
printf '{"models": {"unapproved": "maybe"}}\n' >llmops.json
run llmops models
expect_rc 2 "unapproved is refuse or warn"
git checkout -q llmops.json
unset OPENAI_API_KEY
stop_servers

# ----------------------------------------------------------- moderation
start_server
export OPENAI_API_KEY=sk-test-0123456789
cat >evals/moderated.json <<'EOF'
[{"id": "toxic", "input": "q", "output": "You fool. MODERATION: harassment=0.91",
  "assert": [{"type": "moderation", "value": {"harassment": 0.7}}]},
 {"id": "calm", "input": "q", "output": "Have a nice day.",
  "assert": [{"type": "moderation", "value": {"harassment": 0.7}}]},
 {"id": "default", "input": "q", "output": "MODERATION: violence=0.6", "assert": ["moderation"]},
 {"id": "any", "input": "q", "output": "MODERATION: hate=0.35", "assert": [{"type": "moderation", "value": {"any": 0.3}}]},
 {"id": "unknown", "input": "q", "output": "fine", "assert": [{"type": "moderation", "value": {"toxicity": 0.7}}]},
 {"id": "fails", "input": "q", "output": "MODERATION: 500", "assert": ["moderation"]}]
EOF
run llmops eval --dataset evals/moderated.json --provider replay --min-pass-rate 0 --max-errors 1
expect_rc 2 "the moderation assertion needs an endpoint"
check "says how to give one" has "$err" "--moderation-provider SPEC"
run llmops eval --dataset evals/moderated.json --provider replay --min-pass-rate 0 --max-errors 1 \
	--moderation-provider openai:omni-moderation-2024-09-26 --base-url "$BASE" --retries 1 --format json
expect_rc 0 "moderated outputs"
check "each output's categories against their thresholds" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
assert r["toxic"]["reason"]=="moderation: harassment 0.91 >= 0.70", r["toxic"]
assert r["calm"]["passed"] and r["default"]["reason"]=="moderation: violence 0.60 >= 0.50"
assert r["any"]["reason"]=="moderation: hate 0.35 >= 0.30", r["any"]
assert r["unknown"]["reason"].startswith("moderation: the endpoint has no category '"'"'toxicity'"'"' (it has: harassment,")
assert r["fails"]["passed"] is None and r["fails"]["error"].startswith("moderation: ") and "HTTP 500" in r["fails"]["error"]' "$out"
check "one moderation request per output, the failing one retried" python3 -c '
import json,sys,urllib.request
s=json.load(urllib.request.urlopen("http://127.0.0.1:%s/_stats" % sys.argv[1]))
assert s["by_path"]["/v1/moderations"]==7, s["by_path"]' "$PORT"
# every key llmops holds (issue 30, finding 8): a provider's api_key_env named like no key is
# one all the same: a dataset value equal to it is refused before sending, and with
# --allow-secrets it is sent but stored nowhere (the request, the answer, show, export)
stop_servers
start_server
held=Qm9vdHN0cmFwUGhyYXNlNzc0
cat >llmops.json <<EOF2
{"providers": {"myco": {"type": "openai", "model": "gpt-4o-mini", "base_url": "$BASE",
  "api_key_env": "MYCO_CREDENTIAL"}}}
EOF2
printf '[{"id": "held", "input": "REPLY: the code is %s", "expected": "x"}]\n' "$held" >evals/held.json
before=$(server_stat api_requests)
run env MYCO_CREDENTIAL="$held" "$LLMOPS" eval --dataset evals/held.json --provider myco --no-cache
expect_rc 2 "a request holding a held key's value is refused"
check "names the variable, never the value" has "$err" "would send the value of MYCO_CREDENTIAL"
check "nothing sent" test "$(server_stat api_requests)" = "$before"
check "the value is not printed" eval '! has "$err$out" "$held"'
run env MYCO_CREDENTIAL="$held" "$LLMOPS" eval --dataset evals/held.json --provider myco --no-cache \
	--allow-secrets --min-pass-rate 0
expect_rc 0 "--allow-secrets sends it"
check "the server echoed it, and the answer was cut" has "$err" "replaced by [redacted]"
check "stored nowhere in the ledger" python3 -c '
import sqlite3,sys
d=sqlite3.connect(".llmops/ledger.db")
for t in ("results","runs","cache","datasets"):
    for row in d.execute("select * from %s" % t):
        assert sys.argv[1] not in repr(row), (t, row)' "$held"
run env MYCO_CREDENTIAL="$held" "$LLMOPS" show last --case held --format json
check "show --case: the request redacted" eval '! has "$out" "$held" && has "$out" "[redacted]"'
run env MYCO_CREDENTIAL="$held" "$LLMOPS" export --format jsonl
check "export: nowhere" eval '! has "$out" "$held"'
rm llmops.json evals/held.json

unset OPENAI_API_KEY
stop_servers

done_testing
