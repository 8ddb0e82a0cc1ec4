#!/usr/bin/env bash
# llmops ingest (issue 21): production records from OpenAI-style JSONL, OTLP/JSON and
# LiteLLM logs into production runs; attribution by tag and by text against the pinned
# versions (stable and canary); idempotence; malformed records reported with their line.
. "$(dirname "$0")/lib.sh"

make_canary_repo proj 10
cd proj || exit 1

# 40 records: 10 tagged, 20 matching v1.0.0's text, 5 v1.1.0's, 3 nothing, 2 failed
python3 - <<'EOF2'
import json
v1 = open("prompts/summarize/v1.0.0.txt").read().split("---\n", 2)[2]
v2 = open("prompts/summarize/v1.1.0.txt").read().split("---\n", 2)[2]
def rec(i, text, md=None, err=None, usage=True):
    r = {"id": "req-%02d" % i,
         "request": {"model": "gpt-4o-mini",
                     "messages": [{"role": "system", "content": "You are terse."},
                                  {"role": "user", "content": text}]},
         "latency_ms": 100 + i, "timestamp": "2026-11-2%dT10:%02d:00Z" % (7 + i % 2, i),
         "metadata": md or {"feature": "inbox" if i % 3 else "search"}}
    if err:
        r["error"] = {"message": err}
    else:
        r["response"] = {"id": "chatcmpl-%d" % i, "model": "gpt-4o-mini",
                         "choices": [{"message": {"role": "assistant", "content": "Short %d." % i}}]}
        if usage:
            r["response"]["usage"] = {"prompt_tokens": 50 + i, "completion_tokens": 3}
    return r
lines = []
for i in range(10):
    lines.append(rec(i, "anything", {"llmops.prompt": "summarize", "llmops.version": "v1.0.0", "feature": "tagged"}))
for i in range(10, 30):
    lines.append(rec(i, v1.replace("{{input}}", "passage number %d\nwith two lines" % i)))
for i in range(30, 35):
    lines.append(rec(i, v2.replace("{{input}}", "canary passage %d" % i), usage=(i != 30)))
for i in range(35, 38):
    lines.append(rec(i, "Translate this into French: %d" % i))
for i in range(38, 40):
    lines.append(rec(i, v1.replace("{{input}}", "x"), err="rate limited"))
with open("prod.jsonl", "w") as f:
    for n, r in enumerate(lines):
        f.write(json.dumps(r) + "\n")
        if n == 4:
            f.write("\n")                      # a blank line: nothing
            f.write('{"id": "broken", "request": \n')  # line 7: cut short
        if n == 20:
            f.write('{"id": "noshape"}\n')     # line 24: not a record
EOF2
run llmops ingest prod.jsonl
expect_rc 0 "ingest a JSONL log"
check "counts read, added, present, malformed" has "$out" "read 42 records: 40 added, 0 already present, 2 malformed"
check "attribution by tag and by text" has "$out" "attributed: 10 by tag, 27 by text, 3 unattributed"
check "the broken line is named with its column" has "$err" "prod.jsonl:7: skipped: column 28: unexpected end of file"
check "the record of no known shape is named" has "$err" "prod.jsonl:24: skipped: not a record llmops reads"
check "failed requests are kept as errors" has "$out" "2 failed requests kept as errors"
check "one record without usage is counted" has "$out" "tokens counted for 1"

sqlq() { python3 -c 'import sqlite3,sys; print("\n".join("|".join("" if v is None else str(v) for v in r) for r in sqlite3.connect(".llmops/ledger.db").execute(sys.argv[1])))' "$1"; }
check "production runs by day and version" test "$(sqlq "SELECT started_at, prompt_name, prompt_version, cases FROM runs WHERE kind='production' ORDER BY 1, 2, 3, 4")" = "2026-11-27T00:00:00.000Z|||1
2026-11-27T00:00:00.000Z|summarize|v1.0.0|16
2026-11-27T00:00:00.000Z|summarize|v1.1.0|3
2026-11-28T00:00:00.000Z|||2
2026-11-28T00:00:00.000Z|summarize|v1.0.0|16
2026-11-28T00:00:00.000Z|summarize|v1.1.0|2"
check "the canary's records by text" test "$(sqlq "SELECT group_concat(case_id, ' ') FROM (SELECT case_id FROM results r JOIN runs u ON u.id = r.run_id WHERE u.prompt_version = 'v1.1.0' ORDER BY case_id)")" = "req-30 req-31 req-32 req-33 req-34"
check "tokens and cost from the record, priced at gpt-4o-mini's 0.15/0.60" test "$(sqlq "SELECT tokens_in, tokens_out, printf('%.10f', cost_usd), latency_ms, created_at, metadata FROM results WHERE case_id = 'req-12'")" = '62|3|0.0000111000|112.0|2026-11-27T10:12:00.000Z|{"feature":"search"}'
check "the errors have their message and no cost" test "$(sqlq "SELECT passed IS NULL, error, tokens_out IS NULL FROM results WHERE case_id = 'req-38'")" = "1|rate limited|1"

