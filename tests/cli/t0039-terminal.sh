#!/usr/bin/env bash
# Text from outside shown on a terminal (issue 30, finding 4): a model's answer, a case id or an
# error holding escape sequences, CR or C1 controls is printed with them escaped, through the
# pager too; llmops's own colours still work; off a terminal the text is written as it is.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null; then
	echo "# script(1) not installed: a terminal is needed for this test"
	done_testing
	exit 0
fi
make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm init
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm pin
python3 - <<'PY'
import json
json.dump([
    {"id": "title", "input": "x", "expected": "ok",
     "output": "ok \u001b]0;pwned\u0007 \u001b[2J\u001b[8mhidden\u001b[0m \u009b31m \r overwritten"},
    {"id": "clean", "input": "x", "expected": "fine words", "output": "fine words"},
], open("evals/hostile.json", "w"))
PY
llmops eval --dataset evals/hostile.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
tty_run() { script -qec "$*" typescript </dev/null >/dev/null; cat typescript; }
run tty_run "'$LLMOPS' --no-pager show last --case title"
esc=$(printf '\033')
check "the title sequence escaped" has "$out" '\x1b]0;pwned\x07'
check "the clear-screen and hidden text escaped" has "$out" '\x1b[2J\x1b[8mhidden'
check "a C1 CSI escaped" has "$out" '\u009b31m'
check "a carriage return escaped" has "$out" '\x0d overwritten'
check "no raw escape but llmops's own colours" python3 -c '
import re,sys
t = open("typescript", "rb").read()
rest = re.sub(rb"\x1b\[(0|1|31|32|33)m", b"", t)
assert b"\x1b" not in rest and b"\x07" not in rest and b"\xc2\x9b" not in rest, rest[:400]'
run tty_run "'$LLMOPS' --no-pager show last"
check "llmops's own colours are there" has "$out" "${esc}[1mrun "
run tty_run "'$LLMOPS' show last --case title"
check "through the pager the same" has "$out" '\x1b]0;pwned\x07'
# off a terminal: the text as recorded, for scripts
run llmops show last --case title --format json
check "JSON keeps the text exact" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); o=[r for r in d["results"] if r["case"]=="title"][0]["output"]
assert "\x1b]0;pwned\x07" in o and "\u009b" in o, o' "$out"
run llmops show last --case title
check "a pipe gets the bytes" has "$out" "${esc}]0;pwned"
# error messages quote names and text: never a raw control character
run llmops show "$(printf 'no\033]0;x\007such')"
check "an error message escapes what it quotes" has "$err" 'no\x1b]0;x\x07such'
done_testing
