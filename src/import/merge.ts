// Merging one school's lookback database into the bureau's (§6 import, §10).
//
// The school's file is never opened: it is read into memory (or, with a -wal beside it, copied
// to a private temporary folder) and only that copy is opened, because opening the original,
// even read-only, could roll back a hot journal, create -wal/-shm files beside it or checkpoint
// its WAL, i.e. change what a school sent. The copy is checked (lookback identity, schema
// version, quick_check) on its own connection, its rows are
// streamed into TEMP staging tables of the target connection, and the merge is set-based
// (INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE newer), all in ONE transaction per file:
// any failure rolls the target back to where it was.
//
// Staging instead of ATTACH: ATTACH/DETACH changes the connection's schema, which makes SQLite
// re-prepare every merge statement for every file (≈1 ms each for the upserts); statements over
// TEMP tables are prepared once per import.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { isLookbackError } from "../errors.js";
import { checkIdentity, type Db, inspect, openDb, SCHEMA_VERSION } from "../store/db.js";
import type { Store } from "../store/store.js";
import {
  type Counts,
  emptyCounts,
  type FailureReason,
  type FileResult,
  type KindCounts,
  type UnitConflict,
} from "./types.js";

class ImportFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface UnitRow {
  id: string;
  name: string;
  code: string | null;
  township: string | null;
  type: string | null;
  created_at: string;
  updated_at: string;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Same file on disk (also through a hard link or another spelling of the path). */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

function classify(e: unknown): ImportFailure {
  if (e instanceof ImportFailure) return e;
  if (isLookbackError(e)) {
    if (e.code === "store.foreign") return new ImportFailure("foreign", "");
    // checkIdentity wraps what SQLite said: a damaged file is not the same as a text file.
    if (e.cause === undefined) return new ImportFailure("not-sqlite", e.message);
    return classify(e.cause);
  }
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  const message = typeof err.message === "string" ? err.message : String(e);
  if (code === "SQLITE_NOTADB") return new ImportFailure("not-sqlite", message);
  // The index that keeps one not-closed rectification per unit and item: the file and this
  // database each hold a different one for the same problem (the file is left out, whole).
  if (code === "SQLITE_CONSTRAINT_UNIQUE" && message.includes("rectifications.checklist_id")) {
    return new ImportFailure("open-twice", message);
  }
  if (code.startsWith("SQLITE_CORRUPT")) return new ImportFailure("corrupt", message);
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "EPERM") {
    return new ImportFailure("unreadable", message);
  }
  return new ImportFailure("failed", message);
}

/** Files up to this size are read into memory; larger ones go through a private file copy. */
const IN_MEMORY_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Open a private copy of the school's file: a lookback database this version reads, structurally
 * sound. Usually the copy is in memory (no file is created, written or deleted anywhere); when a
 * -wal file sits beside it (lookback still open at the school, or killed), the file and its WAL are
 * copied to `scratch` instead so that the committed answers in the WAL are read too.
 */
function openSource(file: string, display: string, scratch: string): Db {
  const wal = `${file}-wal`;
  const onDisk = (existsSync(wal) && statSync(wal).size > 0) || statSync(file).size > IN_MEMORY_MAX_BYTES;
  let src: Db;
  if (onDisk) {
    copyFileSync(file, scratch);
    if (existsSync(wal)) copyFileSync(wal, `${scratch}-wal`);
    src = new Database(scratch, { fileMustExist: true });
  } else {
    const bytes = readFileSync(file);
    // Header bytes 18-19 = 2 mark WAL mode, which an in-memory database cannot use; the rollback
    // format (1) reads the same pages.
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
    src = new Database(bytes);
  }
  try {
    let id: ReturnType<typeof checkIdentity>;
    try {
      id = checkIdentity(src, display);
    } catch (e) {
      // Name the version: the bureau needs to know which lookback the school runs.
      if (isLookbackError(e) && e.code === "store.newer") {
        throw new ImportFailure("newer", String(inspect(src).userVersion));
      }
      throw e;
    }
    if (id.fresh) throw new ImportFailure("empty", "");
    const problems = src.pragma("quick_check(5)") as { quick_check: string }[];
    // One line for the report: SQLite's first finding, and how many more there are.
    const bad = problems
      .flatMap((p) => p.quick_check.split("\n"))
      .map((m) => m.trim())
      .filter((m) => m !== "ok" && m !== "" && !m.startsWith("***"));
    if (bad.length > 0) {
      throw new ImportFailure("corrupt", bad.length > 1 ? `${bad[0]} (+${bad.length - 1})` : (bad[0] ?? ""));
    }
    if (id.userVersion < SCHEMA_VERSION) {
      // An older lookback wrote it: bring a scratch copy to our schema so the columns line up.
      if (!onDisk) writeFileSync(scratch, src.serialize());
      src.close();
      openDb(scratch).close();
      src = new Database(scratch, { fileMustExist: true });
    }
    return src;
  } catch (e) {
    src.close();
    throw e;
  }
}

