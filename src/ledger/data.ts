// What a ledger shows, gathered from the store for one unit's run: rectification rows in
// checklist order, every item with its answer, and the counts the county summary needs.
// No file format here; the xlsx, csv and json writers all read these records.
import type { Checklist, ChecklistKind } from "../checklist/schema.js";
import { relapsesIn } from "../compare/compare.js";
import { userError } from "../errors.js";
import { countFollowUp, foundOn, inView, type LedgerView } from "../rectify/counts.js";
import { daysOverdue } from "../rectify/overdue.js";
import { roundsOf } from "../rectify/rounds.js";
import { checklistKind, methodCounts } from "../run/inspection.js";
import { looseItemKey, type RunItem, runItems } from "../run/items.js";
import { briefScore, type ScoreBrief, scoreAnswers } from "../run/score.js";
import { readSnapshot } from "../run/snapshot.js";
import type { LedgerSource, StoreReads } from "../store/port.js";
import type { Answer, InspectionMethod, Rectification, Run, Unit } from "../store/types.js";
import { localDateOf } from "../util/dates.js";
import type { EvidenceCellLink } from "./evidence.js";
import type { LedgerLanguage } from "./labels.js";

/** One checklist item (per leader for `per: leader` sections) in checklist order. */
export interface ItemSlot {
  /** `section.item` or `section.item@leader` */
  key: string;
  /**
   * 问题编号 as a person reads it aloud and finds it in the checklist: `2-3` is the 3rd item of
   * the 2nd section (the leader's name goes beside it, see `leader`).
   */
  number: string;
  sectionId: string;
  itemId: string;
  leader: string | null;
  /** Section title (环节) and item text (检查项目) in the ledger's language. */
  section: string;
  item: string;
}

export interface ChecklistInfo {
  id: string;
  version: string;
  title: string;
  /** 自查 or 督导检查 (a supervision group's inspection). */
  kind: ChecklistKind;
}

/** 整改台账 row: one rectification of the unit, from whichever round found it. */
export interface LedgerRow {
  seq: number;
  rectification: Rectification;
  /** 问题编号 (`2-3`), the leader's name kept apart in `leader`. */
  number: string;
  section: string;
  item: string;
  leader: string | null;
  /** 发现轮次: the round of the unit's checklist that found the problem (the earliest, for a merged duplicate). */
  round: number | null;
  /** The local day it was found. */
  foundOn: string;
  /** Ids of duplicates an older version left, which this row carries on (continuedBy). */
  merged: string[];
  overdue: boolean;
  daysOverdue: number | null;
  /** 反弹: this item had a rectification closed off in an earlier run and fails again here. */
  relapse: { closedAt: string | null; closedBy: string | null } | null;
  /** Its evidence files (佐证材料), when the export lists them. */
  evidenceFiles?: EvidenceCellLink;
}

/** 自查明细 row: an item and its answer, or null when it was not answered. */
export interface DetailRow {
  seq: number;
  slot: ItemSlot;
  answer: Answer | null;
  /** The answer's evidence files, when the export lists them. */
  evidenceFiles?: EvidenceCellLink;
}

export interface UnitCounts {
  answered: number;
  total: number;
  pass: number;
  partial: number;
  fail: number;
  na: number;
  rectifications: number;
  open: number;
  inProgress: number;
  done: number;
  closed: number;
  overdue: number;
}

export interface LedgerData {
  unit: Unit;
  /** The unit's latest run of the checklist: 自查明细 and the header come from it. */
  run: Run;
  /** How many rounds (runs of the checklist) the unit has had. */
  rounds: number;
  /** The shorter view asked for (none: the whole ledger). */
  view: LedgerView;
  checklist: ChecklistInfo;
  /** 填报日期: the day of the export (local calendar); overdue is judged against it. */
  date: string;
  rows: LedgerRow[];
  details: DetailRow[];
  counts: UnitCounts;
  /** The latest run's score (weights, 基本符合 partly, 不适用 left out) and grade. */
  score: ScoreBrief;
}

