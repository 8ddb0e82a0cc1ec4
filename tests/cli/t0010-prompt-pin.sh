#!/usr/bin/env bash
# llmops prompt list/show/new/pin/unpin/verify over real git repositories.
. "$(dirname "$0")/lib.sh"

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

commit() { git -C repo add -A && git -C repo commit -q -m "$1"; }

git init -q repo
mkdir -p repo/prompts/summarize repo/prompts/team/classify
printf -- '---\nmodel: gpt-4o-mini\ntemperature: 0.2\nowner: search\n---\nSummarize: {{input}}\n' \
	>repo/prompts/summarize/v1.0.0.txt
printf 'Classify {{text}} into {{#labels}}{{.}}, {{/labels}}\n' >repo/prompts/team/classify/v1.0.0.txt
cp repo/prompts/team/classify/v1.0.0.txt repo/prompts/team/classify/v1.10.0.txt
printf 'Classify v1.2 {{text}}\n' >repo/prompts/team/classify/v1.2.0.txt

# --- an unborn branch: nothing committed yet
run llmops -C repo prompt list
expect_rc 0 "list on an unborn branch"
check "unborn: files are untracked" has "$out" "v1.0.0 (untracked)"
run llmops -C repo prompt show summarize@v1.0.0
expect_rc 2 "show on an unborn branch"
check "unborn: says there are no commits" has "$err" "no commits yet on branch"
run llmops -C repo prompt pin summarize@v1.0.0
expect_rc 1 "pin on an unborn branch refuses"
check "unborn pin says why" has "$err" "not committed"
check "no lock written" test ! -e repo/prompts.lock

commit "prompts"

# --- list
run llmops -C repo prompt list
expect_rc 0 "list"
check "families listed" has "$out" "team/classify"
check "versions are semver-sorted (v1.2.0 before v1.10.0)" has "$out" "v1.0.0 v1.2.0 v1.10.0"
run llmops -C repo prompt list --format json
check "list json: state committed" test "$(echo "$out" | json 'd["prompts"][0]["versions"][0]["state"]')" = committed
check "list json: blob ids" test "$(echo "$out" | json 'len(d["prompts"][0]["versions"][0]["blob"])')" = 40

# --- show reads git objects, not the work tree
echo "uncommitted edit" >>repo/prompts/summarize/v1.0.0.txt
run llmops -C repo prompt show summarize@v1.0.0
expect_rc 0 "show NAME@VERSION"
check "show prints the committed body" test "$out" = "Summarize: {{input}}"
check "show ignores the work tree" test "$(has "$out" "uncommitted" && echo y)" != y
run llmops -C repo prompt show summarize@v1.0.0 --raw
check "--raw includes front matter" has "$out" "model: gpt-4o-mini"
run llmops -C repo prompt show summarize@v1.0.0 --format json
check "show json has meta" test "$(echo "$out" | json 'd["meta"]["temperature"]')" = 0.2
check "show json has variables" test "$(echo "$out" | json 'd["variables"]')" = "['input']"
run llmops -C repo prompt list
check "list shows the modified state" has "$out" "v1.0.0 (modified)"

# --- pin refuses a modified file, then works once clean
run llmops -C repo prompt pin summarize@v1.0.0
expect_rc 1 "pin refuses a modified file"
check "pin says modified" has "$err" "is modified"
git -C repo checkout -q -- prompts
run llmops -C repo prompt pin summarize@v1.0.0
expect_rc 0 "pin NAME@VERSION"
check "lock written" test -f repo/prompts.lock
check "lock records the blob git has" test "$(python3 -c 'import json; print(json.load(open("repo/prompts.lock"))["prompts"]["summarize"]["blob"])')" = "$(git -C repo rev-parse HEAD:prompts/summarize/v1.0.0.txt)"
check "lock records HEAD" test "$(python3 -c 'import json; print(json.load(open("repo/prompts.lock"))["prompts"]["summarize"]["commit"])')" = "$(git -C repo rev-parse HEAD)"
check "lock records the SHA-256" test "$(python3 -c 'import json; print(json.load(open("repo/prompts.lock"))["prompts"]["summarize"]["sha256"])')" = "$(sha256sum <repo/prompts/summarize/v1.0.0.txt | cut -d" " -f1)"
check "no temporary file left" test -z "$(ls repo | grep tmp)"
run llmops -C repo prompt pin summarize@v1.0.0
check "pinning again is a no-op" has "$out" "already pinned"
run llmops -C repo prompt show summarize
check "show without @VERSION uses the pin" test "$out" = "Summarize: {{input}}"

