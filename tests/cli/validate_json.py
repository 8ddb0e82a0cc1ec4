#!/usr/bin/env python3
"""validate_json.py SCHEMA FILE [--lines]: check FILE (one JSON value, or with
--lines one per line) against man/schemas/SCHEMA, resolving the schemas'
references among themselves.  Exits 0 when valid, else prints why."""
import glob, json, os, sys, warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)
here = os.path.join(os.environ["LLMOPS_SOURCE_ROOT"], "man", "schemas")
store = {}
for path in glob.glob(os.path.join(here, "*.schema.json")):
    s = json.load(open(path))
    store[s["$id"]] = s
schema = json.load(open(os.path.join(here, sys.argv[1])))
text = open(sys.argv[2]).read()
docs = [json.loads(l) for l in text.splitlines() if l.strip()] if "--lines" in sys.argv else [json.loads(text)]
resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema, resolver=resolver)
bad = 0
for d in docs:
    for e in v.iter_errors(d):
        print("%s: %s at %s" % (sys.argv[2], e.message, "/".join(str(p) for p in e.absolute_path)))
        bad += 1
sys.exit(1 if bad or not docs else 0)
