// The SQL of import on the bureau's database, in the store's portable dialect (driver.ts), so
// that a school's file merges the same way into SQLite and PostgreSQL: a fixed number of
// statements per file, each reading or writing a whole table's share of it (`IN (…)` lists and
// multi-row INSERTs, cut to the engine's parameter limit), never one statement per row.
// Column lists come from spec.ts; columns that belong to this database only (revision, history
// order, a unit's comparison key) are given by the caller.
import type { Dialect, DriverTx, Params, SqlRow, SqlValue } from "../store/driver.js";
import type { Base } from "./decide.js";
import { ANSWERS, HISTORY, RECTIFICATIONS, RUNS, SNAPSHOTS, type TableSpec, UNITS } from "./spec.js";
import type { Row } from "./validate.js";

const q = (c: string) => `"${c}"`;
const cols = (spec: TableSpec) => spec.columns.map((c) => c.name);
const list = (spec: TableSpec) => cols(spec).map(q).join(", ");
const marks = (n: number) => Array(n).fill("?").join(", ");

/** A value as a bound parameter (the file's values were validated: text, integers, null). */
function param(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
}

/** `values` without repeats, in pieces that fit in one statement's parameters. */
function chunks(dialect: Dialect, values: Iterable<SqlValue>): SqlValue[][] {
  const distinct = [...new Set(values)];
  const size = Math.max(1, dialect.maxParams);
  const out: SqlValue[][] = [];
  for (let i = 0; i < distinct.length; i += size) out.push(distinct.slice(i, i + size));
  return out;
}

/**
 * The rows of `sql(placeholders)` over every value (one statement per parameter limit's worth).
 * `lock`: rows the merge may change, locked until the commit where the engine locks rows
 * (PostgreSQL: a status change or an answer of another writer waits, or is refused by its
 * revision check, instead of being overwritten by what the merge decided on an older state).
 */
export async function selectIn<R extends SqlRow>(
  tx: DriverTx,
  dialect: Dialect,
  values: Iterable<SqlValue>,
  sql: (placeholders: string) => string,
  lock = false,
): Promise<R[]> {
  const out: R[] = [];
  const tail = lock ? dialect.forUpdate : "";
  for (const chunk of chunks(dialect, values)) {
    out.push(...(await tx.all<R>(`${sql(marks(chunk.length))}${tail}`, chunk)));
  }
  return out;
}

/** A changing statement `sql(placeholders)` over every value. */
async function runIn(
  tx: DriverTx,
  dialect: Dialect,
  values: Iterable<SqlValue>,
  sql: (placeholders: string) => string,
): Promise<void> {
  for (const chunk of chunks(dialect, values)) await tx.run(sql(marks(chunk.length)), chunk);
}

/** One write waiting to be sent: a new row, or a new state of a row that exists here (by id). */
interface Write {
  kind: "insert" | "update";
  row: Row;
}

/**
 * The writes of one table in the order the merge decided them, sent as multi-row statements:
 * consecutive inserts as one INSERT, consecutive updates as one upsert on the id (the row is
 * there: only its DO UPDATE runs). A new statement starts where the kind changes, an id comes a
 * second time (PostgreSQL changes a row once per statement) or the parameters would not fit,
 * so the database sees the rows in the same order as one statement per row would show them.
 */
export class TableWrites {
  private readonly queue: Write[] = [];
  private readonly columns: string[];

  constructor(
    private readonly spec: TableSpec,
    /** Columns an update leaves as they are (identity, when first made). */
    private readonly keep: readonly string[],
    /** Columns the engine fills itself on insert (left out). */
    omit: readonly string[] = [],
    /**
     * A content-addressed table's key: a row another writer stored meanwhile under it is the
     * same row, and the insert leaves it (a checklist snapshot saved by a check at the bureau).
     */
    private readonly sameUnder?: string,
  ) {
    this.columns = cols(spec).filter((c) => !omit.includes(c));
  }

  insert(row: Row): void {
    this.queue.push({ kind: "insert", row });
  }

  update(row: Row): void {
    this.queue.push({ kind: "update", row });
  }

  /** The rows waiting to be written, in order. */
  get pending(): Row[] {
    return this.queue.map((w) => w.row);
  }

