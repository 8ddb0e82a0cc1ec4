#!/usr/bin/env bash
# eval --production (issue 21): a reproducible sample of ingested production records scored
# with the same assertions and metrics as CI, recorded as an evaluation of the prompt
# version; the canary verdict then compares online pass rates too.
. "$(dirname "$0")/lib.sh"

make_canary_repo proj 25
cd proj || exit 1

# stable: 300 answers that all start "Summary:"; canary: 100, of which 40 do not
python3 - <<'EOF2'
import json
with open("prod.jsonl", "w") as f:
    for side, n in (("v1.0.0", 300), ("v1.1.0", 100)):
        for i in range(n):
            good = side == "v1.0.0" or i % 5 >= 2
            r = {"id": "%s-%03d" % (side, i),
                 "request": {"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "Be brief."},
                                                                   {"role": "user", "content": "text %d" % i}]},
                 "response": {"choices": [{"message": {"content": ("Summary: item %d." if good else "I cannot help with %d.") % i}}],
                              "usage": {"prompt_tokens": 12, "completion_tokens": 4}},
                 "latency_ms": 300, "timestamp": "2026-11-2%dT09:00:00Z" % (1 + i % 3),
                 "metadata": {"llmops.prompt": "summarize", "llmops.version": side}}
            f.write(json.dumps(r) + "\n")
    # another prompt whose records carry a reference answer
    for i in range(4):
        r = {"id": "ref-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "2+%d?" % i}]},
             "response": {"choices": [{"message": {"content": "The answer is %d" % (2 + i)}}]},
             "reference": "The answer is %d" % (2 + i if i < 3 else 99),
             "metadata": {"llmops.prompt": "math", "llmops.version": "v1"}}
        f.write(json.dumps(r) + "\n")
EOF2
printf '[{"type": "contains", "value": "Summary:"}]\n' >asserts.json
llmops ingest prod.jsonl >/dev/null 2>&1

run llmops eval --production --prompt summarize@v1.0.0 --sample 50 --assert asserts.json
expect_rc 0 "the stable version's sample passes"
check "it says what it sampled" has "$err" "eval --production: 50 of 300 answered records of summarize@v1.0.0 (seed 0) in"
check "recorded as the prompt version's evaluation" has "$out" "summarize@v1.0.0 (production) x replay"
check "50 of 50" has "$out" "passed  50/50"
first=$(ls .llmops/production/)
run llmops eval --production --prompt summarize@v1.1.0 --sample 50 --assert asserts.json
expect_rc 1 "the canary's sample fails the gate"
run llmops runs --format json
check "both runs name their version" python3 -c '
import json,sys; r=[x for x in json.loads(sys.argv[1]) if x["kind"]=="eval"]
v=sorted((x["prompt"], x["prompt_version"], x["cases"]) for x in r)
assert v==[("summarize","v1.0.0",50),("summarize","v1.1.0",50)], v' "$out"

# the sample is the documented function: the 50 smallest FNV-1a of "SEED:id:RECORD_ID"
python3 - >expected_ids <<'EOF2'
def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h
ids = ["v1.1.0-%03d" % i for i in range(100)]
print(" ".join(sorted(ids, key=lambda k: (fnv("0:id:" + k), k))[:50]))
EOF2
canary_file=$(ls .llmops/production/ | grep v1.1.0)
check "the sample is reproducible by hand" test "$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1])))' ".llmops/production/$canary_file")" = "$(cat expected_ids)"
run llmops eval --production --prompt summarize@v1.0.0 --sample 50 --assert asserts.json
check "the same seed samples the same records" test "$(ls .llmops/production/ | grep -c v1.0.0)" = 1
run llmops eval --production --prompt summarize@v1.0.0 --sample 50 --seed 7 --assert asserts.json
check "another seed another sample" test "$(ls .llmops/production/ | grep -c v1.0.0)" = 2
run llmops eval --production --prompt summarize@v1.0.0 --sample 50 --since 2026-11-23 --assert asserts.json
check "--since narrows the population" has "$err" "50 of 100 answered records of summarize@v1.0.0 since 2026-11-23T00:00:00.000Z"

# the canary verdict now has online pass rates: about 60% against 100%
run llmops stats --canary summarize --format json
check "pass rate compared" python3 -c '
import json,sys; c=json.loads(sys.argv[1])["canary"]; t={x["metric"]: x for x in c["tests"]}
assert t["pass_rate"]["tested"] and t["pass_rate"]["worse"] and c["verdict"]=="regression", c
# each record counts once however many samples scored it
assert 50 < c["stable"]["scored"] < 150 and c["stable"]["pass_rate"]==1 and c["canary"]["scored"]==50, c' "$out"

# records with a reference are scored by similarity against it, without assertions
run llmops eval --production --prompt math --threshold 0.9
expect_rc 1 "the reference that differs fails"
check "3 of 4 match their reference" has "$out" "passed  3/4"

# bad input
run llmops eval --production --prompt summarize@v1.0.0 --sample 10
expect_rc 2 "nothing to score by"
check "says what to give" has "$err" "give --assert FILE (assertions for every record) or --metric judge:RUBRIC"
run llmops eval --production --prompt nosuch --assert asserts.json
expect_rc 2 "a prompt without production records"
check "says so" has "$err" "no answered production records of nosuch in the ledger; 'llmops ingest' adds them"
# names are checked where they enter (issue 30, finding 4): never a path out of .llmops/production/
mkdir -p deep/a/b/c
run env -C deep/a/b/c "$LLMOPS" eval --production --prompt '../../../PWN3@v1.0.0' --assert ../../../../asserts.json
expect_rc 2 "a prompt name that is a path"
check "says what a name is" has "$err" "eval --production: --prompt"
check "nothing written outside" test -z "$(find . -name 'PWN3*')"
run llmops eval --production --prompt 'summarize@../x' --assert asserts.json
expect_rc 2 "a version that is a path"
printf '%s\n' '{"id": "bad-1", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}, "response": {"choices": [{"message": {"content": "Summary: x"}}]}, "metadata": {"llmops.prompt": "../../../PWN4", "llmops.version": "v1.0.0"}}' \
	'{"id": "bad-2", "request": {"model": "gpt\u001b]0;x", "messages": [{"role": "user", "content": "x"}]}, "response": {"choices": [{"message": {"content": "Summary: x"}}]}, "metadata": {"llmops.prompt": "summarize", "llmops.version": "v1.0.0"}}' >bad.jsonl
run llmops ingest bad.jsonl
check "ingest: a prompt tag that is a path is refused with its line" has "$err" "bad.jsonl:1: skipped: llmops.prompt: '../../../PWN4' is not a prompt name"
check "ingest: a model with an escape sequence refused" has "$err" "bad.jsonl:2: skipped: its model has a control character"
check "neither was kept" test "$(sql "select count(*) from results where case_id like 'bad-%'")" = 0
run llmops eval --production --dataset evals/summarize.json
expect_rc 2 "--production with --dataset"
run llmops eval --production --provider openai:gpt-4o --assert asserts.json
expect_rc 2 "--production with a provider"
run llmops eval --dataset evals/summarize.json --sample 5
expect_rc 2 "--sample without --production"
printf '{"type": "contains"}' >notarray.json
run llmops eval --production --prompt summarize --assert notarray.json
expect_rc 2 "assertions that are not an array"
check "named with its position" has "$err" "notarray.json:1:1: assertions are a JSON array"
done_testing