interface IndexedChecklist {
  info: ChecklistInfo;
  checklist: Checklist;
}

/** The items a run of a checklist version with these leaders asks, worked out once for all its runs. */
interface RunLayout extends IndexedChecklist {
  items: RunItem[];
  slots: ItemSlot[];
  /** Each item's slot and place, by key. */
  current: Map<string, { slot: ItemSlot; pos: number }>;
}

/** Parsed snapshots by hash: a county's runs share a handful of checklist versions. */
export class SnapshotCache {
  private readonly cache = new Map<string, IndexedChecklist>();
  constructor(
    private readonly store: StoreReads,
    private readonly language: LedgerLanguage,
    private readonly limit = 32,
  ) {}

  async get(hash: string): Promise<IndexedChecklist> {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    // It was valid when stored; checked again so that a damaged row names itself in the unit's line.
    const parsed = await readSnapshot(this.store, hash);
    if (!parsed.ok)
      throw parsed.missing
        ? userError("export.snapshotMissing", { hash: hash.slice(0, 12) })
        : userError("export.snapshotInvalid", { hash: hash.slice(0, 12), message: parsed.message });
    const { checklist } = parsed;
    const en = this.language === "en";
    const entry: IndexedChecklist = {
      checklist,
      info: {
        id: checklist.id,
        version: checklist.version,
        title: en && checklist.title_en ? checklist.title_en : checklist.title,
        kind: checklistKind(checklist),
      },
    };
    if (this.cache.size >= this.limit) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, entry);
    return entry;
  }

  private readonly layouts = new Map<string, RunLayout>();

  /** The checklist of a run and the items it asks (shared: the ledgers only read them). */
  async layout(run: Pick<Run, "checklistHash" | "leaders">): Promise<RunLayout> {
    const key = `${run.checklistHash}\u0000${run.leaders.join("\u0000")}`;
    const hit = this.layouts.get(key);
    if (hit) return hit;
    const entry = await this.get(run.checklistHash);
    const items = runItems(entry.checklist, run.leaders);
    const slots = itemSlots(entry.checklist, run.leaders, this.language, items);
    const layout = {
      ...entry,
      items,
      slots,
      current: new Map(slots.map((slot, pos) => [slot.key, { slot, pos }])),
    };
    if (this.layouts.size >= this.limit) this.layouts.delete(this.layouts.keys().next().value as string);
    this.layouts.set(key, layout);
    return layout;
  }
}

/** The items a run asks (src/run/items.ts), with their titles in the ledger's language. */
export function itemSlots(
  checklist: Checklist,
  leaders: readonly string[],
  language: LedgerLanguage,
  items: readonly RunItem[] = runItems(checklist, leaders),
): ItemSlot[] {
  const en = language === "en";
  return items.map(({ key, number, section, item, leader }) => {
    const text = en && item.text_en ? item.text_en : item.text;
    return {
      key,
      number,
      sectionId: section.id,
      itemId: item.id,
      leader,
      section: en && section.title_en ? section.title_en : section.title,
      item: leader === null ? text : en ? `${text} (${leader})` : `${text}（${leader}）`,
    };
  });
}

/** A slot for a key the checklist does not know (should not happen; shown rather than dropped). */
function strayslot(key: string): ItemSlot {
  const { sectionId, itemId, leader } = looseItemKey(key);
  const number = itemId === "" ? sectionId : `${sectionId}.${itemId}`;
  return { key, number, sectionId, itemId, leader, section: sectionId, item: key };
}

export function emptyCounts(): UnitCounts {
  return {
    answered: 0,
    total: 0,
    pass: 0,
    partial: 0,
    fail: 0,
    na: 0,
    rectifications: 0,
    open: 0,
    inProgress: 0,
    done: 0,
    closed: 0,
    overdue: 0,
  };
}

/** Where a rectification's item is in the checklists its rounds used. */
class ItemFinder {
  private readonly byHash = new Map<string, Map<string, { slot: ItemSlot; pos: number }>>();
  constructor(
    private readonly snapshots: SnapshotCache,
    private readonly language: LedgerLanguage,
  ) {}

