// Set-based reads: what status, rectify list, the ledger and 汇总 need, read a page at a time by
// keyset (the last row's key, never OFFSET), in a fixed few statements per page, so that
// neither the number of statements nor the memory grows with the number of units.

import { awaitedLater } from "../../util/read-ahead.js";
import type { Params } from "../driver.js";
import type {
  RectificationQuery,
  RectificationRow,
  RunDetail,
  RunFilter,
  RunKey,
  RunSummary,
  UnitRunCount,
  UnitRunCountQuery,
} from "../port.js";
import type { InspectionMethod, Rectification, RectificationStatus, Result, Run } from "../types.js";
import { chunks, marks, type Sql, whereEqual } from "./context.js";
import { type Row, s, shortIdOf, sn, toAnswer, toRectification, toRun, toUnit } from "./rows.js";
import { NOT_SET_ASIDE, notSetAside } from "./runs.js";

const RECTIFICATION_PAGE = 1000;
const RUN_PAGE = 200;
// Summaries are smaller per run but read for every run of a province: pages of 100 keep fewer
// of their rows alive at once (peak memory of `status --json` at 30,000 units on SQLite: 186 MB
// with 200, 144 MB with 100, in the same time).
const SUMMARY_PAGE = 100;

/** Reads one page in a transaction (the caller's, or one of its own per page). */
export type PageReader = <T>(fn: (q: Sql) => Promise<T>) => Promise<T>;

export interface Page<T> {
  items: T[];
  /** The key to read the next page after; null when this page was the last. */
  last: SqlKey | null;
}
export type SqlKey = readonly (string | number | null)[];

/**
 * The pages one after the other, the next one asked for before this one's rows are handed out:
 * a server reads it while the caller works on these. Leaving the loop early waits for that read
 * (in the caller's transaction, nothing of it may outlive the loop).
 */
export async function* paged<T>(read: PageReader, page: (q: Sql, after: SqlKey | null) => Promise<Page<T>>) {
  const ask = (after: SqlKey | null): Promise<Page<T>> => awaitedLater(read((q) => page(q, after)));
  let next: Promise<Page<T>> | null = ask(null);
  try {
    while (next !== null) {
      const { items, last }: Page<T> = await next;
      next = last === null ? null : ask(last);
      yield* items;
    }
  } finally {
    if (next !== null) await next.catch(() => undefined);
  }
}

/**
 * The round of run `r` (alias) among the unit's runs of its checklist that are not set aside:
 * how many of them started before it (ties by stored order), itself included.
 */
function roundOf(q: Sql, r: string): string {
  const o = q.dialect.rowOrder;
  return `CASE WHEN ${r}.id IS NULL OR NOT ${notSetAside(r)} THEN NULL
    ELSE (SELECT count(*) FROM runs e WHERE e.unit_id = ${r}.unit_id AND e.checklist_id = ${r}.checklist_id
      AND ${notSetAside("e")}
      AND e.${o} <= ${r}.${o}) END`;
}

