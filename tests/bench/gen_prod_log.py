#!/usr/bin/env python3
"""A production log for the ingest benchmark (issue 21).

gen_prod_log.py REPO N OUT.jsonl OUT.csv [SEED]

N OpenAI-style records over ten days: summarize@v1.0.0 for the first two days,
then v1.1.0 (stable, 90%) and v1.2.0 (canary, 10%); 95% tagged with
llmops.prompt/llmops.version, 5% only matching the pinned text; one record in
1,000 malformed (cut short).  The CSV holds the same rows, one column per
field llmops stores, for sqlite3's .import (the peer).
"""
import csv
import json
import random
import sys


def body(path):
    return open(path).read().split("---\n", 2)[2]


def main():
    repo, n, out_jsonl, out_csv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 20261130)
    texts = {v: body("%s/prompts/summarize/%s.txt" % (repo, v)) for v in ("v1.0.0", "v1.1.0", "v1.2.0")}
    words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
             "omicron pi rho sigma tau upsilon phi chi psi omega").split()
    features = ("inbox", "search", "support", "digest")
    with open(out_jsonl, "w") as fj, open(out_csv, "w", newline="") as fc:
        w = csv.writer(fc)
        w.writerow(["id", "day", "prompt", "version", "model", "input", "output", "tokens_in",
                    "tokens_out", "latency_ms", "cost_usd", "metadata", "created_at"])
        for i in range(n):
            day = 20 + (i * 10) // n
            if day < 22:
                version = "v1.0.0"
            else:
                version = "v1.2.0" if rnd.random() < 0.10 else "v1.1.0"
            passage = " ".join(rnd.choice(words) for _ in range(rnd.randint(20, 60)))
            text = texts[version].replace("{{input}}", passage)
            answer = " ".join(rnd.choice(words) for _ in range(rnd.randint(8, 25))) + "."
            tin, tout = 40 + len(passage) // 4, 3 + len(answer) // 4
            lat = round(rnd.lognormvariate(6.0, 0.4), 1)
            at = "2026-11-%02dT%02d:%02d:%02d.%03dZ" % (day, rnd.randrange(24), rnd.randrange(60),
                                                     rnd.randrange(60), rnd.randrange(1000))
            md = {"feature": rnd.choice(features)}
            if rnd.random() < 0.95:
                md["llmops.prompt"] = "summarize"
                md["llmops.version"] = version
            rec = {"id": "req-%07d" % i,
                   "request": {"model": "gpt-4o-mini",
                               "messages": [{"role": "user", "content": text}]},
                   "response": {"id": "chatcmpl-%d" % i, "object": "chat.completion",
                                "model": "gpt-4o-mini",
                                "choices": [{"index": 0, "finish_reason": "stop",
                                             "message": {"role": "assistant", "content": answer}}],
                                "usage": {"prompt_tokens": tin, "completion_tokens": tout}},
                   "latency_ms": lat, "timestamp": at, "metadata": md}
            line = json.dumps(rec, separators=(",", ":"))
            if i % 1000 == 999:
                line = line[: len(line) // 2]  # malformed: cut short
            else:
                cost = (tin * 0.15 + tout * 0.60) / 1e6
                w.writerow([rec["id"], "2026-11-%02d" % day, "summarize", version, "gpt-4o-mini",
                            json.dumps(rec["request"]["messages"], separators=(",", ":")), answer,
                            tin, tout, lat, cost, json.dumps(md, separators=(",", ":")), at])
            fj.write(line + "\n")


if __name__ == "__main__":
    main()