  private static key(run: Run): string {
    return `${run.checklistHash}\u0000${run.leaders.join("\u0000")}`;
  }

  /** Read the checklists of `runs` (once per version and leaders), so that `slots` can answer. */
  async prepare(runs: readonly Run[]): Promise<void> {
    for (const run of runs) {
      const key = ItemFinder.key(run);
      if (this.byHash.has(key)) continue;
      const { checklist } = await this.snapshots.get(run.checklistHash);
      const slots = itemSlots(checklist, run.leaders, this.language);
      this.byHash.set(key, new Map(slots.map((slot, pos) => [slot.key, { slot, pos }])));
    }
  }

  /** The items of a run given to `prepare`. */
  slots(run: Run): Map<string, { slot: ItemSlot; pos: number }> {
    return this.byHash.get(ItemFinder.key(run)) ?? new Map();
  }
}

/**
 * Everything one unit's ledger shows: every rectification of the unit for the checklist of
 * `run` (its latest run), from every round, each with the round that found it; the answers
 * (自查明细) of `run` itself. Items are numbered and worded as in `run`'s checklist, or, for an
 * item it no longer has, as in the checklist of the round that found the problem.
 */
export async function buildLedgerData(
  store: StoreReads,
  snapshots: SnapshotCache,
  unit: Unit,
  run: Run,
  opts: { today: string; language: LedgerLanguage; view?: LedgerView },
): Promise<LedgerData> {
  for await (const source of store.ledgerSources([run.id]))
    return ledgerDataOf(store, snapshots, { ...source, unit, run }, opts);
  throw userError("export.vanished");
}

/** buildLedgerData from what the store read for it (ledgerSources): no read but the checklists'. */
export async function ledgerDataOf(
  store: StoreReads,
  snapshots: SnapshotCache,
  source: LedgerSource & { unit: Unit },
  opts: { today: string; language: LedgerLanguage; view?: LedgerView },
): Promise<LedgerData> {
  const { unit, run, runs } = source;
  const view = opts.view ?? {};
  const { checklist, info, items, slots, current } = await snapshots.layout(run);
  const answers = source.answers.get(run.id) ?? [];
  const byKey = new Map(answers.map((a) => [a.itemKey, a]));
  const allSlots = [
    ...slots,
    ...answers.filter((a) => !current.has(a.itemKey)).map((a) => strayslot(a.itemKey)),
  ];
  const counts = emptyCounts();
  counts.total = slots.length;
  const details: DetailRow[] = allSlots.map((slot, i) => {
    const answer = byKey.get(slot.key) ?? null;
    if (answer) {
      counts.answered++;
      counts[answer.result]++;
    }
    return { seq: i + 1, slot, answer };
  });

  const rows = await ledgerRows(store, snapshots, { run, current }, source, { ...opts, view });
  Object.assign(
    counts,
    followUpCounts(
      rows.map((r) => r.rectification),
      opts.today,
    ),
  );
  const score = briefScore(scoreAnswers(checklist, answers, run.leaders, items));
  return {
    unit,
    run,
    rounds: runs.length,
    view,
    checklist: info,
    date: opts.today,
    rows,
    details,
    counts,
    score,
  };
}

/** UnitCounts' rectification figures, by the one counting rule. */
function followUpCounts(rects: readonly Rectification[], today: string) {
  const c = countFollowUp(rects, today);
  return {
    rectifications: c.total,
    open: c.open,
    inProgress: c.inProgress,
    done: c.done,
    closed: c.closed,
    overdue: c.overdue,
  };
}

/** The duplicates older versions left of each rectification, folded into the row that carries them on. */
function mergedChains(all: readonly Rectification[]): (r: Rectification) => Rectification[] {
  const mergedInto = new Map<string, Rectification[]>();
  for (const r of all) {
    if (r.continuedBy === null) continue;
    const list = mergedInto.get(r.continuedBy) ?? [];
    list.push(r);
    mergedInto.set(r.continuedBy, list);
  }
  return (r) => {
    const out: Rectification[] = [];
    const todo = [...(mergedInto.get(r.id) ?? [])];
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (out.includes(x)) continue;
      out.push(x);
      todo.push(...(mergedInto.get(x.id) ?? []));
    }
    return out;
  };
}