run llmops ingest --format json prod.jsonl
expect_rc 0 "ingest the same log again"
check "nothing is added twice" python3 -c '
import json,sys; s=json.loads(sys.argv[1])
assert s["read"]==42 and s["added"]==0 and s["present"]==40 and s["malformed"]==2, s' "$out"
check "still 40 records" test "$(sqlq "SELECT count(*) FROM results")" = 40

# records without ids are known again by their bytes; stdin
printf '%s\n' '{"request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}, "response": {"choices": [{"message": {"content": "hello"}}], "usage": {"prompt_tokens": 8, "completion_tokens": 1}}, "timestamp": 1764460800}' >noid.jsonl
run llmops ingest - <noid.jsonl
check "a record without an id from stdin" has "$out" "1 added"
run llmops ingest noid.jsonl
check "is present again by its content hash" has "$out" "0 added, 1 already present"
check "keyed by SHA-256 of its line" test "$(sqlq "SELECT record_key FROM results WHERE record_key LIKE 'sha256:%'")" = "sha256:$(head -c -1 noid.jsonl | sha256sum | cut -c1-64)"

# a JSON array of records (one document on one line)
printf '%s\n' '[{"id": "arr-1", "response": {"choices": [{"message": {"content": "a"}}]}}, {"id": "arr-2", "response": {"choices": [{"message": {"content": "b"}}]}}]' >array.json
run llmops ingest array.json
check "an array of records" has "$out" "read 2 records: 2 added"

# OTLP/JSON as one pretty-printed document, with a span of another operation
cat >spans.json <<'EOF2'
{
  "resourceSpans": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "inbox-api"}}]},
    "scopeSpans": [{"spans": [
      {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
       "name": "chat gpt-4o", "startTimeUnixNano": "1764500000000000000",
       "endTimeUnixNano": "1764500001500000000",
       "attributes": [
         {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
         {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
         {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
         {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "100"}},
         {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "10"}},
         {"key": "gen_ai.input.messages", "value": {"stringValue": "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"hello\"}]}]"}},
         {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"hi there\"}]}]"}},
         {"key": "llmops.prompt", "value": {"stringValue": "summarize"}},
         {"key": "llmops.version", "value": {"stringValue": "v1.1.0"}}]},
      {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "aaa19b7ec3c1b174",
       "name": "SELECT users", "attributes": [{"key": "db.system", "value": {"stringValue": "postgresql"}}]}
    ]}]
  }]
}
EOF2
run llmops ingest --format json spans.json
expect_rc 0 "ingest an OTLP/JSON document"
check "one GenAI span added, one other ignored" python3 -c '
import json,sys; s=json.loads(sys.argv[1])
assert s["added"]==1 and s["ignored"]==1 and s["by_tag"]==1, s' "$out"
check "the span as a record" test "$(sqlq "SELECT r.case_id, r.tokens_in, r.tokens_out, r.latency_ms, r.output, u.provider, u.model, u.prompt_version, json_extract(r.metadata, '\$.\"service.name\"') FROM results r JOIN runs u ON u.id = r.run_id WHERE r.case_id LIKE '5b8e%'")" = "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174|100|10|1500.0|hi there|openai|gpt-4o|v1.1.0|inbox-api"

