// Forward migrations, one list for both engines: steps[n] takes a database from schema version
// n to n + 1 (SQLite: PRAGMA user_version; PostgreSQL: the meta table). A step is either SQL both
// engines run as it is, or the engine's own text of the same change (PostgreSQL's in
// migrations-pg.ts, with the dialect differences it lists). Never edit a step that has shipped
// (either text); add a new one.
import type { Engine } from "./driver.js";
import {
  postgresEvidence,
  postgresInspection,
  postgresShortIds,
  postgresV1,
  postgresV2,
  postgresV3,
} from "./migrations-pg.js";

export type MigrationStep = string | { readonly sqlite: string; readonly postgres: string };

// → 佐证材料 as files. A file's bytes are kept once per content (sha256), in pieces of at most
// 1 MiB (evidence_chunks), so that neither engine ever holds a whole file in memory to write
// or read it (better-sqlite3 has no incremental blob I/O). An attachment (evidence_files)
// names the content, the answer or the rectification it proves, the file's own name, size and
// type, and who attached it when; removing it marks it removed (kept, like the history).
const evidenceStep: MigrationStep = {
  sqlite: `
  CREATE TABLE evidence_contents (
    hash        TEXT PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    chunks      INTEGER NOT NULL CHECK (chunks >= 0),
    created_at  TEXT NOT NULL
  );
  CREATE TABLE evidence_chunks (
    hash  TEXT NOT NULL REFERENCES evidence_contents(hash) ON DELETE CASCADE,
    seq   INTEGER NOT NULL CHECK (seq >= 0),
    data  BLOB NOT NULL,
    PRIMARY KEY (hash, seq)
  );
  CREATE TABLE evidence_files (
    id                TEXT PRIMARY KEY,
    unit_id           TEXT NOT NULL REFERENCES units(id),
    answer_id         TEXT REFERENCES answers(id) ON DELETE CASCADE,
    rectification_id  TEXT REFERENCES rectifications(id) ON DELETE CASCADE,
    hash              TEXT NOT NULL REFERENCES evidence_contents(hash),
    name              TEXT NOT NULL,
    size              INTEGER NOT NULL CHECK (size >= 0),
    media_type        TEXT NOT NULL,
    added_at          TEXT NOT NULL,
    added_by          TEXT,
    removed_at        TEXT,
    removed_by        TEXT,
    rev               INTEGER NOT NULL DEFAULT 1,
    CHECK ((answer_id IS NULL) <> (rectification_id IS NULL))
  );
  CREATE INDEX evidence_files_unit ON evidence_files(unit_id, hash);
  CREATE INDEX evidence_files_answer ON evidence_files(answer_id);
  CREATE INDEX evidence_files_rectification ON evidence_files(rectification_id);
  CREATE INDEX evidence_files_hash ON evidence_files(hash);
  `,
  postgres: postgresEvidence,
};

// The supervision group's round (督导检查): a run records the group that inspected (NULL for a
// self-check) and its members, an answer the method the inspectors used on the item (and a draft
// the method chosen so far). Members are a JSON array of names like `leaders`: always read and
// written with the run as a whole, never looked up by member, and merged by import as one value
// of the run (a child table would need an identity, a revision and a merge rule of its own).
const nearGroupStep: MigrationStep = {
  sqlite: `
  ALTER TABLE units ADD COLUMN near_group TEXT;
  CREATE INDEX units_near_group ON units(near_group);
  `,
  postgres: `
  ALTER TABLE units ADD COLUMN near_group TEXT COLLATE "C";
  CREATE INDEX units_near_group ON units(near_group);
  `,
};

const inspectionStep: MigrationStep = {
  sqlite: `
  ALTER TABLE runs ADD COLUMN inspection_group TEXT;
  ALTER TABLE runs ADD COLUMN inspectors TEXT CHECK (inspectors IS NULL OR inspection_group IS NOT NULL);
  ALTER TABLE answers ADD COLUMN method TEXT
    CHECK (method IS NULL OR method IN ('hear-report', 'site-visit', 'document-check', 'unannounced'));
  ALTER TABLE answer_drafts ADD COLUMN method TEXT
    CHECK (method IS NULL OR method IN ('hear-report', 'site-visit', 'document-check', 'unannounced'));
  `,
  postgres: postgresInspection,
};

