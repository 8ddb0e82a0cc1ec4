#!/usr/bin/env bash
# Tools (issue 20): a .json prompt with tools; cases whose canned tool results
# answer the model's calls in a loop; the calls asserted; every step in the
# ledger; OpenAI's and Anthropic's wire formats, streamed and not, each request's
# shape checked by the test server.
. "$(dirname "$0")/lib.sh"

make_repo proj
cd proj || exit 1
llmops init >/dev/null
mkdir -p prompts/weather
cat >prompts/weather/v1.0.0.json <<'EOF'
{
  "model": "gpt-4o-mini",
  "messages": [
    {"role": "system", "content": "You answer questions about the weather in {{unit}}."},
    {"role": "user", "content": "{{question}}", "name": "visitor"}
  ],
  "tools": [
    {"type": "function", "function": {"name": "get_weather",
      "description": "The weather in a city, in {{unit}}",
      "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                     "required": ["city"]}}},
    {"type": "function", "function": {"name": "get_time",
      "description": "The local time",
      "parameters": {"type": "object", "properties": {}}}}
  ],
  "tool_choice": "auto"
}
EOF
git add -A && git commit -qm scaffold
run llmops lint prompts/weather/v1.0.0.json
expect_rc 0 "a prompt with tools lints clean"
run llmops prompt render weather@v1.0.0 --var unit=celsius --var question=Hi --format json
expect_rc 0 "render"
check "render prints what would be sent: the messages with their names, and the tools rendered" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
m=d["messages"]; assert m[1]["name"]=="visitor" and m[0]["content"].endswith("in celsius."), m
t=d["tools"]; assert t[0]["function"]["description"]=="The weather in a city, in celsius", t
assert d["tool_choice"]=="auto"' "$out"

start_server
export OPENAI_API_KEY=sk-test-0123456789 ANTHROPIC_API_KEY=sk-ant-test-0123456789
cat >evals/weather.json <<'EOF'
[
 {"id": "choose", "unit": "celsius", "question": "Weather?\nCALL: get_weather {\"city\": \"Paris\"}",
  "assert": [{"type": "tool_called", "value": {"name": "get_weather", "arguments": {"city": "Paris"}}},
             {"type": "tool_not_called", "value": "get_time"}]},
 {"id": "loop", "unit": "celsius", "question": "Weather in Paris?\nCALL: get_weather {\"city\": \"Paris\"}\nREPLY: It is {results} in Paris.",
  "tools": {"get_weather": {"temp": 21}},
  "assert": [{"type": "contains", "value": "\"temp\":21"}, {"type": "max_steps", "value": 2},
             {"type": "tool_called", "value": {"name": "get_weather", "arguments_schema": {"type": "object", "required": ["city"]}}}]},
 {"id": "each", "unit": "celsius", "question": "Times?\nCALL: get_time {}\nCALL: get_time {}\nREPLY: {results}",
  "tools": {"get_time": {"$each": ["09:00", "10:00"]}},
  "assert": [{"type": "equals", "value": "09:00; 10:00"},
             {"type": "tool_sequence", "value": ["get_time", "get_time"], "strict": true}]},
 {"id": "parallel", "unit": "celsius", "question": "Both?\nCALL: get_weather {\"city\": \"Oslo\"} && get_time {}",
  "tools": {"get_weather": "cold", "get_time": "noon"},
  "assert": [{"type": "equals", "value": "Results: cold; noon"},
             {"type": "tool_called", "value": {"name": "get_weather", "arguments_contain": {"city": "Oslo"}}}]},
 {"id": "loops", "unit": "celsius", "question": "CALL-LOOP: get_time {}", "tools": {"get_time": "now"},
  "max_steps": 3, "assert": ["is_json"]},
 {"id": "unanswered", "unit": "celsius", "question": "CALL: get_time {}", "tools": {"get_weather": 1},
  "assert": [{"type": "tool_called", "value": "get_time"}]},
 {"id": "wrong", "unit": "celsius", "question": "CALL: get_weather {\"city\": \"Rome\"}",
  "assert": [{"type": "tool_called", "value": {"name": "get_weather", "arguments": {"city": "Paris"}}},
             {"type": "tool_called", "value": "get_time"},
             {"type": "tool_not_called"}]}
]
EOF
for provider in openai:gpt-4o-mini anthropic:claude-3-5-haiku-20241022; do
	for stream in "" --stream; do
		what="$provider${stream:+ streamed}"
		run llmops eval --dataset evals/weather.json --prompt weather@v1.0.0 --provider "$provider" \
			--base-url "$BASE" --min-pass-rate 0 --max-errors 1 --no-cache $stream --format json
		expect_rc 0 "$what: the run"
		check "$what: tool calls asserted, loops run" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
for k in ("choose", "loop", "each", "parallel"):
    assert r[k]["passed"], (k, r[k].get("reason"), r[k].get("error"))
assert r["loop"]["output"]=="It is {\"temp\":21} in Paris.", r["loop"]["output"]
assert not r["loops"]["passed"] and "max_steps: stopped after 3 requests" in r["loops"]["reason"], r["loops"]
e=r["unanswered"]; assert e["passed"] is None and "which the case'"'"'s \"tools\" does not answer" in e["error"], e
w=r["wrong"]["reason"]
assert "tool_called get_weather: called with {\"city\": \"Rome\"}" in w.replace("{\"city\":\"Rome\"}", "{\"city\": \"Rome\"}"), w
assert "tool_called get_time: not called (called: get_weather)" in w and "tool_not_called: it was called" in w, w' "$out"
		check "$what: every step in the result, summed" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
s=r["loop"]["steps"]; assert len(s)==2, s
assert s[0]["tool_calls"][0]["function"]["name"]=="get_weather" and s[0]["tool_results"][0]["content"]=="{\"temp\":21}", s
assert "tool_calls" not in s[1]
assert r["loop"]["tokens_in"]==s[0]["tokens_in"]+s[1]["tokens_in"] and r["loop"]["attempts"]==2
assert abs(r["loop"]["cost_usd"]-sum(x["cost_usd"] for x in s)) < 1e-15
assert len(r["loops"]["steps"])==3 and len(r["parallel"]["steps"][0]["tool_calls"])==2
assert "steps" in r["choose"] and len(r["choose"]["steps"])==1' "$out"
	done
done

printf '%s\n' "$out" >tools.json
check "eval counts the requests a tool loop sent, as show does" python3 -c '
import json,sys
e=json.loads(sys.argv[1]); s=json.loads(sys.argv[2])
v=e["variants"][0] if "variants" in e else e
n=(v.get("latency_ms") or e["latency_ms"])["requests"]
assert n == s["requests"] and n > len(e["results"]), (n, s["requests"], len(e["results"]))' "$out" "$(llmops show last --format json)"
check "export --format jsonl keeps a tool loop's steps" python3 -c '
import json,sys; r={x["case"]: x for x in map(json.loads, sys.argv[1].splitlines())}
assert len(r["loop"]["steps"])==2 and r["loop"]["steps"][0]["tool_calls"][0]["function"]["name"]=="get_weather", r["loop"]' "$(llmops export --format jsonl --run last)"
check "the output validates (steps in the result schema)" python3 "${LLMOPS_SOURCE_ROOT:?}/tests/cli/validate_json.py" eval.schema.json tools.json
# the ledger keeps the steps; show lists them
RUN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run"])' "$out")
check "results.steps in the ledger (the unanswered call's one step too)" test "$(sql "select count(steps) from results where run_id='$RUN'")" = 7
run llmops show "$RUN" --case loop
check "show --case lists the steps" python3 -c '
import re,sys; assert re.search(r"step 1 .*\n +call get_weather\(\{\"city\": ?\"Paris\"\}\) -> \{\"temp\":21\}\n  step 2 .*the answer", sys.argv[1]), sys.argv[1]' "$out"

run llmops report "$RUN" -o report.html
expect_rc 0 "the HTML report"
check "it shows the steps: each call with its result, then the answer" python3 -c '
import sys,html; t=html.unescape(open("report.html").read())
assert "get_weather(" in t and "-> {\"temp\":21}" in t and "= It is {\"temp\":21} in Paris." in t, t[:200]'
run llmops report "$RUN" --format markdown -o report.md
check "the Markdown report's failing cases show their steps" grep -q "get_time({}) -> now" report.md

# --max-cost stops a tool loop between steps; what its steps cost stays counted
cat >evals/spend.json <<'EOF'
[{"id": "spend", "unit": "c", "question": "CALL-LOOP: get_time {}", "tools": {"get_time": "now"}, "assert": ["is_json"]}]
EOF
run llmops eval --dataset evals/spend.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini \
	--base-url "$BASE" --no-cache --max-cost 0.000015 --max-errors 1 --min-pass-rate 0 --format json
check "the loop stopped at the budget, its spend kept" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); r=d["results"][0]
assert r["passed"] is None and "stopped: the run reached --max-cost" in r["error"], r
s=r["steps"]; assert 1 <= len(s) < 8, s
assert abs(r["cost_usd"] - sum(x["cost_usd"] for x in s)) < 1e-15 and r["cost_usd"] > 0
assert abs(d["cost_usd"] - r["cost_usd"]) < 1e-15, (d["cost_usd"], r["cost_usd"])' "$out"

# command tools: the call's arguments on stdin, what the command prints is the result; it
# runs in the repository's root with no API key in its environment
cat >evals/exec.json <<'EOF'
[{"id": "upper", "unit": "c", "question": "CALL: get_weather {\"city\": \"Paris\"}\nREPLY: {results}",
  "tools": {"get_weather": {"$exec": "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"city\"].upper(), end=\"\")'"}},
  "assert": [{"type": "equals", "value": "PARIS"}]},
 {"id": "env", "unit": "c", "question": "CALL: get_time {}\nREPLY: {results}",
  "tools": {"get_time": {"$exec": "test -f llmops.json && printf 'root, key:%s' \"${OPENAI_API_KEY:-none}\""}},
  "assert": [{"type": "equals", "value": "root, key:none"}]},
 {"id": "fails", "unit": "c", "question": "CALL: get_time {}", "tools": {"get_time": {"$exec": "echo broken >&2; exit 3"}},
  "assert": ["is_json"]}]
EOF
run llmops eval --dataset evals/exec.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini \
	--base-url "$BASE" --min-pass-rate 0 --max-errors 1 --format json
expect_rc 0 "command tools"
check "their results, in the root, with no key; a failing command an error" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
assert r["upper"]["passed"] and r["env"]["passed"], (r["upper"], r["env"])
e=r["fails"]; assert e["passed"] is None and "it exited with status 3: broken" in e["error"], e' "$out"

# command tools run beside the other requests (issue 30, finding 5): eight tools that each
# wait until all eight have started finish only when they run at once; a request in flight
# while tools run is read, never timed out and sent again; what a tool starts, even detached
# with setsid, ends with it
cat >together.py <<'EOF'
import os, sys, time
open("started.%d" % os.getpid(), "w").close()
n = lambda: len([f for f in os.listdir(".") if f.startswith("started.")])
end = time.time() + 20
while n() < 8 and time.time() < end:
    time.sleep(0.01)
print(n() >= 8, end="")
EOF
python3 - <<'EOF'
import json
json.dump([{"id": "t%d" % i, "unit": "c", "question": "CALL: get_time {}\nREPLY: {results}",
            "tools": {"get_time": {"$exec": "python3 together.py"}},
            "assert": [{"type": "equals", "value": "True"}]} for i in range(8)],
          open("evals/together.json", "w"))
EOF
before=$(server_stat api_requests)
run llmops eval --dataset evals/together.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini \
	--base-url "$BASE" --no-cache --concurrency 8 --timeout 3000 --format json
expect_rc 0 "eight command tools at concurrency 8"
check "all eight ran at once (each saw the others start)" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["passed"] == 8, [(r["case"], r["output"], r.get("error")) for r in d["results"]]' "$out"
check "every request read once: two per case, none sent again" test "$(server_stat api_requests)" = $((before + 16))
rm -f started.*
cat >evals/detach.json <<'EOF'
[{"id": "detach", "unit": "c", "question": "CALL: get_time {}\nREPLY: {results}",
  "tools": {"get_time": {"$exec": "setsid sh -c 'echo $$ >stray.pid; exec sleep 300' </dev/null >/dev/null 2>&1 & while [ ! -s stray.pid ]; do :; done; printf started"}},
  "assert": [{"type": "equals", "value": "started"}]}]
EOF
run llmops eval --dataset evals/detach.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini \
	--base-url "$BASE" --no-cache
expect_rc 0 "a tool that detaches a process"
check "what it detached was killed with it" python3 -c '
import os,sys
pid=int(open("stray.pid").read())
try:
    st=open("/proc/%d/stat" % pid).read().split(")")[-1].split()[0]
except FileNotFoundError:
    sys.exit(0)
sys.exit(0 if st == "Z" else 1)'

# conversations: a case's messages follow the prompt's; turns are sent one after another,
# each with the earlier answers in the history, asserted turn by turn
cat >evals/chat.json <<'EOF'
[{"id": "history", "unit": "c", "question": "REPLY: first",
  "messages": [{"role": "assistant", "content": "Earlier answer."}, {"role": "user", "content": "REPLY: from the history"}],
  "assert": [{"type": "equals", "value": "from the history"}]},
 {"id": "turns", "unit": "c", "question": "Hello",
  "turns": ["REPLY: one", {"role": "user", "content": "CALL: get_time {}\nREPLY: two at {results}"}, "REPLY: three"],
  "tools": {"get_time": "noon"},
  "assert": [{"type": "equals", "value": "one", "turn": 1},
             {"type": "equals", "value": "two at noon", "turn": 2},
             {"type": "tool_called", "value": "get_time", "turn": 2},
             {"type": "tool_not_called", "turn": 1},
             {"type": "max_steps", "value": 2, "turn": 2},
             {"type": "equals", "value": "three"}]},
 {"id": "turn-fails", "unit": "c", "question": "Hi", "turns": ["REPLY: a", "REPLY: b"],
  "assert": [{"type": "equals", "value": "x", "turn": 1}, {"type": "equals", "value": "b"}]}]
EOF
for provider in openai:gpt-4o-mini anthropic:claude-3-5-haiku-20241022; do
	run llmops eval --dataset evals/chat.json --prompt weather@v1.0.0 --provider "$provider" \
		--base-url "$BASE" --min-pass-rate 0 --format json
	expect_rc 0 "$provider: a conversation run"
	check "$provider: turns answered in order, each asserted" python3 -c '
import json,sys; r={x["case"]: x for x in json.loads(sys.argv[1])["results"]}
assert r["history"]["passed"], r["history"]
t=r["turns"]; assert t["passed"] and t["output"]=="three", t
assert [s["turn"] for s in t["steps"]]==[1, 2, 2, 3], t["steps"]
assert t["steps"][0]["text"]=="one" and t["steps"][2]["text"]=="two at noon"
assert not r["turn-fails"]["passed"] and r["turn-fails"]["reason"]=="turn 1: equals '"'"'x'"'"': the output differs", r["turn-fails"]' "$out"
done
cat >evals/chat-bad.json <<'EOF'
[{"id": "b", "question": "q", "unit": "c", "turns": ["a", "b"], "assert": [{"type": "equals", "value": "x", "turn": 3}]}]
EOF
run llmops eval --dataset evals/chat-bad.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini --base-url "$BASE"
expect_rc 2 "a turn the case does not have"
check "says so" has "$err" "evals/chat-bad.json:1: case 'b': assert[0] checks turn 3, and the case has 2"

# tokens --chat: what a request with tools is billed, against hand arithmetic from the
# counts of its pieces (OpenAI's cookbook accounting, see llmops-tokens(1))
cat >chat.json <<'EOF'
{"messages": [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "Weather in Paris?", "name": "ann"},
 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
 {"role": "tool", "tool_call_id": "call_1", "content": "21C"}],
 "tools": [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city.",
   "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The city."},
                                                   "unit": {"type": "string", "enum": ["c", "f"]}}}}}]}
