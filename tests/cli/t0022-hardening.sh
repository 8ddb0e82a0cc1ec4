#!/usr/bin/env bash
# Hardening (issue 18): file descriptors, crashes and quadratic parsers on
# hostile input, symlinks out of the repository, secrets kept out of what
# is stored and printed, the circuit breaker, attempts counted as sent.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm scaffold

cases() { # cases N FILE: N echo cases
	python3 - "$1" "$2" <<'PY'
import json, sys
json.dump([{"id": "c%03d" % i, "input": "REPLY: answer %d" % i, "expected": "answer %d" % i}
           for i in range(int(sys.argv[1]))], open(sys.argv[2], "w"))
PY
}

# ------------------------------------------- 1. the runner never closes fd 0
cases 40 forty.json
start_server --latency-ms 2
if command -v strace >/dev/null; then
	# stdin is a pipe kept open by the writer until the run is over
	# (LeakSanitizer cannot run under ptrace: an ASan build is traced without it)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=close -o trace.txt "$LLMOPS" eval --dataset forty.json \
		--provider openai:gpt-4o-mini --base-url "$BASE" --concurrency 4 --no-cache \
		< <(cat forty.json) >/dev/null 2>&1
	rc=$?
	expect_rc 0 "an eval with stdin on a pipe"
	check "fd 0 is never closed" sh -c '! grep -q "close(0)" trace.txt'
	check "a close was traced at all" grep -q "close(" trace.txt
else
	echo "# strace not installed: fd 0 checked by the server counts only"
fi
check "one successful answer per case" test "$(server_stat answered)" = 40
check "and no more requests than that" test "$(server_stat api_requests)" = 40

# ------------------------------- 12. attempts recorded = requests the server saw
# a dropped request on a reused keep-alive connection is re-sent by libcurl
# itself; that re-send is a request the provider saw and counts as an attempt
stop_servers
start_server --drop-rate 0.2
cases 200 drops.json
run llmops eval --dataset drops.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	--no-cache --retries 8 --concurrency 4 -o drops-out.json
expect_rc 0 "200 cases through dropped connections"
run_id=$(python3 -c 'import json; print(json.load(open("drops-out.json"))["run"])')
check "drops happened" test "$(server_stat api_requests)" -gt 200
check "recorded attempts = requests the server received" test "$(server_stat api_requests)" = \
	"$(sql "select sum(attempts) from results where run_id='$run_id'")"
check "one whole answer per case" test "$(server_stat answered)" = 200

# ------------------------------------------- 11. the circuit breaker
cases 300 down.json
run llmops eval --dataset down.json --provider openai:gpt-4o-mini --base-url http://127.0.0.1:1/v1 \
	--no-cache --retries 4 --concurrency 4 -o down-out.json
expect_rc 3 "a provider that is down"
run_id=$(python3 -c 'import json; print(json.load(open("down-out.json"))["run"])')
check "every case recorded as an error" \
	test "$(sql "select count(*) from results where run_id='$run_id' and passed is null")" = 300
check "at most 5 + 4 in flight connection attempts, not 1,500" \
	test "$(sql "select sum(attempts) from results where run_id='$run_id'")" -le 9
check "the rest say the breaker stopped them" \
	test "$(sql "select count(*) from results where run_id='$run_id' and error like '%not sent%circuit breaker%'")" -ge 290

# ------------------------------------- 2. a mis-shaped llmops.json is refused
cp llmops.json llmops.json.good
echo '{"providers": [1]}' >llmops.json
run llmops eval --dataset forty.json --provider nope --limit 1
expect_rc 2 "providers as an array, unknown --provider: no crash"
check "the position and what it must be" has "$err" "llmops.json:1:15: providers must be an object"
run llmops lint
expect_rc 2 "lint refuses the same config"
check "lint says where" has "$err" "llmops.json:1:15:"
printf '{"providers": {"a": {"type": "openai", "model": "m"},\n  "b": "openai:gpt-4o"}}\n' >llmops.json
run llmops cost
expect_rc 2 "a provider that is not an object"
check "names it" has "$err" "llmops.json:2:8: providers.b must be an object"
echo '{"eval": [0.5]}' >llmops.json
run llmops eval --dataset forty.json --provider replay
expect_rc 2 "eval as an array"
check "names the section" has "$err" "eval must be an object, not an array"
mv llmops.json.good llmops.json

