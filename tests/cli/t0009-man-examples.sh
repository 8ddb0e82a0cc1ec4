#!/usr/bin/env bash
# Every "$ llmops ..." line in the EXAMPLES of every man page runs, in order,
# in a fresh git repository, and exits 0; every command in the table has a page.
# "$ git ..." lines are the workflow between them (commit, then pin) and run too.
. "$(dirname "$0")/lib.sh"

man_dir="${LLMOPS_SOURCE_ROOT:?}/man"
for page in "$man_dir"/llmops*.1; do
	name=$(basename "$page" .1)
	make_repo "$name"
	check "$name: the page renders without warnings" sh -c \
		"! command -v groff >/dev/null || [ -z \"\$(groff -man -Tutf8 -ww -z '$page' 2>&1)\" ]"
	examples=$(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$page" | grep -E '^\$ (llmops|git) ' |
		sed -e 's/^\$ //' -e 's/\\-/-/g' -e 's/\\e/\\/g')
	check "$name has examples" test -n "$examples"
	# mandoc's linter (warnings and worse), and no request run into the end of
	# a line ("(1)..TP" hid two commands from llmops(1))
	check "$name: mandoc -T lint" sh -c \
		"! command -v mandoc >/dev/null || mandoc -T lint -W warning '$page'"
	check "$name: no request in the middle of a line" sh -c \
		"! grep -nE '[^.\\\\]\\.\\.?(TP|PP|SH|SS|IP|B|BR|I|RS|RE|nf|fi)\$' '$page'"
	while IFS= read -r args; do
		[ -n "$args" ] || continue
		# word splitting is intended: examples are plain words
		# shellcheck disable=SC2086
		case "$args" in
		git\ *) run git -C "$name" ${args#git } ;;
		*) run llmops -C "$name" ${args#llmops } ;;
		esac
		expect_rc 0 "$name example: $args"
	done <<<"$examples"
done

for cmd in $("$LLMOPS" help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'); do
	[ "$cmd" = help ] && continue
	check "command '$cmd' has a man page" test -f "$man_dir/llmops-$cmd.1"
	# and an entry of its own in llmops(1)'s COMMANDS: ".TP" then ".B cmd"
	check "llmops(1) lists '$cmd' under COMMANDS" sh -c \
		"sed -n '/^\\.SH COMMANDS/,/^\\.SH /p' '$man_dir/llmops.1' | grep -A1 -x '\\.TP' | grep -qx '\\.B $cmd'"
done

done_testing