EOF
tok() { printf '%s' "$1" | llmops tokens --model gpt-4o | cut -d' ' -f1; }
# per message 3, a name 1, the reply 3; per function 7 + "name:description" (final '.' dropped),
# 3 for its properties, each 3 + "name:type:description", an enum -3 + 3 + the item each; 12 at the end
want_msgs=$(( 3 + $(tok system) + $(tok "You are helpful.") \
	+ 3 + $(tok user) + $(tok "Weather in Paris?") + 1 + $(tok ann) \
	+ 3 + $(tok assistant) + $(tok call_1) + $(tok get_weather) + $(tok '{"city":"Paris"}') \
	+ 3 + $(tok tool) + $(tok 21C) + $(tok call_1) + 3 ))
want_tools=$(( 7 + $(tok "get_weather:The weather in a city") + 3 \
	+ 3 + $(tok "city:string:The city") \
	+ 3 - 3 + 3 + $(tok c) + 3 + $(tok f) + $(tok "unit:string:") + 12 ))
run llmops tokens --chat --model gpt-4o --format json chat.json
expect_rc 0 "tokens --chat"
check "the messages, tool calls and tool definitions as worked by hand ($want_msgs + $want_tools)" python3 -c '
import json,sys; f=json.loads(sys.argv[1])["files"][0]
assert f["messages"]==int(sys.argv[2]) and f["tools"]==int(sys.argv[3]), f
assert f["count"]==f["messages"]+f["tools"]' "$out" "$want_msgs" "$want_tools"
# cost prices a prompt's tool definitions with it: the same prompt without them costs that less
run llmops prompt render weather@v1.0.0 --format json
printf '%s' "$out" >rendered.json
python3 -c '
import json; p=json.load(open("prompts/weather/v1.0.0.json"))
r=json.load(open("rendered.json"))  # the tools as cost renders them: no variables given
json.dump({"messages": [], "tools": r["tools"]}, open("tools-only.json", "w"))
del p["tools"], p["tool_choice"]; import os; os.makedirs("prompts/notools", exist_ok=True)
json.dump(p, open("prompts/notools/v1.0.0.json", "w"))'
git add -A && git commit -qm notools
run llmops tokens --chat --model gpt-4o --format json tools-only.json
tools_tokens=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["files"][0]["tools"])' "$out")
run llmops cost --prompt weather@v1.0.0 --prompt notools@v1.0.0 --model gpt-4o --format json
expect_rc 0 "cost of a prompt with tools"
check "its $tools_tokens tokens of tool definitions are priced with it" python3 -c '
import json,sys; d={p["name"]: p for p in json.loads(sys.argv[1])["prompts"]}
w, n = d["weather"]["current"]["input_tokens"], d["notools"]["current"]["input_tokens"]
assert w - n == int(sys.argv[2]), (w, n, sys.argv[2])' "$out" "$tools_tokens"

