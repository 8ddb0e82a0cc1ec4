#!/usr/bin/env bash
# llmops init --ci github|gitlab (issue 22): the merge gate as a pipeline.  Both files are
# valid YAML, and every command in them runs, in order, against a local repository whose
# remote is a bare repository (tests/cli/run_ci.py plays the CI service): on the default
# branch (shards, merge, report, ledger push) and then in a pull request (verify and cost
# against main, each shard compared with main's pushed run).
. "$(dirname "$0")/lib.sh"

start_server
# the pipelines call llmops by name: the binary under test
mkdir -p bin && ln -sf "$LLMOPS" bin/llmops
export PATH="$TEST_ROOT/bin:$PATH"
export OPENAI_BASE_URL=$BASE OPENAI_API_KEY=sk-test-not-a-real-key-0000
unset BASE
git init -q --bare -b main remote.git
git clone -q remote.git work 2>/dev/null
cd work || exit 1
git commit -q --allow-empty -m init && git branch -M main
run llmops init --ci github
expect_rc 0 "init --ci github"
check "writes the workflow" has "$out" "created .github/workflows/llmops.yml"
check "and the action that installs llmops" has "$out" "created .github/actions/install-llmops/action.yml"
run llmops init --ci gitlab
check "init --ci gitlab writes .gitlab-ci.yml beside it" has "$out" "created .gitlab-ci.yml"
run llmops init --ci github
check "never over an existing one" has "$out" "kept    .github/workflows/llmops.yml"
run llmops init --ci jenkins
expect_rc 2 "an unknown CI"
check "both are valid YAML with their jobs" python3 -c '
import yaml
g = yaml.safe_load(open(".github/workflows/llmops.yml")); l = yaml.safe_load(open(".gitlab-ci.yml"))
a = yaml.safe_load(open(".github/actions/install-llmops/action.yml"))
assert a["runs"]["using"] == "composite" and any("meson install" in s.get("run", "") for s in a["runs"]["steps"])
assert all(s.get("uses") == "./.github/actions/install-llmops" for j in g["jobs"].values() for s in j["steps"] if s.get("id") == "install")
assert list(g["jobs"]) == ["llmops", "check", "eval", "merge"] and g["jobs"]["eval"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
assert all(j.get("needs") for n, j in g["jobs"].items() if n != "llmops")
assert l["stages"] == ["build", "check", "eval", "report"] and l["eval"]["parallel"] == 4
# pinned to the commit that wrote them, in one place each; the SARIF upload never fails the job
ref = g["env"]["LLMOPS_REF"]
assert ref == l["variables"]["LLMOPS_REF"] and (len(ref) == 40 or ref.startswith("v")), ref
assert open(".github/workflows/llmops.yml").read().count(ref) == 1 and open(".gitlab-ci.yml").read().count(ref) == 1
up = [s for s in g["jobs"]["check"]["steps"] if "upload-sarif" in s.get("uses", "")][0]
assert up["continue-on-error"] is True'
# the test server answers its own way: the gate is about regressions here, not the pass rate
python3 -c 'import json; c=json.load(open("llmops.json")); c["eval"]["min_pass_rate"]=0; json.dump(c, open("llmops.json","w"), indent=2)'
# a second dataset: every dataset's merged run is reported, not only the newest
python3 -c 'import json; d=json.load(open("evals/summarize.json"))
for c in d: c["id"] = "other-" + c["id"]
json.dump(d, open("evals/other.json","w"), indent=2)'
git add -A && git commit -qm "llmops and its pipelines"
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm "pin summarize@v1.0.0" && git push -q origin main

runci() { python3 "$LLMOPS_SOURCE_ROOT/tests/cli/run_ci.py" "$@" >ci.log 2>&1; echo $?; }
rc=$(runci github .github/workflows/llmops.yml push)
check "github, default branch: every job passes" test "$rc" = 0
check "the checks ran" grep -q "job check / Cost against the target branch: ok" ci.log
check "four shards" test "$(grep -c '^job eval\[[1-4]\] / Evaluate shard .*: ok' ci.log)" = 4
check "merged and reported: summarize" test -s llmops-report-summarize.html
check "and the other dataset" test -s llmops-report-other.html
check "each dataset's failures in the job summary" test "$(grep -c '^run [0-9A-Z]* ' ci.log)" = 2
check "the merged run was pushed" test "$(git -C ../remote.git for-each-ref refs/llmops/runs/ | wc -l)" -ge 1
check "one run from four shards" python3 -c '
import json, subprocess, sys
runs = json.loads(subprocess.run([sys.argv[1], "runs", "--format", "json"], capture_output=True, text=True).stdout)
evals = sorted((r for r in runs if r["kind"] == "eval"), key=lambda r: r["cases"])
assert [r["cases"] for r in evals] == [len(json.load(open("evals/summarize.json")))] * 2, runs' "$LLMOPS"
rm -f shard-*.db llmops-report-*.html

export CI_SERVER_URL="file://$TEST_ROOT" CI_PROJECT_PATH=remote
rc=$(runci gitlab .gitlab-ci.yml push)
check "gitlab, default branch: every job passes" test "$rc" = 0
check "gitlab: four parallel shards" test "$(grep -c '^job eval [1-4]/4: ok' ci.log)" = 4
check "gitlab: the runs pushed to the project's URL" grep -q "pushed .* to file://" ci.log
check "gitlab: a report per dataset" test -s llmops-report-other.html -a -s llmops-report-summarize.html
rm -f shard-*.db llmops-report-*.html

# a pull request: a new version pinned; everything compared with main
git checkout -q -b feature
llmops prompt new summarize >/dev/null 2>&1
echo "Prefer plain words." >>prompts/summarize/v1.1.0.txt
git add -A && git commit -qm v1.1.0
llmops prompt pin summarize@v1.1.0 >/dev/null 2>&1
git add -A && git commit -qm "pin v1.1.0"
rm -rf .llmops
rc=$(runci github .github/workflows/llmops.yml pr)
check "github, pull request: every job passes" test "$rc" = 0
check "each shard compared with main's pushed run" test "$(grep -c 'against the baseline origin/main: run ' ci.log)" -ge 4
check "cost against main in the job summary" grep -q '^| `summarize` | v1.0.0 → v1.1.0 |' ci.log
check "no push from a pull request" eval '! grep -q "Keep the runs with the repository" ci.log'
rm -f shard-*.db
rc=$(runci gitlab .gitlab-ci.yml pr)
check "gitlab, merge request: every job passes" test "$rc" = 0
check "gitlab: compared with main too" test "$(grep -c 'against the baseline origin/main: run ' ci.log)" -ge 4
done_testing