/** The tables merged, their staging twins and the indexes the merge joins on. */
const TABLES = [
  { table: "units", stage: "stage_units", indexes: ["id"] },
  { table: "checklist_snapshots", stage: "stage_snapshots", indexes: ["hash"] },
  { table: "runs", stage: "stage_runs", indexes: ["id", "unit_id"] },
  { table: "answers", stage: "stage_answers", indexes: ["run_id, item_key"] },
  { table: "rectifications", stage: "stage_rects", indexes: ["id", "run_id, item_key"] },
  { table: "rectification_history", stage: "stage_history", indexes: ["id"] },
] as const;

/** The columns of a target table, so that a column added by a later migration is merged too. */
function columns(db: Db, table: string): string[] {
  return (db.prepare("SELECT name FROM pragma_table_info(?)").all(table) as { name: string }[]).map(
    (r) => r.name,
  );
}

interface Statements {
  stageInsert: Map<string, { columns: string[]; insert: Database.Statement }>;
  clear: Database.Statement[];
  srcUnits: Database.Statement;
  srcRunsOfUnit: Database.Statement;
  unitById: Database.Statement;
  unitByName: Database.Statement;
  unitByCode: Database.Statement;
  insertUnit: Database.Statement;
  updateUnit: Database.Statement;
  mapUnit: Database.Statement;
  fillRuns: Database.Statement;
  countSnapshots: Database.Statement;
  upsertSnapshots: Database.Statement;
  countRuns: Database.Statement;
  upsertRuns: Database.Statement;
  dropStaleRects: Database.Statement;
  countAnswers: Database.Statement;
  upsertAnswers: Database.Statement;
  countRects: Database.Statement;
  upsertRects: Database.Statement;
  relinkAnswers: Database.Statement;
  relinkContinued: Database.Statement;
  countHistory: Database.Statement;
  insertHistory: Database.Statement;
}

/**
 * Staging tables and merge statements on the target connection, once per import. Column lists
 * come from the target's schema; a column is copied as is unless it holds a reference that
 * import re-points (a unit matched under another id, a rectification under another id).
 */
