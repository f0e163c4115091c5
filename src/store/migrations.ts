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
  // 2 → the ledger belongs to the unit. Every rectification names the checklist it was found
  // with, so that "a unit never has two not-closed rectifications for the same item" is an index
  // and not only a rule of the code. A later round continues the same rectification; an answer
  // names the rectification it opened or continued. Older files may hold such duplicates
  // (earlier versions opened a new rectification each round): the older one of each pair is
  // marked as continued by the newer (continued_by), its status and history untouched.
  // Runs with foreign keys off (db.ts): dropping the old table must not cascade to its history.
  `
  CREATE TABLE rectifications_v2 (
    id                TEXT PRIMARY KEY,
    run_id            TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    unit_id           TEXT NOT NULL REFERENCES units(id),
    checklist_id      TEXT NOT NULL,
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
    continued_by      TEXT REFERENCES rectifications_v2(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (run_id, item_key),
    CHECK (continued_by IS NULL OR continued_by <> id)
  );
  INSERT INTO rectifications_v2 (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner,
      leader_in_charge, department, deadline, kind, origin, evidence, status, progress, remark, closed_at,
      closed_by, continued_by, created_at, updated_at)
    SELECT r.id, r.run_id, r.unit_id, coalesce(runs.checklist_id, ''), r.item_key, r.problem, r.measure, r.owner,
      r.leader_in_charge, r.department, r.deadline, r.kind, r.origin, r.evidence, r.status, r.progress, r.remark,
      r.closed_at, r.closed_by, NULL, r.created_at, r.updated_at
    FROM rectifications r LEFT JOIN runs ON runs.id = r.run_id;

  -- Duplicates of older versions: each not-closed one is continued by the next newer not-closed one.
  UPDATE rectifications_v2 SET continued_by = (
      SELECT n.id FROM rectifications_v2 n
      WHERE n.unit_id = rectifications_v2.unit_id AND n.checklist_id = rectifications_v2.checklist_id
        AND n.item_key = rectifications_v2.item_key AND n.status <> 'closed'
        AND (n.created_at > rectifications_v2.created_at
             OR (n.created_at = rectifications_v2.created_at AND n.id > rectifications_v2.id))
      ORDER BY n.created_at, n.id LIMIT 1)
    WHERE status <> 'closed';
  -- The change is kept in the history (跟踪问效) like any other.
  INSERT INTO rectification_history (id, rectification_id, at, by, from_status, to_status, note)
    SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
             || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
           id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'lookback', status, status,
           '由 ' || continued_by || ' 继续（同一项目在后一轮再次发现）/ continued by ' || continued_by || ' (same item, found again in a later round)'
    FROM rectifications_v2 WHERE continued_by IS NOT NULL;

  DROP TABLE rectifications;
  ALTER TABLE rectifications_v2 RENAME TO rectifications;
  CREATE INDEX rectifications_unit ON rectifications(unit_id, status);
  CREATE INDEX rectifications_ledger ON rectifications(unit_id, checklist_id, item_key);
  CREATE UNIQUE INDEX rectifications_one_open ON rectifications(unit_id, checklist_id, item_key)
    WHERE status <> 'closed' AND continued_by IS NULL;

  -- The rectification an answer opened or continued (partial/fail), or marked done (pass).
  ALTER TABLE answers ADD COLUMN rectification_id TEXT
    REFERENCES rectifications(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
  UPDATE answers SET rectification_id = (
      SELECT r.id FROM rectifications r WHERE r.run_id = answers.run_id AND r.item_key = answers.item_key)
    WHERE result IN ('partial', 'fail');
  CREATE INDEX answers_rectification ON answers(rectification_id);

  -- What a person typed for an answer not yet given: each field the moment it is entered, so that
  -- Ctrl-C, a closed terminal or a killed process loses nothing typed. NULL: not entered yet;
  -- '' entered empty. Gone once the answer is stored (or the person discards it).
  CREATE TABLE answer_drafts (
    run_id            TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    item_key          TEXT NOT NULL,
    result            TEXT NOT NULL CHECK (result IN ('pass', 'partial', 'fail', 'na')),
    note              TEXT,
    evidence          TEXT,
    na_reason         TEXT,
    problem           TEXT,
    measure           TEXT,
    owner             TEXT,
    leader_in_charge  TEXT,
    department        TEXT,
    deadline          TEXT,
    kind              TEXT CHECK (kind IS NULL OR kind IN ('immediate', 'deadline', 'ongoing')),
    origin            TEXT CHECK (origin IS NULL OR origin IN ('self-check', 'inspection', 'visit', 'public')),
    mark_done         TEXT CHECK (mark_done IS NULL OR mark_done IN ('yes', 'no')),
    progress          TEXT,
    -- A field cut off by Ctrl-C before Enter: its text is kept, marked as not confirmed.
    partial_field     TEXT CHECK (partial_field IS NULL OR partial_field IN ('note', 'evidence', 'na_reason',
                        'problem', 'measure', 'owner', 'leader_in_charge', 'department', 'deadline', 'progress')),
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (run_id, item_key)
  );
  `,
];
