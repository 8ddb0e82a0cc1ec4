#!/usr/bin/env bash
# llmops lint: every rule fires on its fixture and stays quiet on its clean twin;
# formats (text, JSON, SARIF validated against the 2.1.0 schema, GitHub), config,
# inline silencing, --fix, and bad input.
. "$(dirname "$0")/lib.sh"

FIX="${LLMOPS_SOURCE_ROOT:?}/tests/fixtures/lint"
SCHEMA="$LLMOPS_SOURCE_ROOT/tests/fixtures/sarif/sarif-schema-2.1.0.json"

# json EXPR: evaluate EXPR with d = the JSON on stdout
json() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($1)" "$out"; }
rules_found() { json "' '.join(sorted(set(f['rule'] for f in d['findings'])))"; }

git init -q base
(cd base && llmops init >/dev/null && git add -A && git commit -q -m init)
run llmops -C base lint
expect_rc 0 "the scaffolded project lints clean"
check "no findings on the scaffold" test -z "$out"
check "a summary on stderr" has "$err" "9 files checked: 0 errors, 0 warnings"

# project RULE KIND: a fresh copy of base in $TEST_ROOT/p with RULE's KIND (fire or
# clean) fixtures in place, and whatever else the rule needs around them
project() {
	local rule=$1 kind=$2 dest=prompts/t/v1.0.0.txt
	rm -rf p && cp -a base p
	mkdir -p p/prompts/t
	case "$rule.$kind" in
	file-unreadable.fire) printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >p/$dest ;;
	unicode-encoding.fire) printf 'R\xe9ponds en fran\xe7ais.\n<text>\n{{input}}\n</text>\n' >p/$dest ;;
	version-filename.fire) cp "$FIX/$rule.$kind.txt" p/prompts/t/v1.0.txt ;;
	version-latest.*) cp "$FIX/$rule.$kind.json" p/llmops.json ;;
	dataset-*) cp "$FIX/$rule.$kind.json" p/evals/t.json ;;
	tool-schema.*) cp "$FIX/$rule.$kind.json" p/prompts/t/v1.0.0.json ;;
	image-file.*) cp "$FIX/$rule.$kind.json" p/prompts/t/v1.0.0.json
		mkdir -p p/images && cp "$FIX/pixel.png" p/images/ ;;
	*) cp "$FIX/$rule.$kind.txt" p/$dest ;;
	esac
	case "$rule" in
	variable-*) cp "$FIX/$rule.$kind.json" p/evals/t.json ;;
	template-partial) mkdir -p p/prompts/_partials && echo 'Answer briefly.' >p/prompts/_partials/footer.txt ;;
	size-context)
		python3 - p/llmops.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["prices"] = {"tiny-model": {"input": 1, "output": 1, "context_window": 40}}
open(sys.argv[1], "w").write(json.dumps(c, indent=2) + "\n")
PY
		;;
	size-budget)
		python3 - p/llmops.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["lint"]["token_budget"] = {"t": 40, "*": 100000}
open(sys.argv[1], "w").write(json.dumps(c, indent=2) + "\n")
PY
		;;
	model-unapproved) # a list of approved models; the scaffold's prompt on it too
		sed -i 's/^model: gpt-4o-mini$/model: gpt-4o-mini-2024-07-18/' p/prompts/summarize/v1.0.0.txt
		python3 - p/llmops.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["models"] = {"approved": [{"id": "gpt-4o-mini-2024-07-18", "run": "01JAPPROVEDBYTHETEAM000000"}]}
open(sys.argv[1], "w").write(json.dumps(c, indent=2) + "\n")
PY
		;;
	version-duplicate)
		if [ "$kind" = fire ]; then cp p/$dest p/prompts/t/v1.1.0.txt
		else sed 's/Summarise/Summarize/' p/$dest >p/prompts/t/v1.1.0.txt; fi ;;
	version-pinned)
		git -C p add -A && git -C p commit -q -m t
		llmops -C p prompt pin t@v1.0.0 >/dev/null 2>&1
		git -C p add -A && git -C p commit -q -m pin
		[ "$kind" = fire ] && echo 'one more line' >>p/$dest ;;
	esac
}

