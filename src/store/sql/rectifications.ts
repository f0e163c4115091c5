// Rectifications (整改事项) in portable SQL: lists, short ids, status changes checked against the
// revision they were decided on, and the row-level steps saveAnswer is made of.
import { type RectificationChange, RectificationChanged, type RectificationFilter } from "../port.js";
import type { Rectification, RectificationFields, RectificationStatus } from "../types.js";
import { chunks, marks, type Sql, whereEqual } from "./context.js";
import { appendHistory } from "./history.js";
import { nowIso, type Row, s, shortIdOf, toRectification } from "./rows.js";

/** The conditions of a filter, with their parameters in order. */
export function rectificationWhere(
  filter: RectificationFilter,
  alias = "",
): { where: string; params: string[] } {
  return whereEqual([
    [`${alias}unit_id`, filter.unitId],
    [`${alias}run_id`, filter.runId],
    [`${alias}status`, filter.status],
    [`${alias}checklist_id`, filter.checklistId],
    [`${alias}item_key`, filter.itemKey],
  ]);
}

export async function listRectifications(q: Sql, filter: RectificationFilter = {}): Promise<Rectification[]> {
  const { where, params } = rectificationWhere(filter);
  const rows = await q.tx.all(
    `SELECT * FROM rectifications ${where} ORDER BY created_at, item_key, id`,
    params,
  );
  return rows.map(toRectification);
}

export async function getRectification(q: Sql, id: string, lock = false): Promise<Rectification | undefined> {
  const r = await q.tx.get(`SELECT * FROM rectifications WHERE id = ?${lock ? q.dialect.forUpdate : ""}`, [
    id,
  ]);
  return r && toRectification(r);
}

/** The first string after every string that starts with `prefix` (code point order). */
export function afterPrefix(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff)
      return points.join("") + String.fromCodePoint(last + 1 + (last === 0xd7ff ? 0x800 : 0));
  }
  return null;
}

export async function findRectifications(q: Sql, prefix: string, limit?: number): Promise<Rectification[]> {
  // A range of the primary key rather than LIKE: the index serves it on both engines, and the
  // match is exact (SQLite's LIKE ignores case).
  const from = prefix.toLowerCase();
  const to = afterPrefix(from);
  const params: (string | number)[] = to === null ? [from] : [from, to];
  if (limit !== undefined) params.push(limit);
  const rows = await q.tx.all(
    `SELECT * FROM rectifications WHERE id >= ?${to === null ? "" : " AND id < ?"} ORDER BY id
     ${limit === undefined ? "" : "LIMIT ?"}`,
    params,
  );
  return rows.map(toRectification);
}

/** Each id's short id (kept by the database: see the migration that added short_len). */
export async function shortIds(q: Sql, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (const part of chunks(unique, 1, q.dialect)) {
    const sql = `SELECT id, short_len FROM rectifications WHERE id IN (${marks(part.length)})`;
    for (const r of await q.tx.all(sql, part)) found.set(s(r.id), shortIdOf(r));
  }
  // In the order asked (a caller may show them so).
  const out = new Map<string, string>();
  for (const id of unique) {
    const short = found.get(id);
    if (short !== undefined) out.set(id, short);
  }
  return out;
}

export async function changeRectification(
  q: Sql,
  id: string,
  change: RectificationChange,
): Promise<Rectification> {
  const current = await getRectification(q, id, true);
  if (!current) throw new Error(`rectification ${id} not found`);
  if (change.expectedRev !== undefined && current.rev !== change.expectedRev) {
    throw new RectificationChanged(current);
  }
  const at = change.at ?? nowIso();
  const next: Rectification = {
    ...current,
    ...change.patch,
    status: change.toStatus,
    updatedAt: at,
    rev: current.rev + 1,
  };
  await q.tx.run(
    `UPDATE rectifications SET status = ?, progress = ?, remark = ?, closed_at = ?, closed_by = ?, updated_at = ?,
       rev = rev + 1 WHERE id = ?`,
    [next.status, next.progress, next.remark, next.closedAt, next.closedBy, at, id],
  );
  await appendHistory(q, {
    rectificationId: id,
    at,
    by: change.by,
    fromStatus: current.status,
    toStatus: change.toStatus,
    note: change.note,
  });
  return next;
}

// The steps of saveAnswer.

/** The one not-closed rectification a unit may have for a checklist item (an index says so). */
export async function openOfItem(
  q: Sql,
  unitId: string,
  checklistId: string,
  itemKey: string,
): Promise<Rectification | undefined> {
  const r = await q.tx.get(
    `SELECT * FROM rectifications WHERE unit_id = ? AND checklist_id = ? AND item_key = ?
       AND status <> 'closed' AND continued_by IS NULL${q.dialect.forUpdate}`,
    [unitId, checklistId, itemKey],
  );
  return r && toRectification(r);
}

export async function ownOfRun(q: Sql, runId: string, itemKey: string): Promise<Row | undefined> {
  return q.tx.get(`SELECT * FROM rectifications WHERE run_id = ? AND item_key = ?${q.dialect.forUpdate}`, [
    runId,
    itemKey,
  ]);
}

export async function insertRectification(
  q: Sql,
  r: RectificationFields & {
    id: string;
    runId: string;
    unitId: string;
    checklistId: string;
    itemKey: string;
  },
  at: string,
): Promise<void> {
  await q.tx.run(
    `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner,
       leader_in_charge, department, deadline, kind, origin, evidence, status, created_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 1)`,
    [
      r.id,
      r.runId,
      r.unitId,
      r.checklistId,
      r.itemKey,
      r.problem,
      r.measure,
      r.owner,
      r.leaderInCharge,
      r.department,
      r.deadline,
      r.kind,
      r.origin,
      r.evidence,
      at,
      at,
    ],
  );
}

export async function reviseFields(q: Sql, id: string, f: RectificationFields, at: string): Promise<void> {
  await q.tx.run(
    `UPDATE rectifications SET problem = ?, measure = ?, owner = ?, leader_in_charge = ?, department = ?,
       deadline = ?, kind = ?, origin = ?, evidence = ?, updated_at = ?, rev = rev + 1
     WHERE id = ?`,
    [
      f.problem,
      f.measure,
      f.owner,
      f.leaderInCharge,
      f.department,
      f.deadline,
      f.kind,
      f.origin,
      f.evidence,
      at,
      id,
    ],
  );
}

export async function setStatus(
  q: Sql,
  id: string,
  status: RectificationStatus,
  progress: string | null,
  at: string,
): Promise<void> {
  await q.tx.run(
    `UPDATE rectifications SET status = ?, progress = coalesce(?, progress), updated_at = ?, rev = rev + 1
     WHERE id = ?`,
    [status, progress, at, id],
  );
}
