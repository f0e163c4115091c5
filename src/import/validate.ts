// Checking a database sent by someone else before anything of it is used: every table import
// reads must be exactly as lookback creates it (so no view, virtual table, generated column or
// odd default can run or appear in its place), within the row limit, and every row as lookback
// itself would write it (types, formats, lengths, enums, JSON), its references inside the file,
// and its checklist snapshots re-hashed and read as valid checklists. The first problem found
// refuses the whole file, naming the table, the row and what is wrong.
//
// Only sqlite_master and the tables named in spec.ts are ever read; views and triggers in the
// file are never queried, and nothing is ever written to it.

import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { checklistFromText } from "../checklist/load.js";
import type { Checklist } from "../checklist/schema.js";
import { opensRectification, type Result } from "../checklist/schema.js";
import { LIMITS } from "../input/limits.js";
import { runItems } from "../run/items.js";
import type { Db } from "../store/db.js";
import { migrations } from "../store/migrations.js";
import { normalizeUnitName } from "../units/identity.js";
import {
  ANSWERS,
  HISTORY,
  IMPORTED,
  META,
  RECTIFICATIONS,
  RUNS,
  SINCE_ROUNDS,
  SNAPSHOTS,
  STREAMED,
  type TableSpec,
  UNITS,
  type ValueProblem,
} from "./spec.js";
import { checkEvidence, piecesOf } from "./validate-evidence.js";

export type Row = Record<string, unknown>;

/** Where and why a file is refused. */
export interface Refusal {
  table: string;
  /** The row's position in its table (1-based, in storage order), when one row is at fault. */
  row?: number;
  /** The record's id, when it has one that reads as an id. */
  id?: string;
  column?: string;
  problem: ValueProblem;
}

export class InvalidSource extends Error {
  constructor(readonly refusal: Refusal) {
    super(`${refusal.table}${refusal.row ? ` row ${refusal.row}` : ""}: ${refusal.problem.key}`);
  }
}

/** Everything import needs from a valid file, rows as lookback wrote them. */
export interface SourceData {
  /** The sender's database id; for files written before ids existed, one derived from the file. */
  sourceId: string;
  userVersion: number;
  rows: Record<string, Row[]>;
  /** The checklist of every snapshot, by hash. */
  checklists: Map<string, Checklist>;
  /** Latest timestamp in the file, to report a clock far ahead. */
  latest: string;
  /**
   * The pieces of an evidence content, read from the file one at a time as the merge copies them
   * (usable until the file is closed, after its merge).
   */
  evidencePieces?: (hash: string) => Iterable<Buffer>;
}

/** Bytes of one value, other than a checklist's text: the longest text a field holds, in UTF-8, and then some. */
const MAX_VALUE_BYTES = 64 * 1024;

const normalized = new Map<string, string>();
/** CREATE TABLE text with its spacing made one: every school file says the same few, cached. */
function norm(sql: string | null): string {
  const raw = sql ?? "";
  let out = normalized.get(raw);
  if (out === undefined) {
    out = raw.replace(/\s+/g, " ").trim();
    if (normalized.size < 64) normalized.set(raw, out);
  }
  return out;
}

/** The CREATE TABLE text of every table at each schema version, from the migrations themselves. */
const referenceSchemas = new Map<number, Map<string, string>>();
function referenceSchema(version: number): Map<string, string> {
  let ref = referenceSchemas.get(version);
  if (!ref) {
    const db = new Database(":memory:");
    try {
      for (let v = 0; v < version; v++) db.exec(migrations[v]!);
      ref = new Map(
        (
          db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as {
            name: string;
            sql: string;
          }[]
        ).map((r) => [r.name.toLowerCase(), norm(r.sql)]),
      );
    } finally {
      db.close();
    }
    referenceSchemas.set(version, ref);
  }
  return ref;
}

function fail(refusal: Refusal): never {
  throw new InvalidSource(refusal);
}

