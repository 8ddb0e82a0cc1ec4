#!/usr/bin/env bash
# llmops eval --repeat N against the test server, whose REPLY-CYCLE answers a
# repeated message in turn (a model that does not always say the same):
# results per repeat in the ledger, the cache per repeat, pass fractions,
# flaky cases, pass@k and pass^k and the interval (checked against the
# formulas computed here independently), show, reports, resume, bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
start_server
# c00..c05 always right, c06 and c07 right twice in three, c08 and c09 never
python3 - <<'EOF'
import json
rows = []
for i in range(10):
    right = "the answer is %d" % i
    cycle = [right] if i < 6 else [right, right, "something else %d" % i] if i < 8 \
        else ["wrong %d" % i, "nope %d" % i, "no %d" % i]
    rows.append({"id": "c%02d" % i, "input": "REPLY-CYCLE: " + " | ".join(cycle), "expected": right})
json.dump(rows, open("flaky.json", "w"), indent=1)
EOF
ev() { llmops eval --dataset flaky.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0.5 "$@"; }

run ev --repeat 3
expect_rc 0 "ten cases, three times each"
check "30 requests" test "$(server_stat api_requests)" = 30
RUN=$(sql "select id from runs order by id desc limit 1")
check "30 results, 10 cases, repeats 0..2" \
	test "$(sql "select count(*), count(distinct case_id), min(repeat_index), max(repeat_index) from results where run_id='$RUN'")" = "30|10|0|2"
check "the run records --repeat" has "$(sql "select params from runs where id='$RUN'")" '"repeat":3'
check "text: results over cases x repeats" has "$out" "22/30 results"
check "text: the case counts" has "$out" "6 always passed, 2 never passed, 2 flaky"
check "text: pass@k" has "$out" "pass@k  k=1 0.733, k=2 0.800, k=3 0.800"
check "text: pass^k" has "$out" "pass^k k=1 0.733, k=2 0.667, k=3 0.600"
check "text: the flaky list" has "$out" "c06: 2/3 passed"
check "text: failing results name their repeat" has "$out" "c08 #1"

run ev --repeat 3 --format json
expect_rc 0 "the same run again, as JSON"
check "each repeat answered from its own cache entry" test "$(server_stat api_requests)" = 30
printf '%s' "$out" >summary.json
check "figures match the formulas" python3 - <<'EOF'
import json, math
d = json.load(open("summary.json"))
assert d["repeat"] == 3 and d["total"] == 30, d
v = d["variants"][0]
r = v["repeats"]
pc = {c["case"]: c for c in r["per_case"]}
assert [c["case"] for c in r["per_case"]] == ["c%02d" % i for i in range(10)]
assert pc["c06"]["passed"] == 2 and pc["c06"]["runs"] == 3 and pc["c06"]["flaky"]
assert abs(pc["c06"]["pass_fraction"] - 2 / 3) < 1e-12
assert pc["c00"]["score"]["sd"] == 0 and pc["c06"]["score"]["max"] == 1
assert r["flaky_cases"] == ["c06", "c07"], r["flaky_cases"]
assert (r["always_passed"], r["never_passed"], r["flaky"]) == (6, 2, 2)
# pass@k = mean over cases of 1 - C(n-c,k)/C(n,k); pass^k = mean of C(c,k)/C(n,k)
counts = [3] * 6 + [2] * 2 + [0] * 2
for k in (1, 2, 3):
    at = sum(1 - math.comb(3 - c, k) / math.comb(3, k) for c in counts) / 10
    hat = sum(math.comb(c, k) / math.comb(3, k) for c in counts) / 10
    got = r["pass_at_k"][k - 1]
    assert got["k"] == k and abs(got["pass_at_k"] - at) < 1e-9 and abs(got["pass_hat_k"] - hat) < 1e-9, (k, got)
# the interval: Wilson at the effective sample size p(1-p)/var, var cluster-robust
N, m = 30, 10
p = sum(counts) / N
var = m / (m - 1) * sum((c - p * 3) ** 2 for c in counts) / N ** 2
n = p * (1 - p) / var
z = 1.959963984540054
centre = (p + z * z / (2 * n)) / (1 + z * z / n)
half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
assert abs(r["effective_n"] - n) < 1e-9 and abs(r["design_effect"] - N / n) < 1e-9
assert abs(v["pass_rate_ci95"][0] - (centre - half)) < 1e-9, (v["pass_rate_ci95"], centre - half)
assert abs(v["pass_rate_ci95"][1] - (centre + half)) < 1e-9
# wider than Wilson over 30 independent results would claim
n = 30
naive = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
assert half > naive
EOF

run ev
expect_rc 0 "without --repeat"
check "repeat 0 is the plain request: served from the cache" test "$(server_stat api_requests)" = 30
run ev --repeat 3 --no-cache --format json
check "--no-cache draws 30 new answers" test "$(server_stat api_requests)" = 60

# ------------------------------------------------------------------ show
run llmops show "$RUN"
expect_rc 0 "show a repeated run"
check "show: repeats block" has "$out" "6 always passed, 2 never passed, 2 flaky"
check "show: the flaky cases" has "$out" "c07: 2/3 passed"
check "show: results carry their repeat" has "$out" "c09 #2"
run llmops show "$RUN" --format json
check "show json: repeats" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); r=d["repeats"][0]; assert r["flaky_cases"]==["c06","c07"] and r["runs_per_case"]==3 and len(d["results"])==30' "$out"