rules=$(cd "$FIX" && ls -- *.clean.* | sed 's/\.clean\..*//' | sort -u)
for rule in $rules; do
	project "$rule" fire
	run llmops -C p lint --format json
	check "$rule fires on its fixture" has " $(rules_found) " " $rule "
	if [ "$(json "max([0] + [1 for f in d['findings'] if f['severity'] == 'error'])")" = 1 ]; then
		check "$rule: exit 1 with an error finding" test "$rc" = 1
	fi
	project "$rule" clean
	run llmops -C p lint --format json
	check "$rule stays quiet on its clean fixture (found: $(rules_found))" \
		test "$(json "len(d['findings'])")" = 0
	check "$rule: clean exits 0" test "$rc" = 0
done

# --list-rules names every rule with a severity and a summary
run llmops -C base lint --list-rules --format json
expect_rc 0 "--list-rules"
check "every rule has its fixtures" test "$(json "' '.join(sorted(r['id'] for r in d))")" = "$(echo $rules)"
check "each rule has an id, severity and summary" \
	test "$(json "all(r['id'] and r['severity'] in ('error','warning','note') and r['summary'] for r in d)")" = True
run llmops -C base lint --list-rules
check "text --list-rules shows fixable rules" has "$out" "trailing-whitespace   warning  yes"

# the secret rule: one finding per kind, and never the secret itself
project secret fire
run llmops -C p lint
check "12 kinds of secret found" test "$(printf '%s\n' "$out" | grep -c '\[secret\]')" = 12
for s in sk-proj-4fR9 AKIAZ3MSJV4W ghp_Zx8Lk2 xoxb-2048 AIzaSyD3x8 GOCSPX-Zx8 eyJhbGci hf_Zx8Lk2; do
	check "the finding does not print ${s}..." sh -c '! printf "%s" "$1" | grep -qF "$2"' _ "$out$err" "$s"
done
check "findings use path:line:col: severity: message [rule]" \
	sh -c 'printf "%s\n" "$1" | grep -qE "^prompts/t/v1\.0\.0\.txt:3:5: error: AWS access key id \(20 characters\)"' _ "$out"

# positions: column in code points, line of the finding
project unicode-bidi fire
run llmops -C p lint --format json
check "bidi override at line 1, column 16" \
	test "$(json "[(f['line'], f['column']) for f in d['findings'] if f['rule']=='unicode-bidi'][0]")" = "(1, 16)"
project pii-card fire
run llmops -C p lint
check "two card numbers, Visa and American Express" \
	sh -c 'printf "%s" "$1" | grep -q "Visa" && printf "%s" "$1" | grep -q "American Express"' _ "$out"
project injection fire
run llmops -C p lint
check "injection suggests the fix" has "$out" "fence it as <input>{{input}}</input>"

# SARIF 2.1.0: valid against the OASIS schema, with rules and results that agree
project secret fire
run llmops -C p lint --format sarif
expect_rc 1 "SARIF run exits 1 on errors"
check "SARIF validates against sarif-schema-2.1.0.json" python3 - "$SCHEMA" "$out" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.loads(sys.argv[2])
jsonschema.Draft4Validator(schema).validate(log)
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert log["version"] == "2.1.0"
assert run["columnKind"] == "unicodeCodePoints"
assert len(run["results"]) >= 12
for r in run["results"]:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"]["startLine"] >= 1
PY
run llmops -C base lint --format sarif
check "an empty SARIF run validates too" python3 -c '
import json, sys, jsonschema
jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.loads(sys.argv[2]))' "$SCHEMA" "$out"

# GitHub annotations
project trailing-whitespace fire
run llmops -C p lint --format github
check "GitHub annotation" has "$out" "::warning file=prompts/t/v1.0.0.txt,line=1,col=16,title=trailing-whitespace::trailing whitespace"