/** The tables are lookback's own, exactly: compared with what the migrations create at that version. */
function checkSchema(src: Db, version: number): void {
  const ref = referenceSchema(version);
  const tables = new Map(
    (
      src.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')").all() as {
        type: string;
        name: string;
        sql: string | null;
      }[]
    ).map((r) => [r.name.toLowerCase(), r]),
  );
  for (const spec of [...IMPORTED, ...STREAMED, META]) {
    const want = ref.get(spec.table);
    if (want === undefined) continue;
    const got = tables.get(spec.table);
    if (!got) fail({ table: spec.table, problem: { key: "missingTable" } });
    if (got?.type !== "table" || norm(got.sql) !== want)
      fail({ table: spec.table, problem: { key: "schema" } });
  }
}

function readTable(src: Db, spec: TableSpec, version: number, checkSizes: boolean): Row[] {
  const present = spec.columns.filter((c) => c.since <= version);
  if (present.length === 0) return [];
  // A file too large to read into memory may hold values larger than memory should: their
  // sizes come first, from the record headers (octet_length need not load a value), so a
  // 100 MB note is refused without ever being read. A file read into memory bounds them itself.
  if (checkSizes) checkValueSizes(src, spec, present);
  const rows: Row[] = [];
  const stmt = src
    .prepare(`SELECT ${present.map((c) => `"${c.name}"`).join(", ")} FROM "${spec.table}" ORDER BY rowid`)
    .raw();
  // Where each column of the spec is in the row read (-1: the file is older than the column).
  const at = spec.columns.map((c) => present.indexOf(c));
  let n = 0;
  for (const values of stmt.iterate() as Iterable<unknown[]>) {
    n++;
    if (n > spec.maxRows)
      fail({ table: spec.table, problem: { key: "tooManyRows", params: { max: spec.maxRows } } });
    const row: Row = {};
    for (let k = 0; k < spec.columns.length; k++) {
      const c = spec.columns[k]!;
      const i = at[k]!;
      let v: unknown;
      if (i < 0) v = c.fallback ?? null;
      else {
        v = values[i];
        const bad = c.check(v);
        if (bad) fail({ table: spec.table, row: n, ...idOf(values[0]), column: c.name, problem: bad });
      }
      row[c.name] = typeof v === "bigint" ? Number(v) : v;
    }
    rows.push(row);
  }
  return rows;
}

function checkValueSizes(src: Db, spec: TableSpec, present: readonly { name: string }[]): void {
  const sizes = src
    .prepare(`SELECT ${present.map((c) => `max(octet_length("${c.name}"))`).join(", ")} FROM "${spec.table}"`)
    .raw()
    .get() as (number | null)[];
  present.forEach((c, i) => {
    const max = c.name === "content" ? LIMITS.checklistBytes : MAX_VALUE_BYTES;
    const size = sizes[i] ?? 0;
    if (size <= max) return;
    const at = src
      .prepare(`SELECT rowid FROM "${spec.table}" WHERE octet_length("${c.name}") = ? LIMIT 1`)
      .pluck()
      .get(size) as number;
    fail({
      table: spec.table,
      row: position(src, spec.table, at),
      column: c.name,
      problem: { key: "tooLarge", params: { size: Math.ceil(size / 1024), max: Math.floor(max / 1024) } },
    });
  });
}

/** The 1-based position of a rowid in its table's storage order. */
function position(src: Db, table: string, rowid: number): number {
  return (src.prepare(`SELECT count(*) AS n FROM "${table}" WHERE rowid <= ?`).get(rowid) as { n: number }).n;
}

const idOf = (v: unknown): { id?: string } => (typeof v === "string" && v.length <= 80 ? { id: v } : {});

/** Read and check a whole source database; throws InvalidSource at the first problem. */
export function validateSource(
  src: Db,
  userVersion: number,
  opts: { checkSizes?: boolean } = {},
): SourceData {
  checkSchema(src, userVersion);
  const rows: Record<string, Row[]> = {};
  const sizes = opts.checkSizes ?? true;
  for (const spec of IMPORTED) rows[spec.table] = readTable(src, spec, userVersion, sizes);
  const meta = readTable(src, META, userVersion, sizes);
  const checklists = checkSnapshots(rows[SNAPSHOTS.table]!);
  if (userVersion < SINCE_ROUNDS) deriveRounds(rows);
  checkReferences(rows, checklists);
  checkEvidence(rows, fail);
  let latest = "";
  for (const spec of IMPORTED) {
    for (const r of rows[spec.table]!) {
      for (const c of spec.columns) {
        const v = r[c.name];
        if ((c.merge === "updated" || c.merge === "created") && typeof v === "string" && v > latest)
          latest = v;
      }
    }
  }
  return {
    sourceId: sourceIdOf(meta, rows),
    userVersion,
    rows,
    checklists,
    latest,
    evidencePieces: (hash) => piecesOf(src, hash),
  };
}