  async flush(tx: DriverTx, dialect: Dialect): Promise<void> {
    const perRow = this.columns.length;
    const maxRows = Math.max(1, Math.floor(dialect.maxParams / perRow));
    let i = 0;
    while (i < this.queue.length) {
      const kind = this.queue[i]!.kind;
      const ids = new Set<unknown>();
      const rows: Row[] = [];
      while (i < this.queue.length && rows.length < maxRows) {
        const w = this.queue[i]!;
        if (w.kind !== kind || ids.has(w.row.id)) break;
        ids.add(w.row.id);
        rows.push(w.row);
        i++;
      }
      await tx.run(
        this.statement(kind, rows.length),
        rows.flatMap((r) => this.columns.map((c) => param(r[c]))),
      );
    }
    this.queue.length = 0;
  }

  private statement(kind: Write["kind"], n: number): string {
    const one = `(${marks(this.columns.length)})`;
    const insert = `INSERT INTO ${q(this.spec.table)} (${this.columns.map(q).join(", ")}) VALUES ${Array(n).fill(one).join(", ")}`;
    if (kind === "insert")
      return this.sameUnder ? `${insert} ON CONFLICT (${q(this.sameUnder)}) DO NOTHING` : insert;
    const set = this.columns.filter((c) => c !== "id" && !this.keep.includes(c));
    return `${insert} ON CONFLICT (id) DO UPDATE SET ${set.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ")}`;
  }
}

/** The engine numbers history entries itself (PostgreSQL: the seq column's sequence). */
const numbersHistory = (dialect: Dialect) => dialect.engine === "postgres";

/** The writes of one file, per table, sent table by table in the order references need. */
export function fileWrites(dialect: Dialect) {
  return {
    units: new TableWrites(UNITS, ["created_at"]),
    snapshots: new TableWrites(SNAPSHOTS, [], [], "hash"),
    runs: new TableWrites(RUNS, ["started_at", "checklist_hash", "checklist_id", "checklist_version"]),
    answers: new TableWrites(ANSWERS, [
      "run_id",
      "item_key",
      "section_id",
      "item_id",
      "leader",
      "answered_at",
    ]),
    rectifications: new TableWrites(RECTIFICATIONS, ["run_id", "item_key", "created_at"]),
    history: new TableWrites(HISTORY, [], numbersHistory(dialect) ? ["seq"] : []),
  };
}
export type FileWrites = ReturnType<typeof fileWrites>;

// --- reads, one statement (or one per parameter-limit's worth) per table and file ------------

const unitCols = (alias: string) =>
  cols(UNITS)
    .map((c) => `${alias}.${q(c)}`)
    .join(", ");

/**
 * Rows of `select` where any of `parts`' columns is one of its values: one statement when the
 * lists fit in it, else one per list (and per parameter limit's worth). Rows may repeat then.
 */
async function selectWhereAny(
  tx: DriverTx,
  dialect: Dialect,
  select: string,
  parts: readonly (readonly [column: string, values: readonly string[]])[],
): Promise<Row[]> {
  const given = parts.map(([c, v]) => [c, [...new Set(v)]] as const).filter(([, v]) => v.length > 0);
  const total = given.reduce((n, [, v]) => n + v.length, 0);
  if (total === 0) return [];
  if (total <= dialect.maxParams) {
    const where = given.map(([c, v]) => `${c} IN (${marks(v.length)})`).join(" OR ");
    return tx.all<Row>(
      `${select} ${where}${dialect.forUpdate}`,
      given.flatMap(([, v]) => v),
    );
  }
  const out: Row[] = [];
  for (const [c, v] of given)
    out.push(...(await selectIn<Row>(tx, dialect, v, (p) => `${select} ${c} IN (${p})`, true)));
  return out;
}

/** Units here with one of these ids, codes or name keys (`ord`: the order they were made in). */
export function unitsMatching(
  tx: DriverTx,
  dialect: Dialect,
  keys: { ids: string[]; codes: string[]; nameKeys: string[] },
): Promise<Row[]> {
  return selectWhereAny(
    tx,
    dialect,
    `SELECT ${unitCols("u")}, u.${dialect.rowOrder} AS ord FROM units u WHERE`,
    [
      ["u.id", keys.ids],
      ["u.code", keys.codes],
      ["u.name_key", keys.nameKeys],
    ],
  );
}

