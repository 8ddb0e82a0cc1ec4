#!/usr/bin/env bash
# The lint benchmark (issue 6): a generated project of FAMILIES x VERSIONS prompt
# files (about 2 KB each: 10,000 files, ~20 MB by default) and a dataset per
# family, linted with every rule on one core (taskset -c 0); median wall time
# of RUNS and files per second.  Beside it, secretlint (npm, installed into the
# scratch directory) scanning the same prompt files for secrets only.
#   tests/bench/bench_lint.sh BUILD_DIR [--smoke]
set -eu
build=${1:?usage: bench_lint.sh BUILD_DIR [--smoke]}
smoke=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
llmops=$(cd "$build" && pwd)/cmd/llmops
bench=$(cd "$build" && pwd)/tests/bench
if [ "$smoke" = --smoke ]; then families=20 versions=5 runs=3; else
	families=1000 versions=10 runs=7; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one=""
command -v taskset >/dev/null && one="taskset -c 0"

python3 "$here/gen_lint_tree.py" "$tmp/p" "$families" "$versions" 2000
files=$(find "$tmp/p/prompts" -type f | wc -l)
bytes=$(find "$tmp/p/prompts" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
git -C "$tmp/p" init -q
echo "== lint: $files prompt files, $bytes bytes, $families datasets, one core (median of $runs) =="
"$llmops" -C "$tmp/p" lint >"$tmp/findings" 2>"$tmp/summary" || true
echo "findings: $(wc -l <"$tmp/findings") ($(cat "$tmp/summary"))"
line=$("$bench/bench_startup" "$runs" "llmops lint (all rules)" $one "$llmops" -C "$tmp/p" lint)
echo "$line"
ms=$(echo "$line" | sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p')
awk -v ms="$ms" -v n="$files" -v b="$bytes" 'BEGIN {
	printf "llmops lint: %.0f files/s, %.1f MB/s (target: under 1000 ms)\n", n / (ms / 1000), b / 1e6 / (ms / 1000) }'

if [ "$smoke" != --smoke ] && command -v npm >/dev/null; then
	if (cd "$tmp" && npm init -y >/dev/null 2>&1 &&
		npm install --silent --no-audit --no-fund secretlint @secretlint/secretlint-rule-preset-recommend \
			>/dev/null 2>&1); then
		printf '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}\n' >"$tmp/.secretlintrc.json"
		ver=$(cd "$tmp" && node -e 'console.log(require("secretlint/package.json").version)')
		line=$(cd "$tmp" && "$bench/bench_startup" 1 "peer: secretlint $ver (secrets only)" $one \
			./node_modules/.bin/secretlint --secretlintrc .secretlintrc.json "p/prompts/**/*" || true)
		echo "$line"
	else
		echo "peer: npm install secretlint failed; llmops figures only"
	fi
fi

# Hostile templates (issue 18): lint time must grow linearly with the number
# of tags, on one line and on many (it was 1 s, 12.7 s and 47 s for 5k, 20k
# and 40k tags on one line before positions were computed in one pass).
echo "== lint: one template of N tags (median of $runs) =="
mkdir -p "$tmp/h/prompts/w"
git -C "$tmp/h" init -q
for n in 5000 20000 40000; do
	[ "$smoke" = --smoke ] && n=$((n / 100))
	python3 -c "import sys; print('{{a}}' * int(sys.argv[1]))" "$n" >"$tmp/h/prompts/w/v1.0.0.txt"
	line=$("$bench/bench_startup" "$runs" "$n tags, one line" $one "$llmops" -C "$tmp/h" lint prompts)
	echo "$line"
	python3 -c "import sys; print('\n'.join('Say {{v%d}} to {{#s}}x{{/s}}' % i for i in range(int(sys.argv[1]) // 3)))" \
		"$n" >"$tmp/h/prompts/w/v1.0.0.txt"
	line=$("$bench/bench_startup" "$runs" "$n tags, distinct names, one per line" $one \
		"$llmops" -C "$tmp/h" lint prompts)
	echo "$line"
done
