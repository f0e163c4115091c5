// Set-based reads: what status, rectify list, the ledger and 汇总 need, read a page at a time by
// keyset (the last row's key, never OFFSET), in a fixed few statements per page, so that
// neither the number of statements nor the memory grows with the number of units.
import type { RectificationQuery, RectificationRow, RunDetail, RunFilter, UnitRunCount } from "../port.js";
import type { Rectification } from "../types.js";
import { marks, type Sql, whereEqual } from "./context.js";
import { type Row, s, sn, toAnswer, toRectification, toRun, toUnit } from "./rows.js";
import { NOT_SET_ASIDE } from "./runs.js";

const RECTIFICATION_PAGE = 1000;
const RUN_PAGE = 200;

/** Reads one page in a transaction (the caller's, or one of its own per page). */
export type PageReader = <T>(fn: (q: Sql) => Promise<T>) => Promise<T>;

interface Page<T> {
  items: T[];
  /** The key to read the next page after; null when this page was the last. */
  last: SqlKey | null;
}
type SqlKey = readonly (string | number | null)[];

async function* paged<T>(read: PageReader, page: (q: Sql, after: SqlKey | null) => Promise<Page<T>>) {
  let after: SqlKey | null = null;
  while (true) {
    const { items, last }: Page<T> = await read((q) => page(q, after));
    yield* items;
    if (last === null) return;
    after = last;
  }
}

/**
 * The round of run `r` (alias) among the unit's runs of its checklist that are not set aside:
 * how many of them started before it (ties by stored order), itself included.
 */
function roundOf(q: Sql, r: string): string {
  const o = q.dialect.rowOrder;
  return `CASE WHEN ${r}.id IS NULL OR (${r}.status = 'in-progress' AND ${r}.superseded_by IS NOT NULL) THEN NULL
    ELSE (SELECT count(*) FROM runs e WHERE e.unit_id = ${r}.unit_id AND e.checklist_id = ${r}.checklist_id
      AND NOT (e.status = 'in-progress' AND e.superseded_by IS NOT NULL)
      AND e.${o} <= ${r}.${o}) END`;
}

const roundValue = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function shortIdOf(id: string, prev: string | null, next: string | null): string {
  const common = (b: string | null) => {
    if (b === null) return 0;
    let i = 0;
    while (i < id.length && i < b.length && id[i] === b[i]) i++;
    return i;
  };
  return id.slice(0, Math.max(8, Math.max(common(prev), common(next)) + 1));
}

function rectificationConditions(query: RectificationQuery): { where: string; params: (string | number)[] } {
  const statuses = query.statuses ?? [];
  const extra = [
    statuses.length > 0 && `x.status IN (${marks(statuses.length)})`,
    query.overdueOn !== undefined &&
      "x.deadline IS NOT NULL AND x.deadline < ? AND x.status IN ('open', 'in-progress')",
    // Not `continued_by IS NULL`: planners then pick the index of continued_by (almost every row
    // is NULL) and sort the whole table for each page instead of walking the ledger index.
    query.ledgerOnly === true && "coalesce(x.continued_by, '') = ''",
  ];
  const { where, params } = whereEqual(
    [
      ["x.unit_id", query.unitId],
      ["x.run_id", query.runId],
      ["x.status", query.status],
      ["x.checklist_id", query.checklistId],
      ["x.item_key", query.itemKey],
    ],
    extra,
  );
  return {
    where,
    params: [...params, ...statuses, ...(query.overdueOn === undefined ? [] : [query.overdueOn])],
  };
}

async function rectificationPage(
  q: Sql,
  query: RectificationQuery,
  after: SqlKey | null,
): Promise<Page<RectificationRow>> {
  const o = q.dialect.rowOrder;
  const base = rectificationConditions(query);
  const keyset = `(x.unit_id, x.checklist_id, x.item_key, x.${o}) > (?, ?, ?, ?)`;
  const where = after === null ? base.where : `${base.where ? `${base.where} AND` : "WHERE"} ${keyset}`;
  const rows = await q.tx.all(
    `SELECT x.*, x.${o} AS row_key, u.name AS unit_name, u.code AS unit_code,
       (SELECT max(p.id) FROM rectifications p WHERE p.id < x.id) AS prev_id,
       (SELECT min(n.id) FROM rectifications n WHERE n.id > x.id) AS next_id,
       ${roundOf(q, "rr")} AS run_round
     FROM rectifications x
     LEFT JOIN units u ON u.id = x.unit_id
     LEFT JOIN runs rr ON rr.id = x.run_id
     ${where}
     ORDER BY x.unit_id, x.checklist_id, x.item_key, x.${o}
     LIMIT ${RECTIFICATION_PAGE}`,
    [...base.params, ...(after ?? [])],
  );
  const items = rows.map((r) => {
    // Filled in place: a copy per row of 90,000 showed in the profile.
    const row = toRectification(r) as RectificationRow;
    row.shortId = shortIdOf(row.id, sn(r.prev_id), sn(r.next_id));
    row.unit = { id: row.unitId, name: sn(r.unit_name) ?? row.unitId, code: sn(r.unit_code) };
    row.round = roundValue(r.run_round);
    return row;
  });
  const lastRow = rows.length === RECTIFICATION_PAGE ? rows[rows.length - 1] : undefined;
  return { items, last: lastRow ? keyOf(lastRow, ["unit_id", "checklist_id", "item_key", "row_key"]) : null };
}

