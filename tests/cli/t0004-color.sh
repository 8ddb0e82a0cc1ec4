#!/usr/bin/env bash
# Colour only on a terminal, never with NO_COLOR or --no-color.
. "$(dirname "$0")/lib.sh"

esc=$(printf '\033')
run llmops --ledger l.db ledger create
run llmops --ledger l.db ledger check
check "no colour when stdout is not a terminal" eval '! has "$out" "$esc"'

if command -v script >/dev/null; then
	tty_run() { script -qec "$*" /dev/null </dev/null; }
	out=$(tty_run "'$LLMOPS' --ledger l.db ledger check")
	check "colour on a terminal" has "$out" "$esc["
	out=$(NO_COLOR=1 tty_run "'$LLMOPS' --ledger l.db ledger check")
	check "no colour with NO_COLOR" eval '! has "$out" "$esc"'
	out=$(tty_run "'$LLMOPS' --no-color --ledger l.db ledger check")
	check "no colour with --no-color" eval '! has "$out" "$esc"'
	out=$(NO_COLOR= tty_run "'$LLMOPS' --ledger l.db ledger check")
	check "an empty NO_COLOR does not count" has "$out" "$esc["
else
	echo "# script(1) not installed: terminal checks skipped"
fi

done_testing
