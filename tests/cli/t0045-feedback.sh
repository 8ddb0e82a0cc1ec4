#!/usr/bin/env bash
# Users' feedback (issue 33, item 5): ingest reads llmops's, Langfuse's and LangSmith's
# feedback records beside the production records they rate (before or after them), keeps
# each once, and stats gives the rate and mean score per version and model, and the canary
# decides on it; the figures worked out by hand.
. "$(dirname "$0")/lib.sh"
VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"

make_canary_repo proj 20
cd proj || exit 1

# records r1..r4 of summarize@v1.0.0 on gpt-4o-mini, r5 of v1.1.0; an OTLP trace of two spans
cat >recs.jsonl <<'EOF2'
{"id":"r1","request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"}]},"response":{"choices":[{"message":{"content":"A"}}]},"metadata":{"llmops.prompt":"summarize","llmops.version":"v1.0.0"},"timestamp":"2026-12-01T10:00:00Z"}
{"id":"r2","request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"b"}]},"response":{"choices":[{"message":{"content":"B"}}]},"metadata":{"llmops.prompt":"summarize","llmops.version":"v1.0.0"},"timestamp":"2026-12-01T10:01:00Z"}
{"id":"r3","request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"c"}]},"response":{"choices":[{"message":{"content":"C"}}]},"metadata":{"llmops.prompt":"summarize","llmops.version":"v1.0.0"},"timestamp":"2026-12-03T10:00:00Z"}
{"id":"r4","request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"d"}]},"response":{"choices":[{"message":{"content":"D"}}]},"metadata":{"llmops.prompt":"summarize","llmops.version":"v1.0.0"},"timestamp":"2026-12-03T10:02:00Z"}
{"id":"r5","request":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"e"}]},"response":{"choices":[{"message":{"content":"E"}}]},"metadata":{"llmops.prompt":"summarize","llmops.version":"v1.1.0"},"timestamp":"2026-12-03T10:03:00Z"}
EOF2
span() { # span SPANID: a GenAI span of trace 5b8e..., summarize@v1.1.0 on gpt-4o
	printf '{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "%s", "name": "chat", "startTimeUnixNano": "1796292000000000000", "endTimeUnixNano": "1796292001000000000", "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}, {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}}, {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\\"role\\":\\"assistant\\",\\"parts\\":[{\\"type\\":\\"text\\",\\"content\\":\\"hi\\"}]}]"}}, {"key": "llmops.prompt", "value": {"stringValue": "summarize"}}, {"key": "llmops.version", "value": {"stringValue": "v1.1.0"}}]}' "$1"
}
printf '{"resourceSpans": [{"scopeSpans": [{"spans": [%s, %s]}]}]}\n' \
	"$(span eee19b7ec3c1b174)" "$(span aaa19b7ec3c1b174)" >spans.json

