#!/usr/bin/env bash
# The layout README.md and DESIGN.md promise, checked on the source tree
# (issue 32): lib/ in module folders whose internal.h only the module's own
# files include; lib/ reads no environment, prints nothing to stdout and never
# exits (but in a forked child); cmd/ includes public headers only.
. "$(dirname "$0")/lib.sh"

src="$LLMOPS_SOURCE_ROOT"
cd "$src" || exit 1

check "lib/ has no source files outside its module folders" \
	test -z "$(find lib -maxdepth 1 -name '*.[ch]')"
for m in util tokens prompts project providers dataset scoring eval ledger production lint view cost; do
	check "module $m is a folder with sources" test -n "$(find "lib/$m" -name '*.c' | head -1)"
done
# a module's internal.h is included only from inside it (and by unit tests, which may look in)
outside=$(grep -rln '#include ".*internal\.h"' cmd lib --include='*.[ch]' | while read -r f; do
	grep -ho '#include "[^"]*internal\.h"' "$f" | while read -r _ inc; do
		inc=${inc//\"/}
		case $inc in
		internal.h) [ -f "$(dirname "$f")/internal.h" ] || echo "$f: $inc" ;;
		*) echo "$f: $inc" ;;
		esac
	done
done)
check "internal.h included only inside its own module ($outside)" test -z "$outside"
check "cmd/ includes no module's internal.h" test -z "$(grep -rl 'internal\.h' cmd)"
# strip comments and strings, then look for what lib/ must not do
code_of() { sed -E 's#/\*.*\*/##g; s#"([^"\\]|\\.)*"#""#g' "$@" | grep -v '^\s*\*'; }
found=$(for f in $(find lib -name '*.c' -not -path 'lib/gen/*'); do
	code_of "$f" | grep -nE '\b(getenv|secure_getenv|environ|printf|puts|putchar|exit)\s*\(|\benviron\b|\bstdout\b' |
		grep -v '_exit(127)' | sed "s#^#$f:#"
done)
check "lib/ reads no environment, prints nothing to stdout, never exits ($found)" test -z "$found"

done_testing
