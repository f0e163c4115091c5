// A unit's self-check held against what the inspectors found (评估评价): for each item of an
// inspection that verifies a self-check item (`verifies`), how the unit rated itself and how the
// inspectors rated the same thing. A unit that said 符合 where the inspectors found 基本符合 or
// 不符合 overstated itself: the candidates for 弄虚作假 (a false self-report) the bureau must follow.
import { pairsBetween } from "../checklist/correspond.js";
import type { Checklist } from "../checklist/schema.js";
import type { RunDetail, StoreReads } from "../store/port.js";
import type { Result, Run, Unit } from "../store/types.js";
import { parseItemKey } from "./items.js";
import { readSnapshot } from "./snapshot.js";

/**
 * - overstated: the unit rated itself better than the inspectors found (符合 against 不符合);
 * - understated: worse than found (the unit was harder on itself);
 * - agreed: the same rating;
 * - unanswered: the inspectors rated an item the unit's self-check left unanswered;
 * - not-applicable: one side said 不适用, so the ratings cannot be weighed.
 */
export type Agreement = "overstated" | "understated" | "agreed" | "unanswered" | "not-applicable";
export const AGREEMENTS: readonly Agreement[] = [
  "overstated",
  "understated",
  "unanswered",
  "not-applicable",
  "agreed",
];

/** An item as a person finds it in its checklist: 问题编号 `2-3` and its text. */
export interface ItemLabel {
  number: string;
  text: string;
  textEn: string | null;
}

export interface CrossPair {
  /** The inspection item (`section.item`). */
  inspectionKey: string;
  inspectionItem: ItemLabel;
  /** The self-check item it verifies (`section.item`). */
  selfKey: string;
  selfItem: ItemLabel;
  /** The inspectors' rating; for a per-leader item, the lowest of the leaders'. */
  inspection: Result;
  /** The unit's own rating, the same way; null when it did not answer the item. */
  self: Result | null;
  agreement: Agreement;
}

export type AgreementCounts = Record<Agreement, number>;

/** Better ratings rank higher; 不适用 has no rank. */
const RANK: Record<Exclude<Result, "na">, number> = { pass: 3, partial: 2, fail: 1 };

/**
 * One rating per item from a run's answers (keys `section.item` or `section.item@leader`). A
 * per-leader item (六查) is rated as its weakest leader's answer: a unit is not 符合 on an item
 * one of its cadres is 不符合 on. Only when every answer is 不适用 is the item 不适用.
 */
export function ratingsByItem(answers: Iterable<{ itemKey: string; result: Result }>): Map<string, Result> {
  const out = new Map<string, Result>();
  for (const a of answers) {
    const parts = parseItemKey(a.itemKey);
    if (!parts) continue;
    const key = `${parts.sectionId}.${parts.itemId}`;
    const seen = out.get(key);
    out.set(key, seen === undefined ? a.result : weaker(seen, a.result));
  }
  return out;
}

function weaker(a: Result, b: Result): Result {
  if (a === "na") return b;
  if (b === "na") return a;
  return RANK[a] <= RANK[b] ? a : b;
}

export function agreementOf(inspection: Result, self: Result | null): Agreement {
  if (self === null) return "unanswered";
  if (inspection === "na" || self === "na") return "not-applicable";
  const diff = RANK[self] - RANK[inspection];
  return diff > 0 ? "overstated" : diff < 0 ? "understated" : "agreed";
}

/**
 * Every pair of an inspection run's checklist and a self-check run's checklist that the
 * inspection verifies, in the inspection's order; an item the inspectors did not rate is left
 * out (nothing to hold the self-check against).
 */
export function crossPairs(
  inspection: { checklist: Checklist; answers: Iterable<{ itemKey: string; result: Result }> },
  self: { checklist: Checklist; answers: Iterable<{ itemKey: string; result: Result }> },
  links: readonly { from: string; to: string }[] = pairsBetween(inspection.checklist, self.checklist),
): CrossPair[] {
  const found = ratingsByItem(inspection.answers);
  const own = ratingsByItem(self.answers);
  const out: CrossPair[] = [];
  for (const { from, to } of links) {
    const rated = found.get(from);
    if (rated === undefined) continue;
    const selfRating = own.get(to) ?? null;
    out.push({
      inspectionKey: from,
      inspectionItem: labelOf(inspection.checklist, from),
      selfKey: to,
      selfItem: labelOf(self.checklist, to),
      inspection: rated,
      self: selfRating,
      agreement: agreementOf(rated, selfRating),
    });
  }
  return out;
}

/** Numbers and texts of a checklist's items by `section.item` (cached: units share checklists). */
const labels = new WeakMap<Checklist, Map<string, ItemLabel>>();
function labelOf(checklist: Checklist, key: string): ItemLabel {
  let map = labels.get(checklist);
  if (!map) {
    map = new Map();
    for (const [s, section] of checklist.sections.entries())
      for (const [i, item] of section.items.entries())
        map.set(`${section.id}.${item.id}`, {
          number: `${s + 1}-${i + 1}`,
          text: item.text,
          textEn: item.text_en ?? null,
        });
    labels.set(checklist, map);
  }
  return map.get(key) ?? { number: key, text: key, textEn: null };
}

