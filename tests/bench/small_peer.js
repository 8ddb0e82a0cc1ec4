// Whole-process cost of a peer on a small file: load the package and count.
//   node small_peer.js PEER ENCODING FILE
const fs = require("fs");
const [peer, enc, file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
let n;
if (peer === "tiktoken") n = require("tiktoken").get_encoding(enc).encode_ordinary(text).length;
else if (peer === "js-tiktoken") n = require("js-tiktoken").getEncoding(enc).encode(text, [], []).length;
else n = require(`gpt-tokenizer/cjs/encoding/${enc}`).encode(text, { disallowedSpecial: new Set() }).length;
console.log(n);
