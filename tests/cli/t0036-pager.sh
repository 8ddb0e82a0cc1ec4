#!/usr/bin/env bash
# Long outputs through a pager on a terminal (issue 22), as git does: $LLMOPS_PAGER, $PAGER,
# less with LESS=FRX unless LESS is set; never with --no-pager, PAGER=cat or off a terminal.
# report --open: the report handed to the platform's opener ($LLMOPS_OPENER here).
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null; then
	echo "# script(1) not installed: the pager needs a terminal to test"
	done_testing
	exit 0
fi
make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm init
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
llmops prompt new summarize >/dev/null 2>&1
echo "Keep it short." >>prompts/summarize/v1.1.0.txt
git add -A && git commit -qm v1.1.0
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1

# a pager that records what it was given and with which LESS
cat >pager.sh <<'EOF2'
#!/bin/sh
{ echo "LESS=$LESS"; cat; } >"$PAGED"
EOF2
chmod +x pager.sh
export PAGED=$PWD/paged.out
tty_run() { rm -f "$PAGED"; script -qec "$*" /dev/null </dev/null >/dev/null; }

PAGER=./pager.sh tty_run "'$LLMOPS' show last"
check "show goes through the pager on a terminal" grep -q "run 0" "$PAGED"
check "with LESS=FRX" grep -qx "LESS=FRX" "$PAGED"
LESS=-S PAGER=./pager.sh tty_run "'$LLMOPS' prompt log summarize"
check "prompt log too, and the user's LESS is kept" grep -qx "LESS=-S" "$PAGED"
check "the log is in it" grep -q "pinned v1.0.0" "$PAGED"
LLMOPS_PAGER=./pager.sh PAGER=false tty_run "'$LLMOPS' prompt diff summarize@v1.0.0..v1.1.0"
check "prompt diff through LLMOPS_PAGER before PAGER" grep -q "+++ " "$PAGED"
llmops eval --dataset evals/summarize.json --provider replay --min-pass-rate 0 >/dev/null 2>&1
PAGER=./pager.sh tty_run "'$LLMOPS' diff last~1 last"
check "diff too" grep -q "paired " "$PAGED"
PAGER=./pager.sh tty_run "'$LLMOPS' --no-pager show last"
check "not with --no-pager" test ! -e "$PAGED"
PAGER=cat tty_run "'$LLMOPS' show last"
check "not with PAGER=cat" test ! -e "$PAGED"
rm -f "$PAGED"
PAGER=./pager.sh llmops show last >/dev/null
check "not when stdout is not a terminal" test ! -e "$PAGED"
PAGER=./pager.sh tty_run "'$LLMOPS' show last --format json"
check "not for JSON" test ! -e "$PAGED"

printf '#!/bin/sh\necho "$1" >"$OPENED"\n' >opener.sh
chmod +x opener.sh
export OPENED=$PWD/opened.out LLMOPS_OPENER=./opener.sh
run llmops report --open
expect_rc 0 "report --open"
check "the opener got a temporary HTML file" python3 -c '
import sys; p=open(sys.argv[1]).read().strip(); assert p.endswith(".html") and "llmops-report-" in p, p
assert "<html" in open(p).read()' "$OPENED"
check "nothing on stdout" test -z "$out"
run llmops report -o r.md --open
check "with -o, that file" test "$(cat "$OPENED")" = "r.md"
LLMOPS_OPENER=/nonexistent/opener run llmops report --open
expect_rc 3 "an opener that is not there"
check "says where the report is" has "$err" "could not open"
done_testing
