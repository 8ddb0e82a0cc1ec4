#!/usr/bin/env bash
# llmops eval: replay, live providers against the test server and its fault
# modes, the cache, the ledger, resume, variants, reports, gates, bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm scaffold
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1 && git add prompts.lock && git commit -qm pin

# ------------------------------------------------------------ replay offline
run llmops eval --dataset evals/summarize.json
expect_rc 0 "the bundled example scores its recorded outputs"
check "summary names the metric" has "$out" "rouge_l"
check "two results in the ledger" test "$(sql 'select count(*) from results')" = 2
check "the run passed" test "$(sql 'select status from runs')" = passed
check "dataset registered once" test "$(sql 'select count(*) from datasets')" = 1
run llmops eval --dataset evals/summarize.json --format json
check "json summary" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["passed"]==2 and d["variants"][0]["pass_rate"]==1' "$out"
check "same dataset, same row" test "$(sql 'select count(*) from datasets')" = 1

# --------------------------------------------------------------- live server
start_server --latency-ms 5
python3 - <<'EOF'
import json
json.dump([{"id": "c%02d" % i, "input": "REPLY: the answer is %d" % i,
            "expected": "the answer is %d" % i} for i in range(30)], open("echo.json", "w"))
EOF
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE"
expect_rc 0 "30 cases against the server"
check "30 requests" test "$(server_stat api_requests)" = 30
check "latency reported" has "$out" "latency p50"
check "cost priced" has "$out" "cost \$0.000"
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE"
expect_rc 0 "the rerun"
check "the cache answered: no new requests" test "$(server_stat api_requests)" = 30
check "cache hits shown" has "$out" "cache hits 30"
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" --no-cache
check "--no-cache sends again" test "$(server_stat api_requests)" = 60
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" --offline
expect_rc 0 "--offline from the cache"
run llmops eval --dataset echo.json --provider openai:gpt-4o --base-url "$BASE" --offline
expect_rc 3 "--offline with nothing cached"
check "says why" has "$out" "offline"
check "nothing sent offline" test "$(server_stat api_requests)" = 60

# anthropic, streamed, through the Messages API
run llmops eval --dataset echo.json --provider anthropic:claude-3-5-haiku-latest \
	--base-url "http://127.0.0.1:$PORT" --stream -o stream.json
expect_rc 0 "anthropic streamed"
check "time to first token recorded" python3 -c 'import json; r=json.load(open("stream.json"))["results"]; assert all(x["ttft_ms"] is not None and x["ttft_ms"] > 0 for x in r)'

# ------------------------------------------------------------- fault modes
stop_servers
start_server --fail-rate 0.2 --drop-rate 0.1 --truncate-rate 0.1 --malformed-rate 0.1 \
	--rate-limit-rate 0.1 --retry-after 0
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--no-cache --retries 8 -o faults.json
expect_rc 0 "every case scored through 500s, drops, truncations, bad JSON and 429s"
run_id=$(python3 -c 'import json; print(json.load(open("faults.json"))["run"])')
check "one result per case, no duplicates" \
	test "$(sql "select count(*), count(distinct case_id) from results where run_id='$run_id'")" = "30|30"
check "retries were needed" test "$(sql "select sum(attempts) > 30 from results where run_id='$run_id'")" = 1
check "requests = attempts" test "$(server_stat api_requests)" = \
	"$(sql "select sum(attempts) from results where run_id='$run_id'")"

stop_servers
start_server --rate-limit-rate 1 --retry-after 0.05
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" --retries 2 \
	--limit 5 -o limited.json
expect_rc 3 "429 forever: nothing could be scored"
run_id=$(python3 -c 'import json; print(json.load(open("limited.json"))["run"])')
check "each case recorded as an error" \
	test "$(sql "select count(*) from results where run_id='$run_id' and passed is null and error like '%429%after 3 attempts%'")" = 5
check "run marked error" test "$(sql "select status from runs where id='$run_id'")" = error
check "3 attempts each" test "$(server_stat api_requests)" = 15

stop_servers
start_server --require-key sk-test-right-key-0123456789
export OPENAI_API_KEY=sk-test-wrong-key-0123456789
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" --limit 3 \
	-o auth.json