const keyOf = (r: Row, columns: readonly string[]): SqlKey =>
  columns.map((c) => r[c] as string | number | null);

export function iterateRectifications(
  read: PageReader,
  query: RectificationQuery = {},
): AsyncIterable<RectificationRow> {
  return paged(read, (q, after) => rectificationPage(q, query, after));
}

async function runPage(q: Sql, filter: RunFilter, after: SqlKey | null): Promise<Page<RunDetail>> {
  const o = q.dialect.rowOrder;
  const base = whereEqual(
    [
      ["r.unit_id", filter.unitId],
      ["r.checklist_id", filter.checklistId],
    ],
    // Unqualified columns are the outer table's here (the only one of the FROM).
    [filter.includeSetAside !== true && NOT_SET_ASIDE],
  );
  const keyset = `(r.unit_id, r.checklist_id, r.${o}) > (?, ?, ?)`;
  const where = after === null ? base.where : `${base.where ? `${base.where} AND` : "WHERE"} ${keyset}`;
  const rows = await q.tx.all(
    `SELECT r.*, r.${o} AS row_key, ${roundOf(q, "r")} AS run_round FROM runs r ${where}
     ORDER BY r.unit_id, r.checklist_id, r.${o} LIMIT ${RUN_PAGE}`,
    [...base.params, ...(after ?? [])],
  );
  if (rows.length === 0) return { items: [], last: null };
  const runIds = rows.map((r) => s(r.id));
  const unitIds = [...new Set(rows.map((r) => s(r.unit_id)))];
  const inRuns = `IN (${marks(runIds.length)})`;
  const units = new Map(
    (await q.tx.all(`SELECT * FROM units WHERE id IN (${marks(unitIds.length)})`, unitIds)).map((u) => [
      s(u.id),
      toUnit(u),
    ]),
  );
  const answers = groupBy(
    await q.tx.all(`SELECT * FROM answers WHERE run_id ${inRuns} ORDER BY run_id, answered_at, ${o}`, runIds),
    (a) => s(a.run_id),
    toAnswer,
  );
  const found = groupBy(
    await q.tx.all(
      `SELECT * FROM rectifications WHERE run_id ${inRuns} ORDER BY created_at, item_key, id`,
      runIds,
    ),
    (x) => s(x.run_id),
    toRectification,
  );
  const closed = await closedOfUnits(q, unitIds);
  const items = rows.map((row): RunDetail => {
    const run = toRun(row);
    const round = roundValue(row.run_round);
    return {
      run,
      unit: units.get(run.unitId) ?? { ...MISSING_UNIT, id: run.unitId, name: run.unitId },
      round,
      answers: answers.get(run.id) ?? [],
      rectifications: found.get(run.id) ?? [],
      closedEarlier: (closed.get(`${run.unitId}\u0000${run.checklistId}`) ?? []).filter(
        (c) => round !== null && c.round !== null && c.round < round,
      ),
    };
  });
  const lastRow = rows.length === RUN_PAGE ? rows[rows.length - 1] : undefined;
  return {
    items,
    last: lastRow ? keyOf(lastRow, ["unit_id", "checklist_id", "row_key"]) : null,
  };
}

const MISSING_UNIT = { code: null, township: null, type: null, createdAt: "", updatedAt: "" };

/** The closed rectifications of these units, each with the round of the run that found it. */
async function closedOfUnits(
  q: Sql,
  unitIds: readonly string[],
): Promise<Map<string, (Rectification & { round: number | null })[]>> {
  const rows = await q.tx.all(
    `SELECT x.*, ${roundOf(q, "rr")} AS run_round FROM rectifications x LEFT JOIN runs rr ON rr.id = x.run_id
     WHERE x.unit_id IN (${marks(unitIds.length)}) AND x.status = 'closed'
     ORDER BY x.created_at, x.item_key, x.id`,
    unitIds,
  );
  return groupBy(
    rows,
    (x) => `${s(x.unit_id)}\u0000${s(x.checklist_id)}`,
    (x) => ({ ...toRectification(x), round: roundValue(x.run_round) }),
  );
}

function groupBy<T>(rows: Row[], key: (r: Row) => string, map: (r: Row) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(map(r));
    else out.set(k, [map(r)]);
  }
  return out;
}

export function runDetails(read: PageReader, filter: RunFilter = {}): AsyncIterable<RunDetail> {
  return paged(read, (q, after) => runPage(q, filter, after));
}

export async function unitRunCounts(q: Sql): Promise<UnitRunCount[]> {
  const rows = await q.tx.all(
    `SELECT u.*,
       (SELECT count(*) FROM runs r WHERE r.unit_id = u.id AND ${NOT_SET_ASIDE}) AS run_count,
       (SELECT count(*) FROM runs r WHERE r.unit_id = u.id AND r.status = 'complete') AS complete_count
     FROM units u ORDER BY u.name`,
  );
  return rows.map((r) => ({
    unit: toUnit(r),
    runs: Number(r.run_count),
    completeRuns: Number(r.complete_count),
  }));
}