# LiteLLM: a StandardLoggingPayload and a SpendLogs row (JSON columns as text)
cat >litellm.jsonl <<'EOF2'
{"id": "chatcmpl-lite-1", "call_type": "acompletion", "model": "gpt-4o-mini", "custom_llm_provider": "openai", "startTime": 1764460800.0, "endTime": 1764460800.75, "completionStartTime": 1764460800.25, "messages": [{"role": "user", "content": "Ping"}], "response": {"choices": [{"message": {"content": "Pong"}}]}, "prompt_tokens": 7, "completion_tokens": 1, "response_cost": 0.00002, "status": "success", "metadata": {"user_api_key_hash": "abc", "requester_metadata": {"feature": "ping"}}, "request_tags": ["beta"], "cache_hit": false}
{"request_id": "spend-7", "call_type": "acompletion", "model": "gpt-4o-mini", "startTime": "2026-11-30T08:00:00.000000+00:00", "endTime": "2026-11-30T08:00:02.000000+00:00", "spend": 0.5, "prompt_tokens": 10, "completion_tokens": 2, "messages": "[{\"role\": \"user\", \"content\": \"x\"}]", "response": "{\"choices\": [{\"message\": {\"content\": \"y\"}}]}", "metadata": "{\"llmops.prompt\": \"summarize\", \"llmops.version\": \"v1.0.0\"}", "cache_hit": "True"}
{"id": "lite-fail", "call_type": "acompletion", "model": "gpt-4o-mini", "startTime": 1764460900.0, "endTime": 1764460901.0, "messages": [{"role": "user", "content": "z"}], "status": "failure", "error_str": "litellm.RateLimitError: 429"}
EOF2
run llmops ingest --from litellm litellm.jsonl
expect_rc 0 "ingest LiteLLM logs"
check "three records, one failed" has "$out" "read 3 records: 3 added"
check "the payload's fields" test "$(sqlq "SELECT latency_ms, ttft_ms, printf('%.5f', cost_usd), metadata FROM results WHERE case_id = 'chatcmpl-lite-1'")" = '750.0|250.0|0.00002|{"feature":"ping","tags":["beta"]}'
check "the spend log row's" test "$(sqlq "SELECT r.latency_ms, r.cost_usd, r.cache_hit, r.output, u.prompt_version FROM results r JOIN runs u ON u.id = r.run_id WHERE case_id = 'spend-7'")" = "2000.0|0.5|1|y|v1.0.0"
check "the failure's message" test "$(sqlq "SELECT error FROM results WHERE case_id = 'lite-fail'")" = "litellm.RateLimitError: 429"

# what export writes, ingest reads: eval runs exported as OTLP come back attributed by tag
run llmops export --format otlp -o exported.jsonl
expect_rc 0 "export the production runs as OTLP"
run llmops ingest --format json exported.jsonl
check "its own spans are the same records again" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["added"]==s["read"]-s["present"] and s["malformed"]==0, s' "$out"

# attribution by a bundle (an application outside git), and keys never stored
llmops prompt bundle -o bundle.json 2>/dev/null
python3 - <<'EOF2'
import json
v1 = open("prompts/summarize/v1.0.0.txt").read().split("---\n", 2)[2]
r = {"id": "bundled-1", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": v1.replace("{{input}}", "my key is sk-test-0123456789abcdefXYZ")}]},
     "response": {"choices": [{"message": {"content": "ok"}}], "usage": {"prompt_tokens": 5, "completion_tokens": 1}}}
open("bundled.jsonl", "w").write(json.dumps(r) + "\n")
EOF2
mkdir -p ../elsewhere
cp bundled.jsonl bundle.json ../elsewhere/
run env -C ../elsewhere TEST_API_KEY=sk-test-0123456789abcdefXYZ "$LLMOPS" --ledger "$PWD/.llmops/ledger.db" ingest --bundle bundle.json bundled.jsonl
expect_rc 0 "ingest outside the repository with a bundle"
check "attributed by the bundle's text" has "$out" "1 by text"
check "the key in the environment is not stored" test "$(sqlq "SELECT input LIKE '%0123456789abcdef%' FROM results WHERE case_id = 'bundled-1'")" = 0

# a provider's error that quotes the key it refused
printf '%s\n' '{"id": "bad-key", "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}, "error": {"message": "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz123456."}}' >badkey.jsonl
llmops ingest badkey.jsonl >/dev/null 2>&1
check "a key in an error message is not stored" test "$(sqlq "SELECT error FROM results WHERE case_id = 'bad-key'")" = "Incorrect API key provided: sk-[redacted]"

# impossible data is refused with its place, never stored (issue 30, finding 9)
python3 - <<'EOF2'
import json
def rec(i, **kw):
    r = {"id": "imp-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d" % i}]},
         "response": {"choices": [{"message": {"content": "a%d" % i}}]}}
    r.update(kw)
    return json.dumps(r)
lines = [rec(1, cost_usd=-1e300), rec(2, latency_ms=-5), rec(3, latency_ms=1e308),
         rec(4, timestamp="yesterday-ish"), rec(5, timestamp="2026-11-22T10:00:00Z")]
nul = rec(6).replace('"a6"', '"a6\\u0000 hidden"')
with open("impossible.jsonl", "wb") as f:
    f.write(("\n".join(lines + [nul]) + "\n").encode())
    f.write(b'{"id": "imp-7", "request": {"messages": [{"role": "user", "content": "q\xff"}]}, "response": {"choices": [{"message": {"content": "x"}}]}}\n')