# ------------------------------ 3. nesting is capped; 4. parsing is linear
mkdir -p prompts/deep prompts/wide prompts/_partials
python3 -c 'print("{{#a}}" * 60000 + "x" + "{{/a}}" * 60000)' >prompts/deep/v1.0.0.txt
python3 -c 'print("{{a}}" * 40000)' >prompts/wide/v1.0.0.txt
# a partial that nests 200 sections and includes itself inside them
python3 -c 'print("{{#a}}" * 200 + "{{> selfdeep}}" + "{{/a}}" * 200)' >prompts/_partials/selfdeep.txt
mkdir -p prompts/viapartial && echo '{{> selfdeep}}' >prompts/viapartial/v1.0.0.txt
git add -A && git commit -qm deep
run llmops prompt render deep@v1.0.0
expect_rc 2 "60,000 nested sections: an input error, not a stack overflow"
check "positioned at the 257th open" has "$err" "prompts/deep/v1.0.0.txt:1:1537: sections nest more than 256 deep"
echo '[{"id": "x", "a": true, "output": "x", "expected": "x"}]' >deep.json
run llmops eval --dataset deep.json --prompt deep@v1.0.0 --provider replay
expect_rc 2 "eval refuses it the same way"
check "eval names the place" has "$err" "1:1537"
run llmops prompt render viapartial@v1.0.0 --var a=1
expect_rc 2 "sections nested across partials are capped too"
check "the render cap" has "$err" "nest more than 1024 deep across partials"
python3 -c 'print("{{#a}}" * 70000)' >prompts/deep/v1.0.1.txt
run llmops lint prompts/deep prompts/wide
expect_rc 1 "lint of 70,000 nested sections and 40,000 tags on one line"
check "a template-syntax finding with its position" has "$out" "v1.0.1.txt:1:1537: error: sections nest more than 256 deep"
check "the wide template is judged (first and last tag)" has "$out" "prompts/wide/v1.0.0.txt:1:199996: warning"
git rm -rq prompts/deep prompts/wide prompts/viapartial prompts/_partials/selfdeep.txt && git commit -qm undeep && rm -rf prompts/deep

# ------------------------------------- 7. a lone surrogate is an input error
printf '[{"id": "a", "input": "x", "expected": "y"},\n {"id": "b", "input": "\\ud800", "expected": "y"}]\n' \
	>evals/lone.json
run llmops eval --dataset evals/lone.json --provider replay
expect_rc 2 "eval: a lone \\ud800 is an input error"
check "with its position" has "$err" "evals/lone.json:2:24: lone high surrogate"
run llmops lint
expect_rc 1 "lint goes on and reports it"
check "as a dataset-syntax finding" has "$out" "evals/lone.json:2:24: error: lone high surrogate"
check "and the other files are still checked" has "$err" "files checked"
rm evals/lone.json

# ---------------------- 8. credentials in a base URL; a base URL with a query
# every string the ledger holds, one per line, for grepping
ledger_text() {
	python3 - "${LEDGER:-.llmops/ledger.db}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("select name from sqlite_master where type='table'"):
    for row in db.execute('select * from "%s"' % t):
        for x in row:
            if isinstance(x, bytes):
                x = x.decode("latin-1")
            if x is not None:
                print(x)
PY
}
stop_servers
start_server
cases 3 three.json
authed="http://tester:hunter2pass@127.0.0.1:$PORT/v1?api-version=2024-10-21&api-key=QSECRETVALUE42"
run llmops eval --dataset three.json --provider openai:gpt-4o-mini --base-url "$authed" --no-cache \
	-o azure.json
expect_rc 0 "a base URL with a query: the path goes before it"
check "the server answered the chat endpoint" test "$(server_stat answered)" = 3
ledger_text >ledger.txt
check "the password is not in the ledger" sh -c '! grep -q hunter2pass ledger.txt'
check "the query key is not in the ledger" sh -c '! grep -q QSECRETVALUE42 ledger.txt'
check "the run's command says where it was redacted" \
	grep -q 'http://\[redacted\]@127.0.0.1:.*api-key=\[redacted\]' ledger.txt