# feedback first (the records come after): each shape, and what is refused
cat >fb.jsonl <<'EOF2'
{"record_id": "r1", "thumbs": "up", "comment": "spot on", "timestamp": "2026-12-01T11:00:00Z"}
{"id": "u-2", "record_id": "r2", "score": 0.25}
{"id": "ls-1", "run_id": "r2", "key": "correctness", "score": false, "comment": "wrong", "created_at": "2026-12-02T00:00:00Z", "feedback_source": {"type": "app"}}
{"id": "lf-1", "traceId": "r1", "name": "helpful", "value": 1, "dataType": "BOOLEAN", "timestamp": "2026-12-02T00:00:00Z"}
{"id": "lf-2", "traceId": "5b8efff798038103d269b633813fc60c", "observationId": "eee19b7ec3c1b174", "name": "accuracy", "value": 0.5, "dataType": "NUMERIC", "timestamp": "2026-12-03T12:00:00Z"}
{"id": "lf-3", "traceId": "5b8efff798038103d269b633813fc60c", "name": "tone", "stringValue": "friendly", "dataType": "CATEGORICAL", "timestamp": "2026-12-03T12:00:00Z"}
{"record_id": "r3", "thumbs": "sideways"}
{"record_id": "r3", "score": 2e10}
{"id": "lf-9", "traceId": "r3", "name": "x", "value": 3, "dataType": "PERCENT"}
{"record_id": "r4", "thumbs": "down", "timestamp": "last tuesday"}
{"record_id": "nowhere", "score": 1, "timestamp": "2026-12-03T00:00:00Z"}
EOF2
run llmops ingest --format json fb.jsonl
expect_rc 0 "feedback alone, before its records"
check "7 kept, 4 refused" python3 -c '
import json,sys; s=json.loads(sys.argv[1])
assert s["read"]==11 and s["feedback"]==7 and s["malformed"]==4 and s["added"]==0, s' "$out"
check "the bad thumbs, at its line" has "$err" "fb.jsonl:7: skipped: feedback (llmops's shape): its thumbs is none of up, down"
check "the score out of range" has "$err" "fb.jsonl:8: skipped: feedback (llmops's shape): its score is out of range"
check "the unknown dataType" has "$err" "fb.jsonl:9: skipped: feedback (langfuse's shape): its dataType 'PERCENT' is none of NUMERIC, BOOLEAN, CATEGORICAL"
check "the time that is none" has "$err" "fb.jsonl:10: skipped: feedback (llmops's shape): its time 'last tuesday' is not a time"
run llmops ingest --strict fb.jsonl
expect_rc 2 "--strict: malformed feedback is exit 2"
check "all again, nothing new" has "$out" "feedback: 0 added, 0 updated, 7 already present"
check "seven rows" test "$(sql 'SELECT count(*) FROM feedback')" = 7
check "the rows as read" test "$(sql "SELECT group_concat(feedback_key || '/' || source || '/' || record_id || '/' || coalesce(trace_id, '-') || '/' || name || '/' || coalesce(value, '-') || '/' || coalesce(label, '-'), ' ') FROM (SELECT * FROM feedback WHERE feedback_key NOT LIKE 'sha256:%' ORDER BY feedback_key)")" = "langfuse:lf-1/langfuse/r1/r1/helpful/1.0/- langfuse:lf-2/langfuse/5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174/-/accuracy/0.5/- langfuse:lf-3/langfuse/5b8efff798038103d269b633813fc60c/5b8efff798038103d269b633813fc60c/tone/-/friendly langsmith:ls-1/langsmith/r2/-/correctness/0.0/- llmops:u-2/llmops/r2/-//0.25/-"
check "a feedback without an id is keyed by its bytes" test "$(sql "SELECT feedback_key FROM feedback WHERE record_id = 'r1' AND source = 'llmops'")" = "sha256:$(head -1 fb.jsonl | head -c -1 | sha256sum | cut -c1-64)"
check "its own time kept" test "$(sql "SELECT at FROM feedback WHERE record_id = 'r1' AND source = 'llmops'")" = "2026-12-01T11:00:00.000Z"

run llmops stats --feedback
check "no production records yet: a total of 0" python3 -c '
import re,sys; assert re.search(r"total +0 +0 +- +0 ", sys.argv[1]), sys.argv[1]' "$out"
check "and that all of it waits for its records" has "$out" "7 of 7 feedback are about no production record in the ledger"

