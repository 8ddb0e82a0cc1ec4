#!/usr/bin/env bash
# Re-create cl100k_base.tiktoken and o200k_base.tiktoken from the npm
# package tiktoken@1.0.22 (its encoders/*.json carry the same ranks as
# "bpe_ranks"), and check each against the SHA-256 that OpenAI's tiktoken
# (tiktoken_ext/openai_public.py) expects of the file it downloads from
# openaipublic.blob.core.windows.net.  Needs npm and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent tiktoken@1.0.22 >/dev/null && tar xzf tiktoken-1.0.22.tgz)
python3 - "$tmp/package/encoders" "$here" <<'PY'
import hashlib, json, sys
src, dst = sys.argv[1], sys.argv[2]
want = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
for name, sha in want.items():
    ranks = json.load(open(f"{src}/{name}.json"))["bpe_ranks"]
    lines = []
    for group in ranks.split("\n"):
        fields = group.split(" ")
        first = int(fields[1])
        lines += [f"{tok} {first + i}\n" for i, tok in enumerate(fields[2:])]
    data = "".join(lines).encode()
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        sys.exit(f"{name}: SHA-256 {got}, expected {sha}")
    open(f"{dst}/{name}.tiktoken", "wb").write(data)
    print(f"{name}.tiktoken: {len(lines)} ranks, {len(data)} bytes, sha256 {got}")
PY