const roundValue = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function rectificationConditions(query: RectificationQuery): { where: string; params: (string | number)[] } {
  const statuses = query.statuses ?? [];
  const extra = [
    statuses.length > 0 && `x.status IN (${marks(statuses.length)})`,
    query.overdueOn !== undefined &&
      "x.deadline IS NOT NULL AND x.deadline < ? AND x.status IN ('open', 'in-progress')",
    // Not `continued_by IS NULL`: SQLite then picks the index of continued_by (almost every row
    // is NULL) and sorts the whole table for each page instead of walking the ledger index. Nor
    // `coalesce(continued_by, '') = ''`: PostgreSQL guesses that 1 row in 200 passes it and, for
    // each page, joins and sorts every row of the filter rather than walking that index. This
    // one no index serves, and PostgreSQL reads it as the IS NULL whose share it knows.
    query.ledgerOnly === true && "(x.continued_by IS NULL) = TRUE",
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

/** A rectification's row (its short id's length among them) with its unit and round. */
function rectificationColumns(q: Sql): string {
  return `x.*, x.${q.dialect.rowOrder} AS row_key, u.name AS unit_name, u.code AS unit_code,
       ${roundOf(q, "rr")} AS run_round
     FROM rectifications x
     LEFT JOIN units u ON u.id = x.unit_id
     LEFT JOIN runs rr ON rr.id = x.run_id`;
}

function toRectificationRow(r: Row): RectificationRow {
  // Filled in place: a copy per row of 90,000 showed in the profile.
  const row = toRectification(r) as RectificationRow;
  row.shortId = shortIdOf(r);
  row.unit = { id: row.unitId, name: sn(r.unit_name) ?? row.unitId, code: sn(r.unit_code) };
  row.round = roundValue(r.run_round);
  return row;
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
    `SELECT ${rectificationColumns(q)} ${where}
     ORDER BY x.unit_id, x.checklist_id, x.item_key, x.${o}
     LIMIT ${RECTIFICATION_PAGE}`,
    [...base.params, ...(after ?? [])],
  );
  const items = rows.map(toRectificationRow);
  const lastRow = rows.length === RECTIFICATION_PAGE ? rows[rows.length - 1] : undefined;
  return { items, last: lastRow ? keyOf(lastRow, ["unit_id", "checklist_id", "item_key", "row_key"]) : null };
}

const keyOf = (r: Row, columns: readonly string[]): SqlKey =>
  columns.map((c) => r[c] as string | number | null);

/**
 * The list's order (RectificationQuery.urgentOn) as one statement: the engine sorts (spilling to
 * disk past its memory), and the rows stream out, so a province's list is never held here.
 */
function urgentStatement(q: Sql, query: RectificationQuery, today: string): { sql: string; params: Params } {
  const base = rectificationConditions(query);
  const todo = "x.status IN ('open', 'in-progress')";
  const urgency = `CASE WHEN ${todo} AND x.deadline IS NOT NULL AND x.deadline < ? THEN 0
       WHEN ${todo} THEN 1 WHEN x.status = 'done' THEN 2 ELSE 3 END`;
  return {
    sql: `SELECT ${rectificationColumns(q)} ${base.where}
     ORDER BY ${urgency}, x.deadline IS NULL, x.deadline, coalesce(u.name, x.unit_id), x.item_key,
       x.unit_id, x.checklist_id, x.${q.dialect.rowOrder}`,
    params: [...base.params, today],
  };
}

/**
 * Rectifications in the store's order (pages by keyset), or with `urgentOn` in a list's order:
 * streamed in `streamIn` (the caller's transaction), else read in one go in a read of its own.
 */
export async function* iterateRectifications(
  read: PageReader,
  query: RectificationQuery = {},
  streamIn?: Sql,
): AsyncGenerator<RectificationRow> {
  const today = query.urgentOn;
  if (today === undefined) {
    yield* paged(read, (q, after) => rectificationPage(q, query, after));
    return;
  }
  if (streamIn) {
    const { sql, params } = urgentStatement(streamIn, query, today);
    for await (const r of streamIn.tx.iterate(sql, params)) yield toRectificationRow(r);
    return;
  }
  yield* await read(async (q) => {
    const { sql, params } = urgentStatement(q, query, today);
    return (await q.tx.all(sql, params)).map(toRectificationRow);
  });
}

/** One page of runs (the filter's, in runDetails' order), each with its round and `extra` columns. */
async function runRows(
  q: Sql,
  filter: RunFilter,
  after: SqlKey | null,
  extra = "",
  limit = RUN_PAGE,
): Promise<{ rows: Row[]; last: SqlKey | null }> {
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
    `SELECT r.*, r.${o} AS row_key, ${roundOf(q, "r")} AS run_round${extra} FROM runs r ${where}
     ORDER BY r.unit_id, r.checklist_id, r.${o} LIMIT ${limit}`,
    [...base.params, ...(after ?? [])],
  );
  const lastRow = rows.length === limit ? rows[rows.length - 1] : undefined;
  return {
    rows,
    last: lastRow ? keyOf(lastRow, ["unit_id", "checklist_id", "row_key"]) : null,
  };
}