/** Recorded unit merges (units merge FROM INTO) of these old ids or name keys, latest first, with INTO. */
export async function mergesOf(
  tx: DriverTx,
  dialect: Dialect,
  ids: string[],
  nameKeys: string[],
): Promise<{ fromId: string; fromKey: string; into: Row }[]> {
  const select = `SELECT m.id AS m_id, m.from_id AS m_from_id, m.from_key AS m_from_key, m.at AS m_at, ${unitCols("u")}, u.${dialect.rowOrder} AS ord
     FROM unit_merges m JOIN units u ON u.id = m.into_id WHERE`;
  const found = await selectWhereAny(tx, dialect, select, [
    ["m.from_id", ids],
    ["m.from_key", nameKeys],
  ]);
  const rows = [...new Map(found.map((r) => [r.m_id, r])).values()];
  rows.sort((a, b) => (String(b.m_at) < String(a.m_at) ? -1 : String(b.m_at) > String(a.m_at) ? 1 : 0));
  return rows.map((r) => {
    const { m_id: _i, m_from_id, m_from_key, m_at: _a, ...into } = r;
    return { fromId: String(m_from_id), fromKey: String(m_from_key), into };
  });
}

export async function snapshotsPresent(
  tx: DriverTx,
  dialect: Dialect,
  hashes: string[],
): Promise<Set<string>> {
  const rows = await selectIn<{ hash: string }>(
    tx,
    dialect,
    hashes,
    (p) => `SELECT hash FROM checklist_snapshots WHERE hash IN (${p})`,
  );
  return new Set(rows.map((r) => r.hash));
}

export const runsById = (tx: DriverTx, dialect: Dialect, ids: string[]): Promise<Row[]> =>
  selectIn<Row>(tx, dialect, ids, (p) => `SELECT ${list(RUNS)} FROM runs WHERE id IN (${p})`, true);

/** The unfinished runs (not set aside) of these units. */
export const openRunsOf = (tx: DriverTx, dialect: Dialect, unitIds: string[]): Promise<Row[]> =>
  selectIn<Row>(
    tx,
    dialect,
    unitIds,
    (p) =>
      `SELECT id, unit_id, checklist_id FROM runs WHERE unit_id IN (${p})
       AND status = 'in-progress' AND superseded_by IS NULL`,
    true,
  );

export const answersOfRuns = (tx: DriverTx, dialect: Dialect, runIds: string[]): Promise<Row[]> =>
  selectIn<Row>(
    tx,
    dialect,
    runIds,
    (p) => `SELECT ${list(ANSWERS)} FROM answers WHERE run_id IN (${p})`,
    true,
  );

export const rectsOfRuns = (tx: DriverTx, dialect: Dialect, runIds: string[]): Promise<Row[]> =>
  selectIn<Row>(
    tx,
    dialect,
    runIds,
    (p) => `SELECT ${list(RECTIFICATIONS)} FROM rectifications WHERE run_id IN (${p})`,
    true,
  );

