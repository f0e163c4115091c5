// Checklist snapshots and runs (一次自查) in portable SQL. The database holds one unfinished run
// per unit and checklist (index runs_one_open): createRun turns that index's refusal into
// RunAlreadyOpen, on both engines.
import type { LoadedChecklist } from "../../checklist/schema.js";
import { RunAlreadyOpen, type RunFilter, type RunPatch } from "../port.js";
import type { ChecklistSnapshot, InspectionGroup, Run } from "../types.js";
import { type Sql, whereEqual } from "./context.js";
import { afterPrefix } from "./rectifications.js";
import { inspectionColumns, newId, nowIso, toRun, toSnapshot } from "./rows.js";

/** Not an unfinished run that another replaced (see isSetAside), of the run aliased `r` (or unaliased). */
export const notSetAside = (r?: string): string => {
  const c = r === undefined ? "" : `${r}.`;
  return `NOT (${c}status = 'in-progress' AND ${c}superseded_by IS NOT NULL)`;
};
export const NOT_SET_ASIDE = notSetAside();

export async function getSnapshot(q: Sql, hash: string): Promise<ChecklistSnapshot | undefined> {
  const r = await q.tx.get("SELECT * FROM checklist_snapshots WHERE hash = ?", [hash]);
  return r && toSnapshot(r);
}

