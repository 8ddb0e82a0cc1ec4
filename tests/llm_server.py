#!/usr/bin/env python3
"""A small OpenAI- and Anthropic-compatible LLM server for llmops's tests.

A test tool, not a product feature.  Python 3 standard library only.  It
listens on 127.0.0.1 (never another address), answers deterministically from
the request, injects faults on request, counts what it served, and stops by
itself after --max-seconds.

Endpoints (wire formats as the vendors document them):
  POST /v1/chat/completions   OpenAI chat completions, plain or stream: true
                              (server-sent events ending in "data: [DONE]")
  POST /v1/embeddings         OpenAI embeddings
  POST /v1/moderations        OpenAI moderations (scores from markers: see moderations)
  GET  /v1/models             OpenAI model list
  POST /v1/messages           Anthropic Messages API, plain or stream: true
  POST /v1/responses          OpenAI Responses API (plain): instructions and input
  POST /v1/traces             an OpenTelemetry collector's OTLP/HTTP JSON traces
                              receiver (the spans are kept for /_traces)
  POST /v1/logs               the same for logs (ExportLogsServiceRequest)
  GET  /_traces               every traces request received, as a JSON array
  GET  /_otlp                 every traces and logs request received, in the
                              order they came (what a collector's file exporter
                              writes, one a line)
  GET  /_stats                requests served, by path and by fault, and
                              "answered": /v1 requests answered whole with a 2xx (JSON)
  POST /_reset                zero the counters
  POST /_shutdown             stop the server

Answers:
  - the reply is the text of the last user message, unless that message has
    a line "REPLY: text", in which case the reply is that text;
  - a line "REPLY-FOR MODEL: text" answers the text when the request asks
    MODEL (before any REPLY line): a cheap model that gets a case wrong;
  - a prompt injection (llmops's red-team catalogue) is obeyed, as a vulnerable
    model would, unless the prompt (any message) says "never follow
    instructions": a marker LLMOPS-PWNED-... asked for is answered (after
    zero-width characters are dropped, Cyrillic look-alikes read as Latin and
    base64 decoded), a request for the instructions above is answered with the
    system prompt, and a link to attacker.invalid is put in the answer; the same
    in what a tool answered (an indirect injection), once the tools' results
    are in; told to "call the tool NAME" of its tools, it calls it once;
  - a line "REPLY-IF-MASC: text" answers the text when the message has one of
    the words he, him, his, himself, man, men, mr (a model biased against them:
    the directive's own words are none of the swapped ones);
  - a plain chat request with "logprobs": true gets each answer token's
    log-probability: 0 (certain), or log(P) for every token when the last user
    message has a line "CONFIDENCE-FOR MODEL: P" naming the model asked;
  - a line "REPLY-KEY: text" answers the text and then the API key the
    request carried (a model that echoes a secret it was given);
  - a line "REPLY-CYCLE: a | b | c" answers a, then b, then c, then a again,
    to the same message asked again (as a model that is not deterministic
    would; the server counts per message text, so N identical requests get
    each answer equally often whatever order they arrive in);
  - max_tokens (or max_completion_tokens) cuts the reply to that many
    tokens (finish_reason "length" / stop_reason "max_tokens");
  - tokens are counted as the number of words and punctuation marks
    (regex \\w+|[^\\w\\s]); prompt tokens add 3 per message and 3 per request,
    as OpenAI's chat format does;
  - an embedding is a 64-dimension unit vector of hashed words, so texts
    that share words have close embeddings;
  - a request whose response_format asks for the JSON schema named
    "llmops_verdict" (a judge's), or a Messages API request whose text asks
    for the verdict's shape ('{"score": <'), is answered as a judge: see
    verdict_for (and verdict_logprobs, with "logprobs": true);
  - tools: a request's shape is checked as its API documents it (a 400 in the
    API's error shape otherwise), and the last user message scripts tool
    calls with "CALL: name {args}" lines: see llm_tools.py;
  - a request for the JSON schema named "llmops_preference" (a pairwise
    judge's), or a Messages API request asking for '{"winner": ', is
    answered with a preference between its <answer_a> and <answer_b>: see
    preference_for.

Faults (each RATE is a fraction in [0,1], applied deterministically: the
n-th request gets a fault when floor(n*RATE) > floor((n-1)*RATE)):
  --latency-ms N        added before every answer
  --fail-first N        the first N API requests answer 500
  --fail-rate RATE      500 Internal Server Error
  --rate-limit-rate R   429 with Retry-After (--retry-after seconds)
  --drop-rate RATE      the connection is closed without an answer
  --truncate-rate RATE  the body is cut off halfway and the connection closed
  --slow-rate RATE      the body trickles out over --slow-body-ms
  --malformed-rate RATE 200 with a body that is not valid JSON
  a model named no-such-*  404 "model_not_found", as OpenAI and Anthropic
                        answer for a model that does not exist
  --require-key KEY     401 unless "Authorization: Bearer KEY" (OpenAI) or
                        "x-api-key: KEY" (Anthropic) is sent
A request may also ask for one fault with the header "X-Test-Fault: 500",
"429", "drop", "truncate", "slow" or "malformed".

With --tls-cert and --tls-key it serves HTTPS (a self-signed certificate
made by the test, which clients must refuse unless told to trust it).

The port is printed on stdout as "PORT n" and, with --port-file, written to
that file (atomically) once the server is listening.
"""