/** The rectifications that a relapse (反弹) opened, with when and by whom the earlier one was closed. */
async function relapsedRows(
  store: StoreReads,
  source: Pick<LedgerSource, "runs" | "answers">,
  all: readonly Rectification[],
): Promise<Map<string, { closedAt: string | null; closedBy: string | null }>> {
  const relapses = new Map<string, { closedAt: string | null; closedBy: string | null }>();
  const { runs } = source;
  for (const later of runs.slice(1)) {
    const answers = source.answers.get(later.id);
    for (const x of await relapsesIn(store, later, {
      runs: [...runs],
      rects: all,
      ...(answers ? { answers } : {}),
    })) {
      if (x.rectificationId !== null)
        relapses.set(x.rectificationId, { closedAt: x.closedAt, closedBy: x.closedBy });
    }
  }
  return relapses;
}

async function ledgerRows(
  store: StoreReads,
  snapshots: SnapshotCache,
  latestRun: { run: Run; current: Map<string, { slot: ItemSlot; pos: number }> },
  source: Pick<LedgerSource, "runs" | "answers" | "rectifications">,
  opts: { today: string; language: LedgerLanguage; view: LedgerView },
): Promise<LedgerRow[]> {
  const { current } = latestRun;
  const { runs, rectifications: all } = source;
  if (all.length === 0) return [];
  const rounds = roundsOf(runs);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const finder = new ItemFinder(snapshots, opts.language);
  // Only the rounds whose rows are not in the latest checklist need their own.
  const elsewhere = all
    .filter((r) => inView(r, opts.view) && !current.has(r.itemKey))
    .map((r) => runById.get(r.runId));
  await finder.prepare(elsewhere.filter((r): r is Run => r !== undefined));
  const chain = mergedChains(all);
  const relapses = await relapsedRows(store, source, all);
  const rows = all
    .filter((r) => inView(r, opts.view))
    .map((r) => {
      const own = runById.get(r.runId);
      const here = current.get(r.itemKey) ?? (own ? finder.slots(own).get(r.itemKey) : undefined);
      const slot = here?.slot ?? strayslot(r.itemKey);
      const merged = chain(r);
      const roundList = [r, ...merged]
        .map((x) => rounds.get(x.runId))
        .filter((n): n is number => n !== undefined);
      const late = daysOverdue(r, opts.today);
      return {
        seq: 0,
        rectification: r,
        number: slot.number,
        section: slot.section,
        item: slot.item,
        leader: slot.leader,
        round: roundList.length > 0 ? Math.min(...roundList) : null,
        foundOn: [r, ...merged].map(foundOn).sort()[0] ?? foundOn(r),
        merged: merged.map((x) => x.id),
        overdue: late !== null,
        daysOverdue: late,
        relapse: relapses.get(r.id) ?? null,
        pos: current.get(r.itemKey)?.pos ?? Number.MAX_SAFE_INTEGER,
      };
    })
    .sort(
      (a, b) =>
        a.pos - b.pos ||
        (a.round ?? 0) - (b.round ?? 0) ||
        (a.rectification.createdAt < b.rectification.createdAt
          ? -1
          : a.rectification.createdAt > b.rectification.createdAt
            ? 1
            : 0),
    );
  return rows.map(({ pos: _pos, ...row }, i) => ({ ...row, seq: i + 1 }));
}

/** A unit's latest inspection (督导检查), as 汇总 shows it: who, when, and how the items were checked. */
export interface InspectionBrief {
  runId: string;
  checklist: ChecklistInfo;
  /** Null for an inspection run made before runs recorded their group. */
  group: string | null;
  members: string[];
  /** The local day it finished (or started, while unfinished). */
  date: string;
  methods: Record<InspectionMethod, number>;
}

