#!/usr/bin/env bash
# What comes from the git remote is untrusted (issue 30, findings 1 to 3): a corpus of hostile
# run snapshots pushed to a bare remote (a poisoned response cache, a recursive view, a trigger,
# forged results, a run changed after the fact, a run id that is shell code, a truncated file,
# escape sequences, a NUL, an impossible cost, a ref naming another run) is each refused by its
# ref while the genuine runs are fetched; nothing bad is kept; the cache is never imported; a
# gate that fetched with refusals does not pass; ledger merge holds files to the same rules.
. "$(dirname "$0")/lib.sh"
HOSTILE="$LLMOPS_SOURCE_ROOT/tests/cli/hostile_snapshots.py"

start_server
export OPENAI_BASE_URL="$BASE"
git init -q --bare -b main remote.git
git clone -q remote.git a 2>/dev/null
cd a || exit 1
git commit -q --allow-empty -m init && git branch -M main
llmops init >/dev/null
python3 - <<'EOF'
import json
json.dump([{"id": "c%02d" % i, "input": "REPLY: the answer is %d" % i,
            "expected": "the answer is %d" % i} for i in range(10)], open("evals/echo.json", "w"))
EOF
git add -A && git commit -qm scaffold
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm pin
git push -q origin main
llmops eval --dataset evals/echo.json --provider openai:gpt-4o-mini --min-pass-rate 0 >/dev/null 2>&1
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
check "the server answered 10 requests" test "$(server_stat api_requests)" = 10
run llmops ledger push
expect_rc 0 "push the genuine runs"
echo_run=$(llmops runs --format json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["provider"] != "replay"][0])')
ref=$(git -C ../remote.git for-each-ref --format='%(refname)' "refs/llmops/runs/$echo_run/")
git -C ../remote.git show "$ref:run.db" >../good.db

# the corpus, each pushed under its own ref
python3 "$HOSTILE" ../good.db .llmops/ledger.db ../hostile >../hostile.txt
check "the corpus has 12 snapshots" test "$(wc -l <../hostile.txt)" = 12
while read -r name rid n; do
	blob=$(git -C ../remote.git hash-object -w "../hostile/$name.db")
	tree=$(printf '100644 blob %s\trun.db\n' "$blob" | git -C ../remote.git mktree)
	commit=$(git -C ../remote.git commit-tree -m "llmops run $rid" "$tree")
	git -C ../remote.git update-ref "refs/llmops/runs/$rid/$n" "$commit"
done <../hostile.txt
check "14 refs on the remote" test "$(git -C ../remote.git for-each-ref refs/llmops/runs/ | wc -l)" = 14

# a clone fetches: every bad snapshot refused by its ref, the good ones merged
cd .. && git clone -q remote.git b && cd b || exit 1
mkdir -p "$TEST_ROOT/tmp"
run env TMPDIR="$TEST_ROOT/tmp" "$LLMOPS" ledger fetch
expect_rc 2 "a fetch that refused snapshots"
check "the two genuine runs merged" has "$out" "2 merged"
check "it says some were refused" has "$out" "some refused"
while read -r name rid n; do
	check "$name: refused by its ref" has "$err" "refused refs/llmops/runs/$rid/$n: "
done <../hostile.txt
check "the cache: refused as a cache" has "$err" "with a response cache (never pushed)"
check "the feedback: refused as feedback" has "$err" "a snapshot with users' feedback (never pushed)"
check "the view: refused by its schema" has "$err" "it has a view 'results' (views and triggers are never ours)"
check "the forged results: refused" has "$err" "a result of a run it does not hold"
check "the changed run: refused as conflicting" has "$err" "refused as conflicting: run $echo_run is in the ledger already"
check "the injection: not our ref" has "$err" "not a ref llmops writes"
check "the truncated file: damaged, not the user's ledger" eval '! has "$err" "restore it from a backup"'
check "the escape sequence: a control character" has "$err" "column model: a name with control characters"
check "the NUL: refused" has "$err" "text with a NUL character"
check "the cost: refused" has "$err" "column cost_usd: a negative number"
check "no escape sequence printed" eval '! printf %s "$err" | grep -q "$(printf "\033")"'
check "the error names refs, not temporary files" eval '! has "$err" "/tmp/"'
check "the ledger holds the two runs only" test "$(sql 'select count(*) from runs')" = 2
check "nothing forged in them" test "$(sql "select count(*) from results where output in ('FORGED', 'EXTRA') or case_id in ('forged', 'extra')")" = 0
check "no response cache came with them" test "$(sql 'select count(*) from cache')" = 0
check "no feedback came with them" test "$(sql 'select count(*) from feedback')" = 0
check "the ledger is sound" llmops ledger check
check "the bad refs are not kept here" test "$(git for-each-ref refs/llmops/runs/ | wc -l)" = 2
check "no shell code ran" test ! -e PWNRUN
check "no temporary file left" test -z "$(ls -A "$TEST_ROOT/tmp")"
run llmops ledger fetch --format json
check "fetching again refuses them again, in JSON too" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert len(s["refused"]) == 12 and s["present"] == 2, s' "$out"

# the cache is never poisoned: the same cases are asked of the server
before=$(server_stat api_requests)
run llmops eval --dataset evals/echo.json --provider openai:gpt-4o-mini --min-pass-rate 0 --format json
check "every case sent to the server" test "$(server_stat api_requests)" = $((before + 10))
check "no poisoned answer" eval '! has "$out" POISONED'

# a gate with the CI flags: a fetch that refused anything never lets it pass
cd .. && git clone -q remote.git c && cd c || exit 1
run llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 --baseline origin/main --baseline-missing-ok --fail-on-regression
expect_rc 2 "eval --baseline with refused snapshots"
check "says the baseline cannot be trusted" has "$err" "baseline cannot be trusted"

# the bad refs deleted on the remote: the fetch is clean, and pruned
while read -r name rid n; do
	git -C ../remote.git update-ref -d "refs/llmops/runs/$rid/$n"
done <../hostile.txt
run llmops ledger fetch
expect_rc 0 "a clean remote"
cd ../b || exit 1
run llmops ledger fetch
expect_rc 0 "the clone that refused them fetches cleanly"

# ledger merge: the same rules for a file from elsewhere
for name in view trigger forged truncated escape nul cost; do
	run llmops ledger merge "../hostile/$name.db"
	expect_rc 2 "merge refuses the $name file"
	check "$name: names the file" has "$err" "../hostile/$name.db"
done
run llmops ledger merge ../hostile/extra.db
expect_rc 2 "merge refuses a changed run"
check "as conflicting" has "$err" "refused as conflicting"
check "nothing of them merged" test "$(sql 'select count(*) from runs')" = 3
run llmops ledger merge ../hostile/cache.db
expect_rc 0 "a file with a cache merges its run"
check "but never its cache" test "$(sql "select count(*) from cache where response like '%POISONED%'")" = 0
run llmops ledger merge ../good.db
expect_rc 0 "a genuine file merges"
done_testing
