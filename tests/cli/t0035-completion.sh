#!/usr/bin/env bash
# Shell completion (issue 22): scripts generated from llmops's own command and option tables;
# bash completion driven for a few prefixes (commands, verbs, options, an option's choices,
# prompt names and versions, run ids); zsh and fish scripts; the helper stays out of help.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm init
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm pin
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
run_id=$(llmops runs --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

run llmops completion bash
expect_rc 0 "a bash script"
printf '%s\n' "$out" >llmops.bash
check "it is valid bash" bash -n llmops.bash
cat >drive.sh <<EOF2
source ./llmops.bash
t() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _llmops; echo "\${COMPREPLY[*]}"; }
EOF2
complete_for() { bash -c ". ./drive.sh; t $*"; }
# the scripts call llmops by the name the user typed: the binary under test here
mkdir -p bin && ln -sf "$LLMOPS" bin/llmops
export PATH="$PWD/bin:$PATH"
check "a command" test "$(complete_for llmops pro)" = "prompt"
check "a verb" test "$(complete_for llmops prompt p)" = "pin promote"
check "a verb of ledger" test "$(complete_for llmops ledger f)" = "fetch"
check "an option" test "$(complete_for llmops eval --base)" = "--base-url --baseline --baseline-missing-ok"
check "a verb's option" test "$(complete_for llmops prompt pin --ca)" = "--canary"
check "an option's choices" test "$(complete_for llmops eval --format j)" = "json jsonl junit"
check "prompt names and versions" test "$(complete_for llmops prompt show su)" = "summarize summarize@v1.0.0"
check "a --prompt value" test "$(complete_for llmops eval --prompt summarize@)" = "summarize@v1.0.0"
check "run ids" test "$(complete_for llmops show "${run_id:0:4}")" = "$run_id"
check "after global options" test "$(complete_for llmops -C . stat)" = "stats"
check "global options" test "$(complete_for llmops --no)" = "--no-color"

run llmops completion zsh
expect_rc 0 "a zsh script"
check "zsh: a compdef through bashcompinit" has "$out" "#compdef llmops"
run llmops completion fish
expect_rc 0 "a fish script"
check "fish: commands with their summaries" has "$out" "complete -c llmops -n '__fish_use_subcommand' -a ingest -d 'production request/response logs"
check "fish: a verb's option with its choices" has "$out" "-l format -x -a 'text json'"
check "fish: prompts from llmops" has "$out" "(llmops __complete prompts 2>/dev/null)"
run llmops completion tcsh
expect_rc 2 "an unknown shell"
check "says which exist" has "$err" "bash, zsh or fish"
run llmops help
check "the helper is not listed" eval '! has "$out" __complete'
done_testing
