#!/usr/bin/env bash
# eval --shard I/N in N "jobs" with a ledger each, then ledger merge: one run
# again, no duplicates however often the files are merged; bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
start_server --latency-ms 1
python3 - <<'EOF2'
import json
json.dump([{"id": "c%02d" % i, "input": "REPLY: the answer is %d" % i,
            "expected": "the answer is %d" % (i if i % 10 else 99)} for i in range(31)],
          open("cases.json", "w"))
EOF2
ev() { llmops "$@" --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0; }

for i in 1 2 3; do
	run ev --ledger "s$i.db" eval --dataset cases.json --shard "$i/3" --format json
	expect_rc 0 "shard $i/3"
done
check "slices of 10, 10 and 11 cases" test \
	"$(for i in 1 2 3; do LEDGER=s$i.db sql 'select count(*) from results'; done | tr '\n' ' ')" = "10 10 11 "
check "contiguous and disjoint" test "$(LEDGER=s2.db sql 'select min(case_id), max(case_id) from results')" = "c10|c19"
check "every request sent once" test "$(server_stat api_requests)" = 31
S2=$(LEDGER=s2.db sql "select id from runs")

run llmops ledger merge s1.db s2.db s3.db --format json
expect_rc 0 "merge three shard ledgers"
check "three runs in, two folded, 31 results" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert (d["runs_added"], d["shard_runs_folded"], d["results_added"]) == (3, 2, 31), d' "$out"
check "one run left" test "$(sql 'select count(*) from runs')" = 1
check "with every case once" test "$(sql 'select count(*), count(distinct case_id) from results')" = "31|31"
check "its totals recomputed" test "$(sql 'select cases, passed, failed from runs')" = "31|27|4"
check "its figures too" test "$(sql 'select requests from runs')" = 31
check "the shard record says complete" test \
	"$(sql "select json_extract(params, '\$.shard.complete'), json_extract(params, '\$.shard.merged') from runs")" = "1|[1,2,3]"
run llmops show "$S2"
expect_rc 0 "a folded shard's id still names the run"
check "shown with all 31 cases" has "$out" "cases     31:"
run llmops ledger merge s1.db s2.db s3.db --format json
expect_rc 0 "merging again"
check "adds nothing" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert (d["runs_added"], d["results_added"], d["shard_runs_folded"]) == (0, 0, 0), d' "$out"
check "still 31 results" test "$(sql 'select count(*) from results')" = 31

# a partial merge: two shards of another evaluation
for i in 1 2; do run ev --ledger "t$i.db" eval --dataset cases.json --shard "$i/4" --no-cache; done
run llmops ledger merge t1.db t2.db
expect_rc 0 "two of four shards"
check "marked incomplete" test \
	"$(sql "select json_extract(params, '\$.shard.complete') from runs order by id desc limit 1")" = 0
check "the source files are untouched" test "$(LEDGER=t1.db sql 'select count(*) from runs')" = 1

# an ordinary ledger merges too
run ev --ledger plain.db eval --dataset cases.json
run llmops ledger merge plain.db
expect_rc 0 "an unsharded ledger"
check "its run is there" test "$(sql 'select count(*) from runs')" = 3
check "with what the evaluation decided" test "$(sql "select count(*) from runs where outcome is not null and kind = 'eval' and id not in (select id from runs where params like '%shard%')")" = 1

# a ledger of schema 6 (before runs kept their outcome) merges too
run ev --ledger six.db eval --dataset cases.json
python3 -c 'import sqlite3; d=sqlite3.connect("six.db"); d.execute("ALTER TABLE runs DROP COLUMN outcome"); d.execute("DROP TABLE feedback"); d.execute("ALTER TABLE results DROP COLUMN tiers"); d.execute("PRAGMA user_version=6"); d.commit()'
run llmops ledger merge six.db
expect_rc 0 "a schema 6 ledger"
check "its run is there, with no outcome" test "$(sql 'select count(*) from runs where outcome is null')" -ge 2

# --------------------------------------------------------------- bad input
run ev eval --dataset cases.json --shard 4/3
expect_rc 2 "--shard beyond N"
check "says the form" has "$err" "is not I/N"
run ev eval --dataset cases.json --shard 0/2
expect_rc 2 "--shard 0"
run ev eval --dataset cases.json --shard half
expect_rc 2 "--shard not a fraction"
run llmops ledger merge missing.db
expect_rc 2 "a missing file"
echo "not a ledger" >text.db
run llmops ledger merge text.db
expect_rc 3 "a text file"
check "says so" has "$err" "not an llmops ledger"
python3 -c 'import sqlite3; d=sqlite3.connect("other.db"); d.execute("create table t(x)"); d.commit()'
run llmops ledger merge other.db
expect_rc 3 "another application's database"
cp s1.db newer.db
python3 -c 'import sqlite3; d=sqlite3.connect("newer.db"); d.execute("PRAGMA user_version=10"); d.commit()'
run llmops ledger merge newer.db
expect_rc 3 "a newer schema"
check "names the versions" has "$err" "schema version 10"
run llmops ledger merge
expect_rc 2 "no file"

done_testing