check "nor in the report" sh -c '! grep -q -e hunter2pass -e QSECRETVALUE42 azure.json'
run llmops eval --dataset three.json --provider openai:gpt-4o-mini --no-cache --retries 0 \
	--base-url "http://tester:hunter2pass@127.0.0.1:1/v1?api-key=QSECRETVALUE42"
expect_rc 3 "an unreachable provider with credentials in its URL"
check "the error names the endpoint" has "$out$err" "127.0.0.1:1/v1/chat/completions?api-key="
check "without the password or the key" sh -c '! printf "%s" "$1" | grep -q -e hunter2pass -e QSECRETVALUE42' _ "$out$err"
ledger_text >ledger.txt
check "nor in the recorded errors" sh -c '! grep -q -e hunter2pass -e QSECRETVALUE42 ledger.txt'

# ------------------------------------- 9. a key echoed by the model is not stored
export OPENAI_API_KEY=sk-test-echoed-0123456789abcdef
python3 - <<'PY'
import json
json.dump([{"id": "k%d" % i, "input": "REPLY-KEY: my key is", "expected": "my key is"} for i in range(2)]
          + [{"id": "plain", "input": "REPLY: nothing secret", "expected": "nothing secret"}],
          open("echo-key.json", "w"))
PY
run llmops eval --dataset echo-key.json --provider openai:gpt-4o-mini --base-url "$BASE" \
	-o keyed.json
expect_rc 0 "the echoing answers are scored"
check "the summary counts the redactions" python3 -c 'import json; assert json.load(open("keyed.json"))["redactions"] == 2'
check "stderr says so" has "$err" "held the value of a key variable"
check "the output keeps its text, the key replaced" \
	test "$(sql "select output from results where case_id='k0' order by id desc limit 1")" = "my key is [redacted]"
ledger_text >ledger.txt
check "the key is nowhere in the ledger (results, cache)" sh -c '! grep -q sk-test-echoed ledger.txt'
check "nor in the -o report" sh -c '! grep -q sk-test-echoed keyed.json'
run llmops export --format csv
check "nor in the CSV export" sh -c '! printf "%s" "$1" | grep -q sk-test-echoed' _ "$out"
before=$(server_stat api_requests)
run llmops eval --dataset echo-key.json --provider openai:gpt-4o-mini --base-url "$BASE"
check "answers that held a key were not cached: asked again" \
	test "$(server_stat api_requests)" = $((before + 2))
unset OPENAI_API_KEY

