// Merging one school's lookback database into the bureau's (import).
//
// 1. The file is copied privately and opened (source.ts), then checked whole (validate.ts):
//    a file with one bad row is refused before anything of it is used.
// 2. In ONE transaction per file, each record is matched with this database's (units by id, a
//    recorded unit merge, code or look-alike name; runs and history by id; answers and
//    rectifications by run and item), and decide.ts says what to do with it, against what this
//    database last took from that sender (merge_base). Any failure rolls the file back.
//
// No timestamp of the sender decides anything: history keeps the order it arrives in (seq),
// and "newer" means "changed by the sender since the last import", by revision and content.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { environmentError } from "../store/environment.js";
import type { Store } from "../store/store.js";
import { newId, nowIso } from "../store/store.js";
import { NearIndex, normalizeUnitName, unitKey } from "../units/identity.js";
import { OWNER_TAG, removeStale } from "../util/stale.js";
import { type Base, type Decision, decide, groupValues, keepLocal, nextRev, runRule } from "./decide.js";
import { classify, openSource, sameFile } from "./source.js";
import { ANSWERS, groupsOf, RECTIFICATIONS, RUNS, type TableSpec, UNITS } from "./spec.js";
import { Target } from "./target.js";
import {
  emptyCounts,
  type FileResult,
  type ImportWarning,
  type Kind,
  type KindCounts,
  type MergeConflict,
  type UnitConflict,
} from "./types.js";
import { InvalidSource, type Row, type SourceData, validateSource } from "./validate.js";

export { sameFile } from "./source.js";

const GROUPS = new Map<TableSpec, Map<string, string[]>>(
  [UNITS, RUNS, ANSWERS, RECTIFICATIONS].map((s) => [s, groupsOf(s)]),
);

/** An incoming timestamp this far past the bureau's clock is reported: the sender's clock is wrong. */
const CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

interface FileState {
  source: string;
  file: string;
  bases: Map<string, Base>;
  counts: KindCounts;
  mergeConflicts: MergeConflict[];
  warnings: ImportWarning[];
  stale: number;
  unitConflicts: UnitConflict[];
  /** Sender's unit id → this database's. */
  units: Map<string, string>;
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
  now: string;
}

const KIND_OF: Record<string, Kind> = {
  units: "units",
  runs: "runs",
  answers: "answers",
  rectifications: "rectifications",
};

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
      st.mergeConflicts.push({
        kind,
        id: localId,
        label,
        group: x.group,
        local: x.local,
        incoming: x.incoming,
        kept: x.kept,
      });
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
function matchUnit(t: Target, su: Row): { local?: Row; conflict?: UnitConflict } {
  const byId = t.unitById.get(su.id) as Row | undefined;
  if (byId) return { local: byId };
  const merged = t.unitMergedInto.get(su.id, unitKey(su.name as string)) as Row | undefined;
  if (merged) return { local: merged };
  if (su.code) {
    const byCode = t.unitByCode.get(su.code) as Row | undefined;
    if (byCode) return { local: byCode };
  }
  const byKey = t.unitByKey.get(unitKey(su.name as string)) as Row | undefined;
  if (byKey && su.code && byKey.code && byKey.code !== su.code) {
    return {
      conflict: {
        name: su.name as string,
        code: su.code as string,
        localCode: byKey.code as string,
        runsSkipped: 0,
      },
    };
  }
  return byKey ? { local: byKey } : {};
}

interface Session {
  t: Target;
  /** Every unit's name here, for near-name warnings (kept up to date as units are added). */
  names: NearIndex;
}

function mergeUnits(s: Session, st: FileState, data: SourceData): void {
  const t = s.t;
  for (const raw of data.rows.units!) {
    const n = normalizeUnitName(raw.name as string);
    const su: Row = { ...raw, name: n.ok ? n.name : raw.name };
    const m = matchUnit(t, su);
    if (m.conflict) {
      m.conflict.runsSkipped = data.rows.runs!.filter((r) => r.unit_id === su.id).length;
      st.unitConflicts.push(m.conflict);
      continue;
    }
    const local = m.local;
    // A roster fact is never erased by an empty cell of the sender's.
    const incoming: Row = { ...su };
    if (local) for (const c of ["code", "township", "type"]) if (incoming[c] === null) incoming[c] = local[c];
    const d = account(
      st,
      UNITS,
      (local?.id as string) ?? (su.id as string),
      su.name as string,
      decide(
        GROUPS.get(UNITS)!,
        st.bases.get(`units:${local?.id ?? su.id}`),
        local,
        incoming,
        Number(su.rev ?? 1),
        keepLocal,
        "keep",
      ),
      incoming,
    );
    const row = written(local, incoming, d, st.now);
    if (d.action === "add" && row) {
      const key = unitKey(row.name as string);
      const near = s.names.near(row.name as string);
      if (near.length > 0) st.warnings.push({ kind: "near-unit", name: row.name as string, near });
      t.insertUnit.run({ ...row, name_key: key });
      s.names.add(row.name as string, key);
    } else if (row && local) {
      // A name or code another unit holds here stays as it was.
      const nameHolder = t.unitByKey.get(unitKey(row.name as string)) as Row | undefined;
      if (nameHolder && nameHolder.id !== local.id) row.name = local.name;
      const codeHolder = row.code ? (t.unitByCode.get(row.code) as Row | undefined) : undefined;
      if (codeHolder && codeHolder.id !== local.id) row.code = local.code;
      t.updateUnit.run({ ...row, name_key: unitKey(row.name as string) });
    }
    st.units.set(su.id as string, (local?.id as string) ?? (su.id as string));
  }
}

