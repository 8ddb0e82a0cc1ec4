/*
 * ledger_schema.c - the ledger's schema as a list of forward migrations.
 *
 * migrations[i] takes a ledger from schema version i to i + 1.  A released
 * migration is never edited: a change to the schema is a new entry at the
 * end (and LLMOPS_LEDGER_SCHEMA_VERSION goes up by one).
 */
#include "internal.h"

static const char *const migrations[] = {
	/* 0 -> 1: the initial schema */
	"CREATE TABLE datasets (\n"
	"  id          INTEGER PRIMARY KEY,\n"
	"  sha256      TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the file's bytes\n"
	"  path        TEXT NOT NULL,             -- where it was first seen\n"
	"  format      TEXT,                      -- json, jsonl, csv\n"
	"  cases       INTEGER NOT NULL CHECK (cases >= 0),\n"
	"  bytes       INTEGER NOT NULL CHECK (bytes >= 0),\n"
	"  created_at  TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE runs (\n"
	"  id              TEXT PRIMARY KEY,      -- ULID: sorts by start time\n"
	"  kind            TEXT NOT NULL,\n"
	"  status          TEXT NOT NULL DEFAULT 'running'\n"
	"                  CHECK (status IN ('running','passed','failed','error','interrupted')),\n"
	"  started_at      TEXT NOT NULL,\n"
	"  finished_at     TEXT,\n"
	"  duration_ms     REAL,\n"
	"  git_commit      TEXT,\n"
	"  git_dirty       INTEGER CHECK (git_dirty IN (0,1)),\n"
	"  prompt_name     TEXT,\n"
	"  prompt_version  TEXT,\n"
	"  prompt_blob     TEXT,\n"
	"  dataset_id      INTEGER REFERENCES datasets(id),\n"
	"  provider        TEXT,\n"
	"  model           TEXT,\n"
	"  params          TEXT,                  -- JSON object\n"
	"  command         TEXT,\n"
	"  llmops_version  TEXT NOT NULL,\n"
	"  cases           INTEGER NOT NULL DEFAULT 0,\n"
	"  passed          INTEGER NOT NULL DEFAULT 0,\n"
	"  failed          INTEGER NOT NULL DEFAULT 0,\n"
	"  errored         INTEGER NOT NULL DEFAULT 0,\n"
	"  tokens_in       INTEGER NOT NULL DEFAULT 0,\n"
	"  tokens_out      INTEGER NOT NULL DEFAULT 0,\n"
	"  cost_usd        REAL NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX runs_prompt ON runs(prompt_name, prompt_version);\n"
	"CREATE INDEX runs_started ON runs(started_at);\n"
	"CREATE TABLE results (\n"
	"  id            INTEGER PRIMARY KEY,\n"
	"  run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  case_id       TEXT NOT NULL,\n"
	"  variant       TEXT NOT NULL DEFAULT '',\n"
	"  repeat_index  INTEGER NOT NULL DEFAULT 0 CHECK (repeat_index >= 0),\n"
	"  input         TEXT,\n"
	"  output        TEXT,\n"
	"  expected      TEXT,\n"
	"  scores        TEXT,                    -- JSON object: metric -> score\n"
	"  score         REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),\n"
	"  passed        INTEGER CHECK (passed IN (0,1)),  -- NULL: not scored\n"
	"  latency_ms    REAL,\n"
	"  ttft_ms       REAL,\n"
	"  tokens_in     INTEGER,\n"
	"  tokens_out    INTEGER,\n"
	"  cost_usd      REAL,\n"
	"  attempts      INTEGER NOT NULL DEFAULT 0,\n"
	"  error         TEXT,\n"
	"  cache_hit     INTEGER NOT NULL DEFAULT 0 CHECK (cache_hit IN (0,1)),\n"
	"  created_at    TEXT NOT NULL,\n"
	"  UNIQUE (run_id, variant, case_id, repeat_index)\n"
	");\n"
	"CREATE TABLE cache (\n"
	"  key          TEXT PRIMARY KEY,         -- hash of the canonical request\n"
	"  provider     TEXT,\n"
	"  model        TEXT,\n"
	"  response     TEXT NOT NULL,\n"
	"  created_at   TEXT NOT NULL,\n"
	"  hits         INTEGER NOT NULL DEFAULT 0,\n"
	"  last_hit_at  TEXT\n"
	");\n"
	"CREATE TABLE reviews (\n"
	"  id          INTEGER PRIMARY KEY,\n"
	"  result_id   INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,\n"
	"  status      TEXT NOT NULL DEFAULT 'pending'\n"
	"              CHECK (status IN ('pending','accepted','rejected')),\n"
	"  reason      TEXT,\n"
	"  reviewer    TEXT,\n"
	"  note        TEXT,\n"
	"  created_at  TEXT NOT NULL,\n"
	"  decided_at  TEXT\n"
	");\n"
	"CREATE INDEX reviews_status ON reviews(status);\n"
	"CREATE INDEX reviews_result ON reviews(result_id);\n",
	/* 1 -> 2: per-run figures kept at finish, so reading 2,000 runs never scans
	 * a million results; NULL until the run is finished (then computed on read) */
	"ALTER TABLE runs ADD COLUMN requests INTEGER;     -- HTTP requests made, retries "
	"included\n"
	"ALTER TABLE runs ADD COLUMN cache_hits INTEGER;\n"
	"ALTER TABLE runs ADD COLUMN score_mean REAL;      -- of the gating metric\n"
	"ALTER TABLE runs ADD COLUMN latency_p50 REAL;\n"
	"ALTER TABLE runs ADD COLUMN latency_p95 REAL;\n"
	"ALTER TABLE runs ADD COLUMN latencies BLOB;       -- sorted float64 (LE), one per answer\n"
	"CREATE INDEX runs_dataset ON runs(dataset_id);\n"
	/* the runs of sharded jobs folded into one by `ledger merge`: the old id -> the run */
	"CREATE TABLE run_aliases (\n"
	"  alias   TEXT PRIMARY KEY,\n"
	"  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE\n"
	");\n",
	/* 2 -> 3: what a result was judged by, and its place in the run, so that every
	 * view of a run (eval's own output included) is read from the ledger in
	 * dataset order */
	"ALTER TABLE results ADD COLUMN position INTEGER;  -- (case x variants + variant) x "
	"repeats + repeat, the case counted in the whole dataset; NULL before schema 3\n"
	"ALTER TABLE results ADD COLUMN metric TEXT;       -- the gating metric; NULL: none\n"
	"ALTER TABLE results ADD COLUMN threshold REAL;    -- the gating metric's pass mark\n",
	/* 3 -> 4: who answered each result (a fallback, or one of several providers),
	 * results not sent because the run reached --max-cost, and the judge's verdicts */
	"ALTER TABLE results ADD COLUMN provider TEXT;     -- the provider that answered; NULL: "
	"the run's\n"
	"ALTER TABLE results ADD COLUMN model TEXT;        -- the model that answered; NULL: the "
	"run's\n"
	"ALTER TABLE results ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0"
	" CHECK (skipped IN (0,1));                        -- not sent: passed is NULL, not an "
	"error\n"
	"ALTER TABLE runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;\n"
	/* the judge metric: its verdict and what it cost, apart from the output's cost */
	"ALTER TABLE results ADD COLUMN judge TEXT;        -- the verdict (JSON); NULL: not "
	"judged\n"
	"ALTER TABLE results ADD COLUMN judge_cost_usd REAL;\n"
	"ALTER TABLE runs ADD COLUMN judge_cost_usd REAL NOT NULL DEFAULT 0;\n"
	/* finds the runs whose results name their own provider without reading the others */
	"CREATE INDEX results_answered ON results(run_id) WHERE provider IS NOT NULL"
	" OR model IS NOT NULL;\n",
	/* 4 -> 5: a case that calls tools: each request of its loop, with the calls and the
	 * tools' results */
	("ALTER TABLE results ADD COLUMN steps TEXT;        -- JSON array of steps; NULL: one "
	 "plain request\n"),
	/* 5 -> 6: production traffic (`llmops ingest`): each record once, whatever file or
	   format it came from again, with the application's metadata tags */
	("ALTER TABLE results ADD COLUMN record_key TEXT;  -- production: 'id:ID' or "
	 "'sha256:HEX' of the record; NULL: not ingested\n"
	 "ALTER TABLE results ADD COLUMN metadata TEXT;    -- production: the record's tags (JSON "
	 "object)\n"
	 "CREATE UNIQUE INDEX results_record ON results(record_key) WHERE record_key IS NOT "
	 "NULL;\n"
	 "CREATE INDEX runs_kind ON runs(kind, started_at);\n"),
	/* 6 -> 7: what an evaluation decided, as its own output said it (the run view) */
	("ALTER TABLE runs ADD COLUMN outcome TEXT;  -- JSON object: the gate, the variants, "
	 "the baseline comparison, the review queue; NULL: none recorded\n"),
	/* 7 -> 8: what users said of production answers (`llmops ingest` of feedback records):
	   kept apart from the records, which may come before or after it, and joined by the
	   record's id (or every record of a trace) when read */
	("CREATE TABLE feedback (\n"
	 "  id          INTEGER PRIMARY KEY,\n"
	 "  feedback_key TEXT NOT NULL UNIQUE, -- 'SOURCE:ID' of the feedback, else 'sha256:HEX'\n"
	 "  source      TEXT NOT NULL CHECK (source IN ('llmops','langfuse','langsmith')),\n"
	 "  record_id   TEXT NOT NULL,         -- the production record's id (results.record_key "
	 "'id:ID')\n"
	 "  trace_id    TEXT,                  -- also every record of this trace "
	 "('id:TRACE-SPAN'); "
	 "NULL: none\n"
	 "  name        TEXT NOT NULL DEFAULT '', -- what was rated ('' for a user's own)\n"
	 "  value       REAL,                  -- the score; thumbs up 1, down 0; NULL: a label "
	 "only\n"
	 "  label       TEXT,                  -- a categorical value; NULL: none\n"
	 "  comment     TEXT,\n"
	 "  at          TEXT NOT NULL,         -- when it was given (ISO 8601 UTC)\n"
	 "  created_at  TEXT NOT NULL          -- when it was ingested\n"
	 ");\n"
	 "CREATE INDEX feedback_record ON feedback(record_id);\n"
	 "CREATE INDEX feedback_trace ON feedback(trace_id) WHERE trace_id IS NOT NULL;\n"
	 /* and a cascade's tiers: each answer a case got on its way up */
	 "ALTER TABLE results ADD COLUMN tiers TEXT;  -- JSON array, one object a tier asked;"
	 " NULL: no cascade\n"),
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == LLMOPS_LEDGER_SCHEMA_VERSION,
	       "one migration per schema version");

const char *const ledger_tables[] = {"runs",	"results",     "datasets", "cache",
				     "reviews", "run_aliases", "feedback", NULL};

const char *ledger_migration(int from_version)
{
	if (from_version < 0 || from_version >= LLMOPS_LEDGER_SCHEMA_VERSION)
		return NULL;
	return migrations[from_version];
}
