#!/usr/bin/env bash
# Regenerate prices.json from the price data of @pydantic/genai-prices (npm
# registry; MIT licence; https://github.com/pydantic/genai-prices), which
# its maintainers keep from the vendors' pricing pages.  Needs node and npm;
# installs into a scratch directory that is removed afterwards.
#
#   lib/data/update_prices.sh [VERSION]     (default: the version below)
set -euo pipefail
version=${1:-0.1.8}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@pydantic/genai-prices@$version" >/dev/null)
cat >"$tmp/convert.js" <<'JS'
// Flatten genai-prices' providers into llmops's price table (see lib/pricing.h).
const m = require("@pydantic/genai-prices");
const [version, today] = process.argv.slice(2);
// Vendors first, then the main hosts of open-weight models; a bare model id
// belongs to the first provider that lists it ("groq/llama-3.3-70b" always works).
const providers = ["openai", "anthropic", "google", "mistral", "deepseek", "x-ai", "cohere",
                   "groq", "together", "fireworks", "cerebras", "perplexity"];
const num = (v) => (typeof v === "number" ? v : v && typeof v === "object" && typeof v.base === "number" ? v.base : null);
function pickPrices(p) {
  if (!Array.isArray(p)) return p;
  // conditional prices: the last entry in force today by date; time-of-day windows
  // (DeepSeek's peak hours) are kept apart (hoursOf)
  let cur = null;
  for (const c of p) {
    const k = c.constraint;
    if (!k || (k.type === "start_date" && k.start_date <= today)) cur = c.prices;
  }
  return cur || p[0].prices;
}
// the time-of-day windows in force today (UTC "HH:MM" from and to), each with its prices
function hoursOf(p) {
  if (!Array.isArray(p)) return [];
  const out = [];
  for (const c of p) {
    const k = c.constraint;
    if (!k || k.type !== "time_of_date") continue;
    const w = { from: k.start_time.slice(0, 5), to: k.end_time.slice(0, 5),
                input: num(c.prices.input_mtok), output: num(c.prices.output_mtok) };
    const cached = num(c.prices.cache_read_mtok);
    if (cached !== null) w.cached_input = cached;
    if (w.input !== null && w.output !== null) out.push(w);
  }
  return out;
}
function collect(match, aliases, prefixes) {
  if (!match || typeof match !== "object") return;
  if (match.equals) aliases.add(match.equals);
  if (match.starts_with) prefixes.add(match.starts_with);
  for (const sub of match.or || []) collect(sub, aliases, prefixes);
}
const out = [];
for (const pid of providers) {
  const p = m.findProvider({ providerId: pid });
  if (!p) throw new Error(`provider ${pid} missing from genai-prices ${version}`);
  for (const x of p.models) {
    const prices = pickPrices(x.prices);
    const input = num(prices.input_mtok), output = num(prices.output_mtok);
    if (input === null || output === null) continue; // not priced per token (images, audio)
    const aliases = new Set([x.id]), prefixes = new Set();
    collect(x.match, aliases, prefixes);
    const e = { id: x.id, provider: pid, input, cached_input: num(prices.cache_read_mtok), output,
                context_window: x.context_window ?? null, max_output_tokens: null };
    const tiers = [];
    for (const [key, field] of [["input_mtok", "input"], ["cache_read_mtok", "cached_input"], ["output_mtok", "output"]]) {
      const v = prices[key];
      if (v && typeof v === "object" && v.tiers)
        for (const t of v.tiers) {
          let row = tiers.find((r) => r.above_input_tokens === t.start);
          if (!row) tiers.push((row = { above_input_tokens: t.start }));
          row[field] = t.price;
        }
    }
    if (tiers.length) e.tiers = tiers.sort((a, b) => a.above_input_tokens - b.above_input_tokens);
    const hours = hoursOf(x.prices);
    if (hours.length) e.hours = hours;
    aliases.delete(x.id);
    if (aliases.size) e.aliases = [...aliases].sort();
    if (prefixes.size) e.prefixes = [...prefixes].sort();
    if (x.deprecated) e.deprecated = true;
    out.push(e);
  }
}
const doc = {
  source: `@pydantic/genai-prices ${version} (npm registry), https://github.com/pydantic/genai-prices, MIT licence`,
  generated: today,
  generator: "lib/data/update_prices.sh",
  currency: "USD",
  unit: "price per 1,000,000 tokens",
  notes: "max_output_tokens is not in the source: null unless set in llmops.json or --prices. " +
         "Tiers: above that many input tokens, the tier's prices apply to the whole request. " +
         "Hours: from and to (UTC, HH:MM), a request answered then is priced at the window's prices.",
  models: out,
};
let s = JSON.stringify(doc, null, 1);
// one model per line keeps diffs of a regeneration readable
s = s.replace(/\n  \{[\s\S]*?\n  \}/g, (blk) => "\n  " + JSON.stringify(JSON.parse(blk)));
process.stdout.write(s + "\n");
JS
(cd "$tmp" && node convert.js "$version" "$(date -u +%Y-%m-%d)") >"$here/prices.json.tmp"
mv "$here/prices.json.tmp" "$here/prices.json"
echo "wrote $here/prices.json ($(grep -c '"id"' "$here/prices.json") models)"