expect_rc 3 "401 is final"
check "the error says 401" has "$out" "HTTP 401"
check "401 is not retried" test "$(server_stat api_requests)" = 3
check "the key is not in stdout or stderr" bash -c '! grep -q "wrong-key" <<<"$1$2"' _ "$out" "$err"
check "the key is not in the report" bash -c '! grep -q "wrong-key" auth.json'
check "the key is not in the ledger" bash -c '! grep -aq "wrong-key" .llmops/ledger.db*'
export OPENAI_API_KEY=sk-test-right-key-0123456789
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url "$BASE" --limit 3 --no-cache
expect_rc 0 "the right key is sent"
check "the right key is not in the ledger either" bash -c '! grep -aq "right-key" .llmops/ledger.db*'
unset OPENAI_API_KEY

stop_servers
start_server
run llmops eval --dataset echo.json --provider openai:no-such-model --base-url "$BASE" --limit 2
expect_rc 3 "unknown model"
check "404 explained" has "$out" "unknown model or wrong base URL"

run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url http://127.0.0.1:1/v1 \
	--limit 4 --retries 1
expect_rc 3 "connection refused"
check "names the endpoint" has "$out" "127.0.0.1:1"

run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --limit 1
expect_rc 2 "no key for the hosted API"
check "says which variable" has "$err" "OPENAI_API_KEY"
check "mentions replay" has "$err" "--provider replay"

# fallback: the primary is down, a named provider answers
cat >llmops.json <<EOF
{"providers": {"local": {"type": "openai", "model": "gpt-4o-mini", "base_url": "$BASE"}},
 "eval": {"metric": "rouge_l"}}
EOF
before=$(server_stat api_requests)
run llmops eval --dataset echo.json --provider openai:gpt-4o-mini --base-url http://127.0.0.1:1/v1 \
	--fallback local --retries 0 --limit 6
expect_rc 0 "the fallback answers once the primary gives up"
check "the fallback was asked" test "$(server_stat api_requests)" = $((before + 6))

# variants: two providers make a matrix
run llmops eval --dataset echo.json --provider local --provider openai:gpt-4o --base-url "$BASE" \
	--limit 5 --format json --no-cache
expect_rc 0 "a 2-variant matrix"
check "two variants side by side" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["variants"])==2 and d["total"]==10 and len(d["results"])==10' "$out"

run llmops eval --dataset echo.json --provider local --provider openai:gpt-4o --base-url "$BASE" --limit 2
# the columns name what differs, whole (the old table cut every label at 22 characters)
check "a comparison table" has "$out" "              | local        | openai:gpt-4o"
check "what the variants share, once" has "$out" "each variant: (input) x *"
check "aligned cells" has "$out" "  latency p50 | -            | "

# the embedding metric, from the server's /embeddings
run llmops eval --dataset echo.json --provider local --metric embedding \
	--embedding-provider openai:text-embedding-3-small --base-url "$BASE" --limit 4 --format json
expect_rc 0 "embedding metric"
check "embedding scores near 1 for equal texts" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert all(abs(r["scores"]["embedding"]-1) < 1e-3 for r in d["results"])' "$out"

# --rpm spaces requests: 5 at 600 a minute need at least 4 x 100 ms
start=$(date +%s%N)
run llmops eval --dataset echo.json --provider local --rpm 600 --no-cache --limit 5
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 0 "--rpm"
check "--rpm 600 spaced 5 requests over >= 400 ms (took $took ms)" test "$took" -ge 400

# exec: the prompt on stdin, the output on stdout, no shell
run llmops eval --dataset echo.json --provider 'exec:sed -e "s/^REPLY: //"' --limit 3
expect_rc 0 "exec provider"
run llmops eval --dataset echo.json --provider 'exec:sleep 5' --timeout 0.3 --limit 1 --no-cache
expect_rc 3 "exec timeout"
check "timed out" has "$out" "timed out"
run llmops eval --dataset echo.json --provider 'exec:/nonexistent/tool' --limit 1 --no-cache
expect_rc 3 "exec of a missing command"
check "cannot run" has "$out" "cannot run"

