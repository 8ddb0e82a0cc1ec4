#!/usr/bin/env bash
# llmops cost: per prompt, per dataset, per month, against a base; gates and bad input.
. "$(dirname "$0")/lib.sh"

json() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($1)" "$out"; }
commit() { git -C repo add -A && git -C repo commit -q -m "$1"; }

git init -q repo
mkdir -p repo/prompts/support repo/prompts/chat
cat >repo/prompts/support/v1.0.0.txt <<'T'
---
model: gpt-4o-mini
max_tokens: 100
---
Answer the customer: {{question}}
T
cat >repo/prompts/chat/v1.0.0.json <<'T'
{"model": "claude-sonnet-4", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{question}}"}]}
T
commit prompts
llmops -C repo prompt pin support@v1.0.0 >/dev/null
commit pin
cd repo || exit 1

run llmops cost --format json
expect_rc 0 "cost of the pinned prompt"
# 3 (message) + 1 ("user") + tokens of the text + 3 (reply priming)
text_tokens=$(printf 'Answer the customer: ' | "$LLMOPS" tokens --encoding o200k_base | cut -d' ' -f1)
check "input tokens are the rendered message plus OpenAI's chat overhead" \
	test "$(json "d['prompts'][0]['current']['input_tokens']")" = "$((text_tokens + 7))"
check "output tokens come from max_tokens" test "$(json "d['prompts'][0]['current']['output_tokens_from']")" = max_tokens
check "the cost is gpt-4o-mini's price" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); c=d['prompts'][0]['current']
assert abs(c['cost_per_request_usd'] - (c['input_tokens']*0.15 + 100*0.6)/1e6) < 1e-12, c" "$out"

cat >cases.jsonl <<'T'
{"id": "short", "question": "Hi?"}
{"id": "long", "question": "Why does my container restart every few minutes with exit code 137 under load?"}
T
run llmops cost --dataset cases.jsonl --requests-per-day 1000
expect_rc 2 "a dataset that belongs to no pinned prompt is refused (issue 17)"
check "saying why and what to do" has "$err" "cases.jsonl belongs to no pinned prompt (pinned: support"
run llmops cost --dataset cases.jsonl --prompt support --requests-per-day 1000 --format json
expect_rc 0 "with a dataset"
check "each case is rendered with its variables" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); c=d['prompts'][0]['current']
assert c['dataset_cases']==2 and c['input_tokens'] > $((text_tokens + 7)), c
assert abs(c['cost_per_month_usd'] - c['cost_per_request_usd']*1000*30) < 1e-9, c
assert abs(d['dataset_cost_usd'] - 2*c['cost_per_request_usd']) < 1e-12, d" "$out"

run llmops cost --prompt chat
expect_rc 2 "--prompt NAME of a prompt that is not pinned"
check "asks for a version" has "$err" "name a version (chat@v1.0.0)"
run llmops cost --prompt chat@v1.0.0 --output-tokens 50
expect_rc 0 "an Anthropic prompt"
check "its tokens are marked as an estimate" has "$out" "~"
run llmops cost --prompt chat@v1.0.0 --output-tokens 50 --format markdown
check "markdown has a table" has "$out" "| \`chat\` | v1.0.0 | claude-sonnet-4 |"

# a change: a longer v1.1.0 pinned in the work tree, compared with HEAD
cat >prompts/support/v1.1.0.txt <<'T'
---
model: gpt-4o-mini
max_tokens: 400
---
You are a careful support engineer. Read the customer's question, think about the likely causes,
and answer with numbered steps. Customer: {{question}}
T
git add -A && git commit -qm v1.1.0
llmops prompt pin support@v1.1.0 >/dev/null
run llmops cost --base HEAD --requests-per-day 100 --format json
expect_rc 0 "against a base"
check "the change per request and per month" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); p=d['prompts'][0]
assert p['status']=='changed' and p['base']['version']=='v1.0.0' and p['current']['version']=='v1.1.0', p
assert p['change_per_request_usd'] > 0 and abs(p['change_per_month_usd'] - p['change_per_request_usd']*3000) < 1e-9, p" "$out"
run llmops cost --base HEAD --max-increase 10
expect_rc 1 "--max-increase exceeded"
check "says which prompt" has "$out" "support: cost per request up"
run llmops cost --base HEAD --max-increase 100000
expect_rc 0 "--max-increase not exceeded"
run llmops cost --requests-per-day 1000000 --budget 1
expect_rc 1 "--budget exceeded"
check "says by how much" has "$out" "over budget"
mkdir -p prompts/fresh
printf -- '---\nmodel: gpt-4o\n---\nNew {{x}}\n' >prompts/fresh/v1.0.0.txt
run llmops cost --prompt fresh@v1.0.0 --prompt chat@v1.0.0 --base HEAD --output-tokens 5
check "a prompt missing at the base is added" has "$out" "added"
check "an unchanged one is unchanged" has "$out" "unchanged"
rm -r prompts/fresh

# prices: llmops.json and --prices extend the table; a missing field is an error
cat >llmops.json <<'T'
{"prices": {"in-house-7b": {"input": 0.1, "output": 0.2, "context_window": 20}}}
T
run llmops cost --model in-house-7b --format json
expect_rc 0 "a model priced in llmops.json"
check "is priced with it" python3 -c "
import json,sys; c=json.loads(sys.argv[1])['prompts'][0]['current']
assert abs(c['cost_per_request_usd'] - (c['input_tokens']*0.1 + 400*0.2)/1e6) < 1e-12, c
assert c['over_context_window'] is True, c" "$out"
run llmops cost --model in-house-7b
check "the context window overflow is reported" has "$out" "exceed in-house-7b's context window of 20"
rm llmops.json
printf '{\n  "m1": {"input": 1}\n}\n' >p.json
run llmops cost --model m1 --prices p.json
expect_rc 2 "a prices file with a missing field"
check "names file, line, column and field" has "$err" "p.json:2:9: model 'm1': 'output' is missing"
run llmops cost --model gpt-4o-mni
expect_rc 2 "an unknown model"
check "names the nearest" has "$err" "'gpt-4o-mini'"
run llmops cost --base no-such-rev
expect_rc 2 "a REV that does not exist"
printf '[{"question": "a"},\n {"question": "b",}]' >bad.json
run llmops cost --dataset bad.json
expect_rc 2 "a dataset that does not parse"
check "names line and column" has "$err" "bad.json:2:19"
run llmops cost --dataset missing.json
expect_rc 2 "a missing dataset"
run llmops cost --budget lots
expect_rc 2 "a budget that is not a number"
run llmops cost --max-increase 5
expect_rc 2 "--max-increase without --base"
printf 'question,expected\n"unterminated,x\n' >bad.csv
run llmops cost --dataset bad.csv
expect_rc 2 "a CSV with an unterminated quote"
check "says where" has "$err" "bad.csv:2:1: unterminated quoted field"
run llmops cost --help
expect_rc 0 "--help"
done_testing