function mergeSnapshots(t: Target, st: FileState, data: SourceData): void {
  for (const snap of data.rows.checklist_snapshots!) {
    // Content-addressed and re-hashed by validate: the same hash is the same text.
    if (t.snapshotExists.get(snap.hash)) st.counts.snapshots.unchanged++;
    else {
      t.insertSnapshot.run(snap);
      st.counts.snapshots.added++;
    }
  }
}

/** The sender's runs of units that merged, with their unit re-pointed here. */
function mergeRuns(t: Target, st: FileState, data: SourceData): Row[] {
  const imported: Row[] = [];
  for (const raw of data.rows.runs!) {
    const unitId = st.units.get(raw.unit_id as string);
    if (unitId === undefined) continue;
    const incoming: Row = { ...raw, unit_id: unitId };
    const local = t.runById.get(incoming.id) as Row | undefined;
    const d = account(
      st,
      RUNS,
      incoming.id as string,
      `${incoming.checklist_id}`,
      decide(
        GROUPS.get(RUNS)!,
        st.bases.get(`runs:${incoming.id}`),
        local,
        incoming,
        Number(raw.rev ?? 1),
        runRule,
      ),
      incoming,
    );
    imported.push(incoming);
    const row = written(local, incoming, d, st.now);
    if (!row) continue;
    // One unfinished run per unit and checklist here too: another one open here sets this one aside.
    if (row.status === "in-progress" && row.superseded_by === null) {
      const open = t.openRun.get(row.unit_id, row.checklist_id, row.id) as string | undefined;
      if (open) {
        row.superseded_by = open;
        st.warnings.push({
          kind: "run-set-aside",
          unit: unitName(t, row.unit_id as string),
          checklist: row.checklist_id as string,
        });
      }
    }
    if (d.action === "add") t.insertRun.run(row);
    else t.updateRun.run(row);
  }
  return imported;
}

const unitName = (t: Target, id: string) => ((t.unitById.get(id) as Row | undefined)?.name as string) ?? id;

/**
 * Which rectification here each of the file's stands for (the same run and item, perhaps under
 * another id): answers and later rounds point at rectifications by id.
 */
function mapRects(t: Target, st: FileState, data: SourceData, runs: Row[]): void {
  const imported = new Set(runs.map((r) => r.id as string));
  for (const x of data.rows.rectifications!) {
    if (!imported.has(x.run_id as string)) continue;
    const here = t.rectIdOf.get(x.run_id, x.item_key) as string | undefined;
    st.rectIds.set(x.id as string, here ?? (x.id as string));
  }
}

const mapped = (st: FileState, id: unknown): string | null =>
  typeof id === "string" ? (st.rectIds.get(id) ?? id) : null;

function mergeAnswers(t: Target, st: FileState, data: SourceData, runs: Row[]): void {
  const byRun = groupBy(data.rows.answers!, "run_id");
  for (const run of runs) {
    const local = new Map((t.answersOfRun.all(run.id) as Row[]).map((a) => [a.item_key as string, a]));
    for (const sent of byRun.get(run.id as string) ?? []) {
      const a: Row = { ...sent, rectification_id: mapped(st, sent.rectification_id) };
      const mine = local.get(a.item_key as string);
      const id = (mine?.id as string) ?? (a.id as string);
      const base = st.bases.get(`answers:${id}`);
      const rev = Number(a.rev ?? 1);
      if (base && rev >= base.rev && base.groups?.answer !== groupValues(a, GROUPS.get(ANSWERS)!).answer) {
        st.revised.add(`${run.id}\u0000${a.item_key}`);
      }
      const d = account(
        st,
        ANSWERS,
        id,
        a.item_key as string,
        decide(GROUPS.get(ANSWERS)!, st.bases.get(`answers:${id}`), mine, a, Number(a.rev ?? 1)),
        a,
      );
      const row = written(mine, a, d, st.now);
      if (row && d.action === "add") t.insertAnswer.run(row);
      else if (row) t.updateAnswer.run({ ...row, id });
      st.results.set(`${run.id}\u0000${a.item_key}`, ((row ?? mine ?? a).result as string) ?? "");
    }
    for (const [key, mine] of local) {
      const k = `${run.id}\u0000${key}`;
      if (!st.results.has(k)) st.results.set(k, mine.result as string);
    }
  }
}