# --- bare versions: unique, ambiguous, from the directory
run llmops -C repo prompt pin v1.2.0
expect_rc 0 "pin VERSION when one family has it"
check "it picked team/classify" has "$out" "team/classify@v1.2.0"
run llmops -C repo prompt pin v1.0.0
expect_rc 2 "pin VERSION when several families have it"
check "candidates listed" has "$err" "llmops prompt pin summarize@v1.0.0"
check "both candidates" has "$err" "llmops prompt pin team/classify@v1.0.0"
run llmops -C repo/prompts/team/classify prompt pin v1.0.0
expect_rc 0 "pin VERSION inside prompts/NAME/"
check "the directory chose the family" has "$out" "team/classify@v1.0.0"
check "and said what it replaced" has "$out" "was v1.2.0"

# --- refused versions and names
run llmops -C repo prompt pin summarize@latest
expect_rc 2 "latest is refused"
check "latest: says why" has "$err" "'latest' is not a version"
run llmops -C repo prompt pin latest
expect_rc 2 "bare latest is refused"
for bad in 1.0.0 v1.0 v01.0.0 v1.0.0-rc1; do
	run llmops -C repo prompt pin "summarize@$bad"
	expect_rc 2 "version '$bad' is refused"
done
run llmops -C repo prompt pin ../etc@v1.0.0
expect_rc 2 "a name with .. is refused"
check ".. named" has "$err" "contains '..'"
run llmops -C repo prompt pin /abs@v1.0.0
expect_rc 2 "an absolute name is refused"
run llmops -C repo prompt pin Summarize@v1.0.0
expect_rc 2 "upper case is refused"
check "with a hint" has "$err" "lower-case"
run llmops -C repo prompt show sumarize@v1.0.0
expect_rc 2 "unknown prompt"
check "unknown prompt: suggestion" has "$err" "did you mean 'summarize'"
run llmops -C repo prompt show summarize@v9.9.9
expect_rc 2 "unknown version"
check "unknown version: lists versions" has "$err" "versions: v1.0.0"

# --- verify: passes, then fails on edits, missing files, bad versions
commit "pin"
run llmops -C repo prompt verify
expect_rc 0 "verify passes"
check "verify says ok" has "$out" "ok: 2 pinned prompts"
echo "sneaky" >>repo/prompts/summarize/v1.0.0.txt
run llmops -C repo prompt verify
expect_rc 1 "verify fails on a work-tree edit"
check "names the file" has "$out" "prompts/summarize/v1.0.0.txt changed after it was pinned"
commit "edit a released version"
run llmops -C repo prompt verify --format json
expect_rc 1 "verify fails on a committed edit"
check "json problem kind" test "$(echo "$out" | json 'd["problems"][0]["problem"]')" = changed
check "json ok false" test "$(echo "$out" | json 'd["ok"]')" = False
git -C repo revert --no-edit HEAD >/dev/null
run llmops -C repo prompt verify
expect_rc 0 "verify passes after the revert"
rm repo/prompts/team/classify/v1.0.0.txt
run llmops -C repo prompt verify
expect_rc 1 "verify fails on a missing pinned file"
check "missing named" has "$out" "missing from the work tree"
git -C repo checkout -q -- prompts
python3 - <<'PY'
import json
p = "repo/prompts.lock"
d = json.load(open(p))
d["prompts"]["summarize"]["version"] = "v9.0.0"
d["prompts"]["summarize"]["path"] = "prompts/summarize/v9.0.0.txt"
json.dump(d, open(p, "w"), indent=2)
PY
run llmops -C repo prompt verify
expect_rc 1 "verify fails when the lock names a version that does not exist"
check "says it does not exist" has "$out" "summarize@v9.0.0, which does not exist"
git -C repo checkout -q -- prompts.lock

