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
check "global options" test "$(complete_for llmops --no)" = "--no-color --no-pager"
# a run id that is shell code (a ledger written by an older llmops, or by hand) is never
# expanded, nor offered (issue 30, finding 4)
python3 -c 'import sqlite3; d=sqlite3.connect(".llmops/ledger.db"); d.execute("insert into runs (id, kind, status, started_at, llmops_version) values (?, ?, ?, ?, ?)", ("$(touch${IFS}PWNRUN)", "eval", "passed", "2099-01-01T00:00:00.000Z", "0")); d.commit()'
mkdir -p 'prompts/$(touch PWNPROMPT)' && cp prompts/summarize/v1.0.0.txt 'prompts/$(touch PWNPROMPT)/v1.0.0.txt'
git add -A && git commit -qm "a prompt folder named like shell code"
check "run ids: the hostile one not offered" test "$(complete_for llmops show "''")" = "last $run_id"
check "a word starting with \$: nothing" test -z "$(complete_for llmops show "'\$'")"
check "prompt names: only names a prompt can have" eval '! has "$(complete_for llmops prompt show "\"\"")" PWN && has "$(complete_for llmops prompt show "\"\"")" "summarize@v1.0.0"'
check "prompt names: nothing for \$" test -z "$(complete_for llmops prompt show "'\$'")"
check "a word list holding \$(...) is never expanded" bash -c '. ./drive.sh; words="a \$(touch PWNWORD) b"; cur=; _llmops_reply "$words" ""; test "${COMPREPLY[1]}" = "\$(touch" && test ! -e PWNWORD'
check "no shell code ran" test ! -e PWNRUN -a ! -e PWNPROMPT
# what each argument takes (issue 31): review ids to review show/accept/reject, the
# groupings to stats --by, prompt names to stats --canary, nothing for free text
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 --review-below 1 >/dev/null 2>&1
review_ids=$(llmops review list --format json | python3 -c 'import json,sys; print(" ".join(str(r["id"]) for r in json.load(sys.stdin)))')
check "there are reviews to complete" test -n "$review_ids"
check "review show: review ids, not run ids" test "$(complete_for llmops review show "''")" = "$review_ids"
check "review accept: review ids" test "$(complete_for llmops review accept "''")" = "$review_ids"
check "review list: no positional words" test -z "$(complete_for llmops review list "''")"
check "stats --by: the groupings" test "$(complete_for llmops stats --by "''")" = "day prompt version model provider kind tag:"
check "stats --canary: prompt names, not files" test "$(complete_for llmops stats --canary su)" = "summarize summarize@v1.0.0"
check "free text (review accept --note): nothing, not files" test -z "$(complete_for llmops review accept --note "''")"
check "a FILE still completes files" has "$(complete_for llmops eval --dataset ev)" "evals"

run llmops completion zsh
expect_rc 0 "a zsh script"
check "zsh: a compdef" has "$out" "#compdef llmops"
printf '%s\n' "$out" >_llmops
if command -v zsh >/dev/null; then
	check "zsh: valid" zsh -n _llmops
	# zsh's completion system needs a terminal; its functions are stood in for, so that what
	# _llmops offers is printed (zsh itself filters by the prefix)
	cat >zdrive.zsh <<'EOF2'
compdef() { :; }
compadd() { [[ $1 == -a ]] && print -r -- "${(P)2}"; }
_describe() { print -r -- "${(P)2}"; }
_files() { print FILES; }
source ./_llmops
t() { words=("$@"); CURRENT=${#words}; _llmops; }
EOF2
	zcomp() { zsh -c ". ./zdrive.zsh; t $*"; }
	check "zsh: commands with their summaries" has "$(zcomp llmops "''")" "ingest:production request/response logs"
	check "zsh: verbs with theirs" has "$(zcomp llmops prompt "''")" "pin:record a committed version"
	check "zsh: an option's choices" test "$(zcomp llmops eval --format "''")" = "text json jsonl csv junit markdown"
	check "zsh: prompt versions" has "$(zcomp llmops prompt show "''")" "summarize@v1.0.0"
	check "zsh: run ids" has "$(zcomp llmops show "''")" "$run_id"
	check "zsh: review ids to review show" test "$(zcomp llmops review show "''")" = "$review_ids"
	check "zsh: stats --by" test "$(zcomp llmops stats --by "''")" = "day prompt version model provider kind tag:"
	check "zsh: stats --canary, prompts" has "$(zcomp llmops stats --canary "''")" "summarize@v1.0.0"
else
	echo "# zsh not installed: its script is checked by content only"
fi
run llmops completion fish
expect_rc 0 "a fish script"
printf '%s\n' "$out" >llmops.fish
if command -v fish >/dev/null; then
	# fish completes a command line on its own: complete -C
	fcomp() { fish -c "source ./llmops.fish; complete -C '$*'" | cut -f1 | tr '\n' ' ' | sed 's/ $//'; }
	check "fish: a command" test "$(fcomp llmops pro)" = "prompt"
	check "fish: a verb, not prompt names before one" test "$(fcomp llmops prompt p)" = "pin promote"
	check "fish: an option's choices" test "$(fcomp llmops eval --format j)" = "json jsonl junit"
	check "fish: prompt names and versions" test "$(fcomp llmops prompt show su)" = "summarize summarize@v1.0.0"
	check "fish: run ids" has "$(fcomp llmops show "")" "$run_id"
	check "fish: review ids to review show" test "$(fcomp llmops review show "" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" = "$(printf '%s\n' $review_ids | sort | tr '\n' ' ' | sed 's/ $//')"
	check "fish: stats --by" test "$(fcomp llmops stats --by "")" = "day kind model prompt provider tag: version"
	check "fish: stats --canary, prompts" has "$(fcomp llmops stats --canary "")" "summarize@v1.0.0"
	check "fish: the summaries" has "$(fish -c "source ./llmops.fish; complete -C 'llmops ing'")" "production request/response logs"
else
	echo "# fish not installed: its script is checked by content only"
	check "fish: prompts from llmops" has "$out" "(llmops __complete prompts 2>/dev/null)"
fi
run llmops completion tcsh
expect_rc 2 "an unknown shell"
check "says which exist" has "$err" "bash, zsh or fish"
run llmops help
check "the helper is not listed" eval '! has "$out" __complete'
done_testing
