// Forward migrations: migrations[n] takes a database from user_version n to n + 1.
// Never edit a migration that has shipped; add a new one.
export const migrations: readonly string[] = [
  `
  CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    code        TEXT,
    township    TEXT,
    type        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );
  CREATE UNIQUE INDEX units_name ON units(name);
  CREATE UNIQUE INDEX units_code ON units(code) WHERE code IS NOT NULL;

  -- The exact checklist a run used, by content hash: editing the YAML later never
  -- changes what a past run means.
  CREATE TABLE checklist_snapshots (
    hash          TEXT PRIMARY KEY,
    checklist_id  TEXT NOT NULL,
    version       TEXT NOT NULL,
    title         TEXT NOT NULL,
    content       TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );

  CREATE TABLE runs (
    id                 TEXT PRIMARY KEY,
    unit_id            TEXT NOT NULL REFERENCES units(id),
    checklist_hash     TEXT NOT NULL REFERENCES checklist_snapshots(hash),
    checklist_id       TEXT NOT NULL,
    checklist_version  TEXT NOT NULL,
    respondent         TEXT NOT NULL,
    leaders            TEXT NOT NULL DEFAULT '[]',
    status             TEXT NOT NULL CHECK (status IN ('in-progress', 'complete')),
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    updated_at         TEXT NOT NULL
  );
  CREATE INDEX runs_unit ON runs(unit_id, checklist_id, started_at);

  CREATE TABLE answers (
    id           TEXT PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    item_key     TEXT NOT NULL,
    section_id   TEXT NOT NULL,
    item_id      TEXT NOT NULL,
    leader       TEXT,
    result       TEXT NOT NULL CHECK (result IN ('pass', 'partial', 'fail', 'na')),
    note         TEXT,
    evidence     TEXT,
    na_reason    TEXT,
    answered_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (run_id, item_key)
  );

  CREATE TABLE rectifications (
    id                TEXT PRIMARY KEY,
    run_id            TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    unit_id           TEXT NOT NULL REFERENCES units(id),
    item_key          TEXT NOT NULL,
    problem           TEXT NOT NULL,
    measure           TEXT NOT NULL,
    owner             TEXT NOT NULL,
    leader_in_charge  TEXT,
    department        TEXT,
    deadline          TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('immediate', 'deadline', 'ongoing')),
    origin            TEXT NOT NULL CHECK (origin IN ('self-check', 'inspection', 'visit', 'public')),
    evidence          TEXT,
    status            TEXT NOT NULL CHECK (status IN ('open', 'in-progress', 'done', 'closed')),
    progress          TEXT,
    remark            TEXT,
    closed_at         TEXT,
    closed_by         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (run_id, item_key)
  );
  CREATE INDEX rectifications_unit ON rectifications(unit_id, status);

  -- 跟踪问效: every change of a rectification, never updated, only appended.
  CREATE TABLE rectification_history (
    id                 TEXT PRIMARY KEY,
    rectification_id   TEXT NOT NULL REFERENCES rectifications(id) ON DELETE CASCADE,
    at                 TEXT NOT NULL,
    by                 TEXT,
    from_status        TEXT,
    to_status          TEXT NOT NULL,
    note               TEXT
  );
  CREATE INDEX history_rectification ON rectification_history(rectification_id, at);
  `,
];