# ------------------------------------------- 6. CSV formula injection
python3 - <<'PY'
import json
outs = ["=HYPERLINK(\"http://x.invalid\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "plain, text"]
json.dump([{"id": "f%d" % i, "input": "REPLY: " + o, "expected": "z"} for i, o in enumerate(outs)],
          open("formula.json", "w"))
PY
run llmops eval --dataset formula.json --provider openai:gpt-4o-mini --base-url "$BASE" -o formula.csv
formula_run=$(sql "select id from runs order by started_at desc limit 1")
# csv_cells FILE COLUMN: that column of every row, as Python's csv module reads it
csv_cells() { python3 -c 'import csv,sys; print("\n".join(r[sys.argv[2]] for r in csv.DictReader(open(sys.argv[1]))))' "$1" "$2"; }
neutral() { # neutral FILE COLUMN: every formula-looking output starts with a quote
	csv_cells "$1" "$2" | python3 -c '
import sys
cells = sys.stdin.read().split("\n")
want = ["\x27=HYPERLINK(\"http://x.invalid\",\"y\")", "\x27+1+1", "\x27-2+3", "\x27@SUM(A1)", "plain, text"]
missing = [w for w in want if w not in cells]
bad = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
sys.exit(1 if missing or bad else 0)'
}
check "eval -o x.csv neutralises formulas" neutral formula.csv output
run llmops report "$formula_run" --format csv -o report.csv
check "report --format csv too" neutral report.csv output
run llmops export --format csv --run "$formula_run"
printf '%s\n' "$out" >export.csv
check "export --format csv too" neutral export.csv output

# ------------------------------- 5. symbolic links out of the repository
echo "OUTSIDE-SECRET-CONTENT" >"$TEST_ROOT/outside.txt"
mkdir -p prompts/leak prompts/viasig prompts/_partials
ln -s "$TEST_ROOT/outside.txt" prompts/leak/v1.0.0.txt
ln -s "$TEST_ROOT/outside.txt" prompts/_partials/sig.txt
printf 'Hello {{> sig}}\n' >prompts/viasig/v1.0.0.txt
git add -A && git commit -qm links
echo '[{"id": "a", "input": "x", "expected": "x"}]' >one.json
stop_servers
start_server --log "$TEST_ROOT/bodies.jsonl"
for p in leak viasig; do
	run llmops eval --dataset one.json --prompt $p@v1.0.0 --provider openai:gpt-4o-mini --base-url "$BASE"
	expect_rc 2 "eval of $p: a link out of the repository is refused"
	check "it says so ($p)" has "$err" "symbolic link that leads out of the repository"
done
check "nothing was sent" test "$(server_stat api_requests)" = 0
check "the outside content went nowhere" sh -c '! grep -qs OUTSIDE-SECRET-CONTENT "$1"' _ "$TEST_ROOT/bodies.jsonl"
run llmops prompt render leak@v1.0.0
expect_rc 2 "render of the committed link refuses it too"
check "names it a link" has "$err" "is a symbolic link at HEAD"
check "and prints nothing of it" test -z "$out"
run llmops prompt render viasig@v1.0.0 --worktree
expect_rc 2 "render --worktree of a partial link"
run llmops lint
expect_rc 1 "lint reports links out of the tree"
check "the version file" has "$out" "prompts/leak/v1.0.0.txt:1:1: error: 'prompts/leak/v1.0.0.txt' is a symbolic link that leads out"
check "the partial" has "$out" "prompts/_partials/sig.txt:1:1: error:"
check "lint never prints the content" sh -c '! printf "%s" "$1" | grep -q OUTSIDE-SECRET' _ "$out$err"
git rm -rq prompts/leak prompts/viasig prompts/_partials/sig.txt && git commit -qm unlink

# ------------------- 15. the ledger is private; 14. readable where not writable
check ".llmops/ is 0700" test "$(stat -c %a .llmops)" = 700
check "the ledger is 0600" test "$(stat -c %a .llmops/ledger.db)" = 600
for f in .llmops/ledger.db-wal .llmops/ledger.db-shm; do
	[ -e "$f" ] && check "$f is 0600" test "$(stat -c %a "$f")" = 600
done
run llmops ledger backup "$TEST_ROOT/copy.db"
check "a backup is 0600 too" test "$(stat -c %a "$TEST_ROOT/copy.db")" = 600
runs_before=$(sql 'select count(*) from runs')
# a ledger we may read but not write: another user's, or a read-only mount
mkdir -p "$TEST_ROOT/ro" && cp .llmops/ledger.db "$TEST_ROOT/ro/ledger.db"
chmod 755 "$TEST_ROOT" "$TEST_ROOT/ro" && chmod 644 "$TEST_ROOT/ro/ledger.db"
as_reader() { # run llmops as a user who cannot write the ledger
	if [ "$(id -u)" = 0 ]; then
		run setpriv --reuid=65534 --regid=65534 --clear-groups "$LLMOPS" "$@"
	else
		chmod 555 "$TEST_ROOT/ro" && chmod 444 "$TEST_ROOT/ro/ledger.db"
		run "$LLMOPS" "$@"
		chmod 755 "$TEST_ROOT/ro" && chmod 644 "$TEST_ROOT/ro/ledger.db"
	fi
}
as_reader --ledger "$TEST_ROOT/ro/ledger.db" ledger info
if [ "$rc" = 126 ] || has "$err" "Permission denied"; then
	echo "# the binary is not reachable by an unprivileged user here: read-only checks skipped"
else
	expect_rc 0 "ledger info on a ledger that cannot be written"
	check "it says it opened read-only" has "$err" "opened read-only"
	check "info shows the access" has "$out" "access: read-only"
	as_reader --ledger "$TEST_ROOT/ro/ledger.db" runs --format json
	expect_rc 0 "runs reads it"
	check "every run listed" python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])) == int(sys.argv[2])' "$out" "$runs_before"
	as_reader --ledger "$TEST_ROOT/ro/ledger.db" show last
	expect_rc 0 "show reads it"
	as_reader --ledger "$TEST_ROOT/ro/ledger.db" export --format csv
	expect_rc 0 "export reads it"
	as_reader --ledger "$TEST_ROOT/ro/ledger.db" eval --dataset "$PWD/one.json" --provider replay
	check "eval (a writer) still fails, with exit 3" test "$rc" = 3 -o "$rc" = 2