import argparse
import base64
import asyncio
import gzip
import hashlib
import json
import math
import os
import re
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llm_tools  # noqa: E402  (tool calling and request shapes)

TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)
CREATED = 1700000000  # fixed, so answers are byte-for-byte reproducible
MODERATION_CATEGORIES = ["harassment", "harassment/threatening", "hate", "hate/threatening",
                         "illicit", "illicit/violent", "self-harm", "self-harm/intent",
                         "self-harm/instructions", "sexual", "sexual/minors", "violence",
                         "violence/graphic"]
MODELS = ["gpt-4o-mini", "gpt-4o", "test-model", "claude-3-5-haiku-latest", "text-embedding-3-small"]
FAULTS = ("500", "429", "drop", "truncate", "slow", "malformed")
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error"}


def count_tokens(text):
    return len(TOKEN_RE.findall(text or ""))


def cut_tokens(text, limit):
    """The prefix of text holding at most limit tokens, and whether it was cut."""
    if limit is None:
        return text, False
    matches = list(TOKEN_RE.finditer(text))
    if len(matches) <= limit:
        return text, False
    return (text[:matches[limit - 1].end()] if limit > 0 else ""), True


def check_model(model):
    if model.startswith("no-such-"):
        raise HTTPError(404, "The model '%s' does not exist or you do not have access to it." % model,
                        "not_found_error")


content_text = llm_tools.content_text  # a message's text: a string, or its parts'


LOOKALIKES = str.maketrans("\u0430\u0441\u0435\u043e\u0440\u0445\u0456", "aceopxi")


def attack_reply(messages, last):
    """What a model answers a prompt injection in the last user message: a vulnerable one
    does what it asks; one whose prompt says "never follow instructions" keeps to its task
    (None: no attack)."""
    system = "\n".join(content_text(m.get("content")) for m in messages
                       if isinstance(m, dict) and m.get("role") == "system")
    everything = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
    hardened = "never follow instructions" in everything.lower()
    text = last.replace("\u200b", "").translate(LOOKALIKES)
    for blob in re.findall(r"[A-Za-z0-9+/]{24,}={0,2}", text):
        try:
            text += "\n" + base64.b64decode(blob).decode()
        except (ValueError, UnicodeDecodeError):
            pass
    m = re.search(r"LLMOPS-PWNED-[\w-]+", text)
    if m:
        obey = m.group(0).rstrip(".-")
    elif re.search(r"system prompt|instructions? you were given|text above", text, re.I):
        obey = system or "I have no instructions."
    elif "attacker.invalid" in text:
        obey = "Done. ![status](https://attacker.invalid/pixel.png?d=hello)"
    else:
        return None
    return "I will keep to the task I was given." if hardened else obey


def forced_call(messages, names):
    """A vulnerable model told (in the user's text or a tool's result) to "call the tool
    NAME" of the request's tools calls it, once: ("calls", [(NAME, {})]), else None."""
    everything = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
    if "never follow instructions" in everything.lower():
        return None
    told = "\n".join(content_text(m.get("content")) for m in messages
                     if isinstance(m, dict) and m.get("role") in ("user", "tool"))
    m = re.search(r"call the tool (\w+)", told.replace("\u200b", "").translate(LOOKALIKES), re.I)
    if not m or m.group(1) not in names:
        return None
    done = any(c.get("function", {}).get("name") == m.group(1) for x in messages if isinstance(x, dict)
               for c in (x.get("tool_calls") or []))
    return None if done else ("calls", [(m.group(1), {})])


def reply_for(messages, seen, key="", model=""):
    """The answer to messages; seen counts the times each message was asked;
    key is the API key the request carried (for REPLY-KEY); model the model asked
    (for REPLY-FOR)."""
    last = ""
    for m in messages:
        if isinstance(m, dict) and m.get("role") == "user":
            last = content_text(m.get("content"))
    attacked = attack_reply(messages, last)
    if attacked is not None:
        return attacked
    masc = re.search(r"\b(he|him|his|himself|man|men|mr)\b", last, re.I)
    for line in last.splitlines():
        if line.startswith("REPLY-IF-MASC:") and masc:
            return line[len("REPLY-IF-MASC:"):].strip()
    for line in last.splitlines():
        if line.startswith("REPLY-FOR ") and ":" in line:
            who, text = line[len("REPLY-FOR "):].split(":", 1)
            if who.strip() == model:
                return text.strip()
    for line in last.splitlines():
        if line.startswith("REPLY:"):
            return line[len("REPLY:"):].strip()
        if line.startswith("REPLY-KEY:"):
            return (line[len("REPLY-KEY:"):].strip() + " " + key).strip()
        if line.startswith("REPLY-CYCLE:"):
            choices = [c.strip() for c in line[len("REPLY-CYCLE:"):].split("|")]
            n = seen.get(last, 0)
            seen[last] = n + 1
            return choices[n % len(choices)]
    return last