/**
 * Rectifications run by run; those closed or carried on by another first, so that the one
 * not-closed rectification per item the database allows is never two, even for a moment.
 */
function mergeRects(t: Target, st: FileState, data: SourceData, runs: Row[]): void {
  const byRun = groupBy(data.rows.rectifications!, "run_id");
  const answersByRun = groupBy(data.rows.answers!, "run_id");
  const settled = (x: Row) => x.status === "closed" || x.continued_by !== null;
  for (const pass of [settled, (x: Row) => !settled(x)]) {
    for (const run of runs) {
      const local = new Map((t.rectsOfRun.all(run.id) as Row[]).map((x) => [x.item_key as string, x]));
      for (const x of byRun.get(run.id as string) ?? []) if (pass(x)) mergeRect(t, st, run, local, x);
    }
  }
  for (const run of runs) {
    const local = new Map((t.rectsOfRun.all(run.id) as Row[]).map((x) => [x.item_key as string, x]));
    dropRemoved(
      t,
      st,
      run,
      local,
      byRun.get(run.id as string) ?? [],
      answersByRun.get(run.id as string) ?? [],
    );
    t.unlinkAnswers.run(run.id);
    t.unlinkContinued.run(run.id);
  }
}

function mergeRect(t: Target, st: FileState, run: Row, local: Map<string, Row>, x: Row): void {
  const mine = local.get(x.item_key as string);
  const id = (mine?.id as string) ?? (x.id as string);
  const result = st.results.get(`${run.id}\u0000${x.item_key}`);
  // A problem stands only beside a partial or failing answer (as when it was written).
  if (!mine && result !== "partial" && result !== "fail") {
    st.counts.rectifications.unchanged++;
    return;
  }
  const rect: Row = { ...x, unit_id: run.unit_id, continued_by: mapped(st, x.continued_by) };
  const base = st.bases.get(`rectifications:${id}`);
  const groups = GROUPS.get(RECTIFICATIONS)!;
  const d = account(
    st,
    RECTIFICATIONS,
    id,
    x.item_key as string,
    decide(groups, base, mine, rect, Number(x.rev ?? 1)),
    rect,
  );
  if (d.action !== "skip") st.rects.set(x.id as string, id);
  const row = written(mine, rect, d, st.now);
  if (row && d.action === "add") t.insertRect.run(row);
  else if (row) t.updateRect.run({ ...row, id });
}

/**
 * Rectifications the sender removed since the last import, because it revised the answer to
 * pass: removed here too if unchanged here since; kept, and reported, if followed up here.
 */
function dropRemoved(
  t: Target,
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
    const revised =
      (answer.result === "pass" || answer.result === "na") && st.revised.has(`${run.id}\u0000${key}`);
    if (!revised) continue;
    const here = groupValues(mine, GROUPS.get(RECTIFICATIONS)!);
    const unchanged = Object.entries(base.groups).every(([g, v]) => here[g] === v);
    if (unchanged) {
      t.deleteRect.run(mine.id);
      st.counts.rectifications.removed++;
      st.bases.set(`rectifications:${mine.id}`, { rev: base.rev, groups: null });
      st.dirtyBases.add(`rectifications:${mine.id}`);
    } else {
      st.mergeConflicts.push({
        kind: "rectifications",
        id: mine.id as string,
        label: key,
        group: "deleted",
        local: mine,
        incoming: null,
        kept: "local",
      });
    }
  }
}

/** History is appended, by id, in the order the sender wrote it; its clock orders nothing. */
function mergeHistory(t: Target, st: FileState, data: SourceData): void {
  const entries = [...data.rows.rectification_history!]
    .map((h, i) => ({ h, i }))
    .sort((a, b) => Number(a.h.seq ?? a.i) - Number(b.h.seq ?? b.i) || a.i - b.i);
  let seq = t.nextSeq.get() as number;
  for (const { h } of entries) {
    const rect = st.rects.get(h.rectification_id as string);
    if (rect === undefined || t.historyExists.get(h.id)) {
      st.counts.history.unchanged++;
      continue;
    }
    t.insertHistory.run({ ...h, rectification_id: rect, seq: seq++ });
    st.counts.history.added++;
  }
}

