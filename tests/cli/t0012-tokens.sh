#!/usr/bin/env bash
# llmops tokens: tiktoken's ids on a seeded 1 MB corpus, counts, JSON, and bad input.
. "$(dirname "$0")/lib.sh"

golden="${LLMOPS_SOURCE_ROOT:?}/tests/fixtures/tokens/golden.json"
python3 "$LLMOPS_SOURCE_ROOT/tests/bench/gen_token_corpus.py" corpus.txt 1000000 20261122
for enc in cl100k_base o200k_base; do
	want=$(python3 -c "import json; c=json.load(open('$golden'))['corpus']['$enc']; print(c['count'], c['sha256'])")
	run llmops tokens --encoding "$enc" --ids corpus.txt
	got="$(printf '%s\n' "$out" | wc -w) $(printf '%s\n' "$out" | sha256sum | cut -d' ' -f1)"
	check "$enc: every id of the 1 MB corpus equals tiktoken's" test "$got" = "$want"
	run llmops tokens --encoding "$enc" corpus.txt
	check "$enc: the count agrees" test "$out" = "${want%% *} corpus.txt"
done

printf 'Hello world' >a.txt
printf 'Hello, world! 12345' >b.txt
run llmops tokens a.txt b.txt
expect_rc 0 "two files"
check "one count per file and a total" test "$out" = "$(printf '2 a.txt\n7 b.txt\n9 total')"
run sh -c "printf 'Hello world' | '$LLMOPS' tokens"
check "stdin" test "$out" = "2 <stdin>"
run sh -c "printf 'Hello world' | '$LLMOPS' tokens --model gpt-4 --ids -"
check "ids of gpt-4 (cl100k_base)" test "$out" = "9906 1917"
run llmops tokens --ids --format json a.txt
check "json with ids" python3 -c "
import json,sys; d=json.loads(sys.argv[1])
assert d['encoding']=='o200k_base' and d['count']==2 and d['ids']==[13225,2375] and d['estimate'] is False, d
assert d['files']==[{'path':'a.txt','count':2,'ids':[13225,2375]}], d" "$out"
run llmops tokens --format json a.txt b.txt
check "json without ids has none" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert 'ids' not in d and d['count']==9 and len(d['files'])==2" "$out"
run llmops tokens --model claude-sonnet-4 a.txt
expect_rc 0 "another vendor's model"
check "its count is marked as an estimate" test "$out" = "~2 a.txt"
check "and the basis is noted" has "$err" "estimate"
run llmops tokens --model anthropic:claude-sonnet-4 --format json a.txt
check "json says estimate" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['estimate'] is True and 'o200k_base' in d['estimate_basis']" "$out"

printf 'ok\nab\377c' >bad.txt
run llmops tokens bad.txt
expect_rc 2 "invalid UTF-8"
check "the error names file, line, column and byte offset" has "$err" "bad.txt:2:3: invalid UTF-8 at byte offset 5"
run llmops tokens --lossy --ids bad.txt
expect_rc 0 "--lossy"
printf 'ok\nab\357\277\275c' >fixed.txt
want=$("$LLMOPS" tokens --ids fixed.txt)
check "--lossy encodes U+FFFD in place of the bad byte" test "$out" = "$want"
run llmops tokens --model gtp-4o a.txt
expect_rc 2 "unknown model"
check "suggests the nearest" has "$err" "did you mean 'gpt-4o'"
run llmops tokens --encoding p50k_base a.txt
expect_rc 2 "unknown encoding"
check "lists the known ones" has "$err" "cl100k_base, o200k_base"
run llmops tokens --model gpt-4o --encoding o200k_base a.txt
expect_rc 2 "--model with --encoding"
run llmops tokens missing.txt
expect_rc 2 "a missing file"
check "names it" has "$err" "missing.txt"
mkdir d
run llmops tokens d
expect_rc 2 "a directory"
run llmops tokens --bogus
expect_rc 2 "unknown option"
run llmops tokens --help
expect_rc 0 "--help"
check "help shows the synopsis" has "$out" "llmops tokens [--model MODEL"
done_testing