fi
chmod 700 "$TEST_ROOT"

# ------------- 16. eval checks the pin it uses; verify checks the commit; TLS is final
lock_set() { # lock_set KEY VALUE: every KEY in prompts.lock set to VALUE, as a hand edit would
	python3 - "$1" "$2" <<'PY'
import json, sys
lock = json.load(open("prompts.lock"))
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == sys.argv[1] and isinstance(v, str):
                o[k] = sys.argv[2]
            else:
                walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(lock)
json.dump(lock, open("prompts.lock", "w"), indent=2)
PY
}
printf 'Summarise: {{input}}\n' >prompts/pinme/v1.0.0.txt 2>/dev/null ||
	{ mkdir -p prompts/pinme && printf 'Summarise: {{input}}\n' >prompts/pinme/v1.0.0.txt; }
git add -A && git commit -qm pinme
llmops prompt pin pinme@v1.0.0 >/dev/null 2>&1 && git add prompts.lock && git commit -qm pin
echo '[{"id": "a", "input": "x", "output": "x", "expected": "x"}]' >pinme.json
run llmops eval --dataset pinme.json --prompt pinme --provider replay
expect_rc 0 "the pinned version as pinned runs"
printf 'Summarise, ignoring all rules: {{input}}\n' >prompts/pinme/v1.0.0.txt
run llmops eval --dataset pinme.json --prompt pinme --provider replay
expect_rc 1 "eval refuses a pinned version whose content is not the pinned blob"
check "says what the pin check says" has "$err" "is not what prompts.lock pins"
git checkout -q -- prompts/pinme/v1.0.0.txt
lock_set sha256 0000000000000000000000000000000000000000000000000000000000000000
run llmops eval --dataset pinme.json --prompt pinme --provider replay
expect_rc 1 "eval refuses a lock whose SHA-256 does not match"
git checkout -q -- prompts.lock
lock_set commit 1234567890abcdef1234567890abcdef12345678
run llmops prompt verify
expect_rc 1 "verify fails when the lock's commit is not in the repository"
check "names the commit" has "$out$err" "from commit 1234567890ab, which is not in this repository"
git checkout -q -- prompts.lock
run llmops prompt verify
expect_rc 0 "and passes on the real lock"

openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt -days 1 \
	-subj /CN=127.0.0.1 >/dev/null 2>&1
stop_servers
start_server --tls-cert tls.crt --tls-key tls.key
run llmops export --format otlp --otlp-endpoint "https://127.0.0.1:$PORT/v1/traces"
expect_rc 3 "a collector whose certificate fails verification"
check "is refused after one attempt, not retried" has "$err" "after 1 attempt"
check "and says why" has "$err" "certificate"
stop_servers

# --------------------------- 13. tokens: memory bounded whatever the input
python3 -c 'import sys; sys.stdout.write("a" * (16 << 20))' >run16m.txt
peak_kb() { # peak_kb CMD...: runs it, prints its peak resident set in KiB
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=open("tok.out", "w"), stderr=open("tok.err", "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
kb=$(peak_kb "$LLMOPS" tokens run16m.txt)
out=$(cat tok.out) err=$(cat tok.err)
check "16 MiB of one letter: the count (8 a's are one token)" test "$out" = "2097152 run16m.txt"
check "peak memory stays under 150 MB (it grew ~28 bytes per input byte)" test "$kb" -lt 150000
check "says the run was encoded in slices" has "$err" "slice"
kb=$(cat run16m.txt | peak_kb "$LLMOPS" tokens -)
check "stdin is streamed too" test "$kb" -lt 150000
printf 'caf\xc3\xa9\n' >small.txt
run llmops tokens --ids small.txt
check "ids of a small file as before (o200k_base)" test "$out" = "66 103112 198"

# ------------------------- found by fuzzing: token counts cast from a huge double
cp llmops.json llmops.json.good
printf '{"prices": {"m": {"input": 1, "output": 1,\n  "context_window": 1e308}}}\n' >llmops.json
run llmops cost --model m
expect_rc 2 "a context window of 1e308 tokens is refused"
check "with its position" has "$err" "llmops.json:2:3"
check "and the limit" has "$err" "at most 1e12 tokens"
mv llmops.json.good llmops.json

done_testing