function groupBy(rows: Row[], column: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r[column] as string;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Merge a validated source into the target, in the caller's transaction. */
function mergeSource(s: Session, data: SourceData, file: string): FileState {
  const st: FileState = {
    source: data.sourceId,
    file,
    bases: s.t.bases(data.sourceId),
    counts: emptyCounts(),
    mergeConflicts: [],
    warnings: [],
    stale: 0,
    unitConflicts: [],
    units: new Map(),
    rects: new Map(),
    rectIds: new Map(),
    results: new Map(),
    revised: new Set(),
    dirtyBases: new Set(),
    now: nowIso(),
  };
  mergeUnits(s, st, data);
  mergeSnapshots(s.t, st, data);
  const runs = mergeRuns(s.t, st, data);
  mapRects(s.t, st, data, runs);
  mergeAnswers(s.t, st, data, runs);
  mergeRects(s.t, st, data, runs);
  mergeHistory(s.t, st, data);
  s.t.saveBases(
    st.source,
    [...st.dirtyBases].map((key) => {
      const i = key.indexOf(":");
      return { table: key.slice(0, i), id: key.slice(i + 1), base: st.bases.get(key)! };
    }),
  );
  for (const c of st.mergeConflicts) {
    s.t.logConflict({
      id: newId(),
      at: st.now,
      source: st.source,
      file,
      table: c.kind,
      recordId: c.id,
      group: c.group,
      local: c.local,
      incoming: c.incoming,
      kept: c.kept,
    });
  }
  const ahead = Date.parse(data.latest) - Date.now();
  if (ahead > CLOCK_AHEAD_MS) {
    st.warnings.push({ kind: "clock-ahead", latest: data.latest, days: Math.floor(ahead / CLOCK_AHEAD_MS) });
  }
  return st;
}

/** Temporary folders of imports that were killed: a full copy of a school's file may be in one. */
const SCRATCH_PREFIX = "lookback-import-";
const SCRATCH_PATTERN = /^lookback-import-([0-9a-f]{6})-(\d+)-/;

/**
 * One import of many files into `store`: a private folder for the copies (made when a file needs
 * one), and the statements prepared once.
 */
export class ImportSession {
  private dir: string | undefined;
  private session: Session | undefined;
  private seq = 0;

  constructor(private readonly store: Store) {
    removeStale(os.tmpdir(), SCRATCH_PATTERN);
  }

  private scratch(): string {
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), `${SCRATCH_PREFIX}${OWNER_TAG}-`));
    return path.join(this.dir, `${this.seq++}.db`);
  }

  /**
   * Import one file; a bad file never throws and never changes the target. A failure of the
   * target itself (disk full, locked) is thrown: every file after it would fail the same way.
   */
  importFile(file: string, display = file): FileResult {
    if (sameFile(file, this.store.file)) return { file: display, ok: false, reason: "self", detail: "" };
    const scratch = this.scratch();
    let src: ReturnType<typeof openSource> | undefined;
    try {
      src = openSource(file, display, scratch);
      const data = validateSource(src.db, src.userVersion, { checkSizes: src.onDisk });
      src.db.close();
      src = undefined;
      this.session ??= { t: new Target(this.store.db), names: new NearIndex(this.store.unitNames()) };
      const session = this.session;
      const st = this.store.transaction(() => mergeSource(session, data, display));
      return {
        file: display,
        ok: true,
        counts: st.counts,
        conflicts: st.unitConflicts,
        mergeConflicts: st.mergeConflicts,
        stale: st.stale,
        warnings: st.warnings,
      };
    } catch (e) {
      // A unit added in a rolled-back file must not linger in the near-name list.
      this.session = undefined;
      if (e instanceof InvalidSource) {
        const r = e.refusal;
        return {
          file: display,
          ok: false,
          reason: "invalid",
          detail: r.problem.key,
          invalid: {
            table: r.table,
            ...(r.row !== undefined ? { row: r.row } : {}),
            ...(r.id !== undefined ? { id: r.id } : {}),
            ...(r.column !== undefined ? { column: r.column } : {}),
            problem: r.problem.key,
            params: r.problem.params ?? {},
          },
        };
      }
      const env = environmentError(e, this.store.file);
      if (env) throw env;
      const f = classify(e);
      return { file: display, ok: false, reason: f.reason, detail: f.detail };
    } finally {
      src?.db.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${scratch}${suffix}`, { force: true });
    }
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
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
