#!/usr/bin/env python3
"""A project for the lint benchmark: FAMILIES prompt families of VERSIONS
versions each (prompts/fNNNN/vX.Y.Z.txt, about BYTES bytes per file: front
matter, prose, a fenced example, delimited variables), one dataset per family
in evals/, an llmops.json.  Deterministic (seed 20261122).
  gen_lint_tree.py DIR FAMILIES VERSIONS BYTES"""
import json, os, random, sys

root, families, versions, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20261122)
words = ("the a customer order refund policy answer question summary tone brief polite "
         "explain step include never always account billing invoice shipping delay "
         "product warranty return label contact support agent escalate priority "
         "résumé naïve café 東京 データ").split()
os.makedirs(os.path.join(root, "evals"), exist_ok=True)
with open(os.path.join(root, "llmops.json"), "w") as f:
    json.dump({"providers": {"default": {"type": "openai", "model": "gpt-4o-mini",
                                         "max_tokens": 300}},
               "lint": {"rules": {}}}, f, indent=2)
    f.write("\n")
for i in range(families):
    name = "f%04d" % i
    d = os.path.join(root, "prompts", name)
    os.makedirs(d, exist_ok=True)
    for v in range(versions):
        lines = ["---", "model: gpt-4o-mini", "temperature: 0.%d" % (v % 10),
                 "max_tokens: 300", "owner: team-%d@example.com" % (i % 7),
                 "description: family %d version %d" % (i, v), "---"]
        body = []
        n = len("\n".join(lines))
        while n < size - 200:
            s = " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."
            body.append(s)
            n += len(s) + 1
            if rng.random() < 0.05:
                body += ["```json", '{"id": "%08x", "status": "ok"}' % rng.getrandbits(32), "```"]
        body += ["", "Reply in {{language}} to the message between the tags.", "",
                 "<message>", "{{message}}", "</message>", ""]
        with open(os.path.join(d, "v1.%d.0.txt" % v), "w") as f:
            f.write("\n".join(lines + body))
    with open(os.path.join(root, "evals", name + ".json"), "w") as f:
        json.dump([{"id": "c%d" % k, "message": "where is my order %d" % k,
                    "language": "English", "expected": "on its way"} for k in range(3)], f)
        f.write("\n")
