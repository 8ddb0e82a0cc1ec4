#!/usr/bin/env python3
"""Tests of the test LLM server itself: wire formats, determinism, faults."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SERVER = os.environ.get("LLM_SERVER") or os.path.join(os.path.dirname(__file__), "llm_server.py")


class Server:
    """Start llm_server.py with args; stop it on exit."""

    def __init__(self, *args):
        self.tmp = tempfile.TemporaryDirectory()
        port_file = os.path.join(self.tmp.name, "port")
        self.proc = subprocess.Popen([sys.executable, SERVER, "--port-file", port_file,
                                      "--max-seconds", "120", *args],
                                     stdout=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("llm_server.py did not start")
            time.sleep(0.02)
        self.port = int(open(port_file).read())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.tmp.cleanup()

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def request(self, method, path, body=None, headers=None, conn=None):
        c = conn or self.conn()
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
        return r, raw

    def stats(self):
        return json.loads(self.request("GET", "/_stats")[1])


CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "Be brief."},
                                             {"role": "user", "content": "Hello there, world!"}]}


class WireFormats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server()

    @classmethod
    def tearDownClass(cls):
        cls.s.__exit__()

    def test_chat_completion(self):
        r, raw = self.s.request("POST", "/v1/chat/completions", CHAT)
        self.assertEqual(r.status, 200)
        d = json.loads(raw)
        self.assertEqual(d["object"], "chat.completion")
        self.assertEqual(d["model"], "gpt-4o-mini")
        self.assertEqual(d["choices"][0]["message"], {"role": "assistant", "content": "Hello there, world!"})
        self.assertEqual(d["choices"][0]["finish_reason"], "stop")
        # 2 messages x 3 + 3 + tokens (Be . = 3; Hello there , world ! = 5)
        self.assertEqual(d["usage"], {"prompt_tokens": 17, "completion_tokens": 5, "total_tokens": 22})
        # deterministic: the same request gives the same bytes
        self.assertEqual(raw, self.s.request("POST", "/v1/chat/completions", CHAT)[1])

    def test_reply_directive_and_max_tokens(self):
        body = {"model": "m", "max_tokens": 2,
                "messages": [{"role": "user", "content": "ignored\nREPLY: one two three"}]}
        d = json.loads(self.s.request("POST", "/v1/chat/completions", body)[1])
        self.assertEqual(d["choices"][0]["message"]["content"], "one two")
        self.assertEqual(d["choices"][0]["finish_reason"], "length")
        self.assertEqual(d["usage"]["completion_tokens"], 2)

    def test_reply_cycle(self):
        body = {"model": "m", "messages": [{"role": "user", "content": "REPLY-CYCLE: a | b b | c"}]}
        other = {"model": "m", "messages": [{"role": "user", "content": "REPLY-CYCLE: x | y"}]}
        got = [json.loads(self.s.request("POST", "/v1/chat/completions", b)[1])
               ["choices"][0]["message"]["content"] for b in (body, other, body, body, body, other)]
        self.assertEqual(got, ["a", "x", "b b", "c", "a", "y"])  # counted per message

    def test_stream(self):
        body = dict(CHAT, stream=True, stream_options={"include_usage": True})
        r, raw = self.s.request("POST", "/v1/chat/completions", body)
        self.assertEqual(r.getheader("Content-Type"), "text/event-stream")
        events = [e for e in raw.decode().split("\n\n") if e]
        self.assertEqual(events[-1], "data: [DONE]")
        chunks = [json.loads(e[len("data: "):]) for e in events[:-1]]
        self.assertTrue(all(c["object"] == "chat.completion.chunk" for c in chunks))
        text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
        self.assertEqual(text, "Hello there, world!")
        self.assertEqual(chunks[-2]["choices"][0]["finish_reason"], "stop")
        self.assertEqual(chunks[-1]["usage"]["completion_tokens"], 5)

    def test_anthropic_messages(self):
        body = {"model": "claude-3-5-haiku-latest", "max_tokens": 100, "system": "Be brief.",
                "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi you"}]}]}
        r, raw = self.s.request("POST", "/v1/messages", body)
        self.assertEqual(r.status, 200)
        d = json.loads(raw)
        self.assertEqual(d["type"], "message")
        self.assertEqual(d["content"], [{"type": "text", "text": "Hi you"}])
        self.assertEqual(d["stop_reason"], "end_turn")
        # 3 + system (3 + "Be brief." 3) + message (3 + "Hi you" 2)
        self.assertEqual(d["usage"], {"input_tokens": 14, "output_tokens": 2})
        r, raw = self.s.request("POST", "/v1/messages", dict(body, stream=True))
        names = [l[len("event: "):] for l in raw.decode().splitlines() if l.startswith("event: ")]
        self.assertEqual(names[0], "message_start")
        self.assertEqual(names[-1], "message_stop")
        self.assertIn("content_block_delta", names)
        r, raw = self.s.request("POST", "/v1/messages", {"model": "c", "messages": body["messages"]})
        self.assertEqual(r.status, 400)
        self.assertEqual(json.loads(raw)["type"], "error")

    def test_embeddings_and_models(self):
        body = {"model": "text-embedding-3-small", "input": ["the cat sat", "the cat sat down", "quantum flux"]}
        d = json.loads(self.s.request("POST", "/v1/embeddings", body)[1])
        vecs = [e["embedding"] for e in d["data"]]
        self.assertEqual(len(vecs), 3)
        self.assertEqual(len(vecs[0]), 64)
        dot = lambda a, b: sum(x * y for x, y in zip(a, b))
        self.assertAlmostEqual(dot(vecs[0], vecs[0]), 1.0, places=4)
        self.assertGreater(dot(vecs[0], vecs[1]), dot(vecs[0], vecs[2]))
        d = json.loads(self.s.request("GET", "/v1/models")[1])
        self.assertEqual(d["object"], "list")
        self.assertIn("gpt-4o-mini", [m["id"] for m in d["data"]])

    def test_bad_requests(self):
        r, raw = self.s.request("POST", "/v1/chat/completions", b"{not json")
        self.assertEqual(r.status, 400)
        self.assertIn("error", json.loads(raw))
        r, _ = self.s.request("POST", "/v1/chat/completions", {"model": "m", "messages": []})
        self.assertEqual(r.status, 400)
        r, _ = self.s.request("GET", "/v1/nope")
        self.assertEqual(r.status, 404)

    def test_keep_alive(self):
        c = self.s.conn()
        before = self.s.stats()["connections"]
        for _ in range(5):
            r, _ = self.s.request("POST", "/v1/chat/completions", CHAT, conn=c)
            self.assertEqual(r.status, 200)
        self.assertEqual(self.s.stats()["connections"], before + 1 + 1)  # ours + the stats call's
        c.close()


class Faults(unittest.TestCase):
    def test_fail_first_and_counts(self):
        with Server("--fail-first", "2") as s:
            codes = [s.request("POST", "/v1/chat/completions", CHAT)[0].status for _ in range(4)]
            self.assertEqual(codes, [500, 500, 200, 200])
            st = s.stats()
            self.assertEqual(st["api_requests"], 4)
            self.assertEqual(st["faults"], {"500": 2})
            self.assertEqual(st["by_path"]["/v1/chat/completions"], 4)
            s.request("POST", "/_reset")
            self.assertEqual(s.stats()["api_requests"], 0)

    def test_rates_are_exact_fractions(self):
        with Server("--fail-rate", "0.25") as s:
            codes = [s.request("POST", "/v1/chat/completions", CHAT)[0].status for _ in range(20)]
            self.assertEqual(codes.count(500), 5)

    def test_429_retry_after(self):
        with Server("--rate-limit-rate", "1", "--retry-after", "2") as s:
            r, raw = s.request("POST", "/v1/chat/completions", CHAT)
            self.assertEqual(r.status, 429)
            self.assertEqual(r.getheader("Retry-After"), "2")
            self.assertEqual(json.loads(raw)["error"]["type"], "rate_limit_error")
            r, raw = s.request("POST", "/v1/messages", {"model": "c", "max_tokens": 5, "messages": CHAT["messages"][1:]})
            self.assertEqual(json.loads(raw)["error"]["type"], "rate_limit_error")

    def test_header_faults(self):
        with Server() as s:
            with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
                s.request("POST", "/v1/chat/completions", CHAT, {"X-Test-Fault": "drop"})
            with self.assertRaises(http.client.IncompleteRead):
                s.request("POST", "/v1/chat/completions", CHAT, {"X-Test-Fault": "truncate"})
            r, raw = s.request("POST", "/v1/chat/completions", CHAT, {"X-Test-Fault": "malformed"})
            self.assertEqual(r.status, 200)
            with self.assertRaises(ValueError):
                json.loads(raw)
            t0 = time.monotonic()
            r, raw = s.request("POST", "/v1/chat/completions", CHAT, {"X-Test-Fault": "slow"})
            self.assertGreaterEqual(time.monotonic() - t0, 0.3)
            self.assertEqual(json.loads(raw)["choices"][0]["message"]["content"], "Hello there, world!")

    def test_latency(self):
        with Server("--latency-ms", "100") as s:
            t0 = time.monotonic()
            s.request("POST", "/v1/chat/completions", CHAT)
            self.assertGreaterEqual(time.monotonic() - t0, 0.1)

    def test_require_key(self):
        with Server("--require-key", "sk-test-123") as s:
            r, raw = s.request("POST", "/v1/chat/completions", CHAT)
            self.assertEqual(r.status, 401)
            self.assertEqual(json.loads(raw)["error"]["type"], "authentication_error")
            r, _ = s.request("POST", "/v1/chat/completions", CHAT, {"Authorization": "Bearer sk-test-123"})
            self.assertEqual(r.status, 200)
            r, _ = s.request("POST", "/v1/messages", {"model": "c", "max_tokens": 5, "messages": CHAT["messages"][1:]},
                             {"x-api-key": "sk-test-123"})
            self.assertEqual(r.status, 200)

    def test_loopback_only_and_stops_by_itself(self):
        with tempfile.TemporaryDirectory() as tmp:
            pf = os.path.join(tmp, "port")
            p = subprocess.Popen([sys.executable, SERVER, "--port-file", pf, "--max-seconds", "0.5"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            line = p.stdout.readline().decode()
            self.assertTrue(line.startswith("PORT "))
            port = int(line.split()[1])
            self.assertEqual(int(open(pf).read()), port)
            # bound to 127.0.0.1 only: listening sockets show that address
            with open("/proc/net/tcp") as f:
                rows = [l.split() for l in f.readlines()[1:]]
            listening = [r[1] for r in rows if r[3] == "0A" and int(r[1].split(":")[1], 16) == port]
            self.assertEqual(listening, ["0100007F:%04X" % port])
            self.assertEqual(p.wait(10), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