# --------------------------------------------------------- reports and gates
cat >mixed.jsonl <<'EOF'
{"id": "good", "input": "REPLY: alpha beta gamma", "expected": "alpha beta gamma"}
{"id": "bad", "input": "REPLY: something else entirely", "expected": "alpha beta gamma"}
{"id": "json", "input": "REPLY: {\"name\": \"x\", \"age\": 3}", "assert": [{"type": "json_schema", "value": {"type": "object", "required": ["name", "age"], "properties": {"age": {"type": "integer", "maximum": 2}}}}]}
{"id": "re", "input": "REPLY: Order #123 shipped", "assert": [{"type": "regex", "value": "#\\d+"}, {"type": "not_contains", "value": "cancel", "ignore_case": true}]}
EOF
run llmops eval --dataset mixed.jsonl --provider local --review-below 0.5 -o out.xml
expect_rc 1 "failing cases fail the gate"
check "shows expected and output side by side" has "$out" "expected"
check "schema failure explained" has "$out" "/age: 3 is above the maximum 2"
check "JUnit XML parses" python3 -c 'import xml.etree.ElementTree as E; r=E.parse("out.xml").getroot(); s=r.find("testsuite"); assert s.get("tests")=="4" and s.get("failures")=="2", s.attrib'
check "review queue filled" test "$(sql 'select count(*) from reviews')" = 1
run llmops eval --dataset mixed.jsonl --provider local --min-pass-rate 0.5 -o out.csv
expect_rc 0 "--min-pass-rate 0.5 lets 2 of 4 through"
check "CSV has a header and 4 rows" python3 -c 'import csv; r=list(csv.DictReader(open("out.csv"))); assert len(r)==4 and r[0]["case"]=="good"'
run llmops eval --dataset mixed.jsonl --provider local --min-pass-rate 0.5 --max-cost 0.0000000001 --no-cache -o out.md
expect_rc 1 "--max-cost"
check "markdown table" grep -q '| variant | passed' out.md
run llmops eval --dataset mixed.jsonl --provider local --min-pass-rate 0 -o out.jsonl
check "JSONL: one line per case" test "$(wc -l <out.jsonl)" = 4

# ------------------------------------------------------------- bad input
before=$(server_stat api_requests)
mkdir -p prompts/greet
printf 'Hello {{name}}, about {{topic}}\n' >prompts/greet/v1.0.0.txt
printf '[{"id": "a", "name": "Ann", "topic": "x", "expected": "hi"}, {"id": "b", "name": "Bo", "expected": "hi"}]\n' >vars.json
run llmops eval --dataset vars.json --prompt greet@v1.0.0 --provider local
expect_rc 2 "a case without its variables"
check "names the case and variable" has "$err" "case 'b' lacks 'topic'"
check "nothing was sent" test "$(server_stat api_requests)" = "$before"
run llmops eval --dataset echo.json --provider local --metric rogue
expect_rc 2 "unknown metric"
check "lists metrics" has "$err" "rouge_l"
printf '[{"expected": "x", "assert": [{"type": "contain", "value": "x"}]}]\n' >bad.json
run llmops eval --dataset bad.json --provider local
expect_rc 2 "unknown assertion"
check "suggests contains" has "$err" "did you mean 'contains'"
printf '[{"expected": "x", "assert": [{"type": "regex", "value": "(unclosed"}]}]\n' >bad.json
run llmops eval --dataset bad.json --provider local
expect_rc 2 "invalid regex"
check "regex error says where (line and column of the assert list)" has "$err" "bad.json:1:20: case 'case-1': assert[0] (regex)"
printf '[{"expected": "x", "assert": [{"type": "json_schema", "value": {"type": "strnig"}}]}]\n' >bad.json
run llmops eval --dataset bad.json --provider local
expect_rc 2 "invalid schema"
check "schema error" has "$err" "unknown type"
printf '[{"expected": "x", "input": "y",}]\n' >bad.json
run llmops eval --dataset bad.json --provider local
expect_rc 2 "malformed JSON"
check "JSON error has line and column" has "$err" "bad.json:1:"
printf '{"expected": "x", "input": "y"}\n{"expected": \n' >bad.jsonl
run llmops eval --dataset bad.jsonl --provider local
expect_rc 2 "malformed JSONL"
check "JSONL error names line 2" has "$err" "bad.jsonl:2:"
printf 'input,expected\n"unclosed,x\n' >bad.csv
run llmops eval --dataset bad.csv --provider local
expect_rc 2 "malformed CSV"
check "CSV error has a position" has "$err" "bad.csv:2:"
printf '[{"id": "a", "expected": "x"},\n {"id": "b", "expected": "x"},\n {"id": "a", "expected": "y"}]\n' >dup.json
run llmops eval --dataset dup.json --provider local
expect_rc 2 "duplicate case ids"
check "names both lines" has "$err" "dup.json:3:1: duplicate case id 'a' (first at line 1)"
run llmops eval --dataset missing.json
expect_rc 2 "missing dataset"
run llmops eval --dataset echo.json --provider nosuch
expect_rc 2 "unknown provider"
check "names what exists" has "$err" "local"
run llmops eval --dataset echo.json --provider local -o out.txt
expect_rc 2 "unknown report extension"