/**
 * The closed rectifications of earlier rounds for each run of a page, by unit and checklist.
 * Only a run of round 2 or later can have any: a page of first rounds costs no query.
 */
async function closedEarlierOf(
  q: Sql,
  rows: readonly Row[],
): Promise<(run: Run, round: number | null) => Rectification[]> {
  const unitIds = [
    ...new Set(rows.filter((r) => (roundValue(r.run_round) ?? 0) > 1).map((r) => s(r.unit_id))),
  ];
  const closed: Map<string, ClosedWithRound[]> =
    unitIds.length === 0 ? new Map() : await closedOfUnits(q, unitIds);
  return (run, round) =>
    (closed.get(`${run.unitId}\u0000${run.checklistId}`) ?? []).filter(
      (c) => round !== null && c.round !== null && c.round < round,
    );
}

async function runPage(q: Sql, filter: RunFilter, after: SqlKey | null): Promise<Page<RunDetail>> {
  const o = q.dialect.rowOrder;
  const { rows, last } = await runRows(q, filter, after);
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
  const closedEarlier = await closedEarlierOf(q, rows);
  const items = rows.map((row): RunDetail => {
    const run = toRun(row);
    const round = roundValue(row.run_round);
    return {
      run,
      unit: units.get(run.unitId) ?? { ...MISSING_UNIT, id: run.unitId, name: run.unitId },
      round,
      stored: Number(row.row_key),
      answers: answers.get(run.id) ?? [],
      rectifications: found.get(run.id) ?? [],
      closedEarlier: closedEarlier(run, round),
    };
  });
  return { items, last };
}

/** A JSON array of arrays read back (an aggregate over no rows: "[]", or NULL on PostgreSQL). */
function tuples(v: unknown): unknown[][] {
  return v === null || v === undefined ? [] : (JSON.parse(s(v)) as unknown[][]);
}

type ClosedWithRound = Rectification & { round: number | null };

const MISSING_UNIT = { code: null, township: null, type: null, createdAt: "", updatedAt: "" };