/**
 * The sender's id: its meta db_id. A file from before ids existed gets one derived from its
 * first unit (the school's own, made when it first ran lookback), stable from one file it sends
 * to the next.
 */
function sourceIdOf(meta: Row[], rows: Record<string, Row[]>): string {
  const id = meta.find((m) => m.key === "db_id")?.value;
  if (typeof id === "string" && /^[0-9a-f]{32}$/.test(id)) return id;
  const first = rows[UNITS.table]![0]?.id;
  return `legacy:${typeof first === "string" ? first : "none"}`;
}

/**
 * Checklists already read, by the sha256 of their text: every school sends the same few, and
 * the hash is recomputed from the content before this is consulted.
 */
const checkedSnapshots = new Map<
  string,
  { checklist?: Checklist; errors: { line: number; col: number; message: string }[] }
>();

/** Each snapshot's content hashes to its name and reads as a valid checklist that matches it. */
function checkSnapshots(snapshots: Row[]): Map<string, Checklist> {
  const out = new Map<string, Checklist>();
  snapshots.forEach((s, i) => {
    const at = { table: SNAPSHOTS.table, row: i + 1, id: s.hash as string };
    const content = s.content as string;
    const hash = createHash("sha256").update(content, "utf8").digest("hex");
    if (hash !== s.hash) fail({ ...at, column: "content", problem: { key: "snapshotHash" } });
    let parsed = checkedSnapshots.get(hash);
    if (!parsed) {
      parsed = checklistFromText(content, `snapshot ${hash.slice(0, 12)}`);
      if (checkedSnapshots.size > 100) checkedSnapshots.clear();
      checkedSnapshots.set(hash, parsed);
    }
    if (!parsed.checklist) {
      const d = parsed.errors[0];
      fail({
        ...at,
        column: "content",
        problem: { key: "snapshotInvalid", params: { message: d ? `${d.line}:${d.col} ${d.message}` : "" } },
      });
    }
    const c = parsed.checklist!;
    if (c.id !== s.checklist_id || c.version !== s.version || c.title !== s.title) {
      fail({ ...at, column: "checklist_id", problem: { key: "snapshotMismatch" } });
    }
    out.set(hash, c);
  });
  return out;
}

/**
 * What a file from before the ledger belonged to the unit lacks, derived as the migration does
 * it at the school: each rectification's checklist (its run's), the rectification each failing
 * answer opened, and of two not-closed rectifications of one item (each round opened its own)
 * the older continued by the newer. Only the copy in memory is changed; the file never is.
 */
function deriveRounds(rows: Record<string, Row[]>): void {
  const runs = new Map(rows[RUNS.table]!.map((r) => [r.id as string, r]));
  const rects = rows[RECTIFICATIONS.table]!;
  for (const x of rects) x.checklist_id = (runs.get(x.run_id as string)?.checklist_id as string) ?? null;
  const byRunItem = new Map(rects.map((x) => [`${x.run_id}\u0000${x.item_key}`, x.id as string]));
  for (const a of rows[ANSWERS.table]!) {
    if (opensRectification(a.result as Result)) {
      a.rectification_id = byRunItem.get(`${a.run_id}\u0000${a.item_key}`) ?? null;
    }
  }
  const open = rects
    .filter((x) => x.status !== "closed")
    .sort(
      (a, b) =>
        String(a.created_at).localeCompare(String(b.created_at)) || String(a.id).localeCompare(String(b.id)),
    );
  const last = new Map<string, Row>();
  for (const x of open) {
    const k = `${x.unit_id}\u0000${x.checklist_id}\u0000${x.item_key}`;
    const before = last.get(k);
    if (before) before.continued_by = x.id;
    last.set(k, x);
  }
}