# ---------------------------------------------------- interrupt and resume
stop_servers
start_server --latency-ms 150
python3 - <<'EOF'
import json
json.dump([{"id": "r%02d" % i, "input": "REPLY: item %d" % i, "expected": "item %d" % i}
           for i in range(40)], open("slow.json", "w"))
EOF
cat >llmops.json <<EOF
{"providers": {"local": {"type": "openai", "model": "gpt-4o-mini", "base_url": "$BASE"}}}
EOF
runs0=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset slow.json --provider local --concurrency 2 >int.out 2>int.err &
pid=$!
wait_results "$runs0" 2
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "Ctrl-C stops the run"
run_id=$(sql "select id from runs order by id desc limit 1")
check "marked interrupted" test "$(sql "select status from runs where id='$run_id'")" = interrupted
done1=$(sql "select count(*) from results where run_id='$run_id'")
check "some results were kept" test "$done1" -gt 0 -a "$done1" -lt 40
check "says how to resume" grep -q "resume $run_id" int.err
sent1=$(server_stat api_requests)
run llmops eval --resume "$run_id"
expect_rc 0 "the resumed run completes"
check "40 results, each once" \
	test "$(sql "select count(*), count(distinct case_id) from results where run_id='$run_id'")" = "40|40"
sent2=$(server_stat api_requests)
check "finished cases were not asked again" test $((sent2 - sent1)) -eq $((40 - done1))
check "resumed run passed" test "$(sql "select status from runs where id='$run_id'")" = passed
run llmops eval --resume "$run_id"
expect_rc 2 "a finished run cannot be resumed"

# a hard kill: the run stays 'running' and can be resumed too
runs0=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset slow.json --provider local --concurrency 2 --no-cache >/dev/null 2>&1 &
pid=$!
wait_results "$runs0" 2
kill -KILL "$pid"
wait "$pid" 2>/dev/null
run_id=$(sql "select id from runs order by id desc limit 1")
done1=$(sql "select count(*) from results where run_id='$run_id'")
check "results written as they completed" test "$done1" -gt 0
run llmops eval --resume "$run_id"
expect_rc 0 "resume after a kill"
check "complete without duplicates" \
	test "$(sql "select count(*), count(distinct case_id) from results where run_id='$run_id'")" = "40|40"

# a run that ended in error part way (a full disk, a ledger that failed) is resumed too
# (issue 30, finding 10): stood in for by an error run whose last results are gone
python3 -c 'import sqlite3,sys; d=sqlite3.connect(".llmops/ledger.db"); d.execute("update runs set status=\"error\" where id=?", (sys.argv[1],)); d.execute("delete from results where run_id=? and case_id >= \"r30\"", (sys.argv[1],)); d.commit()' "$run_id"
sent1=$(server_stat api_requests)
run llmops eval --resume "$run_id"
expect_rc 0 "resume an error run"
check "the missing results added, each once" \
	test "$(sql "select count(*), count(distinct case_id) from results where run_id='$run_id'")" = "40|40"
check "only they were sent" test $(($(server_stat api_requests) - sent1)) -eq 10

run llmops eval --help
expect_rc 0 "--help"
check "usage" has "$out" "llmops eval --dataset FILE"

done_testing
