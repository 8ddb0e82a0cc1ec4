#!/usr/bin/env python3
"""Print every test file under tests/ (relative paths), for meson's registration check."""
import os
import sys

root = sys.argv[1]
for sub, pattern in (("unit", ("test_", ".c")), ("cli", ("t", ".sh")), ("", ("test_", ".py")),
                     ("fuzz", ("fuzz_", ".c"))):
    d = os.path.join(root, sub)
    for name in sorted(os.listdir(d)):
        if name.startswith(pattern[0]) and name.endswith(pattern[1]):
            print(os.path.join(sub, name) if sub else name)