/** RunItem keys a run may answer: its checklist expanded with its own leaders. */
function slotKeys(
  run: Row,
  checklists: Map<string, Checklist>,
  cache: Map<string, Set<string>>,
): Set<string> {
  const key = `${run.checklist_hash}\u0000${run.leaders}`;
  let keys = cache.get(key);
  if (!keys) {
    const checklist = checklists.get(run.checklist_hash as string)!;
    keys = new Set(runItems(checklist, JSON.parse(run.leaders as string) as string[]).map((s) => s.key));
    cache.set(key, keys);
  }
  return keys;
}

/** Every reference between the rows of a file resolves inside it, and each row keeps lookback's rules. */
function checkReferences(rows: Record<string, Row[]>, checklists: Map<string, Checklist>): void {
  const units = checkUnits(rows[UNITS.table]!);
  const runs = checkRuns(rows[RUNS.table]!, units, checklists);
  const { answered, links } = checkAnswers(rows[ANSWERS.table]!, runs, checklists);
  const rects = checkRectifications(rows[RECTIFICATIONS.table]!, runs, answered);
  checkRounds(rows[RECTIFICATIONS.table]!, rects, links);
  checkHistory(rows[HISTORY.table]!, rects);
}

type AnswerLink = { at: Omit<Refusal, "problem">; answer: Row; run: Row };

function checkUnits(unitRows: Row[]): Set<string> {
  const units = new Set<string>();
  for (const [i, u] of unitRows.entries()) {
    const n = normalizeUnitName(u.name as string);
    if (!n.ok)
      fail({
        table: UNITS.table,
        row: i + 1,
        id: u.id as string,
        column: "name",
        problem: { key: "unitName", params: { problem: n.problem } },
      });
    units.add(u.id as string);
  }
  return units;
}

/** Runs by id: of a unit of the file, on a snapshot of the file, one unfinished per unit and checklist. */
function checkRuns(runRows: Row[], units: Set<string>, checklists: Map<string, Checklist>): Map<string, Row> {
  const runs = new Map<string, Row>();
  const open = new Set<string>();
  for (const r of runRows) runs.set(r.id as string, r);
  for (const [i, r] of runRows.entries()) {
    const at = { table: RUNS.table, row: i + 1, id: r.id as string };
    if (!units.has(r.unit_id as string))
      fail({ ...at, column: "unit_id", problem: { key: "ref", params: { table: UNITS.table } } });
    const c = checklists.get(r.checklist_hash as string);
    if (!c)
      fail({ ...at, column: "checklist_hash", problem: { key: "ref", params: { table: SNAPSHOTS.table } } });
    if (c?.id !== r.checklist_id || c?.version !== r.checklist_version)
      fail({ ...at, column: "checklist_id", problem: { key: "snapshotMismatch" } });
    if ((r.status === "complete") !== (r.finished_at !== null))
      fail({ ...at, column: "finished_at", problem: { key: "finished" } });
    if (r.inspectors !== null && r.inspection_group === null)
      fail({ ...at, column: "inspectors", problem: { key: "membersWithoutGroup" } });
    const by = r.superseded_by as string | null;
    if (by !== null && (by === r.id || !runs.has(by)))
      fail({ ...at, column: "superseded_by", problem: { key: "ref", params: { table: RUNS.table } } });
    if (r.status === "in-progress" && by === null) {
      const k = `${r.unit_id}\u0000${r.checklist_id}`;
      if (open.has(k)) fail({ ...at, column: "status", problem: { key: "twoOpen" } });
      open.add(k);
    }
  }
  return runs;
}

/** Answers: of a run of the file, for an item its checklist has, once per run and item. */
function checkAnswers(
  answerRows: Row[],
  runs: Map<string, Row>,
  checklists: Map<string, Checklist>,
): { answered: Map<string, string>; links: AnswerLink[] } {
  const slots = new Map<string, Set<string>>();
  const answered = new Map<string, string>();
  const links: AnswerLink[] = [];
  for (const [i, a] of answerRows.entries()) {
    const at = { table: ANSWERS.table, row: i + 1, id: a.id as string };
    const run = runs.get(a.run_id as string);
    if (!run) fail({ ...at, column: "run_id", problem: { key: "ref", params: { table: RUNS.table } } });
    const key = a.item_key as string;
    const expected = `${a.section_id}.${a.item_id}${a.leader === null ? "" : `@${a.leader}`}`;
    if (key !== expected || !slotKeys(run, checklists, slots).has(key))
      fail({ ...at, column: "item_key", problem: { key: "itemKey", params: { key: key.slice(0, 120) } } });
    const k = `${a.run_id}\u0000${key}`;
    if (answered.has(k)) fail({ ...at, column: "item_key", problem: { key: "duplicate" } });
    answered.set(k, a.result as string);
    links.push({ at, answer: a, run });
  }
  return { answered, links };
}