# images: a part naming a file of the repository is sent as a data URL with its media
# type (recorded in the ledger as its path); its tokens by the vendors' formulas
PNG="${LLMOPS_SOURCE_ROOT:?}/tests/cli/png.py"
mkdir -p images
python3 "$PNG" images/square.png 1024 1024
python3 "$PNG" images/tall.png 2048 4096
echo "not an image" >images/notes.png
mkdir -p prompts/look
cat >prompts/look/v1.0.0.json <<'EOF'
{"messages": [{"role": "system", "content": "You describe pictures."},
  {"role": "user", "content": [{"type": "text", "text": "{{q}}"},
                               {"type": "image", "path": "images/{{file}}", "detail": "{{detail}}"}]}]}
EOF
git add -A && git commit -qm images
run llmops prompt render look@v1.0.0 --var q=What --var file=square.png --var detail=high --format json
expect_rc 0 "render an image prompt"
printf '%s' "$out" >look-square.json
check "the image is sent as a data URL with its media type" python3 -c '
import json,sys; p=json.loads(sys.argv[1])[1]["content"][1]
assert p["type"]=="image_url" and p["image_url"]["url"].startswith("data:image/png;base64,iVBORw0KGgo") and p["image_url"]["detail"]=="high", p' "$out"
# OpenAI's documented examples: 1024 x 1024 at high detail 765 tokens, 2048 x 4096 1105, low 85;
# gpt-4o-mini 2833 + 5667 x 4 tiles; Anthropic 1024 x 1024 / 750 rounded up
img_tokens() { llmops tokens --chat --model "$1" --format json "$2" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0]["images"])'; }
check "gpt-4o: 1024 x 1024 at high detail is 765 tokens" test "$(img_tokens gpt-4o look-square.json)" = 765
check "gpt-4o-mini: 25501" test "$(img_tokens gpt-4o-mini look-square.json)" = 25501
check "claude: 1399" test "$(img_tokens claude-sonnet-4 look-square.json)" = 1399
llmops prompt render look@v1.0.0 --var q=What --var file=tall.png --var detail=high --format json >look-tall.json
check "gpt-4o: 2048 x 4096 at high detail is 1105 tokens" test "$(img_tokens gpt-4o look-tall.json)" = 1105
llmops prompt render look@v1.0.0 --var q=What --var file=tall.png --var detail=low --format json >look-low.json
check "gpt-4o: low detail is 85 tokens" test "$(img_tokens gpt-4o look-low.json)" = 85
cat >evals/look.json <<'EOF'
[{"id": "sq", "q": "REPLY: a white square", "file": "square.png", "detail": "low", "assert": [{"type": "contains", "value": "square"}]},
 {"id": "tall", "q": "REPLY: a tall white page", "file": "tall.png", "detail": "high", "assert": [{"type": "contains", "value": "tall"}]}]