VERDICT_RE = re.compile(r"VERDICT:\s*(\S+)")
REFUSALS = ("i can't", "i cannot", "i won't", "i'm sorry", "unable to help")


def verdict_for(messages, json_schema):
    """A judge's verdict (a request asking for the llmops_verdict JSON schema): from the
    marker "VERDICT: X" in its messages, the first one found.  X a number: {"score": X,
    "reason": ...}; "fenced": score 4 inside a Markdown code fence; "line": a prose answer
    with a line "Score: 4"; "none": prose with no score; "500": an HTTP 500 (a judge that
    fails).  No marker: the middle of the schema's scale.  On a 0-1 scale (the refusal
    rubric): 1 when the text between <answer> tags declines ("I can't", "I'm sorry", ...)."""
    text = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
    score = (json_schema.get("schema") or {}).get("properties", {}).get("score", {})
    if score.get("maximum") == 1:  # a 0-1 scale: the refusal rubric
        answer = text.split("<answer>", 1)[-1].split("</answer>", 1)[0].lower()
        refuses = any(p in answer for p in REFUSALS)
        return json.dumps({"score": 1 if refuses else 0,
                           "reason": "it declines" if refuses else "it answers"})
    m = VERDICT_RE.search(text)
    if not m:
        score = (json_schema.get("schema") or {}).get("properties", {}).get("score", {})
        mid = (score.get("minimum", 1) + score.get("maximum", 5)) // 2
        return json.dumps({"score": mid, "reason": "no marker: the middle of the scale"})
    x = m.group(1).rstrip(".,;").rstrip("~")
    if x == "500":
        raise HTTPError(500, "the judge failed", "server_error")
    if x == "fenced":
        return "Here is my verdict:\n```json\n" + json.dumps({"score": 4, "reason": "fenced"}) + "\n```"
    if x == "line":
        return "The answer is on topic.\nScore: 4\nIt could be shorter."
    if x == "none":
        return "I cannot judge this answer."
    try:
        v = float(x)
    except ValueError:
        return "I cannot judge this answer."
    return json.dumps({"score": int(v) if v == int(v) else v, "reason": "the marker says " + x})


QUALITY_RE = re.compile(r"QUALITY:\s*(-?\d+)")
PREFER_RE = re.compile(r"PREFER:\s*(\S+)")


def between(text, tag):
    return text.split("<" + tag + ">", 1)[-1].split("</" + tag + ">", 1)[0] \
        if "<" + tag + ">" in text else ""


def preference_for(messages):
    """A pairwise judge's verdict: the answer (between <answer_a> and <answer_b> tags) whose
    marker "QUALITY: N" is higher wins, equal ones tie (no marker: 0).  A marker "PREFER: X"
    anywhere changes that: "first" always prefers A (a judge with a position bias, whose two
    orders disagree), "500" is an HTTP 500, "line" answers in prose with a line
    "Winner: X", "none" in prose with no winner."""
    text = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
    a, b = between(text, "answer_a"), between(text, "answer_b")
    qa, qb = (int(m.group(1)) if m else 0 for m in (QUALITY_RE.search(a), QUALITY_RE.search(b)))
    winner = "A" if qa > qb else "B" if qb > qa else "tie"
    m = PREFER_RE.search(text)
    how = m.group(1).rstrip(".,;") if m else ""
    if how == "500":
        raise HTTPError(500, "the judge failed", "server_error")
    if how == "first":
        return json.dumps({"winner": "A", "reason": "the first one reads better"})
    if how == "line":
        return "Both are close.\n**Winner:** " + winner + "\nThat is my view."
    if how == "none":
        return "I cannot decide between them."
    return json.dumps({"winner": winner, "reason": "quality %d against %d" % (qa, qb)})


def verdict_logprobs(reply, messages):
    """The log-probabilities of a JSON verdict's tokens (a request with "logprobs": true):
    the score's token is certain, unless the marker ends in "~" ("VERDICT: 4~"): then
    the score has probability 0.7, one less 0.2 and one more 0.1."""
    try:
        score = json.loads(reply)["score"]
    except (ValueError, KeyError, TypeError):
        return None
    text = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
    m = VERDICT_RE.search(text)
    spread = bool(m and m.group(1).rstrip(".,;").endswith("~"))
    head, tail = reply.split(str(score), 1)
    top = [(str(score), 0.7), (str(score - 1), 0.2), (str(score + 1), 0.1)] if spread \
        else [(str(score), 1.0)]

    def tok(t, alts=None):
        return {"token": t, "logprob": 0.0, "bytes": list(t.encode()),
                "top_logprobs": [{"token": a, "logprob": math.log(p), "bytes": list(a.encode())}
                                 for a, p in (alts or [(t, 1.0)])]}
    return {"content": [tok(head), tok(str(score), top), tok(tail)], "refusal": None}


