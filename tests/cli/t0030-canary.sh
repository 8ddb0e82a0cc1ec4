#!/usr/bin/env bash
# Canary releases (issue 21): a version pinned beside the stable one with a share of the
# traffic, verified like any pin; which version a key gets, by a documented bucketing
# that other languages can reproduce; promotion; bad input.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
git add -A && git commit -qm init
run llmops prompt pin summarize@v1.0.0 --canary 10
expect_rc 2 "a canary needs a stable version beside it"
check "says how" has "$err" "summarize has no stable version for a canary to stand beside"
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
llmops prompt new summarize >/dev/null 2>&1
git add -A && git commit -qm "v1.1.0"
run llmops prompt pin summarize@v1.0.0 --canary 10
expect_rc 2 "the stable version is no canary"
run llmops prompt pin summarize@v1.1.0 --canary 100
expect_rc 2 "a share of 1 to 99"
run llmops prompt pin summarize@v1.1.0 --canary 10
expect_rc 0 "pin a canary"
check "says the split" has "$out" "pinned summarize@v1.1.0 as a canary: 10% of the traffic, 90% on v1.0.0"
check "the lock has it beside the stable version" python3 -c '
import json; p=json.load(open("prompts.lock"))["prompts"]["summarize"]
assert p["version"]=="v1.0.0" and p["canary"]["version"]=="v1.1.0" and p["canary"]["weight"]==10, p
assert len(p["canary"]["blob"])==40 and len(p["canary"]["sha256"])==64'
git add -A && git commit -qm "canary"
run llmops prompt verify
expect_rc 0 "verify checks the canary too"
run llmops prompt list --format json
check "list gives the shares" python3 -c '
import json,sys; p=[x for x in json.loads(sys.argv[1])["prompts"] if x["name"]=="summarize"][0]
assert p["pinned"]=="v1.0.0" and p["pinned_weight"]==90 and p["canary"]=={"version": "v1.1.0", "weight": 10}, p
assert [v["canary"] for v in p["versions"]]==[False, True]' "$out"
run llmops prompt list
check "and in text" has "$out" "v1.0.0   90%, canary v1.1.0 10%"

# the bucketing: the first 16 hex digits of SHA-256("summarize\nKEY") modulo 10000; a
# bucket under 1000 (10 x 100) gets the canary
for v in "user-1 8797 v1.0.0" "user-2 3060 v1.0.0" "alice@example.com 6381 v1.0.0"; do
	set -- $v
	run llmops prompt resolve summarize --key "$1" --format json
	check "$1: bucket $2, $3" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["bucket"]==int(sys.argv[2]) and d["version"]==sys.argv[3], d' "$out" "$2" "$3"
done
python3 - <<'EOF' >want.txt
import hashlib
for i in range(400):
    k = "u%d" % i
    b = int(hashlib.sha256(("summarize\n" + k).encode()).hexdigest()[:16], 16) % 10000
    print("%s\t%s\t%d" % (k, "v1.1.0" if b < 1000 else "v1.0.0", b))
EOF
cut -f1 want.txt >keys.txt
run llmops prompt resolve summarize --keys keys.txt
check "400 keys: every one as the documented function says" test "$out" = "$(cat want.txt)"
canaries=$(grep -c v1.1.0 want.txt)
check "about a tenth on the canary ($canaries of 400)" test "$canaries" -ge 25 -a "$canaries" -le 55

# the bundle an application loads: both versions, their texts as pinned, weights, hashes
run llmops prompt bundle -o bundle.json
expect_rc 0 "bundle"
check "both versions, as pinned" python3 -c '
import hashlib,json; b=json.load(open("bundle.json")); l=json.load(open("prompts.lock"))["prompts"]["summarize"]
v={x["role"]: x for x in b["prompts"]["summarize"]["versions"]}
assert b["bundle_version"]==1 and len(b["commit"])==40
assert v["stable"]["version"]=="v1.0.0" and v["stable"]["weight"]==90 and v["canary"]["weight"]==10
for role, e in (("stable", l), ("canary", l["canary"])):
    x=v[role]; assert x["blob"]==e["blob"] and x["sha256"]==e["sha256"]==hashlib.sha256(x["text"].encode()).hexdigest(), role
assert v["stable"]["parameters"]["model"]=="gpt-4o-mini" and v["stable"]["format"]=="txt"'
run llmops prompt verify --bundle bundle.json
expect_rc 0 "the bundle matches the lock"
python3 -c '
import json; b=json.load(open("bundle.json")); v=b["prompts"]["summarize"]["versions"]
v[1]["text"] += "tampered"; v[0]["weight"] = 50
json.dump(b, open("bad-bundle.json", "w"))'
run llmops prompt verify --bundle bad-bundle.json
expect_rc 1 "a tampered bundle fails"
check "names what" has "$out" "summarize@v1.1.0: its text does not hash to the pinned SHA-256"
check "and the weight" has "$out" "summarize@v1.0.0: weight differs in the bundle, 90 in the lock"

# a changed canary file fails verify, as a changed pin does
git rm -q prompts/summarize/v1.1.0.txt && git commit -qm "lose it"
run llmops prompt verify
expect_rc 1 "verify: a canary whose file is gone"
check "names it" has "$out$err" "v1.1.0"
git revert --no-edit HEAD >/dev/null
run llmops prompt verify
expect_rc 0 "restored"

run llmops prompt promote summarize
expect_rc 0 "promote"
check "says so" has "$out" "promoted summarize@v1.1.0 to stable (was v1.0.0)"
check "the canary is the stable version now" python3 -c '
import json; p=json.load(open("prompts.lock"))["prompts"]["summarize"]
assert p["version"]=="v1.1.0" and "canary" not in p, p'
run llmops prompt resolve summarize --key u1
check "every key gets it" has "$out" "summarize@v1.1.0"
run llmops prompt promote summarize
expect_rc 2 "nothing to promote"
check "says so" has "$err" "summarize has no canary; its stable version is v1.1.0"
git add -A && git commit -qm promote
# rollback: the stable version pinned before, found in the lock's history, as pinned then
run llmops prompt rollback summarize
expect_rc 0 "rollback"
check "says to what" has "$out" "rolled back summarize to v1.0.0"
check "the record as it was pinned" python3 -c '
import json,subprocess; p=json.load(open("prompts.lock"))["prompts"]["summarize"]
old=json.loads(subprocess.check_output(["git", "show", "HEAD~1:prompts.lock"]))["prompts"]["summarize"]
del old["canary"]  # the stable record before the promotion, the canary beside it dropped
assert p == old, (p, old)'
git add -A && git commit -qm rollback
run llmops prompt verify
expect_rc 0 "the rolled-back pin verifies"
run llmops prompt rollback summarize
expect_rc 0 "again: back to the version before that"
check "which is v1.1.0" has "$out" "rolled back summarize to v1.1.0"
git checkout -q -- prompts.lock
llmops prompt unpin summarize >/dev/null 2>&1
llmops prompt pin summarize@v1.0.0 >/dev/null 2>&1
git add -A && git commit -qm "fresh pin"
run llmops prompt rollback summarize
expect_rc 0 "a pin of the same version as before is no step back: the one before it"
run llmops prompt resolve nosuch --key u1
expect_rc 2 "an unpinned prompt"
run llmops prompt resolve summarize
expect_rc 2 "a key is needed"

done_testing
