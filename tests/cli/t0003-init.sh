#!/usr/bin/env bash
# llmops init: scaffolds, reports, never overwrites.
. "$(dirname "$0")/lib.sh"

make_repo proj
mkdir -p proj/deep/er
run llmops -C proj/deep/er init
expect_rc 0 "init in a subdirectory of a repository"
for f in prompts/summarize/v1.0.0.txt evals/summarize.json llmops.json .gitignore; do
	check "created $f at the root" test -f "proj/$f"
	check "reported $f" has "$out" "created $f"
done
check ".llmops/ is ignored by git" sh -c 'cd proj && mkdir -p .llmops && touch .llmops/x && git check-ignore -q .llmops/x'
check "llmops.json is valid JSON" python3 -c "import json; json.load(open('proj/llmops.json'))"
check "the dataset is valid JSON" python3 -c "import json; json.load(open('proj/evals/summarize.json'))"
check "llmops.json says where keys are documented" grep -q "man llmops" proj/llmops.json
check "nothing on stderr inside a repository" test -z "$err"

sum() { (cd proj && find . -path ./.git -prune -o -type f -print | sort | xargs md5sum); }
before=$(sum)
echo "my change" >>proj/llmops.json
before=$(sum)
run llmops -C proj init
expect_rc 0 "init again"
check "second init changes nothing" test "$(sum)" = "$before"
check "second init says what it kept" has "$out" "kept    llmops.json"
check "second init says nothing changed" has "$out" "nothing changed"

# an existing .gitignore is appended to, never rewritten
make_repo other
printf 'node_modules' >other/.gitignore
run llmops -C other init --format json
expect_rc 0 "init --format json"
check "json lists .gitignore as updated" test "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["updated"])')" = "['.gitignore']"
check "old .gitignore content kept" test "$(head -1 other/.gitignore)" = node_modules

# init DIR, outside any repository
run llmops init newdir
expect_rc 0 "init DIR outside a repository"
check "DIR made and filled" test -f newdir/prompts/summarize/v1.0.0.txt
check "a note says to run git init" has "$err" "git init"

run llmops init a b
expect_rc 2 "init with two directories"
printf x >afile
run llmops init afile
expect_rc 3 "init into a file"
check "names the obstacle" has "$err" "afile"

done_testing