export async function historyPresent(tx: DriverTx, dialect: Dialect, ids: string[]): Promise<Set<string>> {
  const rows = await selectIn<{ id: string }>(
    tx,
    dialect,
    ids,
    (p) => `SELECT id FROM rectification_history WHERE id IN (${p})`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * The seq of the first of `n` history entries inserted by one statement, or undefined where the
 * column numbers them itself. The dialect's expression is for one row: SQLite evaluates it once
 * per multi-row statement (every row would get the same number), so there it is read once, and
 * the entries take the numbers from it up, safe under SQLite's one writer; PostgreSQL's column
 * default draws each from the sequence (two writers at once never share a number).
 */
export async function firstHistorySeq(tx: DriverTx, dialect: Dialect): Promise<number | undefined> {
  if (numbersHistory(dialect)) return undefined;
  const r = await tx.get<{ n: number }>(`SELECT ${dialect.nextHistorySeq} AS n`);
  return Number(r?.n ?? 1);
}

/** Deletes by id (rectifications a school dropped), and links left pointing at nothing undone. */
export async function deleteRects(tx: DriverTx, dialect: Dialect, ids: string[]): Promise<void> {
  await runIn(tx, dialect, ids, (p) => `DELETE FROM rectifications WHERE id IN (${p})`);
}

/** A link to a rectification that did not come (left out with its answer): not kept dangling. */
export async function unlinkMissing(tx: DriverTx, dialect: Dialect, runIds: string[]): Promise<void> {
  await runIn(
    tx,
    dialect,
    runIds,
    (p) =>
      `UPDATE answers SET rectification_id = NULL WHERE run_id IN (${p}) AND rectification_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM rectifications r WHERE r.id = answers.rectification_id)`,
  );
  await runIn(
    tx,
    dialect,
    runIds,
    (p) =>
      `UPDATE rectifications SET continued_by = NULL WHERE run_id IN (${p}) AND continued_by IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM rectifications r WHERE r.id = rectifications.continued_by)`,
  );
}

// --- merge bases and the conflict log ------------------------------------------------------

/**
 * Imports one at a time, whatever the engine: SQLite's write lock already does it; on
 * PostgreSQL the database's own meta row is locked until the commit (a lock taken in the file's
 * savepoint would go with a rolled-back file).
 */
export async function lockForImport(tx: DriverTx, dialect: Dialect): Promise<void> {
  if (dialect.forUpdate) await tx.get(`SELECT value FROM meta WHERE key = 'db_id'${dialect.forUpdate}`);
}

/** What was last taken from `source`, by `table:localId` (a few per record of the sender's file). */
export async function basesOf(tx: DriverTx, source: string): Promise<Map<string, Base>> {
  const out = new Map<string, Base>();
  const rows = await tx.all("SELECT tbl, record_id, rev, content FROM merge_base WHERE source = ?", [source]);
  for (const r of rows) {
    out.set(`${r.tbl}:${r.record_id}`, {
      rev: Number(r.rev),
      groups: r.content === null ? null : (JSON.parse(r.content as string) as Record<string, string>),
    });
  }
  return out;
}

/** Bases written as multi-row upserts on (source, table, record). */
export async function saveBases(
  tx: DriverTx,
  dialect: Dialect,
  source: string,
  bases: readonly { table: string; id: string; base: Base }[],
): Promise<void> {
  const size = Math.max(1, Math.floor(dialect.maxParams / 5));
  for (let i = 0; i < bases.length; i += size) {
    const chunk = bases.slice(i, i + size);
    const params: Params = chunk.flatMap((b) => [
      source,
      b.table,
      b.id,
      b.base.rev,
      b.base.groups === null ? null : JSON.stringify(b.base.groups),
    ]);
    await tx.run(
      `INSERT INTO merge_base (source, tbl, record_id, rev, content) VALUES ${Array(chunk.length).fill("(?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (source, tbl, record_id) DO UPDATE SET rev = excluded.rev, content = excluded.content`,
      params,
    );
  }
}

export interface LoggedConflict {
  id: string;
  at: string;
  source: string;
  file: string;
  table: string;
  recordId: string;
  group: string;
  local: unknown;
  incoming: unknown;
  kept: "local" | "incoming";
}

/** Records both sides changed, with both versions and what was kept (merge_conflicts). */
export async function logConflicts(
  tx: DriverTx,
  dialect: Dialect,
  conflicts: readonly LoggedConflict[],
): Promise<void> {
  const size = Math.max(1, Math.floor(dialect.maxParams / 10));
  for (let i = 0; i < conflicts.length; i += size) {
    const chunk = conflicts.slice(i, i + size);
    await tx.run(
      `INSERT INTO merge_conflicts (id, at, source, file, tbl, record_id, field, local_value, incoming_value, kept)
       VALUES ${Array(chunk.length)
         .fill(`(${marks(10)})`)
         .join(", ")}`,
      chunk.flatMap((c) => [
        c.id,
        c.at,
        c.source,
        c.file,
        c.table,
        c.recordId,
        c.group,
        JSON.stringify(c.local),
        JSON.stringify(c.incoming),
        c.kept,
      ]),
    );
  }
}