/**
 * Each unit's latest inspection run, by unit id: the checklists in use, then, when one of them is
 * an inspection, one set-based read of each unit's latest run of those (methods counted by the
 * database), a page at a time.
 */
export async function latestInspections(
  store: StoreReads,
  snapshots: SnapshotCache,
): Promise<Map<string, InspectionBrief>> {
  // The checklists in use, once each: most databases hold no inspection, and then no run is read.
  const inspections = new Map<string, ChecklistInfo>();
  for (const hash of await store.runSnapshotHashes()) {
    const { info } = await snapshots.get(hash);
    if (info.kind === "inspection") inspections.set(hash, info);
  }
  const out = new Map<string, InspectionBrief>();
  if (inspections.size === 0) return out;
  for await (const { run, methods } of store.latestRunsOfSnapshots([...inspections.keys()])) {
    const checklist = inspections.get(run.checklistHash);
    if (!checklist) continue;
    const counts = methodCounts([]);
    for (const m of Object.keys(counts) as InspectionMethod[]) counts[m] = methods[m] ?? 0;
    out.set(run.unitId, {
      runId: run.id,
      checklist,
      group: run.inspection?.group ?? null,
      members: run.inspection?.members ?? [],
      date: localDateOf(run.finishedAt ?? run.startedAt),
      methods: counts,
    });
  }
  return out;
}

/** What the summary shows of a run (a Run fits; the export keeps only this per unit). */
export type RunBrief = Pick<Run, "id" | "status" | "respondent">;

/** One row of 汇总: a unit with what its run counts, or no run at all (未开展). */
export interface SummaryRow {
  seq: number;
  unit: Unit;
  run: RunBrief | null;
  checklist: ChecklistInfo | null;
  counts: UnitCounts | null;
  score: ScoreBrief | null;
  /** 排名: by score among the units of the summary (ties share one); null without a score. */
  rank: number | null;
  /** The unit's latest inspection (督导检查), if it had one. */
  inspection: InspectionBrief | null;
}

/** What the summary knows of a unit's run; checklist and counts are null when its ledger could not be built. */
export interface UnitSummary {
  run: RunBrief;
  checklist: ChecklistInfo | null;
  counts: UnitCounts | null;
  score: ScoreBrief | null;
}

/**
 * The summary rows for a list of units, in that order. A unit without a summary (no run) gets
 * a row of its own, so that a roster of every unit shows who has not started (未开展).
 */
export function buildSummaryRows(
  units: readonly Unit[],
  lookup: (unit: Unit) => UnitSummary | undefined,
): SummaryRow[] {
  return [...summaryRows(units, lookup)];
}

/** The same rows, made one at a time each time they are walked (for the streamed 汇总.xlsx). */
export function summaryRows(
  units: readonly Unit[],
  lookup: (unit: Unit) => UnitSummary | undefined,
  ranks: ReadonlyMap<string, number> = new Map(),
  inspections: ReadonlyMap<string, InspectionBrief> = new Map(),
): Iterable<SummaryRow> {
  return {
    *[Symbol.iterator]() {
      for (const [i, unit] of units.entries()) {
        const s = lookup(unit);
        yield {
          seq: i + 1,
          unit,
          run: s?.run ?? null,
          checklist: s?.checklist ?? null,
          counts: s?.counts ?? null,
          score: s?.score ?? null,
          rank: ranks.get(unit.id) ?? null,
          inspection: inspections.get(unit.id) ?? null,
        };
      }
    },
  };
}

export function sumCounts(rows: Iterable<SummaryRow>): UnitCounts {
  const total = emptyCounts();
  for (const r of rows) {
    if (!r.counts) continue;
    for (const k of Object.keys(total) as (keyof UnitCounts)[]) total[k] += r.counts[k];
  }
  return total;
}

/** 整改完成率: done or closed over all rectifications; null when there is none. */
export function completionRate(c: UnitCounts): number | null {
  return c.rectifications === 0 ? null : (c.done + c.closed) / c.rectifications;
}
