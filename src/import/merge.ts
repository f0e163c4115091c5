// Merging one school's validated database into the bureau's, on either engine (the store's
// mergeSchool). Three steps per file, in a savepoint of its own (a failure rolls the file back
// alone):
// 1. read what this database holds of the file's records, a few set-based statements
//    (units by id, code or name key and recorded unit merges; runs by id; the answers and
//    rectifications of those runs; history ids; the merge bases of the sender);
// 2. decide every record in memory (decide.ts), against what was last taken from that sender
//    (merge_base), keeping this database's view of the file's own effects up to date (a unit the
//    file adds is found by the next of its units; a run it opens counts as open);
// 3. write the decisions table by table, as multi-row statements in the order decided
//    (target.ts), then the merge bases and the conflict log.
//
// No timestamp of the sender decides anything: history keeps the order it arrives in (seq,
// given here), and "newer" means "changed by the sender since the last import", by revision and
// content.

import { randomUUID } from "node:crypto";
import { opensRectification, type Result } from "../checklist/schema.js";
import { isLookbackError } from "../errors.js";
import type { Dialect, DriverTx, Violation } from "../store/driver.js";
import { nearGroupOf, normalizeUnitName, unitKey } from "../units/identity.js";
import { type Base, type Decision, decide, groupValues, keepLocal, nextRev, runRule } from "./decide.js";
import { LocalUnits } from "./local-units.js";
import { mergeEvidence } from "./merge-evidence.js";
import { ANSWERS, groupsOf, RECTIFICATIONS, RUNS, type TableSpec, UNITS } from "./spec.js";
import * as target from "./target.js";
import {
  emptyCounts,
  type ImportWarning,
  type Kind,
  type KindCounts,
  type MergeConflict,
  type SchoolMerge,
  type SchoolMergeOptions,
  type UnitConflict,
} from "./types.js";
import type { Row, SourceData } from "./validate.js";

const GROUPS = new Map<TableSpec, Map<string, string[]>>(
  [UNITS, RUNS, ANSWERS, RECTIFICATIONS].map((s) => [s, groupsOf(s)]),
);

/** An incoming timestamp this far past the bureau's clock is reported: the sender's clock is wrong. */
const CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/** What the store gives the merge: the engine's dialect and its reading of a broken constraint. */
export interface MergeEngine {
  readonly dialect: Dialect;
  violation(e: unknown): Violation | undefined;
}

interface FileState {
  tx: DriverTx;
  dialect: Dialect;
  source: string;
  file: string;
  names: SchoolMergeOptions["names"];
  bases: Map<string, Base>;
  counts: KindCounts;
  mergeConflicts: MergeConflict[];
  warnings: ImportWarning[];
  stale: number;
  unitConflicts: UnitConflict[];
  /** This database's units the file's may be, as the merge changes them. */
  local: LocalUnits;
  /** Sender's unit id → this database's. */
  units: Map<string, string>;
  /** Sender's answer id → this database's (matched by run and item). */
  answerIds: Map<string, string>;
  /** Sender's rectification id → this database's (matched by run and item). */
  rects: Map<string, string>;
  /** The same, for every rectification of the file's imported runs, before any is merged. */
  rectIds: Map<string, string>;
  /** Result of every (run, item) after the merge, to keep rectifications with their answers. */
  results: Map<string, string>;
  /** (run, item) whose answer the sender changed since the last import. */
  revised: Set<string>;
  /** Bases to write back at the end. */
  dirtyBases: Set<string>;
  writes: target.FileWrites;
  /** Rectifications to remove (dropped at the school), after every other write. */
  deletes: string[];
  /** Snapshots known to be here in this transaction (not read again). */
  snapshots: ReadonlySet<string>;
  /** The file's snapshots, here once the file is merged. */
  snapshotsHere: string[];
  /** This database's rectifications of the file's runs, as read before the merge. */
  rectsHere: Set<string>;
  now: string;
}

const KIND_OF: Record<string, Kind> = {
  units: "units",
  runs: "runs",
  answers: "answers",
  rectifications: "rectifications",
};

const itemOf = (runId: unknown, itemKey: unknown) => `${runId}\u0000${itemKey}`;