# --- a hand-edited lock: file, line and column
cp repo/prompts.lock lock.good
python3 - <<'PY'
p = "repo/prompts.lock"
s = open(p).read().replace('"sha256"', '"sha265"', 1)
open(p, "w").write(s)
PY
run llmops -C repo prompt list
expect_rc 2 "a misspelt lock key"
check "names file:line:col" has "$err" "prompts.lock:9:7: unknown key 'sha265'"
check "suggests the key" has "$err" "did you mean 'sha256'"
printf '{\n  "lockfile_version": 1,\n  "prompts": {\n    "a": {}\n  },\n}\n' >repo/prompts.lock
run llmops -C repo prompt verify
expect_rc 2 "a trailing comma"
check "trailing comma position" has "$err" "prompts.lock:6:1: trailing ','"
printf '{"lockfile_version": 1, "prompts": {"a": {"version": "v1.0.0", "path": "prompts/a/v1.0.0.txt", "commit": "zz", "blob": "", "sha256": ""}}}' >repo/prompts.lock
run llmops -C repo prompt verify
expect_rc 2 "a bad commit id"
check "bad id message" has "$err" "prompts.lock:1:106: \"commit\" of 'a' must be 40"
cp lock.good repo/prompts.lock

# --- unpin and new
run llmops -C repo prompt unpin team/classify
expect_rc 0 "unpin"
check "unpin reports" has "$out" "unpinned team/classify (was v1.0.0)"
run llmops -C repo prompt unpin team/classify
expect_rc 2 "unpin what is not pinned"
check "lists what is pinned" has "$err" "pinned: summarize"
run llmops -C repo prompt new summarize
expect_rc 0 "new: next minor version"
check "new prints the path" test "$out" = "prompts/summarize/v1.1.0.txt"
check "copied from the newest" cmp -s repo/prompts/summarize/v1.0.0.txt repo/prompts/summarize/v1.1.0.txt
run llmops -C repo prompt new summarize --bump major
check "new --bump major" test "$out" = "prompts/summarize/v2.0.0.txt"
run llmops -C repo prompt new summarize --bump patch
check "new --bump patch from v2.0.0" test "$out" = "prompts/summarize/v2.0.1.txt"
run llmops -C repo prompt new fresh/family
expect_rc 0 "new family"
check "starts at v1.0.0" test "$out" = "prompts/fresh/family/v1.0.0.txt"
check "file exists" test -f repo/prompts/fresh/family/v1.0.0.txt
run llmops -C repo prompt new summarize --bump huge
expect_rc 2 "bad --bump"
run llmops -C repo prompt list
check "new files are untracked" has "$out" "v1.1.0 (untracked)"
run llmops -C repo prompt pin summarize@v1.1.0
expect_rc 1 "pin refuses an untracked file"

# --- verify --base: released versions are immutable
commit "new versions"
git -C repo tag release-1
echo "changed after release" >>repo/prompts/summarize/v1.1.0.txt
commit "edit v1.1.0"
run llmops -C repo prompt verify --base release-1
expect_rc 1 "verify --base fails when a released version changed"
check "names the file and the base" has "$out" "prompts/summarize/v1.1.0.txt exists at release-1 and was changed"
run llmops -C repo prompt verify --base nonexistent
expect_rc 2 "verify --base with an unknown revision"
check "unknown revision named" has "$err" "unknown revision 'nonexistent'"
git -C repo revert --no-edit HEAD >/dev/null

# --- a shallow clone, as CI checks out
git clone -q --depth 1 "file://$TEST_ROOT/repo" shallow
run llmops -C shallow prompt verify
expect_rc 0 "verify in a shallow clone"
run llmops -C shallow prompt log summarize
expect_rc 0 "log in a shallow clone"
check "log says where history stops" has "$out" "history stops here (shallow clone)"
git -C shallow fetch -q --depth 1 origin tag release-1
run llmops -C shallow prompt verify --base release-1
expect_rc 0 "verify --base in a shallow clone with the base fetched"
echo x >>shallow/prompts/summarize/v1.0.0.txt
run llmops -C shallow prompt verify --base release-1
expect_rc 1 "verify --base fails in a shallow clone"

# --- a linked worktree and a detached HEAD
git -C repo worktree add -q --detach ../wt HEAD
run llmops -C wt prompt verify
expect_rc 0 "verify in a linked worktree"
run llmops -C wt prompt list
check "list in a worktree" has "$out" "v1.0.0 v1.1.0 v2.0.0"
run llmops -C wt prompt pin team/classify@v1.2.0
expect_rc 0 "pin on a detached HEAD"
check "says detached" has "$out" "detached HEAD"

# --- not a repository, a bare repository
mkdir plain
run llmops -C plain prompt list
expect_rc 2 "not a git repository"
check "says so" has "$err" "not inside a git work tree"
git clone -q --bare repo bare.git
run llmops -C bare.git prompt list
expect_rc 2 "a bare repository"
check "says bare" has "$err" "bare repository"

done_testing