EOF
for provider in openai:gpt-4o anthropic:claude-3-5-haiku-20241022; do
	run llmops eval --dataset evals/look.json --prompt look@v1.0.0 --provider "$provider" \
		--base-url "$BASE" --no-cache --format json
	expect_rc 0 "$provider: image cases accepted by the server's shape checks"
	check "$provider: recorded with the image's path, not its bytes" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["results"][0]; i=json.loads(r["input"])
assert i[1]["content"][1]=={"type": "image", "path": "images/square.png", "detail": "low"}, i' "$out"
done
cat >evals/look-bad.json <<'EOF'
[{"id": "gone", "q": "x", "file": "missing.png", "detail": "low", "assert": ["is_json"]},
 {"id": "text", "q": "x", "file": "notes.png", "detail": "low", "assert": ["is_json"]}]
EOF
before=$(server_stat api_requests)
run llmops eval --dataset evals/look-bad.json --prompt look@v1.0.0 --provider openai:gpt-4o --base-url "$BASE"
expect_rc 2 "images that cannot be sent stop the run"
check "nothing was sent" test "$(server_stat api_requests)" = "$before"
check "each named with its case" has "$err" "case 'gone' on look@v1.0.0: image 'images/missing.png': no such file"
check "and what is wrong" has "$err" "image 'images/notes.png' is not a PNG, JPEG, GIF or WebP image"

