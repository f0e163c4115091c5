// Set-based reads of `export --all`: which run each unit's ledger is about (latestRuns),
// everything the ledgers of a page of runs show (ledgerSources), and each unit's latest
// inspection for 汇总 (latestRunsOfSnapshots), in a fixed few statements per page whatever the
// database holds, so that a province's export reads as fast as a county's.

import type { LatestRun, LatestRunMethods, LedgerSource } from "../port.js";
import type { Answer, EvidenceFile, InspectionMethod, Rectification, Run, Unit } from "../types.js";
import { chunks, marks, type Sql } from "./context.js";
import { SELECT_FILES, toEvidence } from "./evidence.js";
import { type Row, s, toAnswer, toRectification, toRun, toUnit } from "./rows.js";
import { notSetAside } from "./runs.js";
import { groupBy, type Page, type PageReader, paged, type SqlKey } from "./sets.js";

const LATEST_PAGE = 1000;
// The snapshots one latestRunsOfSnapshots may name (twice in each statement: within both engines' limits).
const MAX_SNAPSHOTS = 1000;
// A ledger's rows are many (every answer of its run): pages of 200 runs keep some thousands of
// rows alive at once, in few round trips to a server (30,000 units on PostgreSQL: 60 s with
// pages of 50, 50 s with 200, on a loaded box).
const LEDGER_PAGE = 200;

async function latestPage(
  q: Sql,
  checklistId: string | undefined,
  after: SqlKey | null,
): Promise<Page<LatestRun>> {
  const o = q.dialect.rowOrder;
  const conditions = [
    notSetAside("r"),
    // The latest of its unit and checklist: no later run of them that is kept.
    `NOT EXISTS (SELECT 1 FROM runs e WHERE e.unit_id = r.unit_id AND e.checklist_id = r.checklist_id
       AND e.${o} > r.${o} AND ${notSetAside("e")})`,
    ...(checklistId === undefined ? [] : ["r.checklist_id = ?"]),
    ...(after === null ? [] : [`(u.name, r.${o}) > (?, ?)`]),
  ];
  const rows = await q.tx.all(
    `SELECT r.id, r.unit_id, r.checklist_id, r.${o} AS row_key, u.name AS unit_name
     FROM runs r JOIN units u ON u.id = r.unit_id
     WHERE ${conditions.join(" AND ")} ORDER BY u.name, r.${o} LIMIT ${LATEST_PAGE}`,
    [...(checklistId === undefined ? [] : [checklistId]), ...(after ?? [])],
  );
  const items = rows.map(
    (r): LatestRun => ({
      runId: s(r.id),
      unitId: s(r.unit_id),
      unitName: s(r.unit_name),
      checklistId: s(r.checklist_id),
      stored: Number(r.row_key),
    }),
  );
  const lastRow = rows.length === LATEST_PAGE ? rows[rows.length - 1] : undefined;
  return { items, last: lastRow ? [s(lastRow.unit_name), Number(lastRow.row_key)] : null };
}

const UNIT_PAGE = 1000;

/** Every unit as listUnits gives them (by name, which is unique), a page at a time by keyset. */
export function iterateUnits(read: PageReader): AsyncIterable<Unit> {
  return paged(read, async (q, after) => {
    const rows = await q.tx.all(
      `SELECT * FROM units${after === null ? "" : " WHERE name > ?"} ORDER BY name LIMIT ${UNIT_PAGE}`,
      after === null ? [] : [...after],
    );
    const last = rows.length === UNIT_PAGE ? rows[rows.length - 1] : undefined;
    return { items: rows.map(toUnit), last: last ? [s(last.name)] : null };
  });
}

export function latestRuns(
  read: PageReader,
  filter: { checklistId?: string } = {},
): AsyncIterable<LatestRun> {
  return paged(read, (q, after) => latestPage(q, filter.checklistId, after));
}

/**
 * The page after `after` (a run order) of each unit's latest run among those of `hashes`, in
 * run order: two statements, the runs and their answers counted by method (GROUP BY).
 */
async function snapshotLatestPage(
  q: Sql,
  hashes: readonly string[],
  after: SqlKey | null,
): Promise<Page<LatestRunMethods>> {
  const o = q.dialect.rowOrder;
  const list = marks(hashes.length);
  const rows = await q.tx.all(
    `SELECT r.*, r.${o} AS row_key FROM runs r
     WHERE r.checklist_hash IN (${list}) AND ${notSetAside("r")}
       AND NOT EXISTS (SELECT 1 FROM runs e WHERE e.unit_id = r.unit_id AND e.checklist_hash IN (${list})
         AND e.${o} > r.${o} AND ${notSetAside("e")})
       ${after === null ? "" : `AND r.${o} > ?`}
     ORDER BY r.${o} LIMIT ${LATEST_PAGE}`,
    [...hashes, ...hashes, ...(after ?? [])],
  );
  const counts = new Map<string, Partial<Record<InspectionMethod, number>>>();
  if (rows.length > 0) {
    const ids = rows.map((r) => s(r.id));
    const byMethod = await q.tx.all(
      `SELECT run_id, method, count(*) AS n FROM answers
       WHERE run_id IN (${marks(ids.length)}) AND method IS NOT NULL GROUP BY run_id, method`,
      ids,
    );
    for (const m of byMethod) {
      const of = counts.get(s(m.run_id)) ?? {};
      of[s(m.method) as InspectionMethod] = Number(m.n);
      counts.set(s(m.run_id), of);
    }
  }
  const items = rows.map(
    (r): LatestRunMethods => ({
      run: toRun(r),
      stored: Number(r.row_key),
      methods: counts.get(s(r.id)) ?? {},
    }),
  );
  const lastRow = rows.length === LATEST_PAGE ? rows[rows.length - 1] : undefined;
  return { items, last: lastRow ? [Number(lastRow.row_key)] : null };
}

