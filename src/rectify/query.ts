// Which rectifications a clerk asks to see, in the order that shows who is late first.
import type { StoreReads } from "../store/port.js";
import type { Rectification, RectificationStatus, Unit } from "../store/types.js";
import { inView, type LedgerView } from "./counts.js";
import { daysOverdue, isDueWithin } from "./overdue.js";
import { roundsOf } from "./rounds.js";

export interface ListFilter extends LedgerView {
  unitId?: string;
  checklistId?: string;
  /** Any of these statuses (empty or absent: all). */
  statuses?: readonly RectificationStatus[];
  overdue?: boolean;
  /** 责任人: matches when the owner field contains this text (it may name several people). */
  owner?: string;
  /** Deadline from today up to today + N days, still to be done. */
  dueWithin?: number;
}

/** A rectification as lists show it: with its unit, round, short id and lateness. */
export interface RectificationView extends Rectification {
  shortId: string;
  unit: { id: string; name: string; code: string | null };
  /** The round (轮次) of the unit's checklist that found it, from 1; null if its run is gone. */
  round: number | null;
  overdue: boolean;
  daysOverdue: number | null;
}

/** Decorate rectifications with what lists show; short ids are unique across the whole database. */
export async function toViews(
  store: StoreReads,
  rects: readonly Rectification[],
  today: string,
): Promise<RectificationView[]> {
  if (rects.length === 0) return [];
  const prefixes = await store.shortIds(rects.map((r) => r.id));
  const units = new Map<string, Unit | undefined>();
  const rounds = new Map<string, number>();
  const unitsWithRounds = new Set<string>();
  // Many rows: read units and runs in one query each rather than one lookup per id.
  if (rects.length > 50) {
    for (const u of await store.listUnits()) units.set(u.id, u);
    for (const [id, n] of roundsOf(await store.listRuns())) rounds.set(id, n);
    for (const r of rects) unitsWithRounds.add(r.unitId);
  }
  const out: RectificationView[] = [];
  for (const r of rects) {
    if (!units.has(r.unitId)) units.set(r.unitId, await store.getUnit(r.unitId));
    if (!unitsWithRounds.has(r.unitId)) {
      for (const [id, n] of roundsOf(await store.listRuns({ unitId: r.unitId }))) rounds.set(id, n);
      unitsWithRounds.add(r.unitId);
    }
    const unit = units.get(r.unitId);
    const late = daysOverdue(r, today);
    out.push({
      ...r,
      shortId: prefixes.get(r.id) ?? r.id,
      unit: { id: r.unitId, name: unit?.name ?? r.unitId, code: unit?.code ?? null },
      round: rounds.get(r.runId) ?? null,
      overdue: late !== null,
      daysOverdue: late,
    });
  }
  return out;
}

export function matches(r: Rectification, filter: ListFilter, today: string): boolean {
  if (!inView(r, filter)) return false;
  if (filter.checklistId !== undefined && r.checklistId !== filter.checklistId) return false;
  if (filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(r.status)) return false;
  if (filter.overdue && daysOverdue(r, today) === null) return false;
  if (filter.owner !== undefined) {
    const want = filter.owner.trim().toLowerCase();
    if (!r.owner.toLowerCase().includes(want)) return false;
  }
  if (filter.dueWithin !== undefined && !isDueWithin(r, filter.dueWithin, today)) return false;
  return true;
}

/**
 * The rectifications a list shows, late first (the store's `urgentOn` order: overdue, longest
 * first; then to do by deadline; then done, then closed), streamed with their unit, round and
 * short id. The unit, checklist, statuses and lateness are filtered by the database, the rest
 * here. Inside read(tx => …) nothing is held: a province's list streams.
 */
export async function* iterateRectificationViews(
  store: StoreReads,
  filter: ListFilter,
  today: string,
): AsyncGenerator<RectificationView> {
  const rows = store.iterateRectifications({
    ...(filter.unitId ? { unitId: filter.unitId } : {}),
    ...(filter.checklistId !== undefined ? { checklistId: filter.checklistId } : {}),
    ...(filter.statuses && filter.statuses.length > 0 ? { statuses: filter.statuses } : {}),
    ...(filter.overdue ? { overdueOn: today } : {}),
    ledgerOnly: true,
    urgentOn: today,
  });
  for await (const r of rows) {
    if (!matches(r, filter, today)) continue;
    const late = daysOverdue(r, today);
    // Filled in place (each row is a fresh object): a copy per row showed in the profile.
    const view = r as RectificationView;
    view.overdue = late !== null;
    view.daysOverdue = late;
    yield view;
  }
}

/** The same, as a list (a table sizes its columns from every row; the walk needs its queue). */
export async function listRectificationViews(
  store: StoreReads,
  filter: ListFilter,
  today: string,
): Promise<RectificationView[]> {
  const out: RectificationView[] = [];
  for await (const v of iterateRectificationViews(store, filter, today)) out.push(v);
  return out;
}

/** The stable JSON shape of one rectification (`rectify list --json`, `rectify show --json`). */
export function viewJson(v: RectificationView) {
  return {
    id: v.id,
    shortId: v.shortId,
    unit: v.unit,
    runId: v.runId,
    round: v.round,
    checklistId: v.checklistId,
    itemKey: v.itemKey,
    problem: v.problem,
    measure: v.measure,
    owner: v.owner,
    leaderInCharge: v.leaderInCharge,
    department: v.department,
    deadline: v.deadline,
    kind: v.kind,
    origin: v.origin,
    evidence: v.evidence,
    status: v.status,
    progress: v.progress,
    remark: v.remark,
    closedAt: v.closedAt,
    closedBy: v.closedBy,
    continuedBy: v.continuedBy,
    overdue: v.overdue,
    daysOverdue: v.daysOverdue,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}