EOF2
run llmops ingest impossible.jsonl
check "a negative cost: refused at its line" has "$err" "impossible.jsonl:1: skipped: its cost -1e+300 is not a cost"
check "a negative latency" has "$err" "impossible.jsonl:2: skipped: its latency -5 ms is not one"
check "an absurd latency" has "$err" "impossible.jsonl:3: skipped: its latency 1e+308 ms is not one"
check "a time that is none" has "$err" "impossible.jsonl:4: skipped: its time 'yesterday-ish' is not a time"
check "a NUL: refused at its column" has "$err" "impossible.jsonl:6: skipped: column 155:"
check "says why" has "$err" "(NUL) in a string"
check "invalid UTF-8: refused at its column" has "$err" "impossible.jsonl:7: skipped: column 72: invalid UTF-8"
check "only the good record kept" test "$(sqlq "SELECT group_concat(case_id) FROM results WHERE case_id LIKE 'imp-%'")" = "imp-5"
check "kept with its own time" test "$(sqlq "SELECT created_at FROM results WHERE case_id = 'imp-5'")" = "2026-11-22T10:00:00.000Z"
run llmops stats --budget 0.000001 --format json
check "the budget is not fooled" eval '! has "$out" "-1e+300"'
echo '[1, 2, 3]' >notbundle.json
run llmops ingest --bundle notbundle.json prod.jsonl
expect_rc 2 "--bundle that is no bundle"
check "says what a bundle is" has "$err" "is not a bundle of version 1"
# arrays of records in linear time, records above 16 MiB refused unread
python3 -c '
import json
print(json.dumps([{"id": "big-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d" % i}]},
                   "response": {"choices": [{"message": {"content": "a"}}]}} for i in range(20000)], indent=1))' >array.json
run llmops ingest array.json --format json
check "20,000 records in one array" python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["added"] == 20000, s' "$out"
python3 - <<'EOF2'
import json
a = json.load(open("array.json"))[:10]
a[7]["latency_ms"] = -1
text = json.dumps(a, indent=1)
open("array2.json", "w").write(text)
start = text.index('{\n  "id": "big-7"')
open("array2.line", "w").write(str(text[:start].count("\n") + 1))
EOF2
run llmops ingest array2.json
check "a bad element named at its own line" has "$err" "array2.json:$(cat array2.line): skipped: its latency -1 ms"
python3 -c '
import json
big = "x" * (17 << 20)
print(json.dumps({"id": "huge", "request": {"messages": [{"role": "user", "content": big}]}, "response": {"choices": [{"message": {"content": "a"}}]}}))
print(json.dumps({"id": "after-huge", "request": {"messages": [{"role": "user", "content": "q"}]}, "response": {"choices": [{"message": {"content": "a"}}]}}))' >huge.jsonl
run llmops ingest huge.jsonl
check "a record above 16 MiB: refused" has "$err" "huge.jsonl:1: skipped: a line of more than 16777216 bytes"
check "the next one read" test "$(sqlq "SELECT count(*) FROM results WHERE case_id = 'after-huge'")" = 1

# a killed ingest leaves runs that count what they hold (issue 30, finding 10)
python3 -c '
import json
for i in range(100000):
    print(json.dumps({"id": "kill-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d" % i}]},
                      "response": {"choices": [{"message": {"content": "a"}}], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}, "timestamp": "2026-11-23T10:00:00Z"}))' >kill.jsonl
"$LLMOPS" ingest --no-progress kill.jsonl >/dev/null 2>&1 &
kpid=$!
python3 - <<'EOF2'
import sqlite3, time
end = time.time() + 60
while time.time() < end:
    try:
        d = sqlite3.connect(".llmops/ledger.db", timeout=5)
        if d.execute("select count(*) from results where case_id like 'kill-%'").fetchone()[0] >= 8192:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.01)
EOF2
kill -9 "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
check "the kill came mid-ingest" test "$(sqlq "SELECT count(*) FROM results WHERE case_id LIKE 'kill-%'")" -lt 100000
check "the run counts what it holds" test "$(sqlq "SELECT r.cases = (SELECT count(*) FROM results x WHERE x.run_id = r.id) AND r.cases > 0 FROM runs r WHERE r.id = (SELECT run_id FROM results WHERE case_id = 'kill-0')")" = 1
run llmops ingest --no-progress kill.jsonl --format json
check "the rest is read once, after" python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["added"] + s["present"] == 100000 and s["present"] > 0, s' "$out"
check "and counted" test "$(sqlq "SELECT r.cases FROM runs r WHERE r.id = (SELECT run_id FROM results WHERE case_id = 'kill-0')")" = 100000

# bad input
run llmops ingest missing.jsonl
expect_rc 2 "a file that does not exist"
check "is named" has "$err" "cannot read 'missing.jsonl'"
run llmops ingest --strict prod.jsonl
expect_rc 2 "--strict fails on malformed records"
run llmops ingest
expect_rc 2 "no file"
run llmops ingest --from xml prod.jsonl
expect_rc 2 "an unknown --from"
check "says what exists" has "$err" "openai"
done_testing