/** The closed rectifications of these units, each with the round of the run that found it. */
async function closedOfUnits(q: Sql, unitIds: readonly string[]): Promise<Map<string, ClosedWithRound[]>> {
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

/** Rows grouped by `key`, each mapped, in the order they came. */
export function groupBy<T>(
  rows: readonly Row[],
  key: (r: Row) => string,
  map: (r: Row) => T,
): Map<string, T[]> {
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

/** The answer and rectification columns a summary needs, one aggregate each per run (`r`). */
function summaryColumns(q: Sql): string {
  const agg = q.dialect.jsonArrayAgg;
  const answers = agg(
    ["a.item_key", "a.result", "a.rectification_id", "a.method"],
    `a.answered_at, a.${q.dialect.rowOrder}`,
  );
  return `, (SELECT u.name FROM units u WHERE u.id = r.unit_id) AS unit_name,
     (SELECT u.code FROM units u WHERE u.id = r.unit_id) AS unit_code,
     (SELECT ${answers} FROM answers a WHERE a.run_id = r.id) AS answer_results,
     (SELECT ${agg(["x.status", "x.deadline", "x.continued_by"])} FROM rectifications x WHERE x.run_id = r.id) AS found_states`;
}

async function summariesOf(q: Sql, rows: readonly Row[]): Promise<RunSummary[]> {
  const closedEarlier = await closedEarlierOf(q, rows);
  return rows.map((row): RunSummary => {
    const run = toRun(row);
    const round = roundValue(row.run_round);
    return {
      run,
      unit: { id: run.unitId, name: sn(row.unit_name) ?? run.unitId, code: sn(row.unit_code) },
      round,
      stored: Number(row.row_key),
      answers: tuples(row.answer_results).map(([itemKey, result, rectificationId, method]) => ({
        itemKey: itemKey as string,
        result: result as Result,
        rectificationId: (rectificationId ?? null) as string | null,
        method: (method ?? null) as InspectionMethod | null,
      })),
      rectifications: tuples(row.found_states).map(([status, deadline, continuedBy]) => ({
        status: status as RectificationStatus,
        deadline: (deadline ?? null) as string | null,
        continuedBy: (continuedBy ?? null) as string | null,
      })),
      closedEarlier: closedEarlier(run, round),
    };
  });
}

async function summaryPage(q: Sql, filter: RunFilter, after: SqlKey | null): Promise<Page<RunSummary>> {
  const { rows, last } = await runRows(q, filter, after, summaryColumns(q), SUMMARY_PAGE);
  return { items: await summariesOf(q, rows), last };
}

/** The page of `runIds` that starts at `after` (an offset into them), in their order. */
async function summaryPageOf(
  q: Sql,
  runIds: readonly string[],
  after: SqlKey | null,
): Promise<Page<RunSummary>> {
  const from = Number(after?.[0] ?? 0);
  const ids = runIds.slice(from, from + SUMMARY_PAGE);
  if (ids.length === 0) return { items: [], last: null };
  const found = await q.tx.all(
    `SELECT r.*, r.${q.dialect.rowOrder} AS row_key, ${roundOf(q, "r")} AS run_round${summaryColumns(q)}
     FROM runs r WHERE r.id IN (${marks(ids.length)})`,
    ids,
  );
  const byId = new Map(found.map((r) => [s(r.id), r]));
  const rows = ids.flatMap((id): Row[] => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
  return {
    items: await summariesOf(q, rows),
    last: from + SUMMARY_PAGE < runIds.length ? [from + SUMMARY_PAGE] : null,
  };
}

export function runSummaries(
  read: PageReader,
  select: RunFilter | { runIds: readonly string[] } = {},
): AsyncIterable<RunSummary> {
  if ("runIds" in select) {
    const { runIds } = select;
    return paged(read, (q, after) => summaryPageOf(q, runIds, after));
  }
  return paged(read, (q, after) => summaryPage(q, select, after));
}

export async function runKeys(q: Sql, filter: RunFilter = {}): Promise<RunKey[]> {
  const base = whereEqual(
    [
      ["r.unit_id", filter.unitId],
      ["r.checklist_id", filter.checklistId],
    ],
    [filter.includeSetAside !== true && NOT_SET_ASIDE],
  );
  // Streamed into the keys: a province's rows are never held twice.
  const keys: RunKey[] = [];
  for await (const r of q.tx.iterate(
    `SELECT r.id, r.${q.dialect.rowOrder} AS row_key, coalesce(u.name, r.unit_id) AS unit_name
     FROM runs r LEFT JOIN units u ON u.id = r.unit_id
     ${base.where} ORDER BY r.unit_id, r.checklist_id, r.${q.dialect.rowOrder}`,
    base.params,
  ))
    keys.push({ runId: s(r.id), unitName: s(r.unit_name), stored: Number(r.row_key) });
  return keys;
}

export async function unitRunCounts(q: Sql, opts: UnitRunCountQuery = {}): Promise<UnitRunCount[]> {
  const counted = `SELECT count(*) FROM runs r WHERE r.unit_id = u.id AND ${NOT_SET_ASIDE}`;
  const select = (where: string[], params: Params) =>
    q.tx.all(
      `SELECT u.*, (${counted}) AS run_count,
         (SELECT count(*) FROM runs r WHERE r.unit_id = u.id AND r.status = 'complete') AS complete_count
       FROM units u ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY u.name`,
      params,
    );
  const where = opts.withoutRunsOnly === true ? [`(${counted}) = 0`] : [];
  let rows: Row[];
  if (opts.unitIds === undefined) rows = await select(where, []);
  else {
    rows = [];
    for (const ids of chunks(opts.unitIds, 1, q.dialect))
      rows.push(...(await select([...where, `u.id IN (${marks(ids.length)})`], ids)));
  }
  return rows.map((r) => ({
    unit: toUnit(r),
    runs: Number(r.run_count),
    completeRuns: Number(r.complete_count),
  }));
}
