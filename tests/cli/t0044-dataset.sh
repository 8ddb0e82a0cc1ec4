#!/usr/bin/env bash
# llmops dataset diff: two versions of a dataset case by case, from the work tree
# and from git objects, in JSON, JSONL and CSV; the counts worked out by hand.
. "$(dirname "$0")/lib.sh"
VALIDATE="${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py"
# line_matches N REGEX: line N of the last output matches REGEX (grep -E)
line_matches() { printf '%s\n' "$out" | sed -n "$1p" | grep -Eq -- "$2"; }

make_repo proj
cd proj || exit 1
mkdir -p evals sub
cat >evals/qa.json <<'JSON'
[
  {"id": "c1", "vars": {"q": "2+2"}, "expected": "4"},
  {"id": "c2", "vars": {"q": "3+3"}, "expected": "6"},
  {"id": "c3", "vars": {"q": "x", "n": 1}, "expected": "y",
   "assert": [{"type": "contains", "value": "y"}]},
  {"id": "c5", "vars": {"q": "z"}, "expected": "w"}
]
JSON
git add -A && git commit -qm one
# c1: expected changed; c2: removed; c3: the same values spelled otherwise (1.0, keys
# reordered); c5: a variable renamed and the metric added; c4: added
cat >evals/qa.json <<'JSON'
[
  {"id": "c1", "vars": {"q": "2+2"}, "expected": "four"},
  {"id": "c3", "expected": "y", "vars": {"n": 1.0, "q": "x"},
   "assert": [{"value": "y", "type": "contains"}]},
  {"id": "c4", "vars": {"q": "5+5"}, "expected": "10"},
  {"id": "c5", "vars": {"question": "z"}, "expected": "w", "metric": "exact"}
]
JSON

run llmops dataset diff HEAD:evals/qa.json evals/qa.json
expect_rc 0 "diff of HEAD and the work tree"
check "the counts" has "$out" "1 removed, 1 added, 2 changed, 1 unchanged"
check "c2 removed, at its line" has "$out" "- c2  (line 3)"
check "c4 added" has "$out" "+ c4  (line 5)"
check "c1: expected changed" has "$out" "~ c1: expected  (line 2 -> 2)"
check "c5: metric added, the variable renamed (both names)" has "$out" "~ c5: metric, vars.question, vars.q"
check "c3 the same: 1 and 1.0, keys in another order" test "$(printf '%s\n' "$out" | grep -cE '^[-+~] c3 ')" = 0
check "each side named: commit and work tree" has "$out" "HEAD:evals/qa.json (4 cases, commit $(git rev-parse --short=12 HEAD)"
check "the work tree side" has "$out" "b: evals/qa.json (4 cases, work tree, sha256 $(sha256sum evals/qa.json | cut -c1-12))"

run llmops dataset diff HEAD:evals/qa.json evals/qa.json --format json
expect_rc 0 "--format json"
printf '%s\n' "$out" >d.json
check "it validates against dataset-diff.schema.json" python3 "$VALIDATE" dataset-diff.schema.json d.json
check "json: the ids and changes in order" test "$(python3 -c 'import json; d = json.load(open("d.json")); print(" ".join(c["change"][0] + c["id"] for c in d["cases"]), d["a"]["commit"] == d["a"]["commit"] and len(d["a"]["commit"]), d["b"]["rev"], d["unchanged"])')" = "rc2 cc1 ac4 cc5 40 None 1"
check "json: the sha256 of the work tree's file" test "$(python3 -c 'import json; print(json.load(open("d.json"))["b"]["sha256"])')" = "$(sha256sum evals/qa.json | cut -d" " -f1)"
rm -f d.json

run llmops dataset diff HEAD:evals/qa.json evals/qa.json --exit-code
expect_rc 1 "--exit-code when they differ"
run llmops dataset diff HEAD:evals/qa.json HEAD:evals/qa.json --exit-code
expect_rc 0 "--exit-code when they are the same"
check "nothing listed" has "$out" "0 removed, 0 added, 0 changed, 4 unchanged"

