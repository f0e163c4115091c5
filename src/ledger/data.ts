// What a ledger shows, gathered from the store for one unit's run: rectification rows in
// checklist order, every item with its answer, and the counts the county summary needs.
// No file format here; the xlsx, csv and json writers all read these records.
import { type Checklist, ChecklistSchema } from "../checklist/schema.js";
import { userError } from "../errors.js";
import { relapsesIn } from "../rectify/compare.js";
import type { Store } from "../store/store.js";
import type { Answer, Rectification, Run, Unit } from "../store/types.js";
import { isOverdue } from "../util/dates.js";
import { yamlValue } from "../yaml/parse.js";
import type { LedgerLanguage } from "./labels.js";

/** One checklist item (per leader for `per: leader` sections) in checklist order. */
export interface ItemSlot {
  /** `section.item` or `section.item@leader` */
  key: string;
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
}

/** 整改台账 row. */
export interface LedgerRow {
  seq: number;
  rectification: Rectification;
  section: string;
  item: string;
  leader: string | null;
  overdue: boolean;
  /** 反弹: this item had a rectification closed off in an earlier run and fails again here. */
  relapse: { closedAt: string | null; closedBy: string | null } | null;
}

/** 自查明细 row: an item and its answer, or null when it was not answered. */
export interface DetailRow {
  seq: number;
  slot: ItemSlot;
  answer: Answer | null;
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
  run: Run;
  checklist: ChecklistInfo;
  /** 填报日期: the day of the export (local calendar); overdue is judged against it. */
  date: string;
  rows: LedgerRow[];
  details: DetailRow[];
  counts: UnitCounts;
}

interface IndexedChecklist {
  info: ChecklistInfo;
  checklist: Checklist;
}

/** Parsed snapshots by hash: a county's runs share a handful of checklist versions. */
export class SnapshotCache {
  private readonly cache = new Map<string, IndexedChecklist>();
  constructor(
    private readonly store: Store,
    private readonly language: LedgerLanguage,
    private readonly limit = 32,
  ) {}

  get(hash: string): IndexedChecklist {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const snap = this.store.getSnapshot(hash);
    if (!snap) throw userError("export.snapshotMissing", { hash: hash.slice(0, 12) });
    let checklist: Checklist;
    try {
      // It was valid when stored; checked again so that a damaged row names itself.
      checklist = ChecklistSchema.parse(yamlValue(snap.content));
    } catch (e) {
      throw userError("export.snapshotInvalid", {
        hash: hash.slice(0, 12),
        message: (e as Error).message.split("\n")[0] ?? "",
      });
    }
    const en = this.language === "en";
    const entry: IndexedChecklist = {
      checklist,
      info: {
        id: checklist.id,
        version: checklist.version,
        title: en && checklist.title_en ? checklist.title_en : checklist.title,
      },
    };
    if (this.cache.size >= this.limit) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, entry);
    return entry;
  }
}

/** The items a run asks, in order: per-leader sections once per leader named for the run. */
export function itemSlots(
  checklist: Checklist,
  leaders: readonly string[],
  language: LedgerLanguage,
): ItemSlot[] {
  const en = language === "en";
  const out: ItemSlot[] = [];
  for (const section of checklist.sections) {
    const sectionTitle = en && section.title_en ? section.title_en : section.title;
    const who: (string | null)[] = section.per === "leader" && leaders.length > 0 ? [...leaders] : [null];
    for (const leader of who) {
      for (const item of section.items) {
        const text = en && item.text_en ? item.text_en : item.text;
        const base = `${section.id}.${item.id}`;
        out.push({
          key: leader === null ? base : `${base}@${leader}`,
          sectionId: section.id,
          itemId: item.id,
          leader,
          section: sectionTitle,
          item: leader === null ? text : en ? `${text} (${leader})` : `${text}（${leader}）`,
        });
      }
    }
  }
  return out;
}

/** A slot for a key the checklist does not know (should not happen; shown rather than dropped). */
function strayslot(key: string): ItemSlot {
  const at = key.indexOf("@");
  const base = at < 0 ? key : key.slice(0, at);
  const dot = base.indexOf(".");
  return {
    key,
    sectionId: dot < 0 ? base : base.slice(0, dot),
    itemId: dot < 0 ? "" : base.slice(dot + 1),
    leader: at < 0 ? null : key.slice(at + 1),
    section: dot < 0 ? base : base.slice(0, dot),
    item: key,
  };
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

/** Everything one unit's ledger shows, from its run. */
export function buildLedgerData(
  store: Store,
  snapshots: SnapshotCache,
  unit: Unit,
  run: Run,
  opts: { today: string; language: LedgerLanguage },
): LedgerData {
  const { checklist, info } = snapshots.get(run.checklistHash);
  const slots = itemSlots(checklist, run.leaders, opts.language);
  const order = new Map(slots.map((s, i) => [s.key, i]));
  const answers = store.listAnswers(run.id);
  const byKey = new Map(answers.map((a) => [a.itemKey, a]));
  const allSlots = [
    ...slots,
    ...answers.filter((a) => !order.has(a.itemKey)).map((a) => strayslot(a.itemKey)),
  ];
  allSlots.forEach((s, i) => {
    order.set(s.key, i);
  });
  const slotOf = new Map(allSlots.map((s) => [s.key, s]));

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

  const rects = store
    .listRectifications({ runId: run.id })
    .map((r) => ({ r, pos: order.get(r.itemKey) ?? Number.MAX_SAFE_INTEGER }))
    .sort(
      (a, b) => a.pos - b.pos || (a.r.createdAt < b.r.createdAt ? -1 : a.r.createdAt > b.r.createdAt ? 1 : 0),
    );
  // Only this run's relapses are shown: asked of the run itself (with the answers already
  // loaded), a unit with a single run of the checklist costs one small query instead of
  // reading all its rectifications and runs.
  const relapses = new Map(
    relapsesIn(store, run, { answers }).map((x) => [
      x.itemKey,
      { closedAt: x.closedAt, closedBy: x.closedBy },
    ]),
  );
  const rows: LedgerRow[] = rects.map(({ r }, i) => {
    const slot = slotOf.get(r.itemKey) ?? strayslot(r.itemKey);
    const overdue = isOverdue(r, opts.today);
    counts.rectifications++;
    if (r.status === "open") counts.open++;
    else if (r.status === "in-progress") counts.inProgress++;
    else if (r.status === "done") counts.done++;
    else counts.closed++;
    if (overdue) counts.overdue++;
    return {
      seq: i + 1,
      rectification: r,
      section: slot.section,
      item: slot.item,
      leader: slot.leader,
      overdue,
      relapse: relapses.get(r.itemKey) ?? null,
    };
  });
  return { unit, run, checklist: info, date: opts.today, rows, details, counts };
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
}

/** What the summary knows of a unit's run; checklist and counts are null when its ledger could not be built. */
export interface UnitSummary {
  run: RunBrief;
  checklist: ChecklistInfo | null;
  counts: UnitCounts | null;
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