// → each rectification's short id (the prefix a person types, 8 characters or as many more as
// a neighbour shares) kept as its length, short_len, so that a province's lists read it instead
// of probing each row's two neighbours in id order. Triggers keep it: an id added, removed or
// changed sets the lengths of itself and of its neighbours now (only they can change), whoever
// writes (lookback, an import, a hand-made INSERT); PostgreSQL's do it once per statement, for
// all its rows. Existing rows are filled in by the step. Ids are lookback's UUIDs: prefixes
// past 36 characters are not told apart. The functions below write this step's text: they are
// as shipped as it is.
const shortIdStep: MigrationStep = {
  sqlite: `
  ALTER TABLE rectifications ADD COLUMN short_len INTEGER NOT NULL DEFAULT 8;
  CREATE TRIGGER rectifications_short_id_insert AFTER INSERT ON rectifications
  WHEN NEW.short_len <> 8 OR ${sharesFirst8("NEW.id")} BEGIN
    ${shortLenSet(aroundId("NEW.id", "id"))}
  END;
  CREATE TRIGGER rectifications_short_id_delete AFTER DELETE ON rectifications
  WHEN ${sharesFirst8("OLD.id")} BEGIN
    ${shortLenSet(aroundId("OLD.id", "id"))}
  END;
  CREATE TRIGGER rectifications_short_id_update AFTER UPDATE OF id ON rectifications BEGIN
    ${shortLenSet(aroundId("OLD.id", "id"))}
    ${shortLenSet(aroundId("NEW.id", "id"))}
  END;
  ${shortLenRefresh("TRUE", "sqlite")}
  `,
  postgres: postgresShortIds({
    statement: shortLenRefresh(aroundIds("changed"), "postgres"),
    row: shortLenRefresh(aroundId("k"), "postgres"),
    fill: shortLenRefresh("TRUE", "postgres"),
  }),
};

/** The shortest prefix length (8 at least) of `a` that `b`, its neighbour or NULL, does not share. */
function unsharedLength(a: string, b: string): string {
  const whens: string[] = [];
  for (let n = 8; n <= 36; n++) whens.push(`WHEN substr(${a}, 1, ${n}) <> substr(${b}, 1, ${n}) THEN ${n}`);
  return `CASE WHEN ${b} IS NULL THEN 8 ${whens.join(" ")} ELSE 37 END`;
}

/**
 * Whether `key` shares its first 8 characters with a neighbour. Only then can adding or removing
 * it change a length: an id sorted between two others shares at least what they share.
 */
function sharesFirst8(key: string): string {
  return `substr(${key}, 1, 8) IN (substr((SELECT max(id) FROM rectifications WHERE id < ${key}), 1, 8),
    substr((SELECT min(id) FROM rectifications WHERE id > ${key}), 1, 8))`;
}

/** `column` is `key` or one of its two neighbours in id order (whether or not `key` is stored). */
function aroundId(key: string, column = "t.id"): string {
  return `${column} IN (${key}, (SELECT max(id) FROM rectifications WHERE id < ${key}),
    (SELECT min(id) FROM rectifications WHERE id > ${key}))`;
}

/** The same for every id of the table `ids` (a trigger's transition table). */
function aroundIds(ids: string): string {
  return `t.id IN (SELECT ch.id FROM ${ids} ch
    UNION ALL SELECT (SELECT max(id) FROM rectifications WHERE id < ch.id) FROM ${ids} ch
    UNION ALL SELECT (SELECT min(id) FROM rectifications WHERE id > ch.id) FROM ${ids} ch)`;
}

/**
 * short_len set again, from their neighbours, for the rows `t` of `where` whose length changed.
 * The neighbours are read once per row: the OFFSET keeps PostgreSQL from copying their
 * subqueries into each comparison that uses them (3,000 rows inserted into 90,000: 1,184 ->
 * 280 ms with a row trigger); SQLite reads them once either way.
 */
function shortLenRefresh(where: string, engine: Engine): string {
  const greatest = engine === "sqlite" ? "max" : "GREATEST";
  const fence = engine === "sqlite" ? "LIMIT -1 OFFSET 0" : "OFFSET 0";
  return `UPDATE rectifications SET short_len = v.len
    FROM (SELECT c.id, ${greatest}(${unsharedLength("c.id", "c.prev")}, ${unsharedLength("c.id", "c.next")}) AS len
      FROM (SELECT t.id, (SELECT max(p.id) FROM rectifications p WHERE p.id < t.id) AS prev,
          (SELECT min(n.id) FROM rectifications n WHERE n.id > t.id) AS next
        FROM rectifications t WHERE ${where} ${fence}) c) v
    WHERE rectifications.id = v.id AND rectifications.short_len <> v.len;`;
}

