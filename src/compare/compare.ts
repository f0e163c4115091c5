// The look-back (回头看) itself: a unit's latest run of a checklist against the run before it,
// item by item (by item key, so an edited checklist shows new and removed items), and the
// relapses (反弹): closed rectifications whose item fails again in a later run.
// Runs are paired along `extends`: a run of a checklist and a run of one that tailors it (or of
// its parent) are runs of one line of look-backs, the one whose chain starts at the same
// checklist. Item ids do not change through `extends`, so the items both have compare as
// usual, the child's own items show as new and the ones it removed as removed.
import { opensRectification } from "../checklist/schema.js";
import { looseItemKey } from "../run/items.js";
import { type SnapshotItem, SnapshotReader } from "../run/snapshot-items.js";
import type { AnswerResult, RunSummary, StoreReads } from "../store/port.js";
import type { Rectification, Result, Run, Unit } from "../store/types.js";

/**
 * fixed: a problem then (partial/fail), none now (pass/na) · regressed: the reverse ·
 * still-failing: a problem both times · unchanged: no problem both times ·
 * new: answered now, not the previous time (an item added to the checklist, or left unanswered
 * then) · removed: answered then, no longer in the checklist · unanswered: in the current
 * checklist but not answered (yet) in the current run.
 */
export const CHANGES = [
  "fixed",
  "regressed",
  "still-failing",
  "unchanged",
  "new",
  "removed",
  "unanswered",
] as const;
export type Change = (typeof CHANGES)[number];

export interface ItemComparison {
  key: string;
  sectionId: string;
  sectionTitle: string | null;
  sectionTitleEn: string | null;
  text: string | null;
  textEn: string | null;
  leader: string | null;
  previous: Result | null;
  current: Result | null;
  change: Change;
  /** For `new`: whether the previous run's checklist had the item (it was left unanswered). */
  inPreviousChecklist: boolean;
}

/** 反弹: a rectification closed off the ledger whose item fails again in a later run. */
export interface Relapse {
  itemKey: string;
  checklistId: string;
  /** The closed rectification. */
  closedRectificationId: string;
  closedRunId: string;
  closedAt: string | null;
  closedBy: string | null;
  problem: string;
  /** The later run where the item fails again, its answer, and the rectification it opened. */
  runId: string;
  result: Result;
  rectificationId: string | null;
}

export interface RunRef {
  id: string;
  /** The run's checklist: within a comparison, the current and previous may differ along `extends`. */
  checklistId: string;
  startedAt: string;
  finishedAt: string | null;
  status: Run["status"];
  checklistVersion: string;
  checklistHash: string;
  respondent: string;
}

export interface Comparison {
  unit: { id: string; name: string; code: string | null };
  checklistId: string;
  /** How many runs of this checklist the unit has; `current` is the last, `previous` the one before. */
  runCount: number;
  current: RunRef;
  previous: RunRef;
  items: ItemComparison[];
  relapses: Relapse[];
  counts: Record<Change, number> & { relapses: number };
}

const isProblem = opensRectification;

export function classify(
  previous: Result | null,
  current: Result | null,
  inCurrentChecklist: boolean,
): Change | null {
  if (current === null) {
    if (inCurrentChecklist) return "unanswered";
    return previous === null ? null : "removed";
  }
  if (previous === null) return "new";
  const was = isProblem(previous);
  const now = isProblem(current);
  if (was && now) return "still-failing";
  if (was) return "fixed";
  if (now) return "regressed";
  return "unchanged";
}

const runRef = (r: Run): RunRef => ({
  id: r.id,
  checklistId: r.checklistId,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  status: r.status,
  checklistVersion: r.checklistVersion,
  checklistHash: r.checklistHash,
  respondent: r.respondent,
});

/** Item-by-item comparison of two runs of the same checklist, in the current checklist's order. */
export async function compareItems(
  reader: SnapshotReader,
  previous: { run: Run; answers: readonly AnswerResult[] },
  current: { run: Run; answers: readonly AnswerResult[] },
): Promise<ItemComparison[]> {
  const [prevItems, currItems] = [await reader.items(previous.run), await reader.items(current.run)];
  const prevAnswers = new Map(previous.answers.map((a) => [a.itemKey, a.result]));
  const currAnswers = new Map(current.answers.map((a) => [a.itemKey, a.result]));
  const inCurrent = new Set(currItems.map((i) => i.key));
  const inPrevious = new Set(prevItems.map((i) => i.key));
  // Current checklist order, then what only the previous one had; answers whose item neither
  // snapshot knows (a damaged snapshot) still count, with the key alone.
  const order = new Map<string, SnapshotItem | null>();
  for (const i of currItems) order.set(i.key, i);
  for (const i of prevItems) if (!order.has(i.key)) order.set(i.key, i);
  for (const k of [...currAnswers.keys(), ...prevAnswers.keys()]) if (!order.has(k)) order.set(k, null);

  const out: ItemComparison[] = [];
  for (const [key, item] of order) {
    const prev = prevAnswers.get(key) ?? null;
    const curr = currAnswers.get(key) ?? null;
    const change = classify(prev, curr, inCurrent.has(key));
    if (change === null) continue;
    const parts = looseItemKey(key);
    out.push({
      key,
      sectionId: item?.sectionId ?? parts.sectionId,
      sectionTitle: item?.sectionTitle ?? null,
      sectionTitleEn: item?.sectionTitleEn ?? null,
      text: item?.text ?? null,
      textEn: item?.textEn ?? null,
      leader: item?.leader ?? parts.leader,
      previous: prev,
      current: curr,
      change,
      inPreviousChecklist: inPrevious.has(key),
    });
  }
  return out;
}