# paths relative to the current directory, in both forms
cd sub || exit 1
run llmops dataset diff HEAD:../evals/qa.json ../evals/qa.json
expect_rc 0 "paths from a subdirectory"
check "the same counts" has "$out" "1 removed, 1 added, 2 changed, 1 unchanged"
cd .. || exit 1

# the same cases as JSONL and CSV: the JSONL is the same, the CSV's values are strings
python3 - <<'PY'
import csv, json
cases = json.load(open("evals/qa.json"))
with open("evals/qa.jsonl", "w") as f:
    for c in cases:
        f.write(json.dumps(c) + "\n")
with open("evals/qa.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "q", "expected"])
    w.writerow(["c1", "2+2", "four"])
    w.writerow(["c4", "5+5", "10"])
PY
run llmops dataset diff evals/qa.json evals/qa.jsonl --exit-code
expect_rc 0 "JSON and JSONL of the same cases"
check "all unchanged" has "$out" "0 removed, 0 added, 0 changed, 4 unchanged"
run llmops dataset diff evals/qa.csv evals/qa.jsonl
expect_rc 0 "CSV against JSONL"
check "the CSV lacks c3 and c5; c1 and c4 the same" has "$out" "0 removed, 2 added, 0 changed, 2 unchanged"

# bad input: each names what is wrong, exit 2
run llmops dataset diff HEAD~9:evals/qa.json evals/qa.json
expect_rc 2 "an unknown revision"
check "names the argument and the revision" has "$err" "HEAD~9:evals/qa.json: unknown revision 'HEAD~9'"
run llmops dataset diff HEAD:evals/none.json evals/qa.json
expect_rc 2 "a file not at the revision"
check "says where it was looked for" has "$err" "'evals/none.json' does not exist at HEAD"
run llmops dataset diff evals/none.json evals/qa.json
expect_rc 2 "a file not in the work tree"
check "names it" has "$err" "no dataset 'evals/none.json' in the work tree"
printf '[{"id": "a", "expected": "x"},\n {"id": "b" "expected": "y"}]\n' >evals/bad.json
run llmops dataset diff evals/bad.json evals/qa.json
expect_rc 2 "a dataset that does not parse"
check "file, line and column" has "$err" "evals/bad.json:2:"
run llmops dataset diff evals/qa.json
expect_rc 2 "one argument"
run llmops dataset dif a b
expect_rc 2 "a mistyped verb"
check "suggests diff" has "$err" "did you mean 'diff'"
# ------------------------------------------------------------------ dataset log
cd .. || exit 1
make_repo logrepo
cd logrepo || exit 1
mkdir evals
printf '[{"id": "a", "expected": "x", "output": "x"}]\n' >evals/qa.json
git add evals && git commit -qm "first version"
run llmops eval --dataset evals/qa.json
expect_rc 0 "a run of the first version (recorded outputs)"
first_run=$(llmops runs --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
printf '[{"id": "a", "expected": "x", "output": "x"}, {"id": "b", "expected": "y", "output": "n"}]\n' >evals/qa.json
git add evals && git commit -qm "second: b added"
printf '[{"id": "a", "expected": "x", "output": "x"}, {"id": "b", "expected": "y", "output": "y"}]\n' >evals/qa.json
run llmops eval --dataset evals/qa.json
expect_rc 0 "a run of the uncommitted version"
run llmops dataset log evals/qa.json
expect_rc 0 "dataset log"
check "three versions, two runs" has "$out" "evals/qa.json: 3 versions, 2 runs"
check "the uncommitted version first, with its run" line_matches 2 "uncommitted  sha256 $(sha256sum evals/qa.json | cut -c1-12)  2 cases  1 run, newest .* passed 2/2"
check "the second commit: no runs" line_matches 3 "^$(git rev-parse --short=12 HEAD) .* changed .* 2 cases  no runs  second: b added$"
check "the first commit: its run" line_matches 4 "added .* 1 case  1 run, newest $first_run passed 1/1  first version$"
run llmops dataset log evals/qa.json --format json
expect_rc 0 "dataset log --format json"
printf '%s\n' "$out" >l.json
check "it validates against dataset-log.schema.json" python3 "$VALIDATE" dataset-log.schema.json l.json
check "json: changes, case counts and runs" test "$(python3 -c 'import json; d = json.load(open("l.json")); print([(v["change"], v["cases"], len(v["runs"])) for v in d["versions"]])')" = "[('uncommitted', 2, 1), ('changed', 2, 0), ('added', 1, 1)]"
check "json: the sha256 a run records is the version's" test "$(python3 -c 'import json; d = json.load(open("l.json")); print(d["versions"][2]["sha256"])')" = "$(llmops show "$first_run" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["dataset_sha256"])')"
rm -f l.json
git rm -qf evals/qa.json && git commit -qm "drop it"
run llmops dataset log evals/qa.json
expect_rc 0 "a deleted dataset still has its history"
check "the deletion first" line_matches 2 "deleted .* drop it$"
cd .. && git clone -q --depth 2 "file://$PWD/logrepo" shallow 2>/dev/null
cd shallow || exit 1
run llmops dataset log evals/qa.json
expect_rc 0 "a shallow clone"
check "says where its history stops" has "$out" "the history stops here (a shallow clone)"
run llmops dataset log evals/none.json
expect_rc 2 "a file that never existed"
check "says so" has "$err" "'evals/none.json' is neither in the work tree nor in the history of HEAD"

# ------------------------------------------------------------------ dataset add
cd "$TEST_ROOT" || exit 1
make_repo addrepo
cd addrepo || exit 1
mkdir evals
cat >evals/qa.json <<'JSON'
[
  {"id": "a", "vars": {"q": "one"}, "expected": "x", "output": "x"},
  {"id": "b", "vars": {"q": "two"}, "expected": "y", "output": "n", "metric": "exact"},
  {"id": "c", "vars": {"q": "three"}, "assert": [{"type": "contains", "value": "z"}], "output": "n"}
]
JSON
git add evals && git commit -qm cases
run llmops eval --dataset evals/qa.json --min-pass-rate 0
expect_rc 0 "a run in which b fails"
run1=$(llmops runs --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
# the dataset changes after the run: the case comes from the version the run used (git)
printf '[{"id": "a", "vars": {"q": "one, edited"}, "expected": "x"}]\n' >evals/qa.json
printf '[\n    {"id": "old", "input": "hi", "expected": "hello"}\n]\n' >evals/reg.json
cp evals/reg.json reg.before
run llmops dataset add evals/reg.json --from last:b
expect_rc 0 "add a failed result to a JSON dataset (the last run's)"
check "says what it added and from where" has "$out" "added case 'b' to evals/reg.json:3, from run"
check "from the committed version the run used" has "$out" "(failed, evals/qa.json $(git rev-parse --short=12 HEAD)); expected from the case"
check "the file's own bytes kept, the case after the last, indented as it" test "$(cat evals/reg.json)" = '[
    {"id": "old", "input": "hi", "expected": "hello"},
    {"id": "b", "vars": {"q": "two"}, "expected": "y", "metric": "exact"}
]'
check "the recorded output left out" test "$(grep -c '"output"' evals/reg.json)" = 0
run llmops dataset add evals/reg.json --from "$run1:b"
expect_rc 1 "the same id again: refused"
check "names the case that has it" has "$err" "evals/reg.json:3: the dataset has a case 'b' already"
run llmops dataset add evals/reg.json --from "${run1:0:8}:b" --id b-again
expect_rc 1 "the same content under another id: refused"
check "names the case it repeats" has "$err" "case 'b' is this case already"
run llmops dataset add evals/reg.jsonl --from "$run1:c" --expected 'the "right", answer: three'
expect_rc 0 "--expected, into a new JSONL file"
check "one line, the text escaped" test "$(cat evals/reg.jsonl)" = '{"id": "c", "vars": {"q": "three"}, "assert": [{"type": "contains", "value": "z"}], "expected": "the \"right\", answer: three"}'
printf 'id,q,expected\r\nz,"9, nine",zz\r\n' >evals/reg.csv
run llmops dataset add evals/reg.csv --from "$run1:a" --id a-csv --format json
expect_rc 0 "into CSV, --format json"
check "a row in the header's columns, the file's CRLF kept" test "$(cat evals/reg.csv)" = "$(printf 'id,q,expected\r\nz,"9, nine",zz\r\na-csv,one,x\r')"
printf '%s\n' "$out" >a.json
check "it validates against dataset-add.schema.json" python3 "$VALIDATE" dataset-add.schema.json a.json
rm -f a.json
run llmops dataset add evals/reg.csv --from "$run1:b"
expect_rc 2 "a key the CSV has no column for"
check "names the column" has "$err" "evals/reg.csv: no column 'metric' for the new case"
run llmops dataset diff HEAD:evals/qa.json evals/reg.json
expect_rc 0 "the datasets it wrote parse"
# a reviewer accepted b's output: it is the right answer, and becomes the expected
git show HEAD:evals/qa.json >evals/qa.json
run llmops eval --dataset evals/qa.json --min-pass-rate 0 --review-below 0.5
expect_rc 0 "a run that queues b for review"
run2=$(llmops runs --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
review=$(llmops review list --run "$run2" --format json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["case"] == "b"][0])')
llmops review accept "$review" --note "n is right" >/dev/null
run llmops dataset add evals/reviewed.json --from "$run2:b"
expect_rc 0 "a reviewed result"
check "expected from the review" has "$out" "expected from review $review"
check "the accepted output is the expected" test "$(python3 -c 'import json; print(json.load(open("evals/reviewed.json"))[0]["expected"])')" = n
check "from the work tree's version (its hash matches the run's)" has "$out" "(failed, evals/qa.json work tree)"

# a production record: its request's messages, the reference or --expected
printf '%s\n' '{"id": "rec-1", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "what is 2+2"}]}, "response": {"choices": [{"message": {"content": "5"}}]}}' >prod.jsonl
llmops ingest prod.jsonl >/dev/null 2>&1
run llmops dataset add evals/prod.jsonl --from id:rec-1
expect_rc 2 "a record without a reference needs --expected"
check "says so" has "$err" "record id:rec-1 has no reference answer: give --expected TEXT"
run llmops dataset add evals/prod.jsonl --from id:rec-1 --expected 4
expect_rc 0 "a production record made a case"
check "its request's messages" test "$(cat evals/prod.jsonl)" = '{"id": "prod-rec-1", "messages": [{"role": "user", "content": "what is 2+2"}], "expected": "4"}'
start_server --latency-ms 1
export OPENAI_API_KEY=sk-test-0000000000000000
run llmops eval --dataset evals/prod.jsonl --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0
expect_rc 0 "the case runs without a prompt: its messages are the request"
check "the request sent was the record's" test "$(sql "select input from results order by id desc limit 1")" = '[{"role":"user","content":"what is 2+2"}]'
run llmops dataset add evals/prod.jsonl --from id:nope
expect_rc 2 "an unknown record"
check "names it" has "$err" "no production record 'id:nope'"
run llmops dataset add evals/x.json --from nope
expect_rc 2 "a malformed --from"
check "says the forms" has "$err" "name a result as RUN:CASE"
run llmops dataset add evals/x.json --from "$run1:zz"
expect_rc 2 "a case the run does not have"
check "names run and case" has "$err" "has no case 'zz'"
run llmops dataset add evals/new.csv --from "$run1:b"
expect_rc 2 "a CSV that does not exist"
check "says why" has "$err" "a CSV dataset needs its header"
run llmops dataset add evals/reg.json
expect_rc 2 "without --from"

run llmops dataset diff --help
expect_rc 0 "--help"
check "usage" has "$out" "llmops dataset diff A B"

done_testing
