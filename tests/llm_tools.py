"""llm_tools.py - the test server's tool calling (imported by llm_server.py).

Shapes: each API's request is checked as its vendor documents it
(platform.openai.com/docs/api-reference/chat, docs.anthropic.com/en/api/messages):
a malformed one raises ShapeError, which the server answers with a 400 in the
API's own error shape.

Tool calls: the model is scripted by lines of the last user message (the last
one with text, not a turn of tool results):
  CALL: name {"json": "args"}            one step: call name with those arguments
  CALL: a {...} && b {...}               one step calling a and b (parallel calls)
  CALL-LOOP: name {...}                  call it at every step, never answering
Each CALL line is one step, in order; once they are used up the model answers:
the REPLY line of that message with "{results}" replaced by the tools' results
(joined by "; "), else "Results: " and the results.  A tool the request does
not define is not called ("I have no tool named X"); tool_choice "none" calls
nothing.
"""
import json
import re

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ShapeError(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise ShapeError(msg)


# ------------------------------------------------------------------ OpenAI

def check_openai_part(p, where):
    need(isinstance(p, dict), "%s: a content part must be an object" % where)
    t = p.get("type")
    if t == "text":
        need(isinstance(p.get("text"), str), "%s.text: expected a string" % where)
    elif t == "image_url":
        iu = p.get("image_url")
        need(isinstance(iu, dict) and isinstance(iu.get("url"), str),
             "%s.image_url.url: expected a string" % where)
        need(iu.get("detail", "auto") in ("low", "high", "auto"),
             "%s.image_url.detail: expected 'low', 'high' or 'auto'" % where)
    else:
        raise ShapeError("%s.type: expected 'text' or 'image_url', got %r" % (where, t))


def check_openai(req):
    """A chat completions request's messages, tools and tool_choice."""
    msgs = req.get("messages")
    open_ids = set()
    for i, m in enumerate(msgs):
        w = "messages[%d]" % i
        need(isinstance(m, dict), "%s: expected an object" % w)
        role = m.get("role")
        need(role in ("system", "developer", "user", "assistant", "tool"),
             "%s.role: expected one of 'system', 'developer', 'user', 'assistant', 'tool'" % w)
        c = m.get("content")
        calls = m.get("tool_calls")
        if isinstance(c, list):
            need(c, "%s.content: empty array" % w)
            for k, p in enumerate(c):
                check_openai_part(p, "%s.content[%d]" % (w, k))
        else:
            need(isinstance(c, str) or (c is None and role == "assistant" and calls),
                 "%s.content: expected a string or an array of parts" % w)
        if "name" in m:
            need(isinstance(m["name"], str) and NAME_RE.match(m["name"]),
                 "%s.name: must match ^[a-zA-Z0-9_-]{1,64}$" % w)
        if calls is not None:
            need(role == "assistant" and isinstance(calls, list) and calls,
                 "%s.tool_calls: only an assistant message has tool calls" % w)
            for k, tc in enumerate(calls):
                f = tc.get("function") if isinstance(tc, dict) else None
                need(isinstance(tc, dict) and isinstance(tc.get("id"), str) and tc.get("type") == "function"
                     and isinstance(f, dict) and isinstance(f.get("name"), str)
                     and isinstance(f.get("arguments"), str),
                     "%s.tool_calls[%d]: expected {id, type: 'function', function: {name, arguments}}" % (w, k))
                open_ids.add(tc["id"])
        if role == "tool":
            need(isinstance(m.get("tool_call_id"), str),
                 "%s.tool_call_id: a tool message needs tool_call_id" % w)
            need(m["tool_call_id"] in open_ids,
                 "Invalid parameter: messages with role 'tool' must be a response to a preceding "
                 "message with 'tool_calls' (%s)" % w)
            open_ids.discard(m["tool_call_id"])
        elif "tool_call_id" in m:
            raise ShapeError("%s.tool_call_id: only a tool message has one" % w)
    tools = req.get("tools")
    names = []
    if tools is not None:
        need(isinstance(tools, list) and tools, "tools: expected a non-empty array")
        for k, t in enumerate(tools):
            f = t.get("function") if isinstance(t, dict) else None
            need(isinstance(t, dict) and t.get("type") == "function" and isinstance(f, dict),
                 "tools[%d]: expected {type: 'function', function: {...}}" % k)
            need(isinstance(f.get("name"), str) and NAME_RE.match(f["name"]),
                 "tools[%d].function.name: must match ^[a-zA-Z0-9_-]{1,64}$" % k)
            need(isinstance(f.get("parameters", {}), dict),
                 "tools[%d].function.parameters: expected an object" % k)
            names.append(f["name"])
    choice = req.get("tool_choice")
    if choice is not None:
        need(choice in ("auto", "none", "required") or
             (isinstance(choice, dict) and choice.get("type") == "function" and
              (choice.get("function") or {}).get("name") in names),
             "tool_choice: expected 'auto', 'none', 'required' or a defined function")
    return names, choice


def conv_openai(msgs):
    out = []
    for m in msgs:
        role = m.get("role")
        text = content_text(m.get("content"))
        calls = [(c["function"]["name"], c["id"]) for c in m.get("tool_calls") or []]
        out.append({"role": role, "text": text, "calls": calls})
    return out


# --------------------------------------------------------------- Anthropic

def check_anthropic(req):
    msgs = req.get("messages")
    pending = set()
    for i, m in enumerate(msgs):
        w = "messages.%d" % i
        need(isinstance(m, dict) and m.get("role") in ("user", "assistant"),
             "%s.role: Input should be 'user' or 'assistant'" % w)
        c = m.get("content")
        if isinstance(c, str):
            need(not pending, "%s: tool_use ids were found without tool_result blocks "
                              "immediately after: %s" % (w, ", ".join(sorted(pending))))
            continue
        need(isinstance(c, list) and c, "%s.content: expected a string or a non-empty list" % w)
        results = set()
        for k, b in enumerate(c):
            bw = "%s.content.%d" % (w, k)
            t = b.get("type") if isinstance(b, dict) else None
            if t == "text":
                need(isinstance(b.get("text"), str), "%s.text: Field required" % bw)
            elif t == "image":
                s = b.get("source") or {}
                need(m["role"] == "user", "%s: an image is a user's" % bw)
                need((s.get("type") == "base64" and isinstance(s.get("data"), str)
                      and s.get("media_type") in ("image/jpeg", "image/png", "image/gif", "image/webp"))
                     or (s.get("type") == "url" and isinstance(s.get("url"), str)),
                     "%s.source: expected a base64 source (image/jpeg|png|gif|webp) or a url" % bw)
            elif t == "tool_use":
                need(m["role"] == "assistant", "%s: tool_use belongs to the assistant" % bw)
                need(isinstance(b.get("id"), str) and isinstance(b.get("name"), str)
                     and isinstance(b.get("input"), dict),
                     "%s: tool_use needs id, name and an input object" % bw)
                pending.add(b["id"])
            elif t == "tool_result":
                need(m["role"] == "user", "%s: tool_result belongs to the user" % bw)
                need(b.get("tool_use_id") in pending,
                     "%s: unexpected tool_use_id found in tool_result blocks: %s. Each "
                     "tool_result block must have a corresponding tool_use block in the "
                     "previous message." % (bw, b.get("tool_use_id")))
                results.add(b["tool_use_id"])
            else:
                raise ShapeError("%s.type: Input tag %r found using 'type' does not match any "
                                 "of the expected tags" % (bw, t))
        if m["role"] == "user":
            need(pending <= results, "%s: tool_use ids were found without tool_result blocks "
                                     "immediately after: %s" % (w, ", ".join(sorted(pending - results))))
            pending = set()
    need(not any(m.get("role") in ("system", "developer") for m in msgs),
         "messages: system belongs in the top-level system parameter")
    tools = req.get("tools")
    names = []
    if tools is not None:
        need(isinstance(tools, list), "tools: expected a list")
        for k, t in enumerate(tools):
            need(isinstance(t, dict) and isinstance(t.get("name"), str) and NAME_RE.match(t["name"])
                 and isinstance(t.get("input_schema"), dict)
                 and t["input_schema"].get("type") == "object",
                 "tools.%d: expected {name, description, input_schema: {type: 'object', ...}}" % k)
            need("function" not in t and "parameters" not in t,
                 "tools.%d: Extra inputs are not permitted (an OpenAI tool?)" % k)
            names.append(t["name"])
    choice = req.get("tool_choice")
    if choice is not None:
        need(isinstance(choice, dict) and choice.get("type") in ("auto", "any", "tool", "none"),
             "tool_choice.type: expected 'auto', 'any', 'tool' or 'none'")
        need(choice["type"] != "tool" or choice.get("name") in names,
             "tool_choice.name: not among the tools")
    return names, choice


def conv_anthropic(msgs):
    out = []
    for m in msgs:
        c = m.get("content")
        if isinstance(c, str):
            out.append({"role": m["role"], "text": c, "calls": []})
            continue
        text = "".join(b.get("text", "") for b in c if b.get("type") == "text")
        for b in c:
            if b.get("type") == "tool_result":
                rc = b.get("content")
                out.append({"role": "tool", "text": rc if isinstance(rc, str) else content_text(rc),
                            "calls": []})
        calls = [(b["name"], b["id"]) for b in c if b.get("type") == "tool_use"]
        if text or calls or m["role"] == "assistant":
            out.append({"role": m["role"], "text": text, "calls": calls})
    return out


# ------------------------------------------------------------------- both

def content_text(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def parse_calls(plan):
    calls = []
    for part in plan.split("&&"):
        part = part.strip()
        if not part:
            continue
        name, _, args = part.partition(" ")
        calls.append((name, json.loads(args) if args.strip() else {}))
    return calls


def turn(conv, names, choice):
    """What the model does next: ("calls", [(name, args)]) or ("text", reply), or None when
    the messages script no tools (the server's usual answer applies)."""
    users = [i for i, m in enumerate(conv) if m["role"] == "user" and m["text"]]
    if not users:
        return None
    i = users[-1]
    lines = conv[i]["text"].splitlines()
    plan = [l[len("CALL:"):].strip() for l in lines if l.startswith("CALL:")]
    loop = [l[len("CALL-LOOP:"):].strip() for l in lines if l.startswith("CALL-LOOP:")]
    if not plan and not loop:
        return None
    steps = sum(1 for m in conv[i + 1:] if m["role"] == "assistant" and m["calls"])
    none = choice == "none" or (isinstance(choice, dict) and choice.get("type") == "none")
    if not none and (loop or steps < len(plan)):
        calls = parse_calls(loop[0] if loop else plan[steps])
        for name, _ in calls:
            if name not in names:
                return ("text", "I have no tool named %s." % name)
        return ("calls", calls)
    results = "; ".join(m["text"] for m in conv[i + 1:] if m["role"] == "tool")
    for l in lines:
        if l.startswith("REPLY:"):
            return ("text", l[len("REPLY:"):].strip().replace("{results}", results))
    return ("text", "Results: " + results)