# bad input: a tool the case answers wrongly, a prompt whose tools are malformed
cat >evals/bad.json <<'EOF'
[{"id": "x", "unit": "c", "question": "q", "tools": {"get_time": {"$each": []}}, "assert": ["is_json"]}]
EOF
run llmops eval --dataset evals/bad.json --prompt weather@v1.0.0 --provider openai:gpt-4o-mini --base-url "$BASE"
expect_rc 2 "an empty \$each"
check "says where" has "$err" "evals/bad.json:1: case 'x': tools.get_time: \"\$each\" is a non-empty list"
mkdir -p prompts/broken
printf '{"messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"name": "bad name"}}]}\n' >prompts/broken/v1.0.0.json
mkdir -p prompts/anyof
printf '{"messages": [{"role": "user", "content": "hi"}],\n "tools": [{"type": "function", "function": {"name": "f", "parameters": {"anyOf": [{"type": "object"}]}}}]}\n' >prompts/anyof/v1.0.0.json
run llmops lint --format json prompts/anyof/v1.0.0.json
check "lint: a schema llmops cannot check is said so, where it is" python3 -c '
import json,sys; f=[x for x in json.loads(sys.argv[1])["findings"] if x["rule"]=="tool-schema"]
assert len(f)==1 and f[0]["line"]==2 and "tool '"'"'f'"'"' parameters: " in f[0]["message"] and "anyOf" in f[0]["message"], f' "$out"
git add -A && git commit -qm broken
run llmops prompt render broken@v1.0.0
expect_rc 2 "a malformed tool"
check "names file, line, column and the rule" has "$err" "prompts/broken/v1.0.0.json:1:"
check "and what is wrong" has "$err" "a tool's name is 1 to 64 letters, digits, '_' or '-'"

done_testing