llmops ingest recs.jsonl spans.json >/dev/null 2>&1
# by hand, v1.0.0: r1 {1 (thumbs), 1 (lf-1)}, r2 {0.25, 0 (ls-1)}: 4 records, 2 rated, 4
# feedback, mean 2.25/4 = 0.5625, sd sqrt(((.4375^2)*2 + .3125^2 + .5625^2)/3), up 2 down 1;
# v1.1.0 gpt-4o: the span eee (lf-2 0.5, lf-3 a label) and the span aaa (lf-3): 2 records,
# 2 rated, 3 feedback, 1 scored, mean 0.5; v1.1.0 gpt-4o-mini: r5, unrated
run llmops stats --feedback --format json
expect_rc 0 "stats --feedback"
printf '%s\n' "$out" >fbstats.json
check "it validates against stats-feedback.schema.json" python3 "$VALIDATE" stats-feedback.schema.json fbstats.json
check "the figures by hand" python3 -c '
import json,sys,math; d=json.loads(sys.argv[1]); g={(x["version"],x["model"]): x for x in d["groups"]}
a=g[("v1.0.0","gpt-4o-mini")]
assert (a["records"],a["rated"],a["feedback"],a["scored"],a["up"],a["down"])==(4,2,4,4,2,1), a
assert a["rate"]==0.5 and abs(a["mean"]-0.5625)<1e-12, a
sd=math.sqrt((2*0.4375**2+0.3125**2+0.5625**2)/3); assert abs(a["sd"]-sd)<1e-12, (a["sd"], sd)
b=g[("v1.1.0","gpt-4o")]
assert (b["records"],b["rated"],b["feedback"],b["scored"],b["mean"],b["sd"])==(2,2,3,1,0.5,None), b
c=g[("v1.1.0","gpt-4o-mini")]
assert (c["records"],c["rated"],c["feedback"],c["rate"],c["mean"])==(1,0,0,0,None), c
t=d["total"]; assert (t["records"],t["rated"],t["feedback"],t["scored"])==(7,4,7,5), t
assert abs(t["mean"]-(2.25+0.5)/5)<1e-12 and d["feedback"]==7 and d["unmatched"]==1, d' "$out"
run llmops stats --feedback
check "a row per version and model" python3 -c '
import re,sys; assert re.search(r"summarize@v1\.0\.0 +gpt-4o-mini +4 +2 +50\.0% +4 +0\.562 ± 0\.515 +2 / 1", sys.argv[1]), sys.argv[1]' "$out"
check "the one about no record" has "$out" "1 of 7 feedback is about no production record in the ledger"
run llmops stats --feedback --feedback-name correctness --format json
check "--feedback-name counts one kind" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); t=d["total"]
assert d["name"]=="correctness" and (t["rated"],t["feedback"],t["mean"],t["down"])==(1,1,0,1) and d["feedback"]==1, d' "$out"
run llmops stats --feedback --since 2026-12-02 --format json
check "--since: the records answered since (r3, r4, r5, the two spans)" python3 -c '
import json,sys; t=json.loads(sys.argv[1])["total"]; assert (t["records"],t["rated"],t["feedback"])==(5,2,3), t' "$out"

# the same feedback edited and exported again: the later wins; without an id it is another
sed -e 's/"id": "u-2", "record_id": "r2", "score": 0.25/"id": "u-2", "record_id": "r2", "score": 0.75/' fb.jsonl >fb2.jsonl
run llmops ingest fb2.jsonl
check "one updated, six unchanged" has "$out" "feedback: 0 added, 1 updated, 6 already present"
check "the new value kept" test "$(sql "SELECT value FROM feedback WHERE feedback_key = 'llmops:u-2'")" = 0.75

# a Langfuse list page, and --from feedback refusing what is no feedback
printf '{"data": [{"id": "lf-10", "traceId": "r4", "name": "user", "value": 0, "timestamp": "2026-12-04T00:00:00Z"}, {"id": "lf-11", "traceId": "r3", "name": "user", "value": 1}], "meta": {"page": 1, "limit": 50, "totalItems": 2, "totalPages": 1}}\n' >page.json
run llmops ingest --format json page.json
check "each score of the page" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["feedback"]==2 and s["malformed"]==0, s' "$out"
run llmops ingest --from feedback recs.jsonl
check "--from feedback: a request is no feedback" has "$err" "recs.jsonl:1: skipped: not a feedback record"
check "nothing stored from it" has "$out" "read 5 records: 0 added, 0 already present, 5 malformed"