function prepare(db: Db): Statements {
  const stageInsert = new Map<string, { columns: string[]; insert: Database.Statement }>();
  const clear: Database.Statement[] = [];
  for (const { table, stage, indexes } of TABLES) {
    const cols = columns(db, table);
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (${cols.map(q).join(", ")})`);
    indexes.forEach((ix, i) => {
      db.exec(`CREATE INDEX IF NOT EXISTS temp.${stage}_${i} ON ${stage} (${ix})`);
    });
    stageInsert.set(table, {
      columns: cols,
      insert: db.prepare(`INSERT INTO temp.${stage} VALUES (${cols.map(() => "?").join(", ")})`),
    });
    clear.push(db.prepare(`DELETE FROM temp.${stage}`));
  }
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS import_unit_map (src_id TEXT PRIMARY KEY, local_id TEXT NOT NULL);
           CREATE TEMP TABLE IF NOT EXISTS import_runs (run_id TEXT PRIMARY KEY, unit_id TEXT NOT NULL);`);
  clear.push(db.prepare("DELETE FROM temp.import_unit_map"), db.prepare("DELETE FROM temp.import_runs"));

  const upsert = (
    table: string,
    alias: string,
    from: string,
    where: string,
    conflicts: string[],
    keep: string[],
    mapped: Record<string, string> = {},
    order = "",
  ) => {
    const cols = columns(db, table);
    const select = cols.map((c) => mapped[c] ?? `${alias}.${q(c)}`).join(", ");
    const set = cols
      .filter((c) => !keep.includes(c))
      .map((c) => `${q(c)} = excluded.${q(c)}`)
      .join(", ");
    const clauses = conflicts
      .map(
        (target) =>
          `ON CONFLICT(${target}) DO UPDATE SET ${set} WHERE excluded.updated_at > ${q(table)}.updated_at`,
      )
      .join(" ");
    return db.prepare(
      `INSERT INTO main.${q(table)} (${cols.map(q).join(", ")}) SELECT ${select} FROM ${from} WHERE ${where} ${order} ${clauses}`,
    );
  };
  const runsFrom = "temp.stage_runs r JOIN temp.import_runs ir ON ir.run_id = r.id";
  const answersFrom = "temp.stage_answers a JOIN temp.import_runs ir ON ir.run_id = a.run_id";
  const rectsFrom = "temp.stage_rects x JOIN temp.import_runs ir ON ir.run_id = x.run_id";
  // An incoming rectification is not (re)opened when the local answer is newer and passes:
  // the school revised the answer later and the problem no longer stands (as in saveAnswer).
  const notBlocked = `(EXISTS (SELECT 1 FROM main.rectifications m2 WHERE m2.run_id = x.run_id AND m2.item_key = x.item_key)
      OR NOT EXISTS (SELECT 1 FROM main.answers ma WHERE ma.run_id = x.run_id AND ma.item_key = x.item_key
                       AND ma.result IN ('pass', 'na') AND ma.updated_at > x.updated_at))`;
  const historyFrom = `temp.stage_history h
      JOIN temp.stage_rects x ON x.id = h.rectification_id
      JOIN temp.import_runs ir ON ir.run_id = x.run_id
      JOIN main.rectifications m ON m.run_id = x.run_id AND m.item_key = x.item_key`;
  const snapshotCols = columns(db, "checklist_snapshots");
  const historyCols = columns(db, "rectification_history");
  return {
    stageInsert,
    clear,
    srcUnits: db.prepare("SELECT * FROM temp.stage_units ORDER BY name"),
    srcRunsOfUnit: db.prepare("SELECT count(*) AS n FROM temp.stage_runs WHERE unit_id = ?"),
    unitById: db.prepare("SELECT * FROM main.units WHERE id = ?"),
    unitByName: db.prepare("SELECT * FROM main.units WHERE name = ?"),
    unitByCode: db.prepare("SELECT * FROM main.units WHERE code = ?"),
    insertUnit: db.prepare(
      `INSERT INTO main.units (id, name, code, township, type, created_at, updated_at)
       VALUES (@id, @name, @code, @township, @type, @created_at, @updated_at)`,
    ),
    updateUnit: db.prepare(
      `UPDATE main.units SET name = @name, code = @code, township = @township, type = @type, updated_at = @updated_at
       WHERE id = @id`,
    ),
    mapUnit: db.prepare("INSERT OR REPLACE INTO temp.import_unit_map (src_id, local_id) VALUES (?, ?)"),
    fillRuns: db.prepare(
      `INSERT INTO temp.import_runs (run_id, unit_id)
       SELECT r.id, u.local_id FROM temp.stage_runs r JOIN temp.import_unit_map u ON u.src_id = r.unit_id`,
    ),
    countSnapshots: db.prepare(
      `SELECT count(*) AS total, coalesce(sum(m.hash IS NULL), 0) AS added, 0 AS updated
       FROM temp.stage_snapshots s LEFT JOIN main.checklist_snapshots m ON m.hash = s.hash`,
    ),
    // Content-addressed: the same hash is the same text, so nothing to update.
    upsertSnapshots: db.prepare(
      `INSERT INTO main.checklist_snapshots (${snapshotCols.map(q).join(", ")})
       SELECT ${snapshotCols.map((c) => `s.${q(c)}`).join(", ")} FROM temp.stage_snapshots s WHERE true
       ON CONFLICT(hash) DO NOTHING`,
    ),
    countRuns: db.prepare(
      `SELECT count(*) AS total, coalesce(sum(m.id IS NULL), 0) AS added,
         coalesce(sum(m.id IS NOT NULL AND r.updated_at > m.updated_at), 0) AS updated
       FROM ${runsFrom} LEFT JOIN main.runs m ON m.id = r.id`,
    ),
    upsertRuns: upsert("runs", "r", runsFrom, "true", ["id"], ["id"], { unit_id: "ir.unit_id" }),
    // A newer incoming answer that now passes, at a school that holds no rectification for it:
    // the school revised the answer and saveAnswer dropped the rectification, so drop it here too.
    dropStaleRects: db.prepare(
      `DELETE FROM main.rectifications WHERE id IN (
         SELECT m.id FROM ${answersFrom}
         JOIN main.answers ma ON ma.run_id = a.run_id AND ma.item_key = a.item_key
         JOIN main.rectifications m ON m.run_id = a.run_id AND m.item_key = a.item_key
         WHERE a.result IN ('pass', 'na') AND ma.result IN ('partial', 'fail')
           AND a.updated_at > ma.updated_at AND a.updated_at > m.updated_at
           AND NOT EXISTS (SELECT 1 FROM temp.stage_rects x WHERE x.run_id = a.run_id AND x.item_key = a.item_key))`,
    ),
    countAnswers: db.prepare(
      `SELECT count(*) AS total, coalesce(sum(m.id IS NULL), 0) AS added,
         coalesce(sum(m.id IS NOT NULL AND a.updated_at > m.updated_at), 0) AS updated
       FROM ${answersFrom} LEFT JOIN main.answers m ON m.run_id = a.run_id AND m.item_key = a.item_key`,
    ),
    // Answers are unique per (run, item): one written under another id on another copy of the
    // school's file is the same answer; the newer wins and the local id stays.
    upsertAnswers: upsert(
      "answers",
      "a",
      answersFrom,
      "true",
      ["run_id, item_key", "id"],
      ["id", "run_id", "item_key"],
    ),
    countRects: db.prepare(
      `SELECT count(*) AS total,
         coalesce(sum(m.id IS NULL AND ${notBlocked}), 0) AS added,
         coalesce(sum(m.id IS NOT NULL AND x.updated_at > m.updated_at), 0) AS updated
       FROM ${rectsFrom} LEFT JOIN main.rectifications m ON m.run_id = x.run_id AND m.item_key = x.item_key`,
    ),
    upsertRects: upsert(
      "rectifications",
      "x",
      rectsFrom,
      notBlocked,
      ["run_id, item_key", "id"],
      ["id", "run_id", "item_key", "created_at"],
      { unit_id: "ir.unit_id" },
      // Rows that close (or hand on) a problem before rows that open it again: a school's later
      // round may have closed one rectification and opened another for the same item, and the
      // index allows one not-closed rectification per item at every row.
      "ORDER BY (x.status <> 'closed' AND x.continued_by IS NULL), x.created_at, x.id",
    ),
    // References by id to a rectification that this database holds under another id (the same
    // run and item, written on another copy of the school's file) follow it.
    relinkAnswers: db.prepare(
      `UPDATE main.answers SET rectification_id = (
         SELECT m.id FROM temp.stage_rects sx
         JOIN main.rectifications m ON m.run_id = sx.run_id AND m.item_key = sx.item_key
         WHERE sx.id = main.answers.rectification_id)
       WHERE rectification_id IS NOT NULL AND run_id IN (SELECT run_id FROM temp.import_runs)
         AND NOT EXISTS (SELECT 1 FROM main.rectifications r WHERE r.id = main.answers.rectification_id)`,
    ),
    relinkContinued: db.prepare(
      `UPDATE main.rectifications SET continued_by = (
         SELECT m.id FROM temp.stage_rects sx
         JOIN main.rectifications m ON m.run_id = sx.run_id AND m.item_key = sx.item_key
         WHERE sx.id = main.rectifications.continued_by)
       WHERE continued_by IS NOT NULL AND run_id IN (SELECT run_id FROM temp.import_runs)
         AND NOT EXISTS (SELECT 1 FROM main.rectifications r WHERE r.id = main.rectifications.continued_by)`,
    ),
    countHistory: db.prepare(
      `SELECT count(*) AS total, coalesce(sum(mh.id IS NULL), 0) AS added, 0 AS updated
       FROM ${historyFrom} LEFT JOIN main.rectification_history mh ON mh.id = h.id`,
    ),
    // History is a union by id, re-pointed at the local rectification of the same (run, item).
    insertHistory: db.prepare(
      `INSERT INTO main.rectification_history (${historyCols.map(q).join(", ")})
       SELECT ${historyCols.map((c) => (c === "rectification_id" ? "m.id" : `h.${q(c)}`)).join(", ")}
       FROM ${historyFrom} WHERE true ON CONFLICT(id) DO NOTHING`,
    ),
  };
}