export async function saveSnapshot(q: Sql, loaded: LoadedChecklist): Promise<ChecklistSnapshot> {
  const existing = await getSnapshot(q, loaded.hash);
  if (existing) return existing;
  const snap: ChecklistSnapshot = {
    hash: loaded.hash,
    checklistId: loaded.checklist.id,
    version: loaded.checklist.version,
    title: loaded.checklist.title,
    content: loaded.text,
    createdAt: nowIso(),
  };
  // The same content hashes the same: a snapshot saved meanwhile by another writer is this one.
  await q.tx.run(
    `INSERT INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
    [snap.hash, snap.checklistId, snap.version, snap.title, snap.content, snap.createdAt],
  );
  return (await getSnapshot(q, loaded.hash)) ?? snap;
}

export async function getRun(q: Sql, id: string, lock = false): Promise<Run | undefined> {
  const r = await q.tx.get(`SELECT * FROM runs WHERE id = ?${lock ? q.dialect.forUpdate : ""}`, [id]);
  return r && toRun(r);
}

/** Runs whose id starts with `prefix` (typed by a person), by id; at most `limit`. */
export async function findRuns(q: Sql, prefix: string, limit = 20): Promise<Run[]> {
  // A range of the primary key, as findRectifications: the index serves it on both engines.
  const from = prefix.trim().toLowerCase();
  const to = afterPrefix(from);
  const rows = await q.tx.all(
    `SELECT * FROM runs WHERE id >= ?${to === null ? "" : " AND id < ?"} ORDER BY id LIMIT ?`,
    to === null ? [from, limit] : [from, to, limit],
  );
  return rows.map(toRun);
}

export async function listRuns(q: Sql, filter: RunFilter = {}): Promise<Run[]> {
  const { where, params } = whereEqual(
    [
      ["unit_id", filter.unitId],
      ["checklist_id", filter.checklistId],
    ],
    [filter.includeSetAside !== true && NOT_SET_ASIDE],
  );
  const rows = await q.tx.all(`SELECT * FROM runs ${where} ORDER BY ${q.dialect.rowOrder}`, params);
  return rows.map(toRun);
}

export async function latestRun(
  q: Sql,
  unitId: string,
  checklistId: string,
  opts: { unfinishedOnly?: boolean } = {},
): Promise<Run | undefined> {
  const order = q.dialect.rowOrder;
  const r = await q.tx.get(
    `SELECT * FROM runs WHERE unit_id = ? AND checklist_id = ? AND ${NOT_SET_ASIDE}
       ${opts.unfinishedOnly ? "AND status = 'in-progress'" : ""}
     ORDER BY ${order} DESC LIMIT 1`,
    [unitId, checklistId],
  );
  return r && toRun(r);
}

export async function runChecklists(q: Sql, unitId?: string): Promise<string[]> {
  const rows = await q.tx.all<{ checklist_id: string }>(
    `SELECT DISTINCT checklist_id FROM runs ${unitId === undefined ? "" : "WHERE unit_id = ?"}
     ORDER BY checklist_id`,
    unitId === undefined ? [] : [unitId],
  );
  return rows.map((r) => r.checklist_id);
}

export async function runSnapshotHashes(q: Sql): Promise<string[]> {
  const rows = await q.tx.all<{ checklist_hash: string }>(
    "SELECT DISTINCT checklist_hash FROM runs ORDER BY checklist_hash",
  );
  return rows.map((r) => r.checklist_hash);
}

export interface NewRun {
  id?: string;
  unitId: string;
  snapshot: ChecklistSnapshot;
  respondent: string;
  leaders: string[];
  inspection?: InspectionGroup | null;
}

export async function createRun(q: Sql, input: NewRun): Promise<Run> {
  const at = nowIso();
  const run: Run = {
    id: input.id ?? newId(),
    unitId: input.unitId,
    checklistHash: input.snapshot.hash,
    checklistId: input.snapshot.checklistId,
    checklistVersion: input.snapshot.version,
    respondent: input.respondent,
    leaders: input.leaders,
    status: "in-progress",
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
    supersededBy: null,
    answersFileHash: null,
    inspection: input.inspection ?? null,
  };
  try {
    // In a savepoint: after a refused statement PostgreSQL accepts no other until it is undone.
    await q.tx.savepoint((sp) =>
      sp.run(
        `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders,
           status, started_at, finished_at, updated_at, rev, inspection_group, inspectors)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'in-progress', ?, NULL, ?, 1, ?, ?)`,
        [
          run.id,
          run.unitId,
          run.checklistHash,
          run.checklistId,
          run.checklistVersion,
          run.respondent,
          JSON.stringify(run.leaders),
          at,
          at,
          ...inspectionColumns(run.inspection),
        ],
      ),
    );
  } catch (e) {
    // The index that allows one unfinished run per unit and checklist refused it.
    const v = q.violation(e);
    if (v?.kind === "unique" && v.columns.includes("checklist_id")) {
      const open = await latestRun(q, run.unitId, run.checklistId, { unfinishedOnly: true });
      if (open) throw new RunAlreadyOpen(open);
    }
    throw e;
  }
  return run;
}

async function changedRun(q: Sql, id: string): Promise<Run> {
  const run = await getRun(q, id);
  if (!run) throw new Error(`run ${id} not found`);
  return run;
}

export async function supersedeRun(q: Sql, id: string, by: string): Promise<Run> {
  await q.tx.run(
    `UPDATE runs SET superseded_by = ?, updated_at = ?, rev = rev + 1
     WHERE id = ? AND status = 'in-progress' AND superseded_by IS NULL`,
    [by, nowIso(), id],
  );
  return changedRun(q, id);
}

export async function finishRun(q: Sql, id: string): Promise<Run> {
  const at = nowIso();
  await q.tx.run(
    "UPDATE runs SET status = 'complete', finished_at = ?, updated_at = ?, rev = rev + 1 WHERE id = ?",
    [at, at, id],
  );
  return changedRun(q, id);
}

export async function updateRun(q: Sql, id: string, patch: RunPatch): Promise<Run> {
  const run = await getRun(q, id, true);
  if (!run) throw new Error(`run ${id} not found`);
  const next = { ...run, ...patch, updatedAt: nowIso() };
  await q.tx.run(
    `UPDATE runs SET respondent = ?, leaders = ?, answers_file_hash = ?, inspection_group = ?, inspectors = ?,
       updated_at = ?, rev = rev + 1 WHERE id = ?`,
    [
      next.respondent,
      JSON.stringify(next.leaders),
      next.answersFileHash,
      ...inspectionColumns(next.inspection),
      next.updatedAt,
      id,
    ],
  );
  return next;
}