export function countAgreements(pairs: Iterable<Pick<CrossPair, "agreement">>): AgreementCounts {
  const counts: AgreementCounts = {
    overstated: 0,
    understated: 0,
    agreed: 0,
    unanswered: 0,
    "not-applicable": 0,
  };
  for (const p of pairs) counts[p.agreement]++;
  return counts;
}

/** The run a side of a crosscheck comes from. */
export interface CrossRun {
  runId: string;
  checklistId: string;
  checklistVersion: string;
  status: Run["status"];
  startedAt: string;
  finishedAt: string | null;
  /** Who answered: the school's respondent, or the supervision group's leader. */
  respondent: string;
  /** The supervision group (督导组) and its members of an inspection; null for a self-check. */
  group: Run["inspection"];
}

/** One unit's latest inspection held against its latest self-check. */
export interface UnitCrosscheck {
  unit: Unit;
  inspection: CrossRun;
  self: CrossRun;
  pairs: CrossPair[];
  counts: AgreementCounts;
}

const crossRun = (run: Run): CrossRun => ({
  runId: run.id,
  checklistId: run.checklistId,
  checklistVersion: run.checklistVersion,
  status: run.status,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  respondent: run.respondent,
  group: run.inspection,
});

/**
 * Every unit (or one) with a run of a checklist that verifies another checklist it also has a
 * run of: its latest run of each, held against each other. Runs are read as a stream, a unit
 * at a time, so memory grows with the pairs kept, not with the runs read.
 */
export async function crosscheckUnits(
  store: StoreReads,
  filter: { unitId?: string } = {},
): Promise<UnitCrosscheck[]> {
  const checklists = new Map<string, Checklist | null>();
  const checklistOf = async (run: Run) => {
    if (!checklists.has(run.checklistHash)) {
      const read = await readSnapshot(store, run.checklistHash);
      checklists.set(run.checklistHash, read.ok ? read.checklist : null);
    }
    return checklists.get(run.checklistHash) ?? null;
  };
  // Most databases hold no two checklists that verify one another: then there is nothing to
  // read, and the answers of every run are not streamed just to find that out.
  if (!(await anyPairInUse(store))) return [];
  // The pairs of two checklist versions, found once: a county's units share a handful.
  const links = new Map<Checklist, Map<Checklist, Link[]>>();
  const linksOf = (verifying: Checklist, verified: Checklist): Link[] => {
    const row = links.get(verifying) ?? new Map<Checklist, Link[]>();
    links.set(verifying, row);
    let found = row.get(verified);
    if (!found) {
      found = pairsBetween(verifying, verified);
      row.set(verified, found);
    }
    return found;
  };
  const out: UnitCrosscheck[] = [];
  let unit: Unit | undefined;
  let latest = new Map<string, RunDetail>();
  const flush = async () => {
    if (unit) out.push(...(await unitCrosschecks(unit, [...latest.values()], checklistOf, linksOf)));
  };
  for await (const detail of store.runDetails(filter.unitId ? { unitId: filter.unitId } : {})) {
    if (detail.round === null) continue; // set aside: replaced by a newer run, never resumed
    if (detail.unit.id !== unit?.id) {
      await flush();
      unit = detail.unit;
      latest = new Map();
    }
    latest.set(detail.run.checklistId, detail); // run order: the last one seen is the latest
  }
  await flush();
  return out;
}

type Link = { from: string; to: string };

/** Whether any checklist runs were made with verifies another one runs were made with. */
async function anyPairInUse(store: StoreReads): Promise<boolean> {
  const inUse: Checklist[] = [];
  for (const hash of await store.runSnapshotHashes()) {
    const read = await readSnapshot(store, hash);
    if (read.ok) inUse.push(read.checklist);
  }
  return inUse.some((a) => inUse.some((b) => a !== b && pairsBetween(a, b).length > 0));
}

/** A unit's latest runs, each verifying checklist against each checklist it verifies. */
async function unitCrosschecks(
  unit: Unit,
  runs: readonly RunDetail[],
  checklistOf: (run: Run) => Promise<Checklist | null>,
  linksOf: (verifying: Checklist, verified: Checklist) => Link[],
): Promise<UnitCrosscheck[]> {
  const read: { detail: RunDetail; checklist: Checklist }[] = [];
  for (const detail of runs) {
    const checklist = await checklistOf(detail.run);
    if (checklist) read.push({ detail, checklist });
  }
  const out: UnitCrosscheck[] = [];
  for (const a of read) {
    for (const b of read) {
      if (a === b) continue;
      // Checklists that do not verify one another are not held against each other at all.
      const links = linksOf(a.checklist, b.checklist);
      if (links.length === 0) continue;
      const pairs = crossPairs(
        { checklist: a.checklist, answers: a.detail.answers },
        { checklist: b.checklist, answers: b.detail.answers },
        links,
      );
      out.push({
        unit,
        inspection: crossRun(a.detail.run),
        self: crossRun(b.detail.run),
        pairs,
        counts: countAgreements(pairs),
      });
    }
  }
  return out;
}

/** The units to follow up first: most items overstated, then most left unanswered, then by name. */
export function rankCrosschecks(units: readonly UnitCrosscheck[]): UnitCrosscheck[] {
  return [...units].sort(
    (a, b) =>
      b.counts.overstated - a.counts.overstated ||
      b.counts.unanswered - a.counts.unanswered ||
      (a.unit.name < b.unit.name ? -1 : a.unit.name > b.unit.name ? 1 : 0),
  );
}