/** Stream the source's rows into the staging tables (same columns: the copy is at our version). */
function stage(src: Db, st: Statements): void {
  for (const { table } of TABLES) {
    const target = st.stageInsert.get(table)!;
    const read = src.prepare(`SELECT ${target.columns.map(q).join(", ")} FROM ${q(table)}`).raw();
    for (const row of read.iterate() as Iterable<unknown[]>) target.insert.run(...row);
  }
}

interface CountRow {
  total: number;
  added: number;
  updated: number;
}

function toCounts(r: CountRow, removed = 0): Counts {
  return { added: r.added, updated: r.updated, unchanged: r.total - r.added - r.updated, removed };
}

/**
 * Units match by code when both have one, else by exact name, else by id (renamed since the
 * last import). The same name under a different code is a different unit: reported, its runs
 * left out. A matched unit keeps what it knows: a newer incoming unit fills and overrides
 * fields but never erases a code or township with an empty one.
 */
function mergeUnits(st: Statements, counts: Counts): UnitConflict[] {
  const conflicts: UnitConflict[] = [];
  for (const su of st.srcUnits.all() as UnitRow[]) {
    let local = su.code ? (st.unitByCode.get(su.code) as UnitRow | undefined) : undefined;
    if (!local) {
      const byName = st.unitByName.get(su.name) as UnitRow | undefined;
      if (byName && su.code && byName.code && byName.code !== su.code) {
        const runs = (st.srcRunsOfUnit.get(su.id) as { n: number }).n;
        conflicts.push({ name: su.name, code: su.code, localCode: byName.code, runsSkipped: runs });
        continue;
      }
      local = byName ?? (st.unitById.get(su.id) as UnitRow | undefined);
    }
    if (!local) {
      st.insertUnit.run(su);
      st.mapUnit.run(su.id, su.id);
      counts.added++;
      continue;
    }
    st.mapUnit.run(su.id, local.id);
    const localId = local.id;
    const newer = su.updated_at > local.updated_at;
    const pick = (theirs: string | null, ours: string | null) =>
      newer ? (theirs ?? ours) : (ours ?? theirs);
    const nameFree = (name: string) => {
      const holder = st.unitByName.get(name) as UnitRow | undefined;
      return !holder || holder.id === localId;
    };
    const codeFree = (code: string | null) => {
      const holder = code ? (st.unitByCode.get(code) as UnitRow | undefined) : undefined;
      return !holder || holder.id === localId;
    };
    const code = pick(su.code, local.code);
    const next: UnitRow = {
      ...local,
      name: newer && su.name !== local.name && nameFree(su.name) ? su.name : local.name,
      code: codeFree(code) ? code : local.code,
      township: pick(su.township, local.township),
      type: pick(su.type, local.type),
    };
    const changed =
      next.name !== local.name ||
      next.code !== local.code ||
      next.township !== local.township ||
      next.type !== local.type;
    if (changed) {
      st.updateUnit.run({ ...next, updated_at: newer ? su.updated_at : local.updated_at });
      counts.updated++;
    } else counts.unchanged++;
  }
  return conflicts;
}