/**
 * The same as one plain UPDATE, for SQLite's trigger bodies: they are kept in the file's schema,
 * and an UPDATE ... FROM there (SQLite 3.33 and later) would make an older sqlite3 tool refuse
 * to open the file at all. The length is one subquery, written once (the schema text stays
 * small: every connection parses it); rows whose length stays are written again, which only
 * happens for the rare id that shares its first 8 characters (the triggers' WHEN).
 */
function shortLenSet(where: string): string {
  const id = "rectifications.id";
  const len = `(SELECT max(${unsharedLength("c.id", "c.prev")}, ${unsharedLength("c.id", "c.next")})
    FROM (SELECT ${id} AS id, (SELECT max(p.id) FROM rectifications p WHERE p.id < ${id}) AS prev,
      (SELECT min(n.id) FROM rectifications n WHERE n.id > ${id}) AS next) c)`;
  return `UPDATE rectifications SET short_len = ${len} WHERE ${where};`;
}

export const steps: readonly MigrationStep[] = [
  {
    sqlite: `
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
    postgres: postgresV1,
  },
  // 2 → the ledger belongs to the unit. Every rectification names the checklist it was found
  // with, so that "a unit never has two not-closed rectifications for the same item" is an index
  // and not only a rule of the code. A later round continues the same rectification; an answer
  // names the rectification it opened or continued. Older files may hold such duplicates
  // (earlier versions opened a new rectification each round): the older one of each pair is
  // marked as continued by the newer (continued_by), its status and history untouched.
  // Runs with foreign keys off (db.ts): dropping the old table must not cascade to its history.
  {
    sqlite: `
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
    postgres: postgresV2,
  },
  // 3 → untrusted input and clock-free merging: each database names itself (so that another one
  // importing it can remember what it last saw of it), records carry a revision that every
  // change raises, history gets an order of its own (never a foreign clock's), one unfinished
  // run per unit and checklist is enforced here, units get a comparison key (filled in by
  // lookback, which knows the folding rules), and merges of units are recorded.
  {
    sqlite: `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('db_id', lower(hex(randomblob(16))));

  ALTER TABLE units ADD COLUMN name_key TEXT;
  ALTER TABLE units ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
  CREATE INDEX units_name_key ON units(name_key);
  ALTER TABLE runs ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
  -- Set aside: an unfinished run replaced by another (check --new, or a duplicate found here).
  ALTER TABLE runs ADD COLUMN superseded_by TEXT;
  -- sha256 of the answers file that last wrote to the run: applying it again is recognised.
  ALTER TABLE runs ADD COLUMN answers_file_hash TEXT;
  ALTER TABLE answers ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE rectifications ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE rectification_history ADD COLUMN seq INTEGER;
  UPDATE rectification_history SET seq = o.n
    FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY at, rowid) AS n FROM rectification_history) o
    WHERE o.rid = rectification_history.rowid;
  -- For the next seq (max + 1); a rectification's few entries are sorted by it as they are read.
  CREATE INDEX history_seq ON rectification_history(seq);
  -- The foreign key continued_by points back into the same table: without this, SQLite looks
  -- for rows pointing at a rectification by reading the whole table, on every insert or delete.
  CREATE INDEX rectifications_continued ON rectifications(continued_by);

  -- Unfinished duplicates (two checks that started at once): the most recently updated stays
  -- open; each other one is set aside, after lending it the answers it alone has (with their
  -- rectifications), so the kept run holds every answer given. Nothing is deleted.
  CREATE TEMP TABLE migrate_dups AS
    WITH ranked AS (
      SELECT id, unit_id, checklist_id, checklist_hash, leaders,
             row_number() OVER (PARTITION BY unit_id, checklist_id ORDER BY updated_at DESC, rowid DESC) AS n
      FROM runs WHERE status = 'in-progress')
    SELECT r.id AS run_id, r.n AS n, k.id AS keep_id, k.leaders AS keep_leaders,
           r.checklist_hash = k.checklist_hash AS same_checklist
    FROM ranked r JOIN ranked k ON k.unit_id = r.unit_id AND k.checklist_id = r.checklist_id AND k.n = 1
    WHERE r.n > 1;
  CREATE TEMP TABLE migrate_moved AS
    SELECT a.id AS answer_id, a.item_key AS item_key, d.run_id AS from_run, d.keep_id AS keep_id
    FROM answers a JOIN migrate_dups d ON d.run_id = a.run_id
    WHERE d.same_checklist
      AND (a.leader IS NULL OR EXISTS (SELECT 1 FROM json_each(d.keep_leaders) WHERE value = a.leader))
      AND NOT EXISTS (SELECT 1 FROM answers k WHERE k.run_id = d.keep_id AND k.item_key = a.item_key)
      AND NOT EXISTS (SELECT 1 FROM answers o JOIN migrate_dups od ON od.run_id = o.run_id
                      WHERE od.keep_id = d.keep_id AND od.n < d.n AND o.item_key = a.item_key
                        AND od.same_checklist);
  UPDATE answers SET run_id = m.keep_id FROM migrate_moved m WHERE answers.id = m.answer_id;
  UPDATE rectifications SET run_id = m.keep_id
    FROM migrate_moved m WHERE rectifications.run_id = m.from_run AND rectifications.item_key = m.item_key
      AND NOT EXISTS (SELECT 1 FROM rectifications k WHERE k.run_id = m.keep_id AND k.item_key = m.item_key);
  UPDATE runs SET superseded_by = d.keep_id FROM migrate_dups d WHERE runs.id = d.run_id;
  DROP TABLE migrate_moved;
  DROP TABLE migrate_dups;
  CREATE UNIQUE INDEX runs_one_open ON runs(unit_id, checklist_id)
    WHERE status = 'in-progress' AND superseded_by IS NULL;

  -- What this database last took from each other database, per record: the common ancestor of
  -- a three-way merge, as a hash per merge group. content NULL: the record was deleted there
  -- (a tombstone). Keyed by its primary key alone (no second B-tree to write on every import).
  CREATE TABLE merge_base (
    source     TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    rev        INTEGER NOT NULL,
    content    TEXT,
    PRIMARY KEY (source, tbl, record_id)
  ) WITHOUT ROWID;
  -- Records both sides changed, with both versions and what was kept.
  CREATE TABLE merge_conflicts (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    source          TEXT NOT NULL,
    file            TEXT NOT NULL,
    tbl             TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    field           TEXT NOT NULL,
    local_value     TEXT,
    incoming_value  TEXT,
    kept            TEXT NOT NULL CHECK (kept IN ('local', 'incoming'))
  );
  -- units merge FROM INTO: what FROM was, so that a school file still naming it finds INTO.
  CREATE TABLE unit_merges (
    id              TEXT PRIMARY KEY,
    from_id         TEXT NOT NULL,
    from_name       TEXT NOT NULL,
    from_key        TEXT NOT NULL,
    from_code       TEXT,
    into_id         TEXT NOT NULL REFERENCES units(id),
    at              TEXT NOT NULL,
    runs            INTEGER NOT NULL,
    rectifications  INTEGER NOT NULL
  );
  CREATE INDEX unit_merges_from ON unit_merges(from_id);
  CREATE INDEX unit_merges_key ON unit_merges(from_key);
  `,
    postgres: postgresV3,
  },
  // 4 → run order is the order runs were stored in, not their start time (a school's clock may be
  // wrong or may have been put right between two rounds): the index the per-unit reads need
  // follows (SQLite keeps the rowid at the end of every index; PostgreSQL names row_order).
  {
    sqlite: `
  DROP INDEX runs_unit;
  CREATE INDEX runs_unit_order ON runs(unit_id, checklist_id);
  `,
    postgres: `
  DROP INDEX runs_unit;
  CREATE INDEX runs_unit_order ON runs(unit_id, checklist_id, row_order);
  `,
  },
  evidenceStep,
  // → the supervision group's round (see inspectionStep).
  inspectionStep,
  // → each unit's near group (the numbers and school level of its name, units/identity.ts
  // nearGroupOf), indexed: a new name is compared with the names of its group only, read from
  // the database, never with a province's every name. Filled in by the code after the step.
  nearGroupStep,
  shortIdStep,
];

/** The schema version that added the inspection group and methods (older files lack them). */
export const SCHEMA_INSPECTION = steps.indexOf(inspectionStep) + 1;

/** A step's text for one engine. */
export function stepSql(step: MigrationStep, engine: Engine): string {
  return typeof step === "string" ? step : step[engine];
}

/** The SQLite text of each step, as shipped (what SQLite databases and school files are made of). */
export const migrations: readonly string[] = steps.map((s) => stepSql(s, "sqlite"));

/** The schema version that added evidence files (where the lead orders the steps, it follows). */
export const SINCE_EVIDENCE = steps.indexOf(evidenceStep) + 1;

/** The schema version that added units.near_group. */
export const SINCE_NEAR_GROUP = steps.indexOf(nearGroupStep) + 1;

/** The schema version that keeps short ids' lengths (rectifications.short_len). */
export const SINCE_SHORT_ID = steps.indexOf(shortIdStep) + 1;
