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

# a first run: from an empty directory, git init, llmops init, and exactly the
# commands init prints as its next steps reach a pinned prompt and a passing eval
mkdir first && cd first || exit 1
git init -q
run llmops init
expect_rc 0 "init in a new repository"
check "it prints its next steps" has "$out" "next steps:"
steps=$(printf '%s\n' "$out" | sed -n '/^next steps:/,$p' | sed -n 's/^  //p')
check "the steps pin the example and evaluate it" has "$steps" "llmops prompt pin summarize@v1.0.0"
while IFS= read -r step; do
	run bash -c "PATH=\"$(dirname "$LLMOPS"):\$PATH\"; $step"
	expect_rc 0 "next step: $step"
done <<<"$steps"
check "the prompt is pinned and committed" sh -c 'git log --oneline -- prompts.lock | grep -q pin'
run llmops prompt verify
expect_rc 0 "prompt verify after the steps"
check "the work tree is clean after them" test -z "$(git status --porcelain)"
run llmops init
check "afterwards init has no step left but the eval" test "$(printf '%s\n' "$out" | sed -n '/^next steps:/,$p' | sed -n 's/^  //p')" = "llmops eval --dataset evals/summarize.json"
cd "$TEST_ROOT" || exit 1

# an existing project that lacks part of what init makes: init says what it adds
mkdir older && cd older || exit 1
git init -q
llmops init >/dev/null
rm -rf prompts/_judges
git add -A && git commit -qm older
run llmops init
expect_rc 0 "init in an existing project"
check "it says it added to an existing project" has "$out" "llmops init added 13 paths to this project"
added=$(printf '%s\n' "$out" | sed -n 's/^created \(.*\.txt\)$/\1/p' | sort)
untracked=$(git status --porcelain --untracked-files=all | sed 's/^?? //' | sort)
check "the files it lists as created are exactly what git sees as new" test "$added" = "$untracked"
check "and its next step commits only that" has "$out" "git add prompts/_judges && git commit"
run llmops init --format json
check "--format json has the next steps" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["next_steps"][-1] == "llmops eval --dataset evals/summarize.json", d' "$out"
cd "$TEST_ROOT" || exit 1

done_testing
