#!/usr/bin/env bash
# llmops ledger info / check / backup, and the ledger's location and refusals.
. "$(dirname "$0")/lib.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

make_repo repo
mkdir -p repo/sub/dir
cd repo/sub/dir
run llmops ledger info
expect_rc 0 "ledger info in a subdirectory"
check "ledger created at the repository root" test -f "$TEST_ROOT/repo/.llmops/ledger.db"
check "info shows the schema version" has "$out" "schema version: 8"
check "info shows rows per table" has "$out" "results: 0"
run llmops ledger info --format json
expect_rc 0 "ledger info --format json"
check "json: journal mode is wal" test "$(echo "$out" | json 'd["journal_mode"]')" = wal
check "json: seven tables" test "$(echo "$out" | json 'len(d["rows"])')" = 7
check "json: path" test "$(echo "$out" | json 'd["path"]')" = "$TEST_ROOT/repo/.llmops/ledger.db"
cd "$TEST_ROOT"

# outside a repository: the current directory
mkdir plain
run llmops -C plain ledger info
expect_rc 0 "ledger info outside a repository"
check "ledger in the current directory" test -f plain/.llmops/ledger.db

# --ledger and LLMOPS_LEDGER, flag first
run llmops --ledger "$TEST_ROOT/flag.db" ledger create
expect_rc 0 "--ledger PATH"
check "--ledger file made" test -f flag.db
run env LLMOPS_LEDGER="$TEST_ROOT/env.db" "$LLMOPS" ledger create
check "LLMOPS_LEDGER file made" test -f env.db
run env LLMOPS_LEDGER="$TEST_ROOT/env2.db" "$LLMOPS" --ledger="$TEST_ROOT/flag2.db" ledger create
check "--ledger wins over LLMOPS_LEDGER" test -f flag2.db -a ! -e env2.db
run llmops --ledger "$TEST_ROOT/flag.db" ledger create
expect_rc 0 "create keeps a ledger that exists"

# a mistyped --ledger is an error, not a new empty ledger (issue 17)
for cmd in "ledger info" "ledger check" "ledger backup copy-of-none.db" "runs" "show last" \
	"stats" "review list" "review accept 1" "export --format jsonl" "report"; do
	# shellcheck disable=SC2086
	run llmops --ledger none.db $cmd
	expect_rc 3 "$cmd on a mistyped --ledger"
	check "$cmd says there is none" has "$err" "no ledger at 'none.db'"
	check "$cmd made nothing" test ! -e none.db -a ! -e copy-of-none.db
done
run env LLMOPS_LEDGER=none.db "$LLMOPS" runs
expect_rc 3 "a mistyped LLMOPS_LEDGER too"

run llmops --ledger flag.db ledger check
expect_rc 0 "check on a sound ledger"
check "check says ok" has "$out" "flag.db: ok"

# backup: a consistent copy that never overwrites
run llmops --ledger flag.db ledger backup copy.db
expect_rc 0 "backup"
check "backup is a ledger" sh -c '"$LLMOPS" --ledger copy.db ledger check >/dev/null'
echo precious >keep.db
run llmops --ledger flag.db ledger backup keep.db
expect_rc 2 "backup onto an existing file"
check "existing file untouched" test "$(cat keep.db)" = precious
check "backup refusal says why" has "$err" "never overwrites"
run llmops --ledger flag.db ledger backup
expect_rc 2 "backup without FILE"
run llmops --ledger flag.db ledger backup /nonexistent/dir/b.db
expect_rc 3 "backup into a missing directory"

# backup while another process writes
# (the writer says when its table exists, and writes until told to stop)
python3 - "$TEST_ROOT/busy.db" "$TEST_ROOT/busy.ready" "$TEST_ROOT/busy.stop" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS filler (x)")
open(sys.argv[2], "w").close()
end = time.time() + 60  # a bound, should the test die before it says stop
while not os.path.exists(sys.argv[3]) and time.time() < end:
    db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO filler VALUES (randomblob(512))"); db.execute("COMMIT")
PY
writer=$!
while [ ! -e "$TEST_ROOT/busy.ready" ] && kill -0 "$writer" 2>/dev/null; do sleep 0.01; done
# busy.db is not a ledger (foreign table): refused, not written into
run llmops --ledger busy.db ledger backup busy-copy.db
expect_rc 3 "a foreign SQLite database is refused"
check "refusal names it" has "$err" "not an llmops ledger"
touch "$TEST_ROOT/busy.stop"
wait $writer
python3 - "$TEST_ROOT/live.db" "$LLMOPS" <<'PY'
import sqlite3, subprocess, sys, time
path, exe = sys.argv[1], sys.argv[2]
subprocess.run([exe, "--ledger", path, "ledger", "create"], check=True, capture_output=True)
db = sqlite3.connect(path, timeout=30, isolation_level=None)
db.execute("INSERT INTO runs (id, kind, started_at, llmops_version) VALUES ('01JAAAAAAAAAAAAAAAAAAAAAAA', 'eval', 'now', 'x')")
p = subprocess.Popen([exe, "--ledger", path, "ledger", "backup", path + ".bak"], stdout=subprocess.DEVNULL)
n = 0
while p.poll() is None or n < 200:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO results (run_id, case_id, created_at) VALUES ('01JAAAAAAAAAAAAAAAAAAAAAAA', ?, 'now')", ("c%d" % n,))
    db.execute("COMMIT")
    n += 1
sys.exit(p.wait())
PY
rc=$?
expect_rc 0 "backup while another process writes"
run llmops --ledger live.db.bak ledger check
expect_rc 0 "the backup taken under writes is sound"

# what is not a ledger is reported and left alone
printf 'my notes\n' >notes.txt
run llmops --ledger notes.txt ledger info
expect_rc 3 "a text file at the ledger path"
check "says it is not an SQLite database" has "$err" "not an SQLite database"
check "the text file is untouched" test "$(cat notes.txt)" = "my notes"
check "one line on stderr" test "$(printf '%s\n' "$err" | wc -l)" -eq 1

cp flag.db newer.db
python3 -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute('PRAGMA user_version=9'); d.commit()" newer.db
run llmops --ledger newer.db ledger info
expect_rc 3 "a ledger with a newer schema"
check "names both versions" has "$err" "schema version 9, newer than the 8"
check "still version 9" test "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA user_version').fetchone()[0])" newer.db)" = 9

run llmops --ledger /nonexistent/dir/l.db ledger info
expect_rc 3 "a ledger path whose directory is missing"
check "the error names the path" has "$err" "/nonexistent/dir/l.db"
mkdir ro && chmod 0500 ro
if [ "$(id -u)" != 0 ]; then
	run llmops --ledger ro/l.db ledger info
	expect_rc 3 "an unwritable ledger directory"
fi

# damage found by check: exit 1
python3 -c "
import sqlite3,sys
d=sqlite3.connect(sys.argv[1]); d.execute('PRAGMA foreign_keys=OFF')
d.execute(\"INSERT INTO results (run_id, case_id, created_at) VALUES ('GONE', 'x', 'now')\"); d.commit()" flag.db
run llmops --ledger flag.db ledger check
expect_rc 1 "check finds damage"
check "check lists the problem" has "$out" "refers to a missing row of runs"
run llmops --ledger flag.db ledger check --format json
check "json: status damaged" test "$(echo "$out" | json 'd["status"]')" = damaged
run llmops --ledger "" runs
expect_rc 2 "--ledger '' is no path, not the default ledger"
check "says so" has "$err" "--ledger: an empty path"

done_testing