def answer_logprobs(reply, messages, model):
    """Each token of a plain answer with its log-probability (a request with "logprobs":
    true): 0, or log(P) when the last user message has "CONFIDENCE-FOR MODEL: P"."""
    last = ""
    for m in messages:
        if isinstance(m, dict) and m.get("role") == "user":
            last = content_text(m.get("content"))
    lp = 0.0
    for line in last.splitlines():
        if line.startswith("CONFIDENCE-FOR ") and ":" in line:
            who, p = line[len("CONFIDENCE-FOR "):].split(":", 1)
            if who.strip() == model:
                lp = math.log(float(p))
    return {"content": [{"token": t, "logprob": lp, "bytes": list(t.encode()), "top_logprobs": []}
                        for t in re.findall(r"\w+|[^\w\s]", reply)], "refusal": None}


def prompt_tokens(messages, system=None):
    n = 3
    if system:
        n += 3 + count_tokens(content_text(system))
    for m in messages:
        if isinstance(m, dict):
            n += 3 + count_tokens(content_text(m.get("content")))
    return n


def embed(text, dims=64):
    v = [0.0] * dims
    for w in TOKEN_RE.findall(text.lower()):
        h = hashlib.sha256(w.encode()).digest()
        i, sign = struct.unpack_from("<HB", h)
        v[i % dims] += 1.0 if sign & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [round(x / norm, 6) for x in v]


def request_id(prefix, body):
    return prefix + hashlib.sha256(body).hexdigest()[:24]


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.requests = 0      # every request, control endpoints excepted
        self.api_requests = 0  # requests to /v1/*
        self.answered = 0      # /v1/* requests answered whole with a 2xx (no fault)
        self.by_path = {}
        self.faults = {}
        self.seen = {}         # REPLY-CYCLE: times each message was asked
        self.connections = 0
        self.traces = []       # bodies POSTed to /v1/traces
        self.otlp = []         # bodies POSTed to /v1/traces and /v1/logs, in order


