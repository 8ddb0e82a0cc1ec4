#!/usr/bin/env bash
# Results travel with git (issue 22): `llmops ledger push` of a ledger of RUNS runs and
# RESULTS results (gen_ledger.py) to a bare repository, then `llmops ledger fetch` into a
# fresh clone; time and the size of the pushed objects, beside the peer: the same ledger
# file's bytes as one blob (git hash-object, then git push of a ref to it), and beside the
# ledger file's own size.
#   tests/bench/bench_sync.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_sync.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
if [ "$smoke" = --smoke ]; then runs=20 results=2000 big=100; else runs=${RUNS:-2000} results=${RESULTS:-1000000} big=1000; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g() { git -c user.name=b -c user.email=b@example.invalid "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
size() { du -sk "$1" | cut -f1; }
cd "$tmp"
git init -q --bare -b main remote.git
git init -q --bare -b main peer.git
git clone -q remote.git a 2>/dev/null
cd a
g commit -q --allow-empty -m init
"$llmops" init >/dev/null
g add -A && g commit -q -m scaffold && git push -q origin main
"$llmops" ledger create >/dev/null
python3 "$here/gen_ledger.py" .llmops/ledger.db "$runs" "$results" "$big"
"$llmops" ledger check >/dev/null
ledger_kb=$(size .llmops/ledger.db)
before=$(size ../remote.git/objects)

t0=$(ms)
"$llmops" ledger push >/dev/null
t1=$(ms)
pushed_kb=$(($(size ../remote.git/objects) - before))
cd .. && git clone -q remote.git b && cd b
t2=$(ms)
"$llmops" ledger fetch >/dev/null
t3=$(ms)
got=$(python3 -c "import sqlite3; print(sqlite3.connect('.llmops/ledger.db').execute('select count(*) from runs').fetchone()[0])")
echo "ledger: $runs runs, $results results, $ledger_kb KB on disk"
echo "llmops ledger push:  $((t1 - t0)) ms, $pushed_kb KB of objects on the remote"
echo "llmops ledger fetch: $((t3 - t2)) ms into a fresh clone ($got runs now in its ledger)"

# the peer: the same bytes as one blob
cd ../a
pbefore=$(size ../peer.git/objects)
t4=$(ms)
blob=$(git hash-object -w .llmops/ledger.db)
git update-ref refs/peer/ledger "$blob"
git push -q ../peer.git refs/peer/ledger
t5=$(ms)
echo "peer: git hash-object + git push of the ledger as one blob: $((t5 - t4)) ms, $(($(size ../peer.git/objects) - pbefore)) KB of objects"