# merge: a teammate's ledger brings its feedback once
llmops --ledger mine.db ingest recs.jsonl >/dev/null 2>&1
run llmops --ledger mine.db ledger merge .llmops/ledger.db --format json
check "merge copies the feedback" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["feedback_added"]==9, s' "$out"
run llmops --ledger mine.db ledger merge .llmops/ledger.db --format json
check "and once only" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["feedback_added"]==0, s' "$out"
run llmops ledger info --format json
check "ledger info counts the feedback table" python3 -c '
import json,sys; t=json.loads(sys.argv[1])["rows"]; assert t["feedback"]==9, t' "$out"

# bad invocations
run llmops stats --feedback-name x
expect_rc 2 "--feedback-name without --feedback"
run llmops stats --feedback --canary summarize
expect_rc 2 "--feedback and --canary are two views"
run llmops stats --feedback --by model
expect_rc 2 "--feedback with --by"
check "says which" has "$err" "--feedback is a view of its own: --by is the table's"
run llmops stats --feedback --budget 5
expect_rc 2 "--feedback with --budget"

# the canary decides on feedback: healthy traffic, but users like it less (Welch by hand)
cat >gen.py <<'EOF2'
import json, sys
out, kind = sys.argv[1], sys.argv[2]
with open(out, "w") as f, open(out + ".fb", "w") as g:
    for side, n, ups in (("v1.0.0", 200, 180), ("v1.1.0", 50, 30 if kind == "worse" else 45)):
        for i in range(n):
            rid = "%s-%s-%d" % (out, side, i)
            f.write(json.dumps({"id": rid, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d" % i}]},
                                "response": {"choices": [{"message": {"content": "a"}}]}, "latency_ms": 400 + i % 7,
                                "cost_usd": 0.01, "timestamp": "2026-11-21T12:00:00Z",
                                "metadata": {"llmops.prompt": "summarize", "llmops.version": side}}) + "\n")
            g.write(json.dumps({"record_id": rid, "thumbs": "up" if i < ups else "down"}) + "\n")
EOF2
python3 gen.py worse.jsonl worse
llmops --ledger worse.db ingest worse.jsonl worse.jsonl.fb >/dev/null 2>&1
run llmops --ledger worse.db stats --canary summarize --fail-on-regression --format json
expect_rc 1 "users' feedback alone fails the canary"
check "feedback_score worse, p by hand (Welch)" python3 -c '
import json,sys,math; c=json.loads(sys.argv[1])["canary"]; t={x["metric"]: x for x in c["tests"]}
f=t["feedback_score"]; assert f["tested"] and f["worse"] and c["verdict"]=="regression", f
assert not t["latency_ms"]["worse"] and not t["error_rate"]["worse"] and not t["cost_usd"]["worse"], t
assert (f["stable"], f["canary"])==(0.9, 0.6) and c["canary"]["feedback"]==50, (f, c["canary"])
def var(k, n, m): return (k*(1-m)**2 + (n-k)*m**2)/(n-1)
va, vb = var(180, 200, 0.9)/200, var(30, 50, 0.6)/50
t_=(0.9-0.6)/math.sqrt(va+vb); df=(va+vb)**2/(va**2/199+vb**2/49)
# the two-sided p of Student t with df degrees of freedom, by numeric integration
import functools
def pdf(x): return math.exp(math.lgamma((df+1)/2)-math.lgamma(df/2))/math.sqrt(df*math.pi)*(1+x*x/df)**(-(df+1)/2)
N=200000; h=(t_+60)/N; s=sum(pdf(-60+(k+0.5)*h) for k in range(N))*h
p=2*(1-s); assert abs(f["p"]-p) < 1e-6, (f["p"], p)' "$out"
run llmops --ledger worse.db stats --canary summarize
check "the text names the test" has "$out" "feedback_score"
check "and the verdict" has "$out" "verdict: regression (feedback_score p ="
python3 gen.py same.jsonl same
llmops --ledger same.db ingest same.jsonl same.jsonl.fb >/dev/null 2>&1
run llmops --ledger same.db stats --canary summarize --fail-on-regression
expect_rc 0 "as well liked: no regression"
check "verdict" has "$out" "verdict: no regression"

done_testing
