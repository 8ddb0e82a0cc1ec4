// Tokenizer peers from the npm registry, one per process (run.sh gives each
// a time limit: js-tiktoken is quadratic on long runs of one character).
//   node bench_peers.js PEER ENCODING CORPUS RUNS [IDS_OUT]
// PEER: tiktoken (its Rust core compiled to WebAssembly), js-tiktoken or
// gpt-tokenizer.  Prints one JSON line like bench_tokenizer's.
const fs = require("fs");
const [peer, enc, corpusPath, runsArg, idsOut] = process.argv.slice(2);
const text = fs.readFileSync(corpusPath, "utf8");
const runs = parseInt(runsArg || "5", 10);
const peers = {
  "tiktoken": [() => require("tiktoken").get_encoding(enc), (e, t) => e.encode_ordinary(t)],
  "js-tiktoken": [() => require("js-tiktoken").getEncoding(enc), (e, t) => e.encode(t, [], [])],
  "gpt-tokenizer": [() => require(`gpt-tokenizer/cjs/encoding/${enc}`),
                    (e, t) => e.encode(t, { disallowedSpecial: new Set() })],
};
const [load, encode] = peers[peer];
const t0 = process.hrtime.bigint();
const e = load();
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
let ids = encode(e, text); // untimed: warms the JIT and any caches
const times = [];
for (let i = 0; i < runs; i++) {
  const a = process.hrtime.bigint();
  encode(e, text);
  times.push(Number(process.hrtime.bigint() - a) / 1e9);
}
times.sort((x, y) => x - y);
const med = times[Math.floor(times.length / 2)];
const bytes = Buffer.byteLength(text, "utf8");
if (idsOut) fs.writeFileSync(idsOut, Array.from(ids).join("\n") + "\n");
console.log(JSON.stringify({ name: peer, encoding: enc, bytes, tokens: ids.length,
  load_ms: +loadMs.toFixed(3), median_s: +med.toFixed(6), mb_per_s: +(bytes / 1e6 / med).toFixed(2) }));
