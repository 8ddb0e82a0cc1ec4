# lib.sh - sourced by every CLI test: a scratch directory, a clean
# environment, helpers to run llmops and check what it did, TAP output.
#
#   run llmops ARGS...     runs it; sets $rc, $out (stdout) and $err (stderr)
#   check "what" CMD...    one TAP test: passes when CMD succeeds
#   expect_rc N "what"     one TAP test on $rc, shows stderr when it fails
#   has "$text" "needle"   true when text contains needle
#   done_testing           prints the plan and exits non-zero on failure

set -u
: "${LLMOPS:?LLMOPS must name the built llmops binary}"

tests_run=0
tests_failed=0
TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/llmops-cli-XXXXXX")
SERVER_PIDS=
stop_servers() {
	local p
	for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SERVER_PIDS; do wait "$p" 2>/dev/null; done
	SERVER_PIDS=
}
trap 'stop_servers; rm -rf "$TEST_ROOT"' EXIT

# nothing from the developer's machine leaks in
export HOME="$TEST_ROOT/home"
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=llmops-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=llmops-test GIT_COMMITTER_EMAIL=test@example.invalid
unset LLMOPS_LEDGER NO_COLOR OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL OLLAMA_HOST
cd "$TEST_ROOT" || exit 1

llmops() { "$LLMOPS" "$@"; }

run() {
	"$@" >"$TEST_ROOT/.out" 2>"$TEST_ROOT/.err"
	rc=$?
	out=$(cat "$TEST_ROOT/.out")
	err=$(cat "$TEST_ROOT/.err")
}

has() {
	case "$1" in *"$2"*) return 0 ;; esac
	return 1
}

check() {
	local what=$1
	shift
	tests_run=$((tests_run + 1))
	if "$@"; then
		echo "ok $tests_run - $what"
	else
		tests_failed=$((tests_failed + 1))
		echo "not ok $tests_run - $what"
		echo "# failed: $*"
		echo "# rc=${rc-} stdout: ${out-}" | head -20 | sed 's/^/# /'
		echo "# stderr: ${err-}" | head -20 | sed 's/^/# /'
	fi
}

expect_rc() {
	check "$2 (exit $1)" test "$rc" -eq "$1"
}

# A git repository with one commit, at $1.
make_repo() {
	git init -q "$1" && git -C "$1" commit -q --allow-empty -m init
}

# make_canary_repo DIR PCT: a scaffolded repository (llmops init) with summarize@v1.0.0
# pinned and v1.1.0 ("two short sentences" where v1.0.0 says "one plain sentence") pinned
# beside it as a canary of PCT% of the traffic, all committed.
make_canary_repo() {
	make_repo "$1"
	(
		cd "$1" || exit 1
		"$LLMOPS" init >/dev/null
		git add -A && git commit -qm init
		"$LLMOPS" prompt pin summarize@v1.0.0 >/dev/null 2>&1
		"$LLMOPS" prompt new summarize >/dev/null 2>&1
		python3 -c 'import sys; p=sys.argv[1]; t=open(p).read(); open(p, "w").write(t.replace("one plain sentence", "two short sentences"))' prompts/summarize/v1.1.0.txt
		git add -A && git commit -qm v1.1.0
		"$LLMOPS" prompt pin summarize@v1.1.0 --canary "$2" >/dev/null 2>&1
		git add -A && git commit -qm canary
	)
}

# start_server [ARGS...]: the test LLM server ($LLM_SERVER) on 127.0.0.1 with
# fault options; sets $PORT and $BASE (http://127.0.0.1:PORT/v1).
start_server() {
	local pf i
	pf=$(mktemp "$TEST_ROOT/.port-XXXXXX")
	rm -f "$pf"
	python3 "$LLM_SERVER" --port-file "$pf" --max-seconds 600 "$@" >/dev/null 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	for i in $(seq 200); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	PORT=$(cat "$pf")
	BASE="http://127.0.0.1:$PORT/v1"
}

# server_stat KEY: a count from the server's /_stats (api_requests, requests, ...)
server_stat() {
	python3 -c 'import json,sys,urllib.request
print(json.load(urllib.request.urlopen("http://127.0.0.1:%s/_stats" % sys.argv[1]))[sys.argv[2]])' "$PORT" "$1"
}

# sql QUERY: run a query on the ledger ($LEDGER, default .llmops/ledger.db); prints rows
sql() {
	python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join("" if x is None else str(x) for x in r))' "${LEDGER:-.llmops/ledger.db}" "$1"
}

# wait_results RUNS N: wait (60 s at most) until the ledger holds more than RUNS
# runs and the newest has at least N results: a condition, not a fixed sleep
wait_results() {
	python3 - "${LEDGER:-.llmops/ledger.db}" "$1" "$2" <<'PY'
import sqlite3, sys, time
end = time.time() + 60
while time.time() < end:
    try:
        db = sqlite3.connect(sys.argv[1], timeout=5)
        runs = db.execute("select count(*) from runs").fetchone()[0]
        n = db.execute("select count(*) from results where run_id ="
                       " (select id from runs order by id desc limit 1)").fetchone()[0]
        db.close()
        if runs > int(sys.argv[2]) and n >= int(sys.argv[3]):
            sys.exit(0)
    except sqlite3.Error:
        pass
    time.sleep(0.02)
sys.exit(1)
PY
}

done_testing() {
	echo "1..$tests_run"
	[ "$tests_failed" -eq 0 ]
	exit $?
}