/** Rectifications by id: each opened by a partial or failing answer of its own run, unit and checklist. */
function checkRectifications(
  rectRows: Row[],
  runs: Map<string, Row>,
  answered: Map<string, string>,
): Map<string, Row> {
  const rects = new Map<string, Row>();
  const rectKeys = new Set<string>();
  for (const [i, x] of rectRows.entries()) {
    const at = { table: RECTIFICATIONS.table, row: i + 1, id: x.id as string };
    const run = runs.get(x.run_id as string);
    if (!run) fail({ ...at, column: "run_id", problem: { key: "ref", params: { table: RUNS.table } } });
    if (x.unit_id !== run.unit_id) fail({ ...at, column: "unit_id", problem: { key: "unitOfRun" } });
    const k = `${x.run_id}\u0000${x.item_key}`;
    // Lookback opens a rectification for a partial or failing answer of the same run and item only.
    const result = answered.get(k);
    if (result === undefined || !opensRectification(result as Result))
      fail({ ...at, column: "item_key", problem: { key: "noFailingAnswer" } });
    if (rectKeys.has(k)) fail({ ...at, column: "item_key", problem: { key: "duplicate" } });
    rectKeys.add(k);
    const closed = x.status === "closed";
    if (closed && (x.closed_at === null || x.closed_by === null))
      fail({ ...at, column: "closed_by", problem: { key: "closedWithoutVerifier" } });
    if (x.kind === "deadline" && x.deadline === null)
      fail({ ...at, column: "deadline", problem: { key: "noDeadline" } });
    if (x.checklist_id !== run.checklist_id)
      fail({ ...at, column: "checklist_id", problem: { key: "checklistOfRun" } });
    rects.set(x.id as string, x);
  }
  return rects;
}

function checkHistory(historyRows: Row[], rects: Map<string, Row>): void {
  for (const [i, h] of historyRows.entries()) {
    if (!rects.has(h.rectification_id as string)) {
      fail({
        table: HISTORY.table,
        row: i + 1,
        id: h.id as string,
        column: "rectification_id",
        problem: { key: "ref", params: { table: RECTIFICATIONS.table } },
      });
    }
  }
}

/**
 * The ledger across rounds: a continued rectification names another of the file; a unit has one
 * not-closed, not-continued rectification per item; an answer's rectification is of its own unit,
 * checklist and item, and a partial or failing answer has one.
 */
function checkRounds(list: Row[], rects: Map<string, Row>, links: AnswerLink[]): void {
  const open = new Set<string>();
  for (const [i, x] of list.entries()) {
    const at = { table: RECTIFICATIONS.table, row: i + 1, id: x.id as string };
    const next = x.continued_by as string | null;
    if (next !== null && (next === x.id || !rects.has(next)))
      fail({
        ...at,
        column: "continued_by",
        problem: { key: "ref", params: { table: RECTIFICATIONS.table } },
      });
    if (x.status === "closed" || next !== null) continue;
    const k = `${x.unit_id}\u0000${x.checklist_id}\u0000${x.item_key}`;
    if (open.has(k)) fail({ ...at, column: "status", problem: { key: "openTwice" } });
    open.add(k);
  }
  for (const { at, answer, run } of links) {
    const id = answer.rectification_id as string | null;
    if (id === null) {
      if (opensRectification(answer.result as Result))
        fail({ ...at, column: "rectification_id", problem: { key: "noRectification" } });
      continue;
    }
    const x = rects.get(id);
    if (!x)
      fail({
        ...at,
        column: "rectification_id",
        problem: { key: "ref", params: { table: RECTIFICATIONS.table } },
      });
    if (x.unit_id !== run.unit_id || x.checklist_id !== run.checklist_id || x.item_key !== answer.item_key)
      fail({ ...at, column: "rectification_id", problem: { key: "otherItem" } });
  }
}