/** A unit's runs of one checklist, oldest first (the store's order: start time, then id). */
function runsOf(store: StoreReads, unitId: string, checklistId: string): Promise<Run[]> {
  return store.listRuns({ unitId, checklistId });
}

/** What is already loaded about a unit, so that comparing many units reads each table once. */
export interface UnitContext {
  /** The unit's runs of the checklist, oldest first. */
  runs?: Run[];
  /** All the unit's rectifications. */
  rects?: readonly Rectification[];
  /** The answers of the run being looked at. */
  answers?: readonly AnswerResult[];
}

/**
 * Relapses shown in `run`: rectifications of an earlier run of the same unit and checklist, now
 * closed, whose item is partial/fail in `run` with another rectification than the closed one
 * (a rectification this round continued and that was closed later is no relapse). Per item, the
 * one closed last counts: a problem that came back twice is one relapse of this round.
 */
export async function relapsesIn(store: StoreReads, run: Run, ctx: UnitContext = {}): Promise<Relapse[]> {
  const runs = ctx.runs ?? (await runsOf(store, run.unitId, run.checklistId));
  const index = runs.findIndex((r) => r.id === run.id);
  const earlier = new Set((index < 0 ? [] : runs.slice(0, index)).map((r) => r.id));
  if (earlier.size === 0) return [];
  const closed = (
    ctx.rects ?? (await store.listRectifications({ unitId: run.unitId, status: "closed" }))
  ).filter((r) => r.status === "closed" && earlier.has(r.runId));
  if (closed.length === 0) return [];
  return relapsesAgainst(run, closed, ctx.answers ?? (await store.listAnswers(run.id)));
}

/** The relapses of `run` against `closed`: closed rectifications of the unit's earlier runs of its checklist. */
export function relapsesAgainst(
  run: Run,
  closed: readonly Rectification[],
  runAnswers: readonly AnswerResult[],
): Relapse[] {
  // Most runs (every first round) have nothing closed before them: status asks for each run.
  if (closed.length === 0) return [];
  const latestClosed = new Map<string, Rectification>();
  for (const c of closed) {
    const seen = latestClosed.get(c.itemKey);
    if (!seen || `${c.closedAt ?? ""}${c.updatedAt}` > `${seen.closedAt ?? ""}${seen.updatedAt}`)
      latestClosed.set(c.itemKey, c);
  }
  const answers = new Map(runAnswers.map((a) => [a.itemKey, a]));
  const out: Relapse[] = [];
  for (const c of latestClosed.values()) {
    const answer = answers.get(c.itemKey);
    if (answer === undefined || !isProblem(answer.result) || answer.rectificationId === c.id) continue;
    out.push(relapse(c, run, answer.result, answer.rectificationId));
  }
  return out.sort((a, b) => (a.itemKey < b.itemKey ? -1 : a.itemKey > b.itemKey ? 1 : 0));
}

function relapse(c: Rectification, run: Run, result: Result, rectificationId: string | null): Relapse {
  return {
    itemKey: c.itemKey,
    checklistId: run.checklistId,
    closedRectificationId: c.id,
    closedRunId: c.runId,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
    problem: c.problem,
    runId: run.id,
    result,
    rectificationId,
  };
}

/**
 * Every relapse of a unit, over all its checklists and runs: one entry per closed
 * rectification and later run where its item fails again. The ledger marks the rows whose
 * `rectificationId` it shows (or whose `runId` and `itemKey` match the exported run).
 */