export function latestRunsOfSnapshots(
  read: PageReader,
  hashes: readonly string[],
): AsyncIterable<LatestRunMethods> {
  const unique = [...new Set(hashes)];
  if (unique.length > MAX_SNAPSHOTS)
    throw new RangeError(`${unique.length} snapshots in one read (at most ${MAX_SNAPSHOTS})`);
  if (unique.length === 0) return paged(read, async () => ({ items: [], last: null }));
  return paged(read, (q, after) => snapshotLatestPage(q, unique, after));
}

/** `sql` (with one `IN (…)` list of `ids`) run over slices of ids that fit a statement, rows in slice order. */
async function allIn(q: Sql, ids: readonly string[], sql: (list: string) => string): Promise<Row[]> {
  const out: Row[] = [];
  for (const part of chunks(ids, 1, q.dialect)) out.push(...(await q.tx.all(sql(marks(part.length)), part)));
  return out;
}

const pairKey = (unitId: string, checklistId: string) => `${unitId}\u0000${checklistId}`;
const rowPair = (r: Row) => pairKey(s(r.unit_id), s(r.checklist_id));

/** The page of `runIds` that starts at `after` (an offset into them), in their order. */
async function ledgerPage(
  q: Sql,
  runIds: readonly string[],
  after: SqlKey | null,
): Promise<Page<LedgerSource>> {
  const o = q.dialect.rowOrder;
  const from = Number(after?.[0] ?? 0);
  const ids = runIds.slice(from, from + LEDGER_PAGE);
  const last = from + LEDGER_PAGE < runIds.length ? [from + LEDGER_PAGE] : null;
  if (ids.length === 0) return { items: [], last: null };
  const found = new Map(
    (await allIn(q, ids, (l) => `SELECT * FROM runs WHERE id IN (${l})`)).map((r) => [s(r.id), toRun(r)]),
  );
  const picked = ids.flatMap((id): Run[] => {
    const run = found.get(id);
    return run ? [run] : [];
  });
  const unitIds = [...new Set(picked.map((r) => r.unitId))];
  const units = new Map(
    (await allIn(q, unitIds, (l) => `SELECT * FROM units WHERE id IN (${l})`)).map((u) => [
      s(u.id),
      toUnit(u),
    ]),
  );
  const runsOf = groupBy(
    await allIn(
      q,
      unitIds,
      (l) => `SELECT * FROM runs r WHERE r.unit_id IN (${l}) AND ${notSetAside("r")} ORDER BY r.${o}`,
    ),
    rowPair,
    toRun,
  );
  const answersOf = await answersOfRuns(q, picked, runsOf);
  const rects = groupBy(
    await allIn(
      q,
      unitIds,
      (l) => `SELECT * FROM rectifications WHERE unit_id IN (${l}) ORDER BY created_at, item_key, id`,
    ),
    rowPair,
    toRectification,
  );
  const evidence = groupBy(
    await allIn(
      q,
      unitIds,
      (l) => `${SELECT_FILES} WHERE f.unit_id IN (${l}) AND f.removed_at IS NULL ORDER BY f.added_at, f.${o}`,
    ),
    (r) => s(r.unit_id),
    toEvidence,
  );
  return { items: picked.map((run) => sourceOf(run, { units, runsOf, answersOf, rects, evidence })), last };
}

/** The answers of each picked run and of the rounds after the first of its unit and checklist. */
async function answersOfRuns(
  q: Sql,
  picked: readonly Run[],
  runsOf: ReadonlyMap<string, Run[]>,
): Promise<Map<string, Answer[]>> {
  const wanted = new Set(picked.map((r) => r.id));
  for (const run of picked)
    for (const later of (runsOf.get(pairKey(run.unitId, run.checklistId)) ?? []).slice(1))
      wanted.add(later.id);
  return groupBy(
    await allIn(
      q,
      [...wanted],
      (l) =>
        `SELECT * FROM answers WHERE run_id IN (${l}) ORDER BY run_id, answered_at, ${q.dialect.rowOrder}`,
    ),
    (a) => s(a.run_id),
    toAnswer,
  );
}

function sourceOf(
  run: Run,
  read: {
    units: ReadonlyMap<string, Unit>;
    runsOf: ReadonlyMap<string, Run[]>;
    answersOf: ReadonlyMap<string, Answer[]>;
    rects: ReadonlyMap<string, Rectification[]>;
    evidence: ReadonlyMap<string, EvidenceFile[]>;
  },
): LedgerSource {
  const pair = pairKey(run.unitId, run.checklistId);
  const runs = read.runsOf.get(pair) ?? [];
  const answers = new Map<string, Answer[]>();
  for (const r of [run, ...runs.slice(1)]) answers.set(r.id, read.answersOf.get(r.id) ?? []);
  return {
    run,
    unit: read.units.get(run.unitId),
    runs,
    answers,
    rectifications: read.rects.get(pair) ?? [],
    evidence: read.evidence.get(run.unitId) ?? [],
  };
}

export function ledgerSources(read: PageReader, runIds: readonly string[]): AsyncIterable<LedgerSource> {
  return paged(read, (q, after) => ledgerPage(q, runIds, after));
}
