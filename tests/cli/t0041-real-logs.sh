#!/usr/bin/env bash
# Production logs as the real libraries write them (issue 31): the fixtures of
# tests/fixtures/production were made by generate.sh there, with the official
# OpenAI SDK and @opentelemetry/instrumentation-openai (chat completions and
# the Responses API: spans plus GenAI log events), Traceloop's and
# OpenInference's instrumentations (spans), and LiteLLM SpendLogs rows of the
# same traffic: 200 requests (132 summarize@v1.0.0, 28 its canary v1.1.0, 40
# support@v1.0.0 with a system prompt), 11 of them failed.
. "$(dirname "$0")/lib.sh"

fx="$LLMOPS_SOURCE_ROOT/tests/fixtures/production"
# the project the traffic was rendered from (what generate.sh makes)
make_repo proj
cd proj || exit 1
llmops init >/dev/null
mkdir -p prompts/support && cp "$fx/support-v1.0.0.json" prompts/support/v1.0.0.json
git add -A && git commit -qm init
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
llmops prompt pin support@v1.0.0 >/dev/null 2>&1
llmops prompt new summarize >/dev/null 2>&1
python3 -c 'import sys; p=sys.argv[1]; t=open(p).read(); open(p, "w").write(t.replace("one plain sentence", "two short sentences"))' prompts/summarize/v1.1.0.txt
git add -A && git commit -qm v1.1.0
llmops prompt pin summarize@v1.1.0 --canary 10 >/dev/null 2>&1
git add -A && git commit -qm canary

# by version: "prompt@version=records/errors ..." in ledger $1
versions() {
	LEDGER=$1 sql "SELECT group_concat(v, ' ') FROM (SELECT coalesce(prompt_name, '-') || '@' || coalesce(prompt_version, '-') || '=' || sum(cases) || '/' || sum(errored) AS v FROM runs WHERE kind = 'production' GROUP BY prompt_name, prompt_version ORDER BY 1)"
}
all="summarize@v1.0.0=132/4 summarize@v1.1.0=28/4 support@v1.0.0=40/3"

# the official instrumentation, chat completions: spans and log events in one file
run llmops --ledger chat.db ingest --strict "$fx/official-chat.jsonl"
expect_rc 0 "a collector file with both signals, --strict"
check "200 records read: spans, not lines" has "$out" "read 200 records: 200 added"
check "every record attributed by its text" has "$out" "attributed: 0 by tag, 200 by text, 0 unattributed"
check "the log events joined to their spans" has "$out" "429 GenAI log events joined to their spans"
check "by version, with the failed requests" test "$(versions chat.db)" = "$all"
check "the answers came from the gen_ai.choice events" test "$(LEDGER=chat.db sql "SELECT count(*) FROM results WHERE output LIKE 'Summarise the text%' AND passed = 1")" = 152

# the same traffic, spans and logs in two files, the logs given first
python3 - "$fx/official-chat.jsonl" <<'PY'
import json, sys
with open("spans.jsonl", "w") as s, open("logs.jsonl", "w") as l:
    for line in open(sys.argv[1]):
        (s if "resourceSpans" in json.loads(line) else l).write(line)
PY
run llmops --ledger split.db ingest --strict logs.jsonl spans.jsonl
expect_rc 0 "logs before their spans, in another file"
check "the same records" test "$(versions split.db)" = "$all"
check "the same events joined" has "$out" "429 GenAI log events joined"
run llmops --ledger orphan.db ingest --strict logs.jsonl
expect_rc 2 "log events whose spans are in no file read: --strict"
check "they are reported, not dropped in silence" has "$err" "GenAI log events of span"
check "and counted apart from records" has "$out" "429 GenAI log events without their span, not stored"
check "and say what to do" has "$err" "give the traces with their logs"

# the Responses API: the system prompt in gen_ai.system_instructions, the input in
# gen_ai.client.inference.operation.details events (the parts shape)
run llmops --ledger responses.db ingest "$fx/official-responses.jsonl"
check "Responses API: every record attributed" has "$out" "200 by text, 0 unattributed"
check "support@v1.0.0 found by its system instructions" test "$(versions responses.db)" = "$all"