function merge(st: Statements): { counts: KindCounts; conflicts: UnitConflict[] } {
  const counts = emptyCounts();
  const conflicts = mergeUnits(st, counts.units);
  st.fillRuns.run();
  counts.snapshots = toCounts(st.countSnapshots.get() as CountRow);
  st.upsertSnapshots.run();
  counts.runs = toCounts(st.countRuns.get() as CountRow);
  st.upsertRuns.run();
  // Stale rectifications go before the answers are merged: the test compares the old answer.
  counts.answers = toCounts(st.countAnswers.get() as CountRow);
  const removed = st.dropStaleRects.run().changes;
  st.upsertAnswers.run();
  counts.rectifications = toCounts(st.countRects.get() as CountRow, removed);
  st.upsertRects.run();
  st.relinkAnswers.run();
  st.relinkContinued.run();
  counts.history = toCounts(st.countHistory.get() as CountRow);
  st.insertHistory.run();
  return { counts, conflicts };
}

/**
 * One import of many files into `store`: a private folder for the copies, and staging tables
 * and statements prepared once.
 */
export class ImportSession {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), "lookback-import-"));
  private statements: Statements | undefined;
  private seq = 0;

  constructor(private readonly store: Store) {}

  /** Import one file; never throws for a bad file, and never changes the target then. */
  importFile(file: string, display = file): FileResult {
    if (sameFile(file, this.store.file)) return { file: display, ok: false, reason: "self", detail: "" };
    const scratch = path.join(this.dir, `${this.seq++}.db`);
    let src: Db | undefined;
    try {
      const source = openSource(file, display, scratch);
      src = source;
      this.statements ??= prepare(this.store.db);
      const st = this.statements;
      const { counts, conflicts } = this.store.transaction(() => {
        for (const s of st.clear) s.run();
        stage(source, st);
        const merged = merge(st);
        for (const s of st.clear) s.run();
        return merged;
      });
      return { file: display, ok: true, counts, conflicts };
    } catch (e) {
      const f = classify(e);
      return { file: display, ok: false, reason: f.reason, detail: f.detail };
    } finally {
      src?.close();
      if (existsSync(scratch)) {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${scratch}${suffix}`, { force: true });
      }
    }
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function importDatabase(store: Store, file: string, display = file): FileResult {
  const session = new ImportSession(store);
  try {
    return session.importFile(file, display);
  } finally {
    session.close();
  }
}
