"""Hostile run snapshots for t0038, made from a genuine one.

    hostile_snapshots.py GOOD.db LEDGER.db OUTDIR

GOOD.db is a snapshot `llmops ledger push` wrote (one run); LEDGER.db the
ledger it came from (its response cache is what the poisoned snapshot
claims to answer).  Writes OUTDIR/NAME.db for each attack and prints one
line per file: NAME RUN_ID CASES, the ref it is pushed under being
refs/llmops/runs/RUN_ID/CASES.
"""
import os
import shutil
import sqlite3
import sys

good, ledger, outdir = sys.argv[1:4]
src = sqlite3.connect(good)
run_id, cases = src.execute("SELECT id, cases FROM runs").fetchone()
src.close()
os.makedirs(outdir, exist_ok=True)


def other_id(n):
    """A run id of the right shape, after run_id (refs sort, so these come after it)."""
    return run_id[:-3] + "ZZ" + "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[n]


def copy(name, rid):
    path = os.path.join(outdir, name + ".db")
    shutil.copy(good, path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    if rid != run_id:
        db.execute("UPDATE runs SET id = ?", (rid,))
        db.execute("UPDATE results SET run_id = ?", (rid,))
    return path, db


def done(name, db, rid, n=cases):
    db.commit()
    db.close()
    print(name, rid, n)


# 1. the response cache poisoned: every request the ledger has cached, answered
path, db = copy("cache", other_id(1))
rows = sqlite3.connect(ledger).execute(
    "SELECT key, provider, model, response, created_at FROM cache").fetchall()
for key, prov, model, resp, created in rows:
    poisoned = resp.replace('"content":"', '"content":"POISONED-')
    db.execute("INSERT INTO cache (key, provider, model, response, created_at) VALUES (?,?,?,?,?)",
               (key, prov, model, poisoned, created))
done("cache", db, other_id(1))

# 2. results as a view over an endless recursive query
path, db = copy("view", other_id(2))
db.execute("ALTER TABLE results RENAME TO results_real")
db.execute("CREATE VIEW results AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1"
           " FROM c) SELECT x AS id, '" + other_id(2) + "' AS run_id, printf('%.*c', 100000, 'x')"
           " AS output FROM c")
done("view", db, other_id(2))

# 3. a trigger that would empty the ledger it is copied into
path, db = copy("trigger", other_id(3))
db.execute("CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM results; END")
done("trigger", db, other_id(3))

# 4. forged results: a new run's snapshot that also adds a case to the genuine run
path, db = copy("forged", other_id(4))
db.execute("PRAGMA foreign_keys = OFF")
db.execute("INSERT INTO results (run_id, case_id, variant, repeat_index, output, passed, score,"
           " created_at) VALUES (?, 'forged', '', 0, 'FORGED', 1, 1.0,"
           " '2026-01-01T00:00:00.000Z')", (run_id,))
done("forged", db, other_id(4))

# 5. the genuine run again, one case more: a run once recorded does not change
path, db = copy("extra", run_id)
db.execute("INSERT INTO results (run_id, case_id, variant, repeat_index, output, passed, score,"
           " created_at) VALUES (?, 'extra', '', 0, 'EXTRA', 1, 1.0,"
           " '2026-01-01T00:00:00.000Z')", (run_id,))
db.execute("UPDATE runs SET cases = cases + 1")
done("extra", db, run_id, cases + 1)

# 6. a run id that is shell code (what completion would expand)
inj = "$(touch${IFS}PWNRUN)"
path, db = copy("inject", inj)
done("inject", db, inj)

# 7. a truncated file
path, db = copy("truncated", other_id(7))
db.execute("PRAGMA journal_mode = DELETE")
done("truncated", db, other_id(7))
size = os.path.getsize(path)
with open(path, "r+b") as f:
    f.truncate(size // 2)

# 8. text a terminal would act on, a NUL, an impossible cost
path, db = copy("escape", other_id(8))
db.execute("UPDATE runs SET model = 'gpt' || char(27) || ']0;pwned' || char(7)")
done("escape", db, other_id(8))
path, db = copy("nul", other_id(9))
db.execute("UPDATE results SET output = CAST(X'6F6B0068696464656E' AS TEXT) WHERE rowid = 1")
done("nul", db, other_id(9))
path, db = copy("cost", other_id(10))
db.execute("UPDATE results SET cost_usd = -1e300 WHERE rowid = 1")
done("cost", db, other_id(10))

# 9. a ref that names one run and a snapshot that holds another
path, db = copy("mismatch", other_id(11))
done("mismatch", db, other_id(12))

# 10. users' feedback riding on a run: it would reach every canary verdict
path, db = copy("feedback", other_id(13))
db.execute("INSERT INTO feedback (feedback_key, source, record_id, name, value, at, created_at)"
           " VALUES ('llmops:forged', 'llmops', 'r1', '', 0, '2026-12-08T00:00:00.000Z',"
           " '2026-12-08T00:00:00.000Z')")
done("feedback", db, other_id(13))
