#!/usr/bin/env bash
# Production in stats (issue 21): a canary against its stable version on ingested traffic
# (a seeded regression, a healthy canary, too little traffic), spend against a budget,
# rows by prompt version and by metadata tag, drift over days of production, and the
# Prometheus export's production series.
. "$(dirname "$0")/lib.sh"

make_canary_repo proj 20
cd proj || exit 1

# gen.py OUT STABLE_N CANARY_N CANARY_ERRORS CANARY_LATENCY [DAYS]: tagged records, stable
# latency 400 +- 40 ms with 1% errors; the canary's errors and latency as given; every
# answered record costs $0.01; days 2026-11-(21..20+DAYS), the last third 50% slower
cat >gen.py <<'EOF2'
import json, random, sys
out, ns, nc, ce, cl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
days = int(sys.argv[6]) if len(sys.argv) > 6 else 1
rnd = random.Random(7)
with open(out, "w") as f:
    for side, n in (("v1.0.0", ns), ("v1.1.0", nc)):
        for i in range(n):
            day = i % days
            err = (i % 100 == 0) if side == "v1.0.0" else (i < ce)
            lat = rnd.gauss(400, 40) if side == "v1.0.0" else rnd.gauss(cl, cl / 10)
            if side == "v1.0.0" and days >= 6 and day >= days - days // 3:
                lat *= 1.5
            r = {"id": "%s-%s-%d" % (out, side, i),
                 "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d" % i}]},
                 "latency_ms": round(lat, 1), "timestamp": "2026-11-%02dT12:00:00Z" % (21 + day),
                 "metadata": {"llmops.prompt": "summarize", "llmops.version": side,
                              "feature": ("inbox", "search")[i % 2], "tier": "pro" if i % 5 == 0 else "free"}}
            if err:
                r["error"] = "upstream 500"
            else:
                r["response"] = {"choices": [{"message": {"content": "a%d" % i}}],
                                 "usage": {"prompt_tokens": 10, "completion_tokens": 2}}
                r["cost_usd"] = 0.01
            f.write(json.dumps(r) + "\n")
EOF2

# a seeded regression: the canary fails 10 of 60 requests and is 50% slower
python3 gen.py bad.jsonl 300 60 10 600
llmops --ledger bad.db ingest bad.jsonl >/dev/null 2>&1
run llmops --ledger bad.db stats --canary summarize --fail-on-regression
expect_rc 1 "a canary that regressed fails the gate"
check "the verdict line names what got worse" has "$out" "verdict: regression (error_rate p = "
check "latency too" has "$out" "latency_ms p = "
check "against the stable version" has "$out" "canary summarize@v1.1.0 (20%) against stable v1.0.0"
run llmops --ledger bad.db stats --canary summarize
expect_rc 0 "without --fail-on-regression it only reports"
run llmops --ledger bad.db stats --canary summarize --format json
check "json: both sides, each test and the verdict" python3 -c '
import json,sys; c=json.loads(sys.argv[1])["canary"]
assert c["verdict"]=="regression" and c["stable"]["requests"]==300 and c["canary"]["requests"]==60, c
assert c["stable"]["errors"]==3 and c["canary"]["errors"]==10
t={x["metric"]: x for x in c["tests"]}
assert t["error_rate"]["worse"] and t["error_rate"]["p"] < 0.001 and t["latency_ms"]["worse"]
assert not t["cost_usd"]["worse"] and not t["pass_rate"]["tested"], t
# the two-proportion z test by hand: 3/300 against 10/60
import math
p=(3+10)/360; se=math.sqrt(p*(1-p)*(1/300+1/60)); z=abs(3/300-10/60)/se
assert abs(t["error_rate"]["p"] - math.erfc(z/math.sqrt(2))) < 1e-12, (t["error_rate"]["p"], math.erfc(z/math.sqrt(2)))' "$out"

