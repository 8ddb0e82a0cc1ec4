#!/usr/bin/env bash
# llmops prompt render/diff/log, partials, .json prompts, and bad prompt files.
. "$(dirname "$0")/lib.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
commit() { git -C repo add -A && git -C repo commit -q -m "$1"; }

git init -q repo
mkdir -p repo/prompts/support repo/prompts/_partials repo/prompts/chat
cat >repo/prompts/_partials/rules.txt <<'T'
Rules:
- be brief
T
cat >repo/prompts/support/v1.0.0.txt <<'T'
---
model: gpt-4o-mini
max_tokens: 200
---
Answer {{customer.name}}:
  {{> rules}}
{{#history}}
> {{.}}
{{/history}}
{{^history}}
(no history)
{{/history}}
Question: {{question}}
T
cat >repo/prompts/chat/v1.0.0.json <<'T'
{
  "model": "gpt-4o",
  "temperature": 0.5,
  "messages": [
    {"role": "system", "content": "You are {{persona}}."},
    {"role": "user", "content": "{{question}}"}
  ]
}
T
commit "prompts"

# --- render: variables, sections, standalone partial indentation
cat >vars.json <<'T'
{"customer": {"name": "Ada"}, "history": ["hi", "hello"], "question": "Where is my order?"}
T
run llmops -C repo prompt render support@v1.0.0 --vars ../vars.json
expect_rc 0 "render with --vars"
want=$(printf 'Answer Ada:\n  Rules:\n  - be brief\n> hi\n> hello\nQuestion: Where is my order?')
check "rendered text (partial indented, standalone lines dropped)" test "$out" = "$want"
check "no warnings" test -z "$err"
run llmops -C repo prompt render support@v1.0.0 --vars ../vars.json --var question='a & <b> "c"'
check "--var overrides --vars, nothing is HTML-escaped" has "$out" 'Question: a & <b> "c"'
run llmops -C repo prompt render support@v1.0.0 --var question=Q --format json
expect_rc 0 "render --format json"
check "an OpenAI messages array" test "$(echo "$out" | json 'd[0]["role"]')" = user
check "empty list renders the inverted section" test "$(echo "$out" | json '"(no history)" in d[0]["content"]')" = True
check "missing variable warned" has "$err" "variable 'customer.name' has no value"
run llmops -C repo prompt render support@v1.0.0 --var question=Q --strict
expect_rc 2 "--strict fails on a missing variable"
check "--strict prints no messages" test -z "$out"
run llmops -C repo prompt render chat@v1.0.0 --var persona=terse --var question=Why --format json
check ".json prompt: system message" test "$(echo "$out" | json 'd[0]["content"]')" = "You are terse."
check ".json prompt: two messages" test "$(echo "$out" | json 'len(d)')" = 2
run llmops -C repo prompt render chat@v1.0.0 --var persona=terse --var question=Why
check "several messages are labelled in text" has "$out" "[system]"
run llmops -C repo prompt render support@v1.0.0 --var x
expect_rc 2 "--var without ="
run llmops -C repo prompt render support@v1.0.0 --vars missing.json
expect_rc 2 "--vars file missing"
printf '{"a": 1,\n "b": }\n' >bad.json
run llmops -C repo prompt render support@v1.0.0 --vars ../bad.json
expect_rc 2 "--vars malformed"
check "--vars error has line and column" has "$err" "../bad.json:2:7: expected a value"

# --- render reads committed content; --worktree the file on disk
echo "Draft: {{question}}" >repo/prompts/support/v1.1.0.txt
run llmops -C repo prompt render support@v1.1.0 --var question=Q
expect_rc 2 "render of an uncommitted version"
run llmops -C repo prompt render support@v1.1.0 --var question=Q --worktree
expect_rc 0 "render --worktree"
check "work tree text" test "$out" = "Draft: Q"
rm repo/prompts/support/v1.1.0.txt

# --- missing and self-including partials
mkdir -p repo/prompts/p
printf 'Hello {{> nosuch}}\n' >repo/prompts/p/v1.0.0.txt
printf '{{> loop}}\n' >repo/prompts/_partials/loop.txt
printf 'Start {{> loop}}\n' >repo/prompts/p/v1.1.0.txt
commit "partials"
run llmops -C repo prompt render p@v1.0.0
expect_rc 0 "a missing partial renders empty"
check "and is warned about" has "$err" "partial 'nosuch' not found (prompts/_partials/nosuch.txt)"
run llmops -C repo prompt render p@v1.1.0
expect_rc 2 "a partial that includes itself"
check "names the cycle" has "$err" "partial 'loop' includes itself"

# --- template and file errors name file, line and column
mkdir -p repo/prompts/bad
printf -- '---\nmodel: x\n---\nline one\n{{#items}}\n- {{.}}\n' >repo/prompts/bad/v1.0.0.txt
printf 'Hi {{name\n' >repo/prompts/bad/v1.1.0.txt
printf 'caf\xe9 {{x}}\n' >repo/prompts/bad/v1.2.0.txt
printf -- '---\ntemperature: hot\n---\nx\n' >repo/prompts/bad/v1.3.0.txt
printf -- '---\nmodel: x\n' >repo/prompts/bad/v1.4.0.txt
printf '[{"role": "robot", "content": "x"}]' >repo/prompts/bad/v1.5.0.json
printf '{{#a}}{{/b}}\n' >repo/prompts/bad/v1.6.0.txt
commit "bad prompts"
run llmops -C repo prompt show bad@v1.0.0
expect_rc 2 "an unclosed section"
check "unclosed section: position after front matter" has "$err" "prompts/bad/v1.0.0.txt:5:1: section 'items' is never closed"
run llmops -C repo prompt show bad@v1.1.0
expect_rc 2 "an unclosed tag"
check "unclosed tag position" has "$err" "prompts/bad/v1.1.0.txt:1:4: tag is never closed"
run llmops -C repo prompt show bad@v1.2.0
expect_rc 2 "invalid UTF-8"
check "invalid UTF-8 position" has "$err" "prompts/bad/v1.2.0.txt:1:4: not valid UTF-8 (byte 0xe9"
run llmops -C repo prompt show bad@v1.3.0
expect_rc 2 "a bad temperature"
check "temperature position" has "$err" "prompts/bad/v1.3.0.txt:2:14: temperature 'hot'"
run llmops -C repo prompt show bad@v1.4.0
expect_rc 2 "unclosed front matter"
check "front matter message" has "$err" "prompts/bad/v1.4.0.txt:1:1: front matter opened here is never closed"
run llmops -C repo prompt show bad@v1.5.0
expect_rc 2 "an unknown role"
check "role position" has "$err" "prompts/bad/v1.5.0.json:1:11: unknown role 'robot'"
run llmops -C repo prompt show bad@v1.6.0
expect_rc 2 "a mismatched close"
check "mismatch message" has "$err" "prompts/bad/v1.6.0.txt:1:7: '/b' does not close the open section; expected the close of 'a' (opened at 1:1)"
run llmops -C repo prompt pin bad@v1.0.0
expect_rc 2 "pin refuses a version whose template does not parse"
check "no lock written for a broken prompt" test ! -e repo/prompts.lock

# --- diff
cp repo/prompts/support/v1.0.0.txt repo/prompts/support/v1.1.0.txt
sed -i 's/be brief/be kind/; s/Question:/Q:/' repo/prompts/support/v1.1.0.txt
commit "support v1.1.0"
run llmops -C repo prompt diff support@v1.0.0..v1.1.0
expect_rc 0 "diff A..B"
check "diff headers" has "$out" "--- a/prompts/support/v1.0.0.txt"
check "diff new side" has "$out" "+++ b/prompts/support/v1.1.0.txt"
check "diff hunk" has "$out" "+Q: {{question}}"
run llmops -C repo prompt diff support@v1.0.0 support@v1.1.0 --format json
check "diff json" test "$(echo "$out" | json 'd["identical"]')" = False
run llmops -C repo prompt diff support@v1.0.0
expect_rc 2 "diff needs two versions"
run llmops -C repo prompt diff support@v1.0.0..v7.0.0
expect_rc 2 "diff with an unknown version"

# --- log: versions and pins, newest first
run llmops -C repo prompt pin support@v1.0.0
commit "pin support v1.0.0"
echo "tweak" >>repo/prompts/support/v1.1.0.txt
commit "tweak v1.1.0"
run llmops -C repo prompt pin support@v1.1.0
commit "pin support v1.1.0"
run llmops -C repo prompt log support --format json
expect_rc 0 "log --format json"
check "newest first: the re-pin" test "$(echo "$out" | json 'd[0]["event"]+" "+d[0]["version"]+" "+d[0]["previous"]')" = "pinned v1.1.0 v1.0.0"
check "then the change" test "$(echo "$out" | json 'd[1]["event"]+" "+d[1]["version"]')" = "changed v1.1.0"
check "then the first pin" test "$(echo "$out" | json 'd[2]["event"]+" "+d[2]["version"]')" = "pinned v1.0.0"
check "the additions last" test "$(echo "$out" | json 'd[-1]["event"]+" "+d[-1]["version"]')" = "added v1.0.0"
run llmops -C repo prompt log support
check "log text" has "$out" "pinned v1.1.0 (was v1.0.0)"
run llmops -C repo prompt log nosuch
expect_rc 2 "log of an unknown prompt"

# --- verbs and help
run llmops prompt
expect_rc 2 "prompt without a verb"
check "lists the verbs" has "$err" "bundle, diff, list, log, new, pin, promote, render, resolve, rollback, show, unpin, verify"
run llmops prompt pinn
expect_rc 2 "a misspelt verb"
check "suggests pin" has "$err" "did you mean 'pin'"
for v in list show new pin unpin verify diff log render; do
	run llmops prompt "$v" --help
	check "prompt $v --help" test "$rc" -eq 0 -a -n "$out"
done

done_testing
