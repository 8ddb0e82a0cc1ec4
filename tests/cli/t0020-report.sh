#!/usr/bin/env bash
# llmops report over runs made against the test server: the HTML page opened
# in headless Chromium (renders, runs its filter script, no console errors,
# nothing fetched, a screenshot), --vs, CSV, JUnit, Markdown; bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
start_server --latency-ms 2
cases() {
	python3 - "$@" <<'EOF2'
import json, sys
wrong = set(sys.argv[2:])
json.dump([{"id": "c%02d" % i,
            "input": "REPLY: %s" % ("nope <b>&amp;</b> \"quoted\"" if "c%02d" % i in wrong
                                    else "the answer is %d" % i),
            "expected": "the answer is %d" % i} for i in range(40)], open(sys.argv[1], "w"))
EOF2
}
ev() { llmops eval --provider openai:gpt-4o-mini --base-url "$BASE" --min-pass-rate 0 "$@"; }
cases a.json c01
ev --dataset a.json >/dev/null
A=$(sql "select id from runs order by id desc limit 1")
cases a.json c02 c03 c04
ev --dataset a.json >/dev/null
B=$(sql "select id from runs order by id desc limit 1")

run llmops report -o report.html
expect_rc 0 "report -o report.html"
check "says what it wrote" has "$err" "wrote report.html (html, 40 cases)"
check "self-contained: nothing to fetch" python3 - <<'EOF2'
import re
h = open("report.html").read()
assert not re.search(r'(src|href)\s*=\s*"?(https?:)?//', h), "an external reference"
assert "<script src" not in h and "<link" not in h
assert "default-src 'none'" in h
assert h.count("<svg") == 3
EOF2
check "the case text is escaped" has "$(cat report.html)" "nope &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;quoted&quot;"
check "why a case failed, in the table and the filter's data" python3 - <<'EOF2'
import json, re
h = open("report.html").read()
assert "<th>why<th>expected<th>actual" in h
rows = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', h, re.S).group(1))
bad = [r for r in rows if r[1] == "f"]
assert len(bad) == 3 and all(" < " in r[6] for r in bad), bad
assert all(r[6] == "" for r in rows if r[1] == "p")
EOF2
run timeout 120 chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
	--virtual-time-budget=2000 --dump-dom "file://$PWD/report.html"
check "chromium renders it" has "$out" "Cases (40)"
check "its filter script ran" has "$out" "40 shown"
check "no console errors" sh -c "! printf '%s' \"\$0\" | grep -q ':CONSOLE'" "$err"
run timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1280,2000 \
	--screenshot="$PWD/report.png" "file://$PWD/report.html"
check "a screenshot" test -s report.png
check "it is a PNG" sh -c 'head -c 8 report.png | od -An -tx1 | grep -q "89 50 4e 47"'

run llmops report "$B" --vs "$A" -o vs.html
expect_rc 0 "report --vs"
check "the comparison" has "$(cat vs.html)" "3 newly failing"
check "McNemar p" has "$(cat vs.html)" "exact McNemar p = 0.625"
run timeout 120 chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
	--virtual-time-budget=2000 --dump-dom "file://$PWD/vs.html"
check "the comparison renders" has "$out" "Newly failing (3)"
check "no console errors there either" sh -c "! printf '%s' \"\$0\" | grep -q ':CONSOLE'" "$err"

run llmops report "$B" -o report.csv
expect_rc 0 "csv"
check "one row per case" python3 -c '
import csv; r=list(csv.DictReader(open("report.csv", newline=""))); assert len(r)==40
assert sum(1 for x in r if x["outcome"]=="fail")==3'
run llmops report "$B" -o report.xml
expect_rc 0 "junit"
check "well-formed JUnit with 3 failures" python3 -c '
import xml.etree.ElementTree as E; s=E.parse("report.xml").getroot().find("testsuite")
assert s.get("tests")=="40" and s.get("failures")=="3" and len(s.findall("testcase/failure"))==3'
run llmops report "$B" --vs "$A" --format markdown
expect_rc 0 "markdown to stdout"
check "summary and comparison" has "$out" "3 newly failing, 1 newly passing"
check "failing cases listed" has "$out" "| c03 |"

run llmops report -o /nonexistent/dir/report.html
expect_rc 3 "an unwritable path"
check "names it" has "$err" "/nonexistent/dir/report.html"
run llmops report -o report.pdf
expect_rc 2 "an unknown extension"
run llmops report 01ZZZZZZZZ
expect_rc 2 "an unknown run"
run llmops report --vs last~99
expect_rc 2 "an unknown --vs"
# a report holds what the ledger holds: as private as it (issue 30, finding 10)
run llmops report -o private.html
expect_rc 0 "a report to a file"
check "made 0600, as the ledger is" test "$(stat -c %a private.html)" = 600
chmod 644 private.html
run llmops report -o private.html
check "a file there already keeps its mode" test "$(stat -c %a private.html)" = 644
run llmops export --format jsonl -o export.jsonl
check "an export too" test "$(stat -c %a export.jsonl)" = 600

done_testing