# a healthy canary: no regression; too little traffic: inconclusive
python3 gen.py good.jsonl 300 60 0 400
llmops --ledger good.db ingest good.jsonl >/dev/null 2>&1
run llmops --ledger good.db stats --canary summarize --fail-on-regression
expect_rc 0 "a healthy canary passes"
check "says so" has "$out" "verdict: no regression at p < 0.05"
python3 gen.py few.jsonl 300 10 5 900
llmops --ledger few.db ingest few.jsonl >/dev/null 2>&1
run llmops --ledger few.db stats --canary summarize --fail-on-regression
expect_rc 0 "too little traffic is no verdict"
check "inconclusive" has "$out" "verdict: inconclusive (fewer than 30 requests on a side)"
# a slight rise in errors (3 of 60 against 3 of 300; p = 0.0271 by hand): significant at
# 0.05, not at 0.01
python3 gen.py slight.jsonl 300 60 3 400
llmops --ledger slight.db ingest slight.jsonl >/dev/null 2>&1
run llmops --ledger slight.db stats --canary summarize --fail-on-regression
expect_rc 1 "a slight regression at the default level"
check "its p" has "$out" "verdict: regression (error_rate p = 0.0271) at p < 0.05"
run llmops --ledger slight.db stats --canary summarize --significance 0.01 --fail-on-regression
expect_rc 0 "a stricter level lets the same data pass"

# spend: 347 answered records at $0.01
run llmops --ledger bad.db stats --budget 3
expect_rc 1 "over budget"
check "production and evaluation apart" has "$out" "spend: \$3.470000 production + \$0.000000 evaluation = \$3.470000 of a \$3 budget: over"
run llmops --ledger bad.db stats --budget 5 --since 2026-11-01 --format json
expect_rc 0 "within budget"
check "json budget" python3 -c '
import json,sys; b=json.loads(sys.argv[1])["budget"]; assert abs(b["production_usd"]-3.47)<1e-9 and not b["over"], b' "$out"

# rows by version and by tag
run llmops --ledger bad.db stats --by version --format json
check "by prompt version" python3 -c '
import json,sys; r={x["key"]: x for x in json.loads(sys.argv[1])["rows"]}
assert r["summarize@v1.0.0"]["cases"]==300 and r["summarize@v1.0.0"]["errors"]==3 and r["summarize@v1.1.0"]["cases"]==60, r' "$out"
run llmops --ledger bad.db stats --by tag:tier --format json
check "by a metadata tag" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); r={x["key"]: x for x in d["rows"]}
assert set(r)=={"free","pro"} and r["pro"]["cases"]==60+12 and r["free"]["cases"]==240+48, r
assert abs(d["total"]["cost_usd"]-3.47)<1e-9 and d["total"]["cases"]==360' "$out"
run llmops --ledger bad.db stats --by tag:feature
check "in text" has "$out" "inbox"
run llmops --ledger bad.db stats --by tag:'a"b'
expect_rc 2 "a tag name with a quote"
run llmops --ledger bad.db stats --by colour
expect_rc 2 "an unknown --by"
check "says what exists" has "$err" "day (default), prompt, version, model, provider, kind or tag:KEY"
run llmops --ledger bad.db stats --fail-on-regression
expect_rc 2 "--fail-on-regression alone"
run llmops --ledger bad.db stats --canary nosuch
expect_rc 2 "a prompt without a canary"

# drift over nine days of production: the last three 50% slower
python3 gen.py days.jsonl 900 0 0 400 9
llmops --ledger days.db ingest days.jsonl >/dev/null 2>&1
run llmops --ledger days.db stats --format json
check "drift in production latency" python3 -c '
import json,sys; d=json.loads(sys.argv[1])["drift"]
x=[y for y in d if y["metric"]=="latency_p50_ms"]
assert x and x[0]["prompt"]=="summarize@v1.0.0" and x[0]["dataset"]=="production" and x[0]["runs_recent"]==3, d' "$out"

# the Prometheus export has production series
run llmops --ledger bad.db export --format prometheus
check "production series" has "$out" 'llmops_cases_total{prompt="summarize",version="v1.1.0",model="gpt-4o-mini",provider="openai",source="production",outcome="error"} 10'

# cost says where the traffic it prices came from (issue 30, finding 11)
python3 - <<'EOF2'
import datetime, json
t = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
with open("recent.jsonl", "w") as f:
    for i in range(6):
        f.write(json.dumps({"id": "recent-%d" % i, "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]},
                            "response": {"choices": [{"message": {"content": "Summary: y"}}], "usage": {"prompt_tokens": 5, "completion_tokens": 2}},
                            "timestamp": t, "metadata": {"llmops.prompt": "summarize", "llmops.version": "v1.0.0"}}) + "\n")
EOF2
llmops --ledger cost.db ingest recent.jsonl >/dev/null 2>&1
run llmops --ledger cost.db cost --prompt summarize --format json
check "traffic from production" has "$out" '"requests_from": "production"'
run llmops --ledger cost.db cost --prompt summarize
check "and said so" has "$out$err" "requests per day are the production traffic ingested"
done_testing
