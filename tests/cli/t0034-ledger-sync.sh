#!/usr/bin/env bash
# Results travel with git (issue 22): ledger push / fetch through a bare repository between
# two clones, each run its own ref (two pushes racing both land), nothing twice, no cache in
# what is pushed; eval --baseline REV finds the run recorded at REV or its nearest ancestor,
# fetching it when the ledger lacks it.
. "$(dirname "$0")/lib.sh"

git init -q --bare -b main remote.git
git clone -q remote.git a 2>/dev/null
cd a || exit 1
git commit -q --allow-empty -m init && git branch -M main
llmops init >/dev/null
git add -A && git commit -qm scaffold
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm pin
git push -q origin main
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
cases=$(llmops runs --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["cases"])')

run llmops ledger push
expect_rc 0 "push the runs"
check "says how many" has "$out" "pushed 2 runs to origin (0 already there, of 2 finished;"
check "each run its own ref, named by its cases" test "$(git -C ../remote.git for-each-ref --format='%(refname)' refs/llmops/runs/ | sed 's|.*/||' | sort -u)" = "$cases"
check "two refs" test "$(git -C ../remote.git for-each-ref refs/llmops/runs/ | wc -l)" = 2
run llmops ledger push --format json
check "pushing again adds nothing" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["pushed"]==0 and s["present"]==2, s' "$out"
ref=$(git -C ../remote.git for-each-ref --format='%(refname)' refs/llmops/runs/ | head -1)
git -C ../remote.git show "$ref:run.db" >../snap.db
check "a snapshot is one run's ledger, without the response cache" test "$(python3 -c 'import sqlite3; d=sqlite3.connect("../snap.db"); print(d.execute("select count(*) from runs").fetchone()[0], d.execute("select count(*) from cache").fetchone()[0], d.execute("select count(*) from results").fetchone()[0])')" = "1 0 $cases"

cd .. && git clone -q remote.git b && cd b || exit 1
run llmops ledger fetch
expect_rc 0 "fetch into another clone"
check "both runs merged" has "$out" "fetched 2 runs from origin: 2 merged ($((2 * cases)) results), 0 already in"
check "the same run ids" test "$(llmops runs --format json | python3 -c 'import json,sys; print(sorted(r["id"] for r in json.load(sys.stdin)))')" = "$(cd ../a && llmops runs --format json | python3 -c 'import json,sys; print(sorted(r["id"] for r in json.load(sys.stdin)))')"
run llmops ledger fetch
check "fetching again merges nothing" has "$out" "0 merged (0 results), 2 already in"

# two machines push at once: each run is its own ref, so both land
for d in a b; do
	(cd "../$d" && llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1)
done
(cd ../a && llmops ledger push >../push-a.out 2>&1; echo $? >../push-a.rc) &
(cd ../b && llmops ledger push >../push-b.out 2>&1; echo $? >../push-b.rc) &
wait
check "the first push landed" test "$(cat ../push-a.rc)" = 0
check "the second push landed" test "$(cat ../push-b.rc)" = 0
check "four runs on the remote" test "$(git -C ../remote.git for-each-ref refs/llmops/runs/ | wc -l)" = 4
llmops ledger fetch >/dev/null 2>&1
(cd ../a && llmops ledger fetch >/dev/null 2>&1)
check "each clone has all four" test "$(llmops runs --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')-$(cd ../a && llmops runs --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "4-4"

# --baseline REV in a fresh clone: the run recorded at that commit, fetched on the way
cd .. && git clone -q remote.git c && cd c || exit 1
main=$(git rev-parse origin/main)
run llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 --baseline origin/main
expect_rc 0 "a baseline from origin/main"
check "says which commit and run" has "$out" "against the baseline origin/main: run "
check "at main's commit" has "$out" "at commit ${main:0:12}"
git commit -q --allow-empty -m "a commit no run was recorded at"
run llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 --baseline HEAD --format json
check "the nearest ancestor with a run" python3 -c '
import json,sys; b=json.loads(sys.argv[1])["baseline"]["baseline_rev"]
assert b.startswith("HEAD: run ") and b.endswith(", 1 commit back") and sys.argv[2][:12] in b, b' "$out" "$main"
run llmops eval --dataset evals/summarize.json --provider replay --baseline nosuchrev
expect_rc 2 "neither a run nor a revision"
check "says so" has "$err" "--baseline nosuchrev is neither a run"