# severities: config, flags, and an inline comment
project pii-phone fire
python3 - p/llmops.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["lint"]["rules"] = {"pii-phone": "error"}
open(sys.argv[1], "w").write(json.dumps(c) + "\n")
PY
run llmops -C p lint --format json
expect_rc 1 "llmops.json re-grades pii-phone to error"
run llmops -C p lint --disable pii-phone
expect_rc 0 "--disable turns it off"
check "no finding when disabled" test -z "$out"
run llmops -C p lint --enable pii-phone=note
check "--enable RULE=note re-grades it" has "$out" ": note: a telephone number"
project pii-phone fire
printf 'Call +44 20 7946 0958. {{! llmops-disable pii-phone }}\n{{! llmops-disable-next-line pii-email }}\nmail maria.gonzalez@acme-logistics.io\n{{input}}\n' >p/prompts/t/v1.0.0.txt
run llmops -C p lint --disable injection
expect_rc 0 "inline llmops-disable comments silence their line"
check "nothing left after the comments" test -z "$out"
printf 'x {{! llmops-disable no-such-rule }}\n' >p/prompts/t/v1.0.0.txt
run llmops -C p lint
check "an unknown rule in a comment is reported" has "$out" "unknown rule 'no-such-rule'"

# --fix mends whitespace, line endings and final newlines, and nothing else
project line-endings fire
printf 'Summarise this.   \r\n\n<text>\n{{input}}\n</text>' >p/prompts/t/v1.0.0.txt
run llmops -C p lint --fix
expect_rc 0 "--fix leaves nothing to report"
check "--fix reports the file it changed" has "$err" "fixed prompts/t/v1.0.0.txt"
check "the fixed file" test "$(od -c p/prompts/t/v1.0.0.txt | head -3)" = "$(printf 'Summarise this.\n\n<text>\n{{input}}\n</text>\n' | od -c | head -3)"
run llmops -C p lint --fix
check "--fix again changes nothing" sh -c '! printf "%s" "$1" | grep -q fixed' _ "$err"
project version-pinned clean
printf 'trailing   \n' >>p/prompts/t/v1.0.0.txt
git -C p commit -qam 'whitespace in a pinned file'
run llmops -C p lint --fix
check "--fix never touches a pinned version" has "$out" "[trailing-whitespace]"

# bad input: never a crash, a clear message and exit code
run llmops -C base lint no/such/path
expect_rc 2 "a missing path is a usage error"
check "it names the path" has "$err" "cannot lint 'no/such/path'"
run llmops -C base lint --enable no-such-rule
expect_rc 2 "an unknown rule is a usage error"
check "with a suggestion" has "$err" "--list-rules"
run llmops -C base lint --disable secrte
check "typo suggests the rule" has "$err" "did you mean 'secret'"
cp -a base bad && printf '{\n  "lint": {"rules": {"secret": "loud"}}\n}\n' >bad/llmops.json
run llmops -C bad lint
expect_rc 2 "a bad rule setting in llmops.json"
check "named with line and column" has "$err" "llmops.json:2:"
printf '{\n  "lint": \n' >bad/llmops.json
run llmops -C bad lint
expect_rc 2 "malformed llmops.json"
rm -rf bad
project file-unreadable clean
truncate -s 65M p/prompts/t/v1.1.0.txt
mkfifo p/prompts/t/v1.2.0.txt
run llmops -C p lint --format json prompts/t/v1.1.0.txt prompts/t/v1.2.0.txt
expect_rc 1 "a huge file and a FIFO are findings"
check "the huge file is not read" has "$out" "over the 64 MiB"
check "the FIFO is not a regular file" has "$out" "not a regular file"
mkdir -p p/sub && cd p/sub || exit 1
printf 'x  \n' >../prompts/t/v1.3.0.txt
run llmops lint ../prompts/t/v1.3.0.txt
check "paths are shown from the current directory" has "$out" "../prompts/t/v1.3.0.txt:1:2: warning"
cd "$TEST_ROOT" || exit 1
# --dataset checks the project's prompts against it, never the judges' rubrics (issue 30)
run env -C base "$LLMOPS" lint --dataset evals/summarize.json --format json
check "no finding about a rubric" eval '! has "$out" "_judges"'

done_testing
