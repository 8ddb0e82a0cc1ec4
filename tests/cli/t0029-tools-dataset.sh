#!/usr/bin/env bash
# Issue 20's "done when": a dataset of 50 tool-using, 20 multi-turn and 10 image cases
# through the OpenAI and the Anthropic wire formats against the test server, which
# checks every request's shape; assertions checked, every step in the ledger, and each
# result's cost equal to hand arithmetic over its steps' tokens and the model's price.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
mkdir -p prompts/assistant images
cat >prompts/assistant/v1.0.0.json <<'EOF'
{"messages": [{"role": "system", "content": "You help with orders, the weather and pictures."},
  {"role": "user", "content": [{"type": "text", "text": "{{question}}"}]}],
 "tools": [
  {"type": "function", "function": {"name": "find_order", "description": "An order by its number",
    "parameters": {"type": "object", "properties": {"number": {"type": "integer"}}, "required": ["number"]}}},
  {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                   "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}},
  {"type": "function", "function": {"name": "refund", "description": "Refund an order",
    "parameters": {"type": "object", "properties": {"number": {"type": "integer"}, "reason": {"type": "string"}}}}}]}
EOF
cat >prompts/assistant/v1.1.0.json <<'EOF'
{"messages": [{"role": "system", "content": "You describe pictures."},
  {"role": "user", "content": [{"type": "text", "text": "{{question}}"},
                               {"type": "image", "path": "images/{{file}}", "detail": "low"}]}]}
EOF
python3 - "${LLMOPS_SOURCE_ROOT:?}/tests/cli" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1])
from png import png
cities = ["Paris", "Oslo", "Lima", "Cairo", "Kyoto"]
tools, chat, pics = [], [], []
for i in range(50):
    k = i % 5
    if k == 0:    # one call, its result in the answer
        tools.append({"id": "order-%d" % i, "question": "Where is order %d?\nCALL: find_order {\"number\": %d}\nREPLY: Order %d: {results}" % (i, i, i),
                      "tools": {"find_order": {"number": i, "status": "shipped"}},
                      "assert": [{"type": "tool_called", "value": {"name": "find_order", "arguments": {"number": i}}},
                                 {"type": "contains", "value": "shipped"}, {"type": "max_steps", "value": 2}]})
    elif k == 1:  # two calls in one step
        c = cities[i % 5]
        tools.append({"id": "weather-%d" % i, "question": "Weather?\nCALL: get_weather {\"city\": \"%s\", \"unit\": \"c\"} && get_weather {\"city\": \"Rome\"}" % c,
                      "tools": {"get_weather": {"$each": ["%d C" % i, "20 C"]}},
                      "assert": [{"type": "equals", "value": "Results: %d C; 20 C" % i},
                                 {"type": "tool_called", "value": {"name": "get_weather", "arguments_contain": {"city": c}}}]})
    elif k == 2:  # a sequence over two steps
        tools.append({"id": "refund-%d" % i, "question": "Refund %d\nCALL: find_order {\"number\": %d}\nCALL: refund {\"number\": %d, \"reason\": \"late\"}\nREPLY: done ({results})" % (i, i, i),
                      "tools": {"find_order": "found", "refund": "refunded"},
                      "assert": [{"type": "tool_sequence", "value": ["find_order", "refund"], "strict": True},
                                 {"type": "equals", "value": "done (found; refunded)"},
                                 {"type": "tool_called", "value": {"name": "refund", "arguments_schema": {"type": "object", "required": ["number", "reason"]}}}]})
    elif k == 3:  # the model answers without a tool
        tools.append({"id": "plain-%d" % i, "question": "REPLY: no tool needed %d" % i,
                      "assert": [{"type": "tool_not_called"}, {"type": "contains", "value": "no tool"}]})
    else:         # tool choice alone: the first call, no canned result
        tools.append({"id": "choice-%d" % i, "question": "CALL: get_weather {\"city\": \"Oslo\"}",
                      "assert": [{"type": "tool_called", "value": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
                                 {"type": "tool_not_called", "value": "refund"}]})
for i in range(20):
    chat.append({"id": "chat-%d" % i, "question": "Hello %d" % i,
                 "messages": [{"role": "assistant", "content": "Hi, how can I help?"}],
                 "turns": ["REPLY: first %d" % i, "CALL: find_order {\"number\": %d}\nREPLY: it is {results}" % i, "REPLY: bye"],
                 "tools": {"find_order": "on its way"},
                 "assert": [{"type": "equals", "value": "first %d" % i, "turn": 1},
                            {"type": "equals", "value": "it is on its way", "turn": 2},
                            {"type": "tool_called", "value": "find_order", "turn": 2},
                            {"type": "equals", "value": "bye"}]})
for i in range(10):
    open("images/p%d.png" % i, "wb").write(png(64 * (i + 1), 48 * (i + 1)))
    pics.append({"id": "pic-%d" % i, "question": "REPLY: picture %d" % i, "file": "p%d.png" % i,
                 "assert": [{"type": "equals", "value": "picture %d" % i}]})
json.dump(tools + chat, open("evals/tools.json", "w"), indent=1)
json.dump(pics, open("evals/pictures.json", "w"), indent=1)
EOF
git add -A && git commit -qm dataset

start_server
export OPENAI_API_KEY=sk-test-0123456789 ANTHROPIC_API_KEY=sk-ant-test-0123456789
# the prices (USD per million tokens) of the built-in table, by hand: gpt-4o-mini 0.15 in,
# 0.60 out; claude-3-5-haiku 0.80 in, 4.00 out
for spec in "openai:gpt-4o-mini 0.15 0.60" "anthropic:claude-3-5-haiku-20241022 0.80 4.00"; do
	set -- $spec
	provider=$1 pin=$2 pout=$3
	for data in "tools.json assistant@v1.0.0 70" "pictures.json assistant@v1.1.0 10"; do
		set -- $data
		run llmops eval --dataset "evals/$1" --prompt "$2" --provider "$provider" --base-url "$BASE" \
			--concurrency 8 --no-cache --format json
		expect_rc 0 "$provider, $1: every case passes"
		printf '%s' "$out" >run.json
		RUN=$(python3 -c 'import json; print(json.load(open("run.json"))["run"])')
		check "$provider, $1: $3 results, each cost by hand over its steps" python3 - "$3" "$pin" "$pout" <<'EOF'
import json, sys
d = json.load(open("run.json")); n, pin, pout = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
r = d["results"]
assert len(r) == n and all(x["passed"] for x in r), [(x["case"], x.get("reason"), x.get("error")) for x in r if not x["passed"]]
total = 0
for x in r:
    steps = x.get("steps") or [{"tokens_in": x["tokens_in"], "tokens_out": x["tokens_out"]}]
    want = sum((s["tokens_in"] * pin + s["tokens_out"] * pout) / 1e6 for s in steps)
    assert abs(x["cost_usd"] - want) < 1e-12, (x["case"], x["cost_usd"], want)
    assert x["tokens_in"] == sum(s["tokens_in"] for s in steps)
    total += want
assert abs(d["cost_usd"] - total) < 1e-9, (d["cost_usd"], total)
EOF
	done
	# 50 tool cases: 10 of 2 steps, 10 of 2 (parallel calls, then the answer), 10 of 3, 10
	# with no tool (no steps), 10 of 1; 20 conversations of 4 (1, 2, 1 per turn)
	check "$provider: every step in the ledger" \
		test "$(sql "select sum(json_array_length(steps)) from results where run_id = (select run_id from results where case_id = 'chat-0' order by id desc limit 1)")" = $((20 + 20 + 30 + 10 + 80))
done
# per provider 170 requests for the tool cases (160 steps and 10 plain answers) and 10 for
# the pictures: every one well formed (a malformed one is answered with a 400, not counted)
check "360 requests, every one answered" test "$(server_stat api_requests)/$(server_stat answered)" = 360/360

done_testing
