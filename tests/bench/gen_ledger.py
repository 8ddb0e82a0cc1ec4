#!/usr/bin/env python3
"""Fill an llmops ledger (already created by llmops, so the schema is its own)
with RUNS runs and RESULTS results for the ledger-reading benchmark.

    gen_ledger.py LEDGER RUNS RESULTS BIG

The last two runs are evaluations of the same BIG cases (ids c00000...), for
diff; the rest share the remaining results.  Runs are spread over the past
365 days, across 20 prompts, 4 models of 2 providers and 50 datasets.  Each
finished run carries the figures llmops keeps at finish (totals, requests,
cache hits, mean score, latency p50/p95 and the sorted latencies), computed
here from the results generated for it.
"""
import math
import random
import sqlite3
import struct
import sys
import time

ledger, nruns, nresults, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
words = ("the cluster restarts failed containers and schedules pods across nodes while the "
         "controller reconciles desired state with observed state using labels selectors "
         "services volumes secrets and config maps").split()
pool = [" ".join(rng.choice(words) for _ in range(rng.randint(15, 60))) for _ in range(997)]
models = [("openai", "gpt-4o-mini"), ("openai", "gpt-4o"), ("anthropic", "claude-3-5-haiku"),
          ("anthropic", "claude-3-5-sonnet")]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def ulid(t, n):
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    ms, s = int(t * 1000), ""
    for _ in range(10):
        s = alphabet[ms % 32] + s
        ms //= 32
    r = n * 7919 + 12345
    for _ in range(16):
        s += alphabet[r % 32]
        r //= 32
    return s


db = sqlite3.connect(ledger)
db.execute("PRAGMA synchronous = OFF")
now = time.time()
db.executemany("INSERT INTO datasets (id, sha256, path, format, cases, bytes, created_at)"
               " VALUES (?, ?, ?, 'json', 100, 1000, ?)",
               [(i, "%064x" % i, "evals/set%02d.json" % i, iso(now - 400 * 86400))
                for i in range(1, 51)])
rest = max(nruns - 2, 1)
per = max((nresults - 2 * big) // rest, 1)
start = now - 365 * 86400
for k in range(nruns):
    is_big = k >= nruns - 2
    n = big if is_big else per
    t = start + (k + 1) * (365 * 86400 - 3600) / nruns
    rid = ulid(t, k)
    prov, model = models[k % 4] if not is_big else models[0]
    prompt = "prompt%02d" % (k % 20) if not is_big else "summarize"
    ds = 1 + k % 50 if not is_big else 50
    rows, lat, passed, failed, errored = [], [], 0, 0, 0
    tin = tout = req = hits = 0
    cost = ssum = 0.0
    for c in range(n):
        cid = "c%05d" % c
        err = rng.random() < 0.01
        hit = not err and rng.random() < 0.1
        score = None if err else min(1.0, max(0.0, rng.gauss(0.9, 0.08)))
        ok = None if err else int(score >= 0.85)
        latency = None if err else (0.1 if hit else rng.lognormvariate(6.5, 0.5))
        ti, to = rng.randint(200, 900), rng.randint(20, 300)
        cc = ti * 1.5e-7 + to * 6e-7
        att = 3 if err else 1
        req += att
        if err:
            errored += 1
        elif ok:
            passed += 1
        else:
            failed += 1
        if hit:
            hits += 1
        elif latency is not None:
            lat.append(latency)
        if score is not None:
            ssum += score
        tin += ti
        tout += to
        cost += cc
        text = pool[(c * 31 + k) % 997]
        rows.append((rid, cid, '[{"role":"user","content":"%s"}]' % text, text[:150],
                     pool[c % 997][:100], None if score is None else '{"rouge_l": %.4f}' % score,
                     score, ok, latency, ti, to, cc, att,
                     "HTTP 500 after 3 attempts" if err else None, int(hit), iso(t + c * 0.01)))
    lat.sort()
    scored = n - errored

    def q(p):
        if not lat:
            return None
        h = (len(lat) - 1) * p
        lo = math.floor(h)
        return lat[lo] if lo + 1 >= len(lat) else lat[lo] + (h - lo) * (lat[lo + 1] - lat[lo])
    status = "passed" if passed == n else "failed"
    db.execute(
        "INSERT INTO runs (id, kind, status, started_at, finished_at, duration_ms, git_commit,"
        " git_dirty, prompt_name, prompt_version, dataset_id, provider, model, params, command,"
        " llmops_version, cases, passed, failed, errored, tokens_in, tokens_out, cost_usd,"
        " requests, cache_hits, score_mean, latency_p50, latency_p95, latencies)"
        " VALUES (?, 'eval', ?, ?, ?, ?, ?, 0, ?, 'v1.0.0', ?, ?, ?, '{}', 'llmops eval', '0.1.0',"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rid, status, iso(t), iso(t + 60), 60000.0, "%040x" % k, prompt, ds, prov, model,
         n, passed, failed, errored, tin, tout, cost, req, hits,
         ssum / scored if scored else None, q(0.5), q(0.95),
         struct.pack("<%dd" % len(lat), *lat)))
    db.executemany(
        "INSERT INTO results (run_id, case_id, input, output, expected, scores, score, passed,"
        " latency_ms, tokens_in, tokens_out, cost_usd, attempts, error, cache_hit, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if k % 100 == 99:
        db.commit()
db.commit()
db.close()
