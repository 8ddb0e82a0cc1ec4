#!/usr/bin/env bash
# llmops export over runs made by real evaluations against the test server:
# Prometheus text checked by promtool, OTLP/JSON printed and POSTed to the
# server's /v1/traces (retries, credentials, an unreachable collector), CSV
# and JSONL; bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null

start_server --latency-ms 2 --require-key sk-test-collector-key-0123
python3 - <<'EOF2'
import json
json.dump([{"id": "c%02d" % i, "input": "REPLY: the answer is %d" % i,
            "expected": "the answer is %d" % (i if i % 5 else 99)} for i in range(20)],
          open("cases.json", "w"))
EOF2
export OPENAI_API_KEY=sk-test-collector-key-0123
run llmops eval --dataset cases.json --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0
expect_rc 0 "an evaluation: 16 pass, 4 fail"
run llmops eval --dataset cases.json --provider openai:gpt-4o --base-url "$BASE" --min-pass-rate 0 --no-cache
expect_rc 0 "a second model"
unset OPENAI_API_KEY
RUN=$(sql "select id from runs order by id limit 1")
sent=$(server_stat api_requests)

# ------------------------------------------------------------ prometheus
run llmops export --format prometheus -o metrics.prom
expect_rc 0 "prometheus to a file"
check "promtool check metrics accepts it" promtool check metrics <metrics.prom
check "requests counted as the server saw them" python3 - "$sent" <<'EOF2'
import re, sys
text = open("metrics.prom").read()
tot = sum(float(v) for v in re.findall(r'^llmops_requests_total\{[^}]*\} (\S+)$', text, re.M))
assert tot == int(sys.argv[1]), (tot, sys.argv[1])
EOF2
check "one series per model, outcomes split" python3 - <<'EOF2'
import re
text = open("metrics.prom").read()
rows = re.findall(r'^llmops_cases_total\{[^}]*model="([^"]+)"[^}]*outcome="(\w+)"\} (\S+)$', text, re.M)
got = {(m, o): float(v) for m, o, v in rows}
for m in ("gpt-4o-mini", "gpt-4o"):
    assert got[(m, "pass")] == 16 and got[(m, "fail")] == 4 and got[(m, "error")] == 0, got
counts = re.findall(r'^llmops_request_duration_seconds_count\{[^}]*\} (\S+)$', text, re.M)
assert sorted(float(c) for c in counts) == [20, 20], counts
inf = re.findall(r'^llmops_request_duration_seconds_bucket\{[^}]*le="\+Inf"\} (\S+)$', text, re.M)
assert inf == counts
EOF2
run llmops export --format prometheus --since 2999-01-01
expect_rc 0 "nothing since then"
check "still valid exposition" sh -c 'llmops() { "$LLMOPS" "$@"; }; "$LLMOPS" export --format prometheus --since 2999-01-01 | promtool check metrics'

# ------------------------------------------------------------------ otlp
run llmops export --format otlp --run "$RUN" -o traces.json
expect_rc 0 "otlp to a file, one run"
check "one span per request, GenAI attributes" python3 - "$RUN" <<'EOF2'
import json, re, sys
d = json.load(open("traces.json"))
spans = d["resourceSpans"][0]["scopeSpans"][0]["spans"]
assert len(spans) == 20, len(spans)
for s in spans:
    assert re.fullmatch(r"[0-9a-f]{32}", s["traceId"]) and re.fullmatch(r"[0-9a-f]{16}", s["spanId"])
    assert s["kind"] == 3 and int(s["endTimeUnixNano"]) >= int(s["startTimeUnixNano"]) > 0
    a = {x["key"]: x["value"] for x in s["attributes"]}
    assert a["gen_ai.system"] == {"stringValue": "openai"}
    assert a["gen_ai.request.model"] == {"stringValue": "gpt-4o-mini"}
    assert a["gen_ai.operation.name"] == {"stringValue": "chat"}
    assert int(a["gen_ai.usage.input_tokens"]["intValue"]) > 0
    assert int(a["gen_ai.usage.output_tokens"]["intValue"]) > 0
    assert a["llmops.run.id"] == {"stringValue": sys.argv[1]}