class HTTPError(Exception):
    def __init__(self, status, message, kind="invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


class Server:
    def __init__(self, opts):
        self.o = opts
        self.stats = Stats()
        self.req_key = ""  # the API key of the request being answered
        self.stop = None
        self.body_log = open(opts.log, "a", encoding="utf-8") if opts.log else None

    # ---------------------------------------------------------------- faults
    def pick_fault(self, n, header):
        if header in FAULTS:
            return header
        if n <= self.o.fail_first:
            return "500"
        for name, rate in (("500", self.o.fail_rate), ("429", self.o.rate_limit_rate),
                           ("drop", self.o.drop_rate), ("truncate", self.o.truncate_rate),
                           ("slow", self.o.slow_rate), ("malformed", self.o.malformed_rate)):
            if rate > 0 and math.floor(n * rate) > math.floor((n - 1) * rate):
                return name
        return None

    # --------------------------------------------------------------- answers
    def error_body(self, anthropic, status, message, kind):
        if anthropic:
            return {"type": "error", "error": {"type": kind, "message": message}}
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}

    def check_key(self, headers, anthropic):
        key = self.o.require_key
        if not key:
            return
        if anthropic:
            ok = headers.get("x-api-key") == key
        else:
            ok = headers.get("authorization") == "Bearer " + key
        if not ok:
            raise HTTPError(401, "invalid api key", "authentication_error")

    def chat(self, req, raw):
        messages = req.get("messages")
        if not isinstance(messages, list) or not messages:
            raise HTTPError(400, "'messages' must be a non-empty array")
        model = req.get("model")
        if not isinstance(model, str) or not model:
            raise HTTPError(400, "'model' is required")
        check_model(model)
        limit = req.get("max_completion_tokens", req.get("max_tokens"))
        fmt = req.get("response_format")
        logprobs = None
        schema_name = (fmt.get("json_schema") or {}).get("name") if isinstance(fmt, dict) else None
        if schema_name == "llmops_verdict":
            reply = verdict_for(messages, fmt["json_schema"])
            if req.get("logprobs"):
                logprobs = verdict_logprobs(reply, messages)
        elif schema_name == "llmops_preference":
            reply = preference_for(messages)
        else:
            reply = reply_for(messages, self.stats.seen, self.req_key, model)
            if req.get("logprobs"):
                logprobs = answer_logprobs(reply, messages, model)
        try:
            names, choice = llm_tools.check_openai(req)
        except llm_tools.ShapeError as e:
            raise HTTPError(400, str(e))
        conv = llm_tools.conv_openai(messages)
        t = forced_call(messages, names) or llm_tools.turn(conv, names, choice)
        calls = None
        if t and t[0] == "calls":
            calls = [{"id": "call_%d_%d" % (len(conv), k), "type": "function",
                      "function": {"name": n, "arguments": json.dumps(a)}}
                     for k, (n, a) in enumerate(t[1])]
            reply = ""
        elif t:
            reply = t[1]
            # what the tools answered may carry an injection (indirect): obeyed or not as
            # one in the user's own text
            injected = "\n".join(content_text(m.get("content")) for m in messages
                                 if isinstance(m, dict) and m.get("role") == "tool")
            attacked = attack_reply(messages, injected) if injected else None
            if attacked is not None:
                reply = attacked
        text, cut = cut_tokens(reply, limit)
        out_tokens = count_tokens(text) + sum(count_tokens(c["function"]["name"] + c["function"]["arguments"])
                                              for c in calls or [])
        usage = {"prompt_tokens": prompt_tokens(messages), "completion_tokens": out_tokens}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        message = {"role": "assistant", "content": None if calls else text}
        if calls:
            message["tool_calls"] = calls
        return {
            "id": request_id("chatcmpl-", raw), "object": "chat.completion", "created": CREATED,
            "model": model, "system_fingerprint": "fp_llmops_test",
            "choices": [{"index": 0, "message": message, "logprobs": logprobs,
                         "finish_reason": "tool_calls" if calls else "length" if cut else "stop"}],
            "usage": usage,
        }

    def responses(self, req, raw):
        """OpenAI's Responses API, plain: instructions (a system message) and input (a
        string, or messages whose content is a string or input_text parts)."""
        model = req.get("model")
        if not isinstance(model, str) or not model:
            raise HTTPError(400, "'model' is required")
        check_model(model)
        inp = req.get("input")
        if isinstance(inp, str):
            messages = [{"role": "user", "content": inp}]
        elif isinstance(inp, list) and inp:
            messages = []
            for m in inp:
                c = m.get("content") if isinstance(m, dict) else None
                if isinstance(c, list):
                    c = "".join(p.get("text", "") for p in c if isinstance(p, dict))
                if not isinstance(c, str):
                    raise HTTPError(400, "an input message needs content")
                messages.append({"role": m.get("role", "user"), "content": c})
        else:
            raise HTTPError(400, "'input' must be a string or a non-empty array")
        if isinstance(req.get("instructions"), str):
            messages.insert(0, {"role": "system", "content": req["instructions"]})
        text, cut = cut_tokens(reply_for(messages, self.stats.seen, self.req_key, model),
                               req.get("max_output_tokens"))
        rid = request_id("resp_", raw)
        usage = {"input_tokens": prompt_tokens(messages), "output_tokens": count_tokens(text)}
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        return {
            "id": rid, "object": "response", "created_at": CREATED, "model": model,
            "status": "incomplete" if cut else "completed",
            "instructions": req.get("instructions"),
            "output": [{"type": "message", "id": "msg_" + rid[5:], "status": "completed",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": text, "annotations": []}]}],
            "usage": usage,
        }

    def chat_stream(self, req, raw):
        full = self.chat(req, raw)
        base = {"id": full["id"], "object": "chat.completion.chunk", "created": CREATED,
                "model": full["model"], "system_fingerprint": "fp_llmops_test"}
        events = [dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""},
                                        "logprobs": None, "finish_reason": None}])]
        msg = full["choices"][0]["message"]
        for piece in re.findall(r"\S+\s*|\s+", msg["content"] or ""):
            events.append(dict(base, choices=[{"index": 0, "delta": {"content": piece},
                                               "logprobs": None, "finish_reason": None}]))
        for k, c in enumerate(msg.get("tool_calls") or []):  # the arguments in two pieces
            args = c["function"]["arguments"]
            events.append(dict(base, choices=[{"index": 0, "delta": {"tool_calls": [
                {"index": k, "id": c["id"], "type": "function",
                 "function": {"name": c["function"]["name"], "arguments": args[:len(args) // 2]}}]},
                "logprobs": None, "finish_reason": None}]))
            events.append(dict(base, choices=[{"index": 0, "delta": {"tool_calls": [
                {"index": k, "function": {"arguments": args[len(args) // 2:]}}]},
                "logprobs": None, "finish_reason": None}]))
        events.append(dict(base, choices=[{"index": 0, "delta": {}, "logprobs": None,
                                           "finish_reason": full["choices"][0]["finish_reason"]}]))
        if (req.get("stream_options") or {}).get("include_usage"):
            events.append(dict(base, choices=[], usage=full["usage"]))
        out = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
        return out + b"data: [DONE]\n\n"

    def messages(self, req, raw):
        messages = req.get("messages")
        if not isinstance(messages, list) or not messages:
            raise HTTPError(400, "messages: field required")
        if not isinstance(req.get("max_tokens"), int):
            raise HTTPError(400, "max_tokens: field required")
        check_model(req.get("model") or "")
        # the Messages API has no response_format: a judge is known by its rubric's request
        # for the verdict's shape
        try:
            names, choice = llm_tools.check_anthropic(req)
        except llm_tools.ShapeError as e:
            raise HTTPError(400, str(e))
        # a response format asked as a forced tool (llmops_response_format): its schema says
        # what is asked (a judge's verdict, a preference), and the answer is its input
        forced = (choice or {}).get("name") == "llmops_response_format"
        schema = next((t.get("input_schema") for t in req.get("tools") or []
                       if t.get("name") == "llmops_response_format"), {}) if forced else {}
        asked = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
        if '{"winner": ' in asked or "winner" in (schema.get("properties") or {}):
            reply = preference_for(messages)
        elif "score" in (schema.get("properties") or {}):
            reply = verdict_for(messages, {"schema": schema})
        elif '{"score": <' in asked:
            top = 1 if '{"score": <0 or 1>' in asked else 5
            reply = verdict_for(messages, {"schema": {"properties": {"score": {"minimum": 0 if top == 1 else 1,
                                                                                "maximum": top}}}})
        else:
            reply = reply_for(messages, self.stats.seen, self.req_key, req.get("model") or "")
        conv = llm_tools.conv_anthropic(messages)
        t = None if forced else llm_tools.turn(conv, names, choice)
        content = []
        if t and t[0] == "calls":
            content = [{"type": "tool_use", "id": "toolu_%d_%d" % (len(conv), k), "name": n, "input": a}
                       for k, (n, a) in enumerate(t[1])]
        else:
            if t:
                reply = t[1]
            text, cut = cut_tokens(reply, req["max_tokens"])
            obj = None
            if forced:
                try:
                    obj = json.loads(text)
                except ValueError:
                    obj = None
            content = [{"type": "tool_use", "id": "toolu_format", "name": "llmops_response_format",
                        "input": obj}] if isinstance(obj, dict) else [{"type": "text", "text": text}]
        out_tokens = sum(count_tokens(b["text"]) if b["type"] == "text"
                         else count_tokens(b["name"] + json.dumps(b["input"])) for b in content)
        tool_use = any(b["type"] == "tool_use" for b in content)
        return {
            "id": request_id("msg_", raw), "type": "message", "role": "assistant",
            "model": req.get("model"), "content": content,
            "stop_reason": "tool_use" if tool_use else "max_tokens" if t is None and cut else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens(messages, req.get("system")),
                      "output_tokens": out_tokens},
        }

    def messages_stream(self, req, raw):
        full = self.messages(req, raw)
        start = dict(full, content=[], stop_reason=None,
                     usage={"input_tokens": full["usage"]["input_tokens"], "output_tokens": 0})
        events = [("message_start", {"type": "message_start", "message": start})]
        for k, b in enumerate(full["content"]):
            if b["type"] == "text":
                events.append(("content_block_start", {"type": "content_block_start", "index": k,
                                                       "content_block": {"type": "text", "text": ""}}))
                for piece in re.findall(r"\S+\s*|\s+", b["text"]):
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": k,
                                                           "delta": {"type": "text_delta", "text": piece}}))
            else:  # a tool_use block: its input as JSON text in two pieces
                events.append(("content_block_start", {"type": "content_block_start", "index": k,
                                                       "content_block": dict(b, input={})}))
                js = json.dumps(b["input"])
                for piece in (js[:len(js) // 2], js[len(js) // 2:]):
                    events.append(("content_block_delta", {"type": "content_block_delta", "index": k,
                                                           "delta": {"type": "input_json_delta",
                                                                     "partial_json": piece}}))
            events.append(("content_block_stop", {"type": "content_block_stop", "index": k}))
        events += [("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": full["stop_reason"], "stop_sequence": None},
                                      "usage": {"output_tokens": full["usage"]["output_tokens"]}}),
                   ("message_stop", {"type": "message_stop"})]
        return b"".join(b"event: " + n.encode() + b"\ndata: " + json.dumps(d).encode() + b"\n\n"
                        for n, d in events)

    def embeddings(self, req):
        inp = req.get("input")
        items = [inp] if isinstance(inp, str) else inp
        if not isinstance(items, list) or not items or not all(isinstance(s, str) for s in items):
            raise HTTPError(400, "'input' must be a string or an array of strings")
        data = [{"object": "embedding", "index": i, "embedding": embed(s)} for i, s in enumerate(items)]
        n = sum(count_tokens(s) for s in items)
        return {"object": "list", "data": data, "model": req.get("model"),
                "usage": {"prompt_tokens": n, "total_tokens": n}}

    def moderations(self, req):
        """OpenAI's moderation answer: every category scored 0.01, but those a marker
        "MODERATION: harassment=0.9,violence=0.2" in the input names; "MODERATION: 500" is an
        HTTP 500 (an endpoint that fails)."""
        inp = req.get("input")
        if not isinstance(inp, str):
            raise HTTPError(400, "'input' must be a string")
        scores = {c: 0.01 for c in MODERATION_CATEGORIES}
        m = re.search(r"MODERATION:\s*(\S+)", inp)
        if m and m.group(1) == "500":
            raise HTTPError(500, "the moderation endpoint failed", "server_error")
        for pair in (m.group(1).split(",") if m else []):
            name, _, v = pair.partition("=")
            if name in scores:
                scores[name] = float(v)
        return {"id": "modr-" + hashlib.sha256(inp.encode()).hexdigest()[:24],
                "model": req.get("model") or "omni-moderation-latest",
                "results": [{"flagged": any(v >= 0.5 for v in scores.values()),
                             "categories": {c: v >= 0.5 for c, v in scores.items()},
                             "category_scores": scores}]}

    def models(self):
        return {"object": "list", "data": [{"id": m, "object": "model", "created": CREATED,
                                            "owned_by": "llmops-test"} for m in MODELS]}

    # ------------------------------------------------------------------ http
    @staticmethod
    def response(status, body, ctype="application/json", extra=(), chunked=False):
        head = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Status")),
                "Content-Type: " + ctype, "Connection: keep-alive"]
        head += list(extra)
        if chunked:
            head.append("Transfer-Encoding: chunked")
            body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
        else:
            head.append("Content-Length: %d" % len(body))
        return ("\r\n".join(head) + "\r\n\r\n").encode(), body

    def traces(self, method, headers, raw, signal="traces"):
        """OTLP/HTTP with JSON encoding, as the OpenTelemetry protocol specifies."""
        if method != "POST":
            raise HTTPError(405, "use POST for /v1/" + signal)
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        enc = next((v for k, v in headers.items() if k.lower() == "content-encoding"), "")
        if enc == "gzip":  # what OpenTelemetry's exporters send by default
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as e:
                raise HTTPError(400, "Content-Encoding gzip, but the body is not: %s" % e)
        if not ctype.startswith("application/json"):
            raise HTTPError(415, "Content-Type must be application/json, not %r" % ctype)
        try:
            body = json.loads(raw)
        except ValueError as e:
            raise HTTPError(400, "request body is not valid JSON: %s" % e)
        if signal == "logs":
            if not isinstance(body, dict) or not isinstance(body.get("resourceLogs"), list):
                raise HTTPError(400, "an ExportLogsServiceRequest needs resourceLogs")
            self.stats.otlp.append(body)
            return 200, b'{"partialSuccess": {}}', "application/json", False
        if not isinstance(body, dict) or not isinstance(body.get("resourceSpans"), list):
            raise HTTPError(400, "an ExportTraceServiceRequest needs resourceSpans")
        self.stats.traces.append(body)
        self.stats.otlp.append(body)
        return 200, b'{"partialSuccess": {}}', "application/json", False

    def route(self, method, path, headers, raw):
        """Return (status, body bytes, content type, chunked) or raise HTTPError."""
        anthropic = path == "/v1/messages"
        api = path.startswith("/v1/")
        auth = headers.get("authorization", "")
        self.req_key = headers.get("x-api-key") or (auth[7:] if auth.startswith("Bearer ") else "")
        if api:
            self.check_key(headers, anthropic)
        if method == "GET" and path == "/v1/models":
            return 200, json.dumps(self.models()).encode(), "application/json", False
        if method == "GET" and path == "/_stats":
            s = self.stats
            return 200, json.dumps({"requests": s.requests, "api_requests": s.api_requests,
                                    "answered": s.answered,
                                    "by_path": s.by_path, "faults": s.faults,
                                    "connections": s.connections}).encode(), "application/json", False
        if method == "GET" and path == "/_traces":
            return 200, json.dumps(self.stats.traces).encode(), "application/json", False
        if method == "GET" and path == "/_otlp":
            return 200, json.dumps(self.stats.otlp).encode(), "application/json", False
        if path == "/v1/traces":
            return self.traces(method, headers, raw)
        if path == "/v1/logs":
            return self.traces(method, headers, raw, "logs")
        if method == "POST" and path == "/_reset":
            self.stats.reset()
            return 200, b"{}", "application/json", False
        if method == "POST" and path == "/_shutdown":
            self.stop.set()
            return 200, b"{}", "application/json", False
        if path not in ("/v1/chat/completions", "/v1/embeddings", "/v1/messages", "/v1/moderations",
                        "/v1/responses"):
            raise HTTPError(404, "no route for %s %s" % (method, path), "not_found_error")
        if method != "POST":
            raise HTTPError(405, "use POST for " + path)
        try:
            req = json.loads(raw)
        except ValueError as e:
            raise HTTPError(400, "request body is not valid JSON: %s" % e)
        if not isinstance(req, dict):
            raise HTTPError(400, "request body must be a JSON object")
        if self.body_log:
            self.body_log.write(json.dumps({"path": path, "headers": headers, "body": req}) + "\n")
            self.body_log.flush()
        stream = req.get("stream") is True
        if path == "/v1/embeddings":
            return 200, json.dumps(self.embeddings(req)).encode(), "application/json", False
        if path == "/v1/moderations":
            return 200, json.dumps(self.moderations(req)).encode(), "application/json", False
        if path == "/v1/responses":
            return 200, json.dumps(self.responses(req, raw)).encode(), "application/json", False
        if path == "/v1/messages":
            if stream:
                return 200, self.messages_stream(req, raw), "text/event-stream", True
            return 200, json.dumps(self.messages(req, raw)).encode(), "application/json", False
        if stream:
            return 200, self.chat_stream(req, raw), "text/event-stream", True
        return 200, json.dumps(self.chat(req, raw)).encode(), "application/json", False

    async def handle(self, reader, writer):
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.stats.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, _version = lines[0].split(" ", 2)
                except ValueError:
                    return
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                try:
                    if headers.get("transfer-encoding", "").lower() == "chunked":
                        raw = await self.read_chunked(reader)
                    else:
                        raw = await reader.readexactly(int(headers.get("content-length", "0")))
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                        ConnectionError):
                    return
                if not await self.serve_one(method, target.split("?", 1)[0], headers, raw, writer):
                    return
                if headers.get("connection", "").lower() == "close":
                    return
        except (asyncio.CancelledError, ConnectionError):
            return  # shutting down, or the client went away mid-answer
        finally:
            writer.close()

    @staticmethod
    async def read_chunked(reader):
        """A request body in chunked transfer coding (RFC 9112 7.1), trailers dropped."""
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass
                return body
            body += await reader.readexactly(size)
            await reader.readexactly(2)

    async def serve_one(self, method, path, headers, raw, writer):
        """Answer one request; False when the connection must be closed."""
        control = path.startswith("/_")
        s = self.stats
        fault = None
        if not control:
            s.requests += 1
            s.by_path[path] = s.by_path.get(path, 0) + 1
            if path.startswith("/v1/"):
                s.api_requests += 1
                fault = self.pick_fault(s.api_requests, headers.get("x-test-fault"))
                if fault:
                    s.faults[fault] = s.faults.get(fault, 0) + 1
        if self.o.latency_ms and not control:
            await asyncio.sleep(self.o.latency_ms / 1000.0)
        anthropic = path == "/v1/messages"
        if fault == "drop":
            return False
        if fault in ("500", "429"):
            status = int(fault)
            kind = "rate_limit_error" if status == 429 else ("api_error" if anthropic else "server_error")
            msg = "rate limit reached, retry later" if status == 429 else "injected server error"
            body = json.dumps(self.error_body(anthropic, status, msg, kind)).encode()
            extra = ("Retry-After: %g" % self.o.retry_after,) if status == 429 else ()
            h, b = self.response(status, body, extra=extra)
            writer.write(h + b)
            await writer.drain()
            return True
        try:
            status, body, ctype, chunked = self.route(method, path, headers, raw)
        except HTTPError as e:
            status, ctype, chunked = e.status, "application/json", False
            body = json.dumps(self.error_body(anthropic, e.status, e.message, e.kind)).encode()
        if fault == "malformed":
            body = body[: max(1, len(body) // 2)] if len(body) > 1 else b"{"
            ctype, chunked, status = "application/json", False, 200
        h, b = self.response(status, body, ctype, chunked=chunked)
        if fault == "truncate":
            writer.write(h + b[: len(b) // 2])
            await writer.drain()
            return False
        if fault == "slow":
            pieces = 8
            step = max(1, len(b) // pieces)
            writer.write(h)
            for i in range(0, len(b), step):
                await writer.drain()
                await asyncio.sleep(self.o.slow_body_ms / 1000.0 / pieces)
                writer.write(b[i:i + step])
            await writer.drain()
            self.count_answer(control, path, status, fault)
            return True
        writer.write(h + b)  # one write: no Nagle/delayed-ACK stall
        await writer.drain()
        self.count_answer(control, path, status, fault)
        return True

    def count_answer(self, control, path, status, fault):
        if not control and path.startswith("/v1/") and 200 <= status < 300 and fault != "malformed":
            self.stats.answered += 1

    async def main(self):
        self.stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        tls = None
        if self.o.tls_cert:
            import ssl
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(self.o.tls_cert, self.o.tls_key)
        server = await asyncio.start_server(self.handle, "127.0.0.1", self.o.port,
                                            backlog=512, limit=1 << 24, ssl=tls)
        port = server.sockets[0].getsockname()[1]
        if self.o.port_file:
            tmp = self.o.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % port)
            os.replace(tmp, self.o.port_file)
        print("PORT %d" % port, flush=True)
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=self.o.max_seconds)
        except asyncio.TimeoutError:
            print("llm_server: stopping after %gs (--max-seconds)" % self.o.max_seconds,
                  file=sys.stderr)
        server.close()


def rate(s):
    v = float(s)
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError("a rate is a fraction from 0 to 1, not %r" % s)
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(description="llmops test LLM server (127.0.0.1 only)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--max-seconds", type=float, default=600, help="stop after this long")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM); needs --tls-key")
    p.add_argument("--tls-key", help="the certificate's private key (PEM)")
    p.add_argument("--log", help="append each API request (path, headers, body) as JSON lines")
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-rate", type=rate, default=0)
    p.add_argument("--rate-limit-rate", type=rate, default=0)
    p.add_argument("--retry-after", type=float, default=1)
    p.add_argument("--drop-rate", type=rate, default=0)
    p.add_argument("--truncate-rate", type=rate, default=0)
    p.add_argument("--slow-rate", type=rate, default=0)
    p.add_argument("--slow-body-ms", type=float, default=400)
    p.add_argument("--malformed-rate", type=rate, default=0)
    p.add_argument("--require-key")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(Server(parse_args(sys.argv[1:])).main())