export async function relapsesFor(store: StoreReads, unitId: string): Promise<Relapse[]> {
  const rects = await store.listRectifications({ unitId });
  const out: Relapse[] = [];
  for (const list of groupBy(await store.listRuns({ unitId }), (r) => r.checklistId).values()) {
    for (const run of list.slice(1)) out.push(...(await relapsesIn(store, run, { runs: list, rects })));
  }
  return out;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

function countsOf(items: readonly ItemComparison[], relapses: number): Comparison["counts"] {
  const counts = Object.fromEntries(CHANGES.map((c) => [c, 0])) as Record<Change, number>;
  for (const i of items) counts[i.change]++;
  return { ...counts, relapses };
}

/** The unit's latest run of the checklist against the previous one; undefined with fewer than two runs. */
export async function compareLatest(
  store: StoreReads,
  unit: Pick<Unit, "id" | "name" | "code">,
  checklistId: string,
  reader: SnapshotReader = new SnapshotReader(store),
  ctx: Pick<UnitContext, "runs" | "rects"> & { answers?: ReadonlyMap<string, readonly AnswerResult[]> } = {},
): Promise<Comparison | undefined> {
  const runs = ctx.runs ?? (await runsOf(store, unit.id, checklistId));
  const current = runs.at(-1);
  const previous = runs.at(-2);
  if (!current || !previous) return undefined;
  const answersOf = async (id: string) => ctx.answers?.get(id) ?? (await store.listAnswers(id));
  const currentAnswers = await answersOf(current.id);
  const items = await compareItems(
    reader,
    { run: previous, answers: await answersOf(previous.id) },
    { run: current, answers: currentAnswers },
  );
  const relapses = await relapsesIn(store, current, {
    runs,
    answers: currentAnswers,
    rects: ctx.rects ?? (await store.listRectifications({ unitId: unit.id })),
  });
  return {
    unit: { id: unit.id, name: unit.name, code: unit.code },
    checklistId,
    runCount: runs.length,
    current: runRef(current),
    previous: runRef(previous),
    items,
    relapses,
    counts: countsOf(items, relapses.length),
  };
}

export interface CompareScope {
  unit?: Unit;
  checklistId?: string;
}

/** A unit's runs as compare reads them: the runs with their answers, and the unit's closed rectifications. */
interface UnitRuns {
  unit: Pick<Unit, "id" | "name" | "code">;
  runs: RunSummary[];
  closed: Rectification[];
}

/** Ids in the store's order (code point order, as both engines sort text). */
const beforeId = (a: string, b: string): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;

/**
 * The runs (with the few columns of their answers) and the closed rectifications, two streams
 * in unit id order, read side by side: each unit once, with what its relapses need.
 */
async function* unitsOf(store: StoreReads, unitId: string | undefined): AsyncGenerator<UnitRuns> {
  const closed = store
    .iterateRectifications({ status: "closed", ...(unitId ? { unitId } : {}) })
    [Symbol.asyncIterator]();
  let next = await closed.next();
  const closedOf = async (id: string): Promise<Rectification[]> => {
    const out: Rectification[] = [];
    while (!next.done && (next.value.unitId === id || beforeId(next.value.unitId, id))) {
      if (next.value.unitId === id) out.push(next.value);
      next = await closed.next();
    }
    return out;
  };
  try {
    let group: RunSummary[] = [];
    const done = async (): Promise<UnitRuns | undefined> => {
      const first = group[0];
      return first ? { unit: first.unit, runs: group, closed: await closedOf(first.unit.id) } : undefined;
    };
    for await (const d of store.runSummaries(unitId ? { unitId } : {})) {
      if (group[0] && group[0].unit.id !== d.unit.id) {
        const u = await done();
        if (u) yield u;
        group = [];
      }
      group.push(d);
    }
    const u = await done();
    if (u) yield u;
  } finally {
    await closed.return?.();
  }
}

/**
 * Every comparison in scope: for each unit (the given one, else all, by name) and each
 * checklist it ran at least twice (the given one, else all, by id). Runs with their answers,
 * and closed rectifications, are streamed once for all units (a fixed few queries per page).
 */
export async function compareAll(store: StoreReads, scope: CompareScope = {}): Promise<Comparison[]> {
  const reader = new SnapshotReader(store);
  const found: { name: string; root: string; comparison: Comparison }[] = [];
  // One unit in memory at a time.
  for await (const u of unitsOf(store, scope.unit?.id))
    found.push(...(await compareUnit(store, reader, u, scope)));
  // By unit name, then line (both in code point order).
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  found.sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.root, b.root));
  return found.map((f) => f.comparison);
}

/** One unit's comparisons, one per line of look-backs it ran at least twice. */
async function compareUnit(
  store: StoreReads,
  reader: SnapshotReader,
  details: UnitRuns,
  scope: CompareScope,
): Promise<{ name: string; root: string; comparison: Comparison }[]> {
  const unit = scope.unit ?? details.unit;
  // All runs, even with --checklist: a run of its parent or child may be the one to compare with.
  // In the order they were stored across the unit's checklists (not by start time: a school's
  // clock put right between two rounds would swap them).
  const runs = [...details.runs].sort((a, b) => a.stored - b.stored).map((d) => d.run);
  const answers = new Map(details.runs.map((d) => [d.run.id, d.answers]));
  // Relapses need only the closed ones of the rectifications the unit's runs found.
  const rects = details.closed;
  const roots = new Map<Run, string>();
  for (const r of runs) roots.set(r, await reader.lineageRoot(r));
  const byLine = groupBy(runs, (r) => roots.get(r) ?? r.checklistId);
  const out: { name: string; root: string; comparison: Comparison }[] = [];
  for (const [root, list] of byLine) {
    const latest = list.at(-1);
    if (list.length < 2 || !latest) continue;
    // --checklist X: the lines whose latest run is of X, or of a checklist that extends X.
    if (scope.checklistId !== undefined && !(await reader.lineage(latest)).includes(scope.checklistId))
      continue;
    const c = await compareLatest(store, unit, latest.checklistId, reader, { runs: list, rects, answers });
    if (c) out.push({ name: unit.name, root, comparison: c });
  }
  return out;
}
