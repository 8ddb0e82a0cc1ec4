#!/usr/bin/env bash
# The binary itself: version, help from the command table, unknown commands,
# global options, exit codes.
. "$(dirname "$0")/lib.sh"

run llmops --version
expect_rc 0 "--version"
check "--version names llmops" has "$out" "llmops 0."
check "--version names the commit it was built from" sh -c \
	"printf '%s\n' \"\$1\" | head -1 | grep -Eq '^llmops [0-9.]+ \(commit ([0-9a-f]{40}(-dirty)?|unknown)\)\$'" _ "$out"
for lib in libcurl SQLite libgit2 cJSON; do
	check "--version names $lib" has "$out" "$lib"
done

run llmops help
expect_rc 0 "help"
for cmd in help init ledger; do
	check "help lists '$cmd' with its summary" grep -qE "^  $cmd +[a-z]" "$TEST_ROOT/.out"
done
check "help names the exit codes" has "$out" "2 usage or input error"

# help CMD and CMD --help print the same usage, on stdout
run llmops help ledger
help_out=$out
expect_rc 0 "help ledger"
run llmops ledger --help
expect_rc 0 "ledger --help"
check "'help ledger' equals 'ledger --help'" test "$help_out" = "$out"
check "usage starts with 'usage: llmops ledger'" has "$out" "usage: llmops ledger create"
run llmops help ledger backup
expect_rc 0 "help ledger backup"
check "verb help shows the verb's synopsis" has "$out" "usage: llmops ledger backup FILE"
run llmops init -h
expect_rc 0 "init -h"
check "init -h shows options" has "$out" "--format FORMAT"

# -h needs no repository and no ledger: nothing is created
mkdir empty && cd empty
run llmops ledger info -h
expect_rc 0 "ledger info -h outside a repository"
check "-h created no ledger" test ! -e .llmops
run llmops --ledger /nonexistent/dir/l.db ledger check --help
expect_rc 0 "-h with an unusable --ledger"
cd ..

run llmops ledgr
expect_rc 2 "unknown command"
check "unknown command suggests the nearest" has "$err" "did you mean 'ledger'?"
check "unknown command names itself" has "$err" "'ledgr' is not an llmops command"
run llmops frobnicate
expect_rc 2 "far-off command"
check "no suggestion when nothing is near" eval '! has "$err" "did you mean"'
run llmops help ledgr
expect_rc 2 "help for an unknown command"
check "help suggests too" has "$err" "did you mean 'ledger'?"

run llmops
expect_rc 2 "no command"
check "no command prints usage on stderr" has "$err" "usage: llmops"
run llmops --frobnicate ledger info
expect_rc 2 "unknown global option"
check "unknown global option is named" has "$err" "unknown option '--frobnicate'"
run llmops --ledgr x ledger info
expect_rc 2 "misspelt global option"
check "misspelt global option suggests" has "$err" "did you mean '--ledger'?"
run llmops --ledger
expect_rc 2 "--ledger without a value"
check "--ledger without a value says so" has "$err" "needs a value"
run llmops -C /nonexistent/dir ledger info
expect_rc 2 "-C to a missing directory"
check "-C names the directory" has "$err" "/nonexistent/dir"
run llmops ledger info --bogus
expect_rc 2 "unknown command option"
check "unknown option hints at --help" has "$err" "llmops ledger info --help"
run llmops ledger info --format yaml
expect_rc 2 "bad --format value"
check "bad choice lists the choices" has "$err" "text, json"
run llmops ledger info extra
expect_rc 2 "unexpected operand"
check "unexpected operand is named" has "$err" "unexpected argument 'extra'"
run llmops ledger
expect_rc 2 "ledger without a verb"
run llmops ledger chek
expect_rc 2 "unknown verb"
check "unknown verb suggests" has "$err" "did you mean 'check'?"

# -C DIR runs as if started there
make_repo proj
run llmops -C proj ledger info --format json
expect_rc 0 "-C DIR"
check "-C put the ledger in DIR" test -f proj/.llmops/ledger.db

# a closed stdout is an error, not a silent success
run sh -c '"$LLMOPS" help >&-'
check "closed stdout fails with a non-zero exit" test "$rc" -ne 0

# a global option after the command says where it goes (issue 31)
run llmops show --no-pager
expect_rc 2 "a global option after the command"
check "it says the option is llmops's own, and where it goes" has "$err" "'--no-pager' is an option of llmops itself, not of 'show': put it before the command ('llmops --no-pager show ...')"
run llmops ledger info --ledger x.db
check "and for an option with a value" has "$err" "('llmops --ledger PATH ledger info ...')"
done_testing