# production traffic stays local unless asked for
printf '%s\n' '{"id": "prod-1", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "a user wrote this"}]}, "response": {"choices": [{"message": {"content": "ok"}}]}, "metadata": {"llmops.prompt": "summarize", "llmops.version": "v1.0.0"}}' >prod.jsonl
llmops ingest prod.jsonl >/dev/null 2>&1
prod=$(llmops runs --kind production --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run llmops ledger push
check "a production run is not pushed by default" has "$out" "1 production run kept local (--with-production pushes them)"
check "it is not on the remote" eval '! git -C ../remote.git for-each-ref refs/llmops/runs/ | grep -q "$prod"'
run llmops ledger push --with-production
check "--with-production pushes it" has "$out" "pushed 1 run to origin"
check "now it is" eval 'git -C ../remote.git for-each-ref refs/llmops/runs/ | grep -q "$prod"' 

# two machines add records to the same production run and push at once: the partial copies
# do not stay side by side on the remote; the next push holds the union (issue 30, finding 10)
(cd ../a && llmops ledger fetch >/dev/null 2>&1)
rec() { printf '{"id": "%s", "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}, "response": {"choices": [{"message": {"content": "ok"}}]}, "metadata": {"llmops.prompt": "summarize", "llmops.version": "v1.0.0"}}\n' "$1"; }
rec prod-b1 >more-b.jsonl && rec prod-b2 >>more-b.jsonl
(cd ../a && { rec prod-a1; rec prod-a2; rec prod-a3; } >more-a.jsonl && llmops ingest more-a.jsonl >/dev/null 2>&1)
llmops ingest more-b.jsonl >/dev/null 2>&1
check "both added to the run they share" test "$(llmops runs --kind production --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1
run llmops ledger push --with-production
check "b pushed its copy" has "$out" "pushed 1 run"
run env -C ../a "$LLMOPS" ledger push --with-production --format json
check "a pushed the union, in place of b's partial copy" python3 -c '
import json,sys; s=json.loads(sys.argv[1]); assert s["pushed"] == 1 and s["replaced"] >= 1, s' "$out"
check "one ref of the run on the remote, with all six records" test "$(git -C ../remote.git for-each-ref --format='%(refname)' "refs/llmops/runs/$prod/" | sed 's|.*/||')" = 6

# a push killed part way leaves libgit2's temporary pack in the remote; the next push removes
# it once it is an hour old, never one of a push under way (issue 30, finding 10)
touch -d '2 hours ago' ../remote.git/objects/pack/pack_git2_0123456789abcdef
touch ../remote.git/objects/pack/pack_git2_fedcba9876543210
run llmops ledger push
expect_rc 0 "a push"
check "the stale temporary pack is gone" test ! -e ../remote.git/objects/pack/pack_git2_0123456789abcdef
check "a fresh one (a push under way) is left" test -e ../remote.git/objects/pack/pack_git2_fedcba9876543210
rm -f ../remote.git/objects/pack/pack_git2_fedcba9876543210

# a remote configured with a relative path, used from a subdirectory
git remote add rel ../remote.git
mkdir -p sub
run env -C sub "$LLMOPS" ledger fetch rel
expect_rc 0 "a relative remote URL is the repository's, not the current directory's"

# bad input and other remotes
run llmops ledger push nosuchremote
expect_rc 2 "an unknown remote"
check "names it" has "$err" "no remote 'nosuchremote'"
run llmops ledger push ../remote.git
expect_rc 0 "a remote given by path"
mkdir ../plain && cd ../plain || exit 1
run llmops --ledger ../c/.llmops/ledger.db ledger push
expect_rc 2 "outside a git work tree"
done_testing
