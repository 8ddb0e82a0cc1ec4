#!/usr/bin/env bash
# The baseline fetch of a CI job, against a git server over HTTP that wants a
# token (tests/cli/git_http.py in front of git http-backend): the header
# actions/checkout configures (http.<url>.extraheader) is sent by ledger push,
# ledger fetch and eval --baseline; without it, a failed fetch is an error
# (exit 2), never the "nothing to compare with yet" note that an empty remote
# gets.
. "$(dirname "$0")/lib.sh"

token="tok-$$-$RANDOM"
mkdir srv && git init -q --bare -b main srv/remote.git && git init -q --bare -b main srv/empty.git
pf="$TEST_ROOT/.git-http-port"
python3 "$LLMOPS_SOURCE_ROOT/tests/cli/git_http.py" "$TEST_ROOT/srv" "$token" "$pf" 2>http.log &
SERVER_PIDS="$SERVER_PIDS $!"
for _ in $(seq 400); do [ -s "$pf" ] && break; sleep 0.05; done
root="http://127.0.0.1:$(cat "$pf")/"
hdr="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$token" | base64 -w0)"

# main: the project, pushed, with a run recorded and pushed by llmops
git -c http.extraheader="$hdr" clone -q "${root}remote.git" main 2>/dev/null
cd main || exit 1
git config "http.$root.extraheader" "$hdr" # what actions/checkout writes
git commit -q --allow-empty -m init
llmops init >/dev/null && git add -A && git commit -qm llmops
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1 && git add -A && git commit -qm pin
git push -q origin main
run llmops eval --dataset evals/summarize.json
expect_rc 0 "the run on main"
run llmops ledger push origin
expect_rc 0 "ledger push over HTTP with the configured header"
check "the run is on the server" test "$(git -C "$TEST_ROOT/srv/remote.git" for-each-ref refs/llmops/runs/ | wc -l)" = 1
cd "$TEST_ROOT" || exit 1

# a pull request's job: a fresh clone with the header, no ledger
git -c http.extraheader="$hdr" clone -q "${root}remote.git" pr 2>/dev/null
cd pr || exit 1
git config "http.$root.extraheader" "$hdr"
run llmops eval --dataset evals/summarize.json --baseline origin/main --baseline-missing-ok
expect_rc 0 "eval --baseline fetches main's run with the header"
check "and compares with it" has "$out" "against the baseline origin/main: run"

# the same job where the header is missing (a private repository, no token)
rm -rf .llmops
git config --unset-all "http.$root.extraheader"
run llmops eval --dataset evals/summarize.json --baseline origin/main --baseline-missing-ok
expect_rc 2 "a fetch that fails is an error, even with --baseline-missing-ok"
check "it says the fetch failed" has "$err" "fetching the runs pushed to origin failed"
check "not the note of an empty remote" eval '! has "$err" "nothing to compare with yet"'
run llmops ledger fetch origin
check "ledger fetch without it fails too" test "$rc" != 0
# a header for another URL is not sent here
git config "http.http://127.0.0.1:1/.extraheader" "$hdr"
run llmops ledger fetch origin
check "a header configured for another URL is not sent" test "$rc" != 0
git config --unset-all "http.http://127.0.0.1:1/.extraheader"
# and the global form, as git takes it: http.extraheader
git config http.extraheader "$hdr"
run llmops ledger fetch origin
expect_rc 0 "http.extraheader (no URL) is sent as git sends it"
cd "$TEST_ROOT" || exit 1

# a remote with no runs yet: the note, exit 0 (the first pipeline of a project)
git -C pr remote set-url origin "${root}empty.git"
git -C pr -c http.extraheader="$hdr" push -q origin HEAD:main 2>/dev/null
rm -rf pr/.llmops
run llmops -C pr eval --dataset evals/summarize.json --baseline origin/main --baseline-missing-ok
expect_rc 0 "an empty remote: nothing to compare with"
check "said as a note" has "$err" "nothing to compare with yet"
check "the token is never printed" eval '! grep -rq "$token" http.log'
check "the server saw unauthenticated requests refused" grep -q " 401$" http.log
done_testing