/** Apply a decision's counting, conflicts and base; returns the decision for the writer. */
function account(
  st: FileState,
  spec: TableSpec,
  localId: string,
  label: string,
  d: Decision,
  incoming: Row,
): Decision {
  const kind = KIND_OF[spec.table]!;
  const c = st.counts[kind];
  if (d.action === "skip") {
    if (d.why === "stale") st.stale++;
    c.unchanged++;
    return d;
  }
  if (d.action === "add") c.added++;
  else if (d.action === "write") c.updated++;
  else c.unchanged++;
  if (d.action !== "add") {
    for (const x of d.conflicts) {
      const { group, local, incoming: theirs, kept } = x;
      st.mergeConflicts.push({ kind, id: localId, label, group, local, incoming: theirs, kept });
    }
  }
  const groups = groupValues(incoming, GROUPS.get(spec)!);
  const key = `${spec.table}:${localId}`;
  const was = st.bases.get(key);
  const rev = Number(incoming.rev ?? 1);
  if (!was || was.rev !== rev || !was.groups || !sameValues(was.groups, groups)) {
    st.bases.set(key, { rev, groups });
    st.dirtyBases.add(key);
  }
  return d;
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  for (const k in b) if (a[k] !== b[k]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

/** The record as it is to be written: local with the decided values, or the incoming one. */
function written(local: Row | undefined, incoming: Row, d: Decision, now: string): Row | undefined {
  if (d.action === "add") return { ...incoming, rev: Number(incoming.rev ?? 1) };
  if (d.action !== "write" || !local) return undefined;
  const row = { ...local, ...d.values };
  const allTaken = d.conflicts.every((x) => x.kept === "incoming");
  row.updated_at = allTaken ? incoming.updated_at : now;
  row.rev = nextRev(Number(local.rev ?? 1), Number(incoming.rev ?? 1));
  return row;
}

/** Match an incoming unit with one here: by id, a recorded merge, its code, or its name's key. */
function matchUnit(local: LocalUnits, su: Row): { local?: Row; conflict?: UnitConflict } {
  const key = unitKey(su.name as string);
  const found = local.byId(su.id as string) ?? local.mergedInto(su.id as string, key);
  if (found) return { local: found };
  const byCode = su.code ? local.byCode(su.code as string) : undefined;
  if (byCode) return { local: byCode };
  const byKey = local.byKey(key);
  if (byKey && su.code && byKey.code && byKey.code !== su.code) {
    const conflict = { name: su.name as string, code: su.code as string, localCode: byKey.code as string };
    return { conflict: { ...conflict, runsSkipped: 0 } };
  }
  return byKey ? { local: byKey } : {};
}

/** The sender's units with their names as this database writes them. */
function incomingUnits(data: SourceData): Row[] {
  return data.rows.units!.map((raw) => {
    const n = normalizeUnitName(raw.name as string);
    return { ...raw, name: n.ok ? n.name : raw.name };
  });
}

/** The names of the sender's units, as this database writes them (for its near-name check). */
export const sentUnitNames = (data: SourceData): string[] => incomingUnits(data).map((u) => u.name as string);

async function mergeUnits(st: FileState, data: SourceData): Promise<void> {
  const sent = incomingUnits(data);
  const keys = sent.map((u) => unitKey(u.name as string));
  const ids = sent.map((u) => u.id as string);
  const codes = sent.flatMap((u) => (typeof u.code === "string" ? [u.code] : []));
  st.local.load(
    await target.unitsMatching(st.tx, st.dialect, { ids, codes, nameKeys: keys }),
    await target.mergesOf(st.tx, st.dialect, ids, keys),
  );
  for (const su of sent) {
    const m = matchUnit(st.local, su);
    if (m.conflict) {
      m.conflict.runsSkipped = data.rows.runs!.filter((r) => r.unit_id === su.id).length;
      st.unitConflicts.push(m.conflict);
      continue;
    }
    mergeUnit(st, su, m.local);
  }
}

function mergeUnit(st: FileState, su: Row, local: Row | undefined): void {
  // A roster fact is never erased by an empty cell of the sender's.
  const incoming: Row = { ...su };
  if (local) for (const c of ["code", "township", "type"]) if (incoming[c] === null) incoming[c] = local[c];
  const id = (local?.id as string) ?? (su.id as string);
  const decision = decide(
    GROUPS.get(UNITS)!,
    st.bases.get(`units:${id}`),
    local,
    incoming,
    Number(su.rev ?? 1),
    keepLocal,
    "keep",
  );
  const d = account(st, UNITS, id, su.name as string, decision, incoming);
  const row = written(local, incoming, d, st.now);
  if (d.action === "add" && row) {
    const key = unitKey(row.name as string);
    const near = st.names.near(row.name as string);
    if (near.length > 0) st.warnings.push({ kind: "near-unit", name: row.name as string, near });
    st.writes.units.insert(st.local.put({ ...row, name_key: key, near_group: nearGroupOf(key) }));
    st.names.add(row.name as string, key);
  } else if (row && local) {
    // A name or code another unit holds here stays as it was.
    const nameHolder = st.local.byKey(unitKey(row.name as string));
    if (nameHolder && nameHolder.id !== local.id) row.name = local.name;
    const codeHolder = row.code ? st.local.byCode(row.code as string) : undefined;
    if (codeHolder && codeHolder.id !== local.id) row.code = local.code;
    const key = unitKey(row.name as string);
    st.writes.units.update(st.local.put({ ...row, name_key: key, near_group: nearGroupOf(key) }));
  }
  st.units.set(su.id as string, id);
}

async function mergeSnapshots(st: FileState, data: SourceData): Promise<void> {
  const sent = data.rows.checklist_snapshots!;
  const unknown = sent.map((s) => s.hash as string).filter((h) => !st.snapshots.has(h));
  const here = await target.snapshotsPresent(st.tx, st.dialect, unknown);
  for (const snap of sent) {
    const hash = snap.hash as string;
    // Content-addressed and re-hashed by validate: the same hash is the same text.
    if (st.snapshots.has(hash) || here.has(hash)) st.counts.snapshots.unchanged++;
    else {
      st.writes.snapshots.insert(snap);
      st.counts.snapshots.added++;
    }
    st.snapshotsHere.push(hash);
  }
}

/** The sender's runs of units that merged, with their unit re-pointed here. */
async function mergeRuns(st: FileState, data: SourceData): Promise<Row[]> {
  const imported: Row[] = [];
  for (const raw of data.rows.runs!) {
    const unitId = st.units.get(raw.unit_id as string);
    if (unitId !== undefined) imported.push({ ...raw, unit_id: unitId });
  }
  const ids = imported.map((r) => r.id as string);
  const here = new Map((await target.runsById(st.tx, st.dialect, ids)).map((r) => [r.id as string, r]));
  // Only a run unfinished on either side can meet another unfinished one here.
  const unfinished = imported.some(
    (r) => r.status === "in-progress" || here.get(r.id as string)?.status === "in-progress",
  );
  const unitIds = [...new Set(st.units.values())];
  const open = new OpenRuns(unfinished ? await target.openRunsOf(st.tx, st.dialect, unitIds) : []);
  for (const incoming of imported) {
    const local = here.get(incoming.id as string);
    const decision = decide(
      GROUPS.get(RUNS)!,
      st.bases.get(`runs:${incoming.id}`),
      local,
      incoming,
      Number(incoming.rev ?? 1),
      runRule,
    );
    const d = account(st, RUNS, incoming.id as string, `${incoming.checklist_id}`, decision, incoming);
    const row = written(local, incoming, d, st.now);
    if (!row) continue;
    // One unfinished run per unit and checklist here too: another one open here sets this one aside.
    if (row.status === "in-progress" && row.superseded_by === null) {
      const other = open.other(row);
      if (other) {
        row.superseded_by = other;
        const unit = (st.local.byId(row.unit_id as string)?.name as string) ?? (row.unit_id as string);
        st.warnings.push({ kind: "run-set-aside", unit, checklist: row.checklist_id as string });
      }
    }
    open.set(row);
    if (d.action === "add") st.writes.runs.insert(row);
    else st.writes.runs.update(row);
  }
  return imported;
}

/** The unfinished runs here (not set aside) per unit and checklist, as the merge changes them. */
class OpenRuns {
  private readonly open = new Map<string, Set<string>>();

  constructor(rows: readonly Row[]) {
    for (const r of rows) this.slot(r).add(r.id as string);
  }

  private slot(r: Row): Set<string> {
    const k = `${r.unit_id}\u0000${r.checklist_id}`;
    const s = this.open.get(k) ?? new Set<string>();
    this.open.set(k, s);
    return s;
  }

  /** Another unfinished run of the unit and checklist than `run`. */
  other(run: Row): string | undefined {
    for (const id of this.slot(run)) if (id !== run.id) return id;
    return undefined;
  }

  set(run: Row): void {
    for (const s of this.open.values()) s.delete(run.id as string);
    if (run.status === "in-progress" && run.superseded_by === null) this.slot(run).add(run.id as string);
  }
}

/** Rows grouped by a column's value. */
function groupBy(rows: readonly Row[], column: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r[column] as string;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Per run, this database's rows by item key. */
function byRunAndItem(rows: readonly Row[]): Map<string, Map<string, Row>> {
  const out = new Map<string, Map<string, Row>>();
  for (const [run, list] of groupBy(rows, "run_id")) {
    out.set(run, new Map(list.map((r) => [r.item_key as string, r])));
  }
  return out;
}

/**
 * Which rectification here each of the file's stands for (the same run and item, perhaps under
 * another id): answers and later rounds point at rectifications by id.
 */
function mapRects(st: FileState, data: SourceData, runs: Row[], local: Map<string, Map<string, Row>>): void {
  const imported = new Set(runs.map((r) => r.id as string));
  for (const x of data.rows.rectifications!) {
    if (!imported.has(x.run_id as string)) continue;
    const here = local.get(x.run_id as string)?.get(x.item_key as string);
    st.rectIds.set(x.id as string, (here?.id as string) ?? (x.id as string));
  }
}

const mapped = (st: FileState, id: unknown): string | null =>
  typeof id === "string" ? (st.rectIds.get(id) ?? id) : null;

function mergeAnswers(
  st: FileState,
  data: SourceData,
  runs: Row[],
  here: Map<string, Map<string, Row>>,
): void {
  const byRun = groupBy(data.rows.answers!, "run_id");
  for (const run of runs) {
    const local = here.get(run.id as string) ?? new Map<string, Row>();
    for (const sent of byRun.get(run.id as string) ?? []) {
      const a: Row = { ...sent, rectification_id: mapped(st, sent.rectification_id) };
      const mine = local.get(a.item_key as string);
      const id = (mine?.id as string) ?? (a.id as string);
      const base = st.bases.get(`answers:${id}`);
      const rev = Number(a.rev ?? 1);
      if (base && rev >= base.rev && base.groups?.answer !== groupValues(a, GROUPS.get(ANSWERS)!).answer) {
        st.revised.add(itemOf(run.id, a.item_key));
      }
      const d = account(
        st,
        ANSWERS,
        id,
        a.item_key as string,
        decide(GROUPS.get(ANSWERS)!, base, mine, a, rev),
        a,
      );
      const row = written(mine, a, d, st.now);
      if (mine || row) st.answerIds.set(a.id as string, id);
      if (row && d.action === "add") st.writes.answers.insert(row);
      else if (row) st.writes.answers.update({ ...row, id });
      st.results.set(itemOf(run.id, a.item_key), ((row ?? mine ?? a).result as string) ?? "");
    }
    for (const [key, mine] of local) {
      const k = itemOf(run.id, key);
      if (!st.results.has(k)) st.results.set(k, mine.result as string);
    }
  }
}

/**
 * Rectifications run by run; those closed or carried on by another first, so that the one
 * not-closed rectification per item the database allows is never two, even for a moment.
 */
function mergeRects(st: FileState, data: SourceData, runs: Row[], here: Map<string, Map<string, Row>>): void {
  const byRun = groupBy(data.rows.rectifications!, "run_id");
  const answersByRun = groupBy(data.rows.answers!, "run_id");
  const settled = (x: Row) => x.status === "closed" || x.continued_by !== null;
  for (const pass of [settled, (x: Row) => !settled(x)]) {
    for (const run of runs) {
      const local = here.get(run.id as string) ?? new Map<string, Row>();
      for (const x of byRun.get(run.id as string) ?? []) if (pass(x)) mergeRect(st, run, local, x);
    }
  }
  for (const run of runs) {
    const local = here.get(run.id as string) ?? new Map<string, Row>();
    const sent = byRun.get(run.id as string) ?? [];
    dropRemoved(st, run, local, sent, answersByRun.get(run.id as string) ?? []);
  }
}

function mergeRect(st: FileState, run: Row, local: Map<string, Row>, x: Row): void {
  const mine = local.get(x.item_key as string);
  const id = (mine?.id as string) ?? (x.id as string);
  const result = st.results.get(itemOf(run.id, x.item_key));
  // A problem stands only beside a partial or failing answer (as when it was written).
  if (!mine && !opensRectification(result as Result)) {
    st.counts.rectifications.unchanged++;
    return;
  }
  const rect: Row = { ...x, unit_id: run.unit_id, continued_by: mapped(st, x.continued_by) };
  const base = st.bases.get(`rectifications:${id}`);
  const decision = decide(GROUPS.get(RECTIFICATIONS)!, base, mine, rect, Number(x.rev ?? 1));
  const d = account(st, RECTIFICATIONS, id, x.item_key as string, decision, rect);
  if (d.action !== "skip") st.rects.set(x.id as string, id);
  const row = written(mine, rect, d, st.now);
  if (row && d.action === "add") st.writes.rectifications.insert(row);
  else if (row) st.writes.rectifications.update({ ...row, id });
}

/**
 * Rectifications the sender removed since the last import, because it revised the answer to
 * pass: removed here too if unchanged here since; kept, and reported, if followed up here.
 */
function dropRemoved(
  st: FileState,
  run: Row,
  local: Map<string, Row>,
  incoming: Row[],
  answers: Row[],
): void {
  const still = new Set(incoming.map((x) => x.item_key as string));
  const answerOf = new Map(answers.map((a) => [a.item_key as string, a]));
  for (const [key, mine] of local) {
    if (still.has(key)) continue;
    const base = st.bases.get(`rectifications:${mine.id}`);
    const answer = answerOf.get(key);
    if (!base?.groups || !answer) continue;
    // Only an answer the sender revised to pass explains the absence; an older copy of its file
    // simply does not have the rectification yet.
    const passes = answer.result === "pass" || answer.result === "na";
    if (!passes || !st.revised.has(itemOf(run.id, key))) continue;
    const now = groupValues(mine, GROUPS.get(RECTIFICATIONS)!);
    if (Object.entries(base.groups).every(([g, v]) => now[g] === v)) {
      st.deletes.push(mine.id as string);
      st.counts.rectifications.removed++;
      st.bases.set(`rectifications:${mine.id}`, { rev: base.rev, groups: null });
      st.dirtyBases.add(`rectifications:${mine.id}`);
    } else {
      const id = mine.id as string;
      const conflict = { kind: "rectifications", id, label: key, group: "deleted" } as const;
      st.mergeConflicts.push({ ...conflict, local: mine, incoming: null, kept: "local" });
    }
  }
}

/** History is appended, by id, in the order the sender wrote it; its clock orders nothing. */
async function mergeHistory(st: FileState, data: SourceData): Promise<void> {
  const entries = [...data.rows.rectification_history!]
    .map((h, i) => ({ h, i }))
    .sort((a, b) => Number(a.h.seq ?? a.i) - Number(b.h.seq ?? b.i) || a.i - b.i)
    .filter(({ h }) => st.rects.has(h.rectification_id as string));
  const here = await target.historyPresent(
    st.tx,
    st.dialect,
    entries.map(({ h }) => h.id as string),
  );
  st.counts.history.unchanged += data.rows.rectification_history!.length - entries.length;
  let seq = entries.length > here.size ? await target.firstHistorySeq(st.tx, st.dialect) : undefined;
  for (const { h } of entries) {
    if (here.has(h.id as string)) {
      st.counts.history.unchanged++;
      continue;
    }
    const rectification_id = st.rects.get(h.rectification_id as string);
    st.writes.history.insert({ ...h, rectification_id, seq: seq === undefined ? null : seq++ });
    st.counts.history.added++;
  }
}

/**
 * Whether a written answer or rectification may point at a rectification that is not here (left
 * out with its answer, or of a run that did not come): links to one this database holds, or the
 * merge writes, need no clearing (one it deletes clears them itself: ON DELETE SET NULL).
 */
function mayDangle(st: FileState): boolean {
  const rects = st.writes.rectifications.pending;
  const known = new Set([...st.rectsHere, ...rects.map((r) => r.id as string)]);
  const points = (id: unknown) => typeof id === "string" && !known.has(id);
  return (
    st.writes.answers.pending.some((a) => points(a.rectification_id)) ||
    rects.some((r) => points(r.continued_by))
  );
}

/** Every decision written, in the order references need; then the bases and the conflict log. */
async function writeAll(st: FileState, runs: Row[]): Promise<void> {
  const { tx, dialect, writes } = st;
  for (const t of [writes.units, writes.snapshots, writes.runs, writes.answers, writes.rectifications]) {
    await t.flush(tx, dialect);
  }
  await target.deleteRects(tx, dialect, st.deletes);
  if (mayDangle(st)) {
    await target.unlinkMissing(
      tx,
      dialect,
      runs.map((r) => r.id as string),
    );
  }
  await writes.history.flush(tx, dialect);
  const bases = [...st.dirtyBases].map((key) => {
    const i = key.indexOf(":");
    return { table: key.slice(0, i), id: key.slice(i + 1), base: st.bases.get(key)! };
  });
  await target.saveBases(tx, dialect, st.source, bases);
  await target.logConflicts(
    tx,
    dialect,
    st.mergeConflicts.map((c) => ({
      id: randomUUID(),
      at: st.now,
      source: st.source,
      file: st.file,
      table: c.kind,
      recordId: c.id,
      group: c.group,
      local: c.local,
      incoming: c.incoming,
      kept: c.kept,
    })),
  );
}

async function mergeInto(
  tx: DriverTx,
  engine: MergeEngine,
  data: SourceData,
  opts: SchoolMergeOptions,
  known: InTransaction,
): Promise<FileState> {
  const dialect = engine.dialect;
  const st: FileState = {
    tx,
    dialect,
    source: data.sourceId,
    file: opts.file,
    names: opts.names,
    bases: await target.basesOf(tx, data.sourceId),
    counts: emptyCounts(),
    mergeConflicts: [],
    warnings: [],
    stale: 0,
    unitConflicts: [],
    local: new LocalUnits(),
    units: new Map(),
    rects: new Map(),
    answerIds: new Map(),
    rectIds: new Map(),
    results: new Map(),
    revised: new Set(),
    dirtyBases: new Set(),
    writes: target.fileWrites(dialect),
    deletes: [],
    rectsHere: new Set(),
    snapshots: known.snapshots,
    snapshotsHere: [],
    now: new Date().toISOString(),
  };
  await mergeUnits(st, data);
  await mergeSnapshots(st, data);
  const runs = await mergeRuns(st, data);
  const runIds = runs.map((r) => r.id as string);
  const answers = byRunAndItem(await target.answersOfRuns(tx, dialect, runIds));
  const rectRows = await target.rectsOfRuns(tx, dialect, runIds);
  for (const x of rectRows) st.rectsHere.add(x.id as string);
  const rects = byRunAndItem(rectRows);
  mapRects(st, data, runs, rects);
  mergeAnswers(st, data, runs, answers);
  mergeRects(st, data, runs, rects);
  await mergeHistory(st, data);
  await writeAll(st, runs);
  await mergeEvidence(
    {
      tx,
      dialect,
      violation: (e) => engine.violation(e),
      answerIds: st.answerIds,
      rectIds: st.rectIds,
      counts: st.counts.evidence,
      warnings: st.warnings,
    },
    data,
  );
  const ahead = Date.parse(data.latest) - Date.now();
  if (ahead > CLOCK_AHEAD_MS) {
    st.warnings.push({ kind: "clock-ahead", latest: data.latest, days: Math.floor(ahead / CLOCK_AHEAD_MS) });
  }
  return st;
}

/** What the files merged before in the same transaction (a batch of an import) leave known. */
interface InTransaction {
  /** The import lock is held (until the commit). */
  locked: boolean;
  /** Checklist snapshots here: never removed, so true until the transaction ends. */
  snapshots: Set<string>;
}

const transactions = new WeakMap<DriverTx, InTransaction>();

function inTransaction(tx: DriverTx): InTransaction {
  let known = transactions.get(tx);
  if (!known) {
    known = { locked: false, snapshots: new Set() };
    transactions.set(tx, known);
  }
  return known;
}

/** The index that keeps one not-closed rectification per unit, checklist and item. */
const oneOpen = (v: Violation) =>
  v.kind === "unique" &&
  (v.table === null || v.table === "rectifications") &&
  v.columns.includes("checklist_id");

/**
 * Merge a validated school file into the database of `tx`, in a savepoint of its own. What the
 * database refuses (a broken constraint: the file and this database each hold a different
 * not-closed rectification of one item, an id taken by another record) rolls the file back
 * and comes back `ok: false`; a failure of the machine (a LookbackError) is thrown.
 */
export async function mergeSchool(
  tx: DriverTx,
  engine: MergeEngine,
  data: SourceData,
  opts: SchoolMergeOptions,
): Promise<SchoolMerge> {
  const known = inTransaction(tx);
  if (!known.locked) await target.lockForImport(tx, engine.dialect);
  known.locked = true;
  try {
    const st = await tx.savepoint((sp) => mergeInto(sp, engine, data, opts, known));
    for (const h of st.snapshotsHere) known.snapshots.add(h);
    return {
      ok: true,
      counts: st.counts,
      conflicts: st.unitConflicts,
      mergeConflicts: st.mergeConflicts,
      stale: st.stale,
      warnings: st.warnings,
    };
  } catch (e) {
    if (isLookbackError(e)) throw e;
    const v = engine.violation(e);
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: v && oneOpen(v) ? "open-twice" : "failed", detail };
  }
}