# ---------------------------------------------------------------- reports
run llmops report "$RUN" -o rep.html
expect_rc 0 "report of a repeated run"
check "html: the repeats section" grep -q "<h2>Repeats</h2><p>10 cases &times; 3 repeats: 6 always passed" rep.html
check "html: pass@k table" grep -q "<tr><td>3<td>0.800<td>0.600" rep.html
check "html: rows carry their repeat" grep -q '"c06 #2"' rep.html
run llmops report "$RUN" -o rep.md
check "markdown: repeats and flaky rows" grep -q "| c07 |  | 2/3 |" rep.md
run llmops report "$RUN" -o rep.xml
check "report junit: names unique" python3 -c '
import xml.etree.ElementTree as E; n=[c.get("name") for c in E.parse("rep.xml").iter("testcase")]
assert len(n)==30 and len(set(n))==30, n'


run ev --repeat 3 -o r.csv
check "csv: a repeat column" python3 -c 'import csv; r=list(csv.DictReader(open("r.csv"))); assert sorted({x["repeat"] for x in r})==["0","1","2"] and len(r)==30'
run ev --repeat 3 -o r.xml
check "junit: one testcase per repeat, names unique" python3 -c '
import xml.etree.ElementTree as E; t=E.parse("r.xml"); n=[c.get("name") for c in t.iter("testcase")]
assert len(n)==30 and len(set(n))==30 and "c06 #2" in n, n'
run ev --repeat 3 -o r.md
check "markdown: flaky section" grep -q "Flaky cases (2)" r.md

# --------------------------------------------------------- diff and baseline
run ev --repeat 3 --baseline "$RUN" --fail-on-regression
expect_rc 0 "a rerun against the repeated baseline"
check "paired by case and repeat: no flips" has "$out" "0 newly failing"

# c00 now fails one time in three: by repeat that is one flip among 30 pairs,
# by case it is the one case that no longer passes every repeat
python3 - <<'EOF'
import json
d = json.load(open("flaky.json"))
d[0]["input"] = "REPLY-CYCLE: the answer is 0 | the answer is 0 | not the answer 0"
json.dump(d, open("worse.json", "w"))
EOF
run llmops eval --dataset worse.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 --repeat 3 --baseline "$RUN" --fail-on-regression
expect_rc 1 "a case that passed every repeat no longer does: a regression"
check "named by case" has "$out" "no longer passing every repeat (1)"
check "with its fractions" has "$out" "3/3 -> 2/3 passed"
check "the per-case test" has "$out" "paired t p = 0.3434"
run llmops eval --dataset worse.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--min-pass-rate 0 --repeat 3 --baseline "$RUN" --fail-on-regression --significance 0.05 \
	--format json
expect_rc 0 "not significant over ten cases"
check "baseline json: the case comparison" python3 -c '
import json,sys; b=json.loads(sys.argv[1])["baseline"]; r=b["repeats"]
assert not b["regressed"] and r["cases"]==10 and r["no_longer_always_passing"]==1, r
assert abs(r["pass_fraction_change_mean"] + 1/30) < 1e-12 and abs(r["paired_t_p"] - 0.34344) < 1e-4, r
assert r["lost"][0]["case"]=="c00" and r["lost"][0]["passed_b"]==2' "$out"
run llmops report last --vs "$RUN" -o cmp.html
check "report --vs: the case that no longer passes every repeat" \
	grep -q 'no longer passing every repeat<td class="bad">c00 3/3&rarr;2/3' cmp.html
run llmops report last --vs "$RUN" -o cmp.md
check "report --vs markdown: by case" grep -q "1 no longer passing every repeat" cmp.md
run llmops diff "$RUN" last --format json
check "diff reads repeated runs the same way" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["repeats"]["no_longer_always_passing"]==1' "$out"

# ----------------------------------------------------- errors are not flakes
stop_servers
start_server --fail-first 1
run llmops eval --dataset flaky.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--limit 2 --repeat 2 --retries 0 -j 1 --no-cache --min-pass-rate 0 --format json
check "an error is counted, not called flaky" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["variants"][0]["repeats"]
assert r["flaky"]==0 and r["passed_with_errors"]==1 and r["per_case"][0]["errors"]==1, r' "$out"

# -------------------------------------------------------- interrupt, resume
stop_servers
start_server --latency-ms 150
runs0=$(sql "select count(*) from runs")
"$LLMOPS" eval --dataset flaky.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--repeat 3 --no-cache -j 2 --min-pass-rate 0.5 >int.out 2>int.err &
pid=$!
wait_results "$runs0" 2
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "Ctrl-C stops a repeated run"
RUN=$(sql "select id from runs order by id desc limit 1")
done1=$(sql "select count(*) from results where run_id='$RUN'")
check "some results kept" test "$done1" -gt 0 -a "$done1" -lt 30
sent1=$(server_stat api_requests)
run llmops eval --resume "$RUN"
expect_rc 0 "the resumed run completes"
check "every (case, repeat) once" \
	test "$(sql "select count(*), count(distinct case_id || '#' || repeat_index) from results where run_id='$RUN'")" = "30|30"
check "finished repeats not asked again" test $(($(server_stat api_requests) - sent1)) -eq $((30 - done1))

# -------------------------------------------------------------- bad input
run ev --repeat 0
expect_rc 2 "--repeat 0"
check "says the range" has "$err" "repeat"
run ev --repeat 101
expect_rc 2 "--repeat over 100"
run ev --repeat three
expect_rc 2 "--repeat not a number"
git add -A && git commit -qm scaffold
run llmops eval --dataset evals/summarize.json --prompt summarize@v1.0.0 --repeat 2
expect_rc 0 "recorded outputs, repeated"
check "warns the repeats are the same output" has "$err" "score the same output again"

done_testing