# Traceloop and OpenInference: content on the spans (both drop failed requests' spans)
run llmops --ledger traceloop.db ingest "$fx/traceloop.jsonl"
check "Traceloop: 189 spans, all attributed" has "$out" "read 189 records: 189 added, 0 already present, 0 malformed
attributed: 0 by tag, 189 by text, 0 unattributed"
run llmops --ledger openinference.db ingest "$fx/openinference.jsonl"
check "OpenInference (llm.input_messages.N.message.*): all attributed" has "$out" "read 189 records: 189 added, 0 already present, 0 malformed
attributed: 0 by tag, 189 by text, 0 unattributed"
check "OpenInference: model and tokens" test "$(LEDGER=openinference.db sql "SELECT count(*) FROM results WHERE tokens_in > 0 AND tokens_out > 0 AND cost_usd > 0")" = 189

# LiteLLM SpendLogs rows, a third without prompts ("{}"): kept, counted
run llmops --ledger litellm.db ingest --strict "$fx/litellm-spendlogs.jsonl"
expect_rc 0 "SpendLogs rows with \"{}\" messages and response"
check "the rows without prompts are kept, unattributed" has "$out" "attributed: 0 by tag, 134 by text, 66 unattributed"
check "the same errors, whichever format carried them" test "$(for d in chat responses litellm; do LEDGER=$d.db sql "SELECT sum(errored) || '/' || sum(cases) FROM runs WHERE kind = 'production'"; done | sort -u)" = "11/200"
for d in chat responses; do
	run llmops --ledger $d.db stats --canary summarize --format json
	printf '%s\n' "$out" >canary-$d.json
done
check "stats --canary: the same error rates from both instrumentations" python3 -c '
import json
a, b = (json.load(open("canary-%s.json" % d)) for d in ("chat", "responses"))
def rates(d): return [d["canary"][side]["error_rate"] for side in ("stable", "canary")]
assert rates(a) == rates(b) == [4 / 132, 4 / 28], (rates(a), rates(b))'

# null wherever a field may be absent
printf '%s\n' '{"id": "n-1", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}, "response": null, "error": {"message": "overloaded"}, "metadata": null, "latency_ms": null, "cost_usd": null}' >null.jsonl
run llmops --ledger null.db ingest --strict null.jsonl
expect_rc 0 "\"response\": null on a failed request"
check "kept as an error" has "$out" "1 failed request kept as error"

# production assertions see the records' latency and cost
run llmops --ledger chat.db eval --production --prompt summarize@v1.0.0 --sample 20 --assert /dev/stdin <<<'[{"type": "max_latency_ms", "value": 0.001}]'
expect_rc 1 "max_latency_ms: 0.001 fails records that took longer"
check "every sampled record failed it" has "$out" "passed  0/20"
run llmops --ledger chat.db eval --production --prompt summarize@v1.0.0 --sample 20 --assert /dev/stdin <<<'[{"type": "max_latency_ms", "value": 600000}, {"type": "max_cost", "value": 1}]'
expect_rc 0 "and generous limits pass"

# after a promote, the retired version's records keep their version (the lock's history)
llmops prompt promote summarize >/dev/null 2>&1
git add -A && git commit -qm promote
run llmops --ledger promoted.db ingest "$fx/official-chat.jsonl"
check "after a promote: all 200 still attributed" has "$out" "200 by text, 0 unattributed"
check "v1.0.0's records keep v1.0.0" test "$(versions promoted.db)" = "$all"

# a re-ingest attributes what it kept unattributed, and says so only then
mkdir ../bare && cp "$fx/official-chat.jsonl" ../bare/ && cd ../bare || exit 1
run llmops --ledger "$TEST_ROOT/re.db" ingest official-chat.jsonl
check "outside the repository nothing is attributed" has "$out" "0 by text, 200 unattributed"
cd ../proj || exit 1
run llmops --ledger "$TEST_ROOT/re.db" ingest "$fx/official-chat.jsonl"
check "re-ingested in the repository: nothing added" has "$out" "0 added, 200 already present"
check "no new attribution counted for records already there" has "$out" "attributed: 0 by tag, 0 by text, 0 unattributed"
check "and the re-attribution said" has "$out" "200 records kept unattributed before, attributed now"
check "they moved to their versions' runs" test "$(versions "$TEST_ROOT/re.db")" = "$all"
run llmops --ledger "$TEST_ROOT/re.db" ingest "$fx/official-chat.jsonl"
check "a third ingest changes nothing and says nothing of it" eval '! has "$out" "attributed now"'
llmops prompt bundle -o bundle.json >/dev/null 2>&1
run llmops --ledger chat.db ingest --bundle bundle.json "$fx/official-chat.jsonl"
check "re-ingest with --bundle: nothing added, nothing attributed" has "$out" "0 added, 200 already present, 0 malformed
attributed: 0 by tag, 0 by text, 0 unattributed"
done_testing