assert len({s["traceId"] for s in spans}) == 1 and len({s["spanId"] for s in spans}) == 20
assert sum(1 for s in spans if {"key": "llmops.eval.passed", "value": {"boolValue": False}} in s["attributes"]) == 4
EOF2
run llmops export --format otlp --otlp-endpoint "http://127.0.0.1:$PORT"
expect_rc 3 "the collector wants credentials: 401 is not retried"
check "says so" has "$err" "refused the credentials"
OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer sk-test-collector-key-0123,X-Team=evals" \
	run llmops export --format otlp --otlp-endpoint "http://127.0.0.1:$PORT"
expect_rc 0 "POSTed with OTEL_EXPORTER_OTLP_HEADERS"
check "the collector got 40 spans" python3 -c 'import json,sys,urllib.request
t=json.load(urllib.request.urlopen("http://127.0.0.1:%s/_traces" % sys.argv[1]))
assert sum(len(s["spans"]) for b in t for r in b["resourceSpans"] for s in r["scopeSpans"])==40' "$PORT"
check "reports what it sent" has "$err" "sent 40 spans"
check "the header value is never printed" sh -c "! printf '%s%s' \"\$0\" \"\$1\" | grep -q collector-key" "$out" "$err"
stop_servers
start_server --fail-first 2
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$PORT/" run llmops export --format otlp --since 1d
expect_rc 0 "two 500s, then accepted (endpoint from OTEL_EXPORTER_OTLP_ENDPOINT)"
check "three attempts" test "$(server_stat api_requests)" = 3
stop_servers
run llmops export --format otlp --otlp-endpoint "http://127.0.0.1:$PORT/v1/traces"
expect_rc 3 "an unreachable collector"
check "names it and the attempts" has "$err" "127.0.0.1:$PORT/v1/traces"
check "after retries" has "$err" "after 4 attempts"
run llmops export --format otlp --otlp-endpoint ftp://example.invalid
expect_rc 2 "not an http URL"
run llmops export --format csv --otlp-endpoint http://127.0.0.1:1
expect_rc 2 "--otlp-endpoint with csv"

# ------------------------------------------------------------ csv, jsonl
run llmops export --format csv -o all.csv
expect_rc 0 "csv"
check "40 rows with their runs" python3 -c '
import csv; r=list(csv.DictReader(open("all.csv", newline="")))
assert len(r)==40 and {x["model"] for x in r}=={"gpt-4o-mini","gpt-4o"}
assert sum(1 for x in r if x["outcome"]=="fail")==8 and all(x["output"] for x in r)
assert all(x["created_at"] and x["run"] for x in r) and "prompt_version" in r[0]'
run llmops report --format csv "$RUN"
check "the result columns are those of report" python3 -c '
import csv,sys; e=list(csv.reader(open("all.csv", newline="")))[0]
r=list(csv.reader(sys.argv[1].splitlines()))[0]
# who answered: export has it among the run columns, report at the end
assert e[7:]==r[:-2] and r[-2:]==["provider","model"] and e[4:6]==r[-2:], (e, r)' "$out"
run llmops export --format jsonl --run "$RUN"
expect_rc 0 "jsonl to stdout"
check "one object per result" python3 -c '
import json,sys; l=[json.loads(x) for x in sys.argv[1].splitlines()]
assert len(l)==20 and all(x["run"]==sys.argv[2] and x["model"]=="gpt-4o-mini" for x in l)' "$out" "$RUN"
check "each key once in each object (no null provider before the real one)" python3 -c '
import json,sys
for x in sys.argv[1].splitlines():
    pairs = json.loads(x, object_pairs_hook=lambda p: p)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys' "$out"

# ------------------------------------------------------------- bad input
run llmops export
expect_rc 2 "no format"
check "says which exist" has "$err" "prometheus, otlp, csv or jsonl"
run llmops export --format xml
expect_rc 2 "an unknown format"
run llmops export --format csv -o /nonexistent/dir/out.csv
expect_rc 3 "an unwritable path"
check "names it" has "$err" "/nonexistent/dir/out.csv"
run llmops export --format csv --run 01ZZZZZZ
expect_rc 2 "an unknown run"
run llmops export --format csv --since never
expect_rc 2 "a bad --since"

done_testing
