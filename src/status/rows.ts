// One status row per run (`lookback status`): progress, results, scores, rectifications and
// relapses, as data (the command prints it as a table or as JSON).

import type { Checklist, ChecklistKind, Result } from "../checklist/schema.js";
import { relapsesAgainst } from "../compare/compare.js";
import { countFollowUp, type FollowUpCounts } from "../rectify/counts.js";
import { checklistKind, methodCounts } from "../run/inspection.js";
import { type RunItem, runItems } from "../run/items.js";
import { tallySlots } from "../run/machine.js";
import { briefScore, scoreAnswers } from "../run/score.js";
import { checklistOfRun } from "../run/snapshot.js";
import type { AnswerResult, StoreReads } from "../store/port.js";
import { type InspectionMethod, isSetAside, type Run, type RunStatus, type Unit } from "../store/types.js";
import { compareZh } from "../util/collate.js";
import { localToday } from "../util/dates.js";

export interface StatusRow {
  runId: string;
  unit: { id: string; name: string };
  checklist: { id: string; version: string; title: string; titleEn: string | null; hash: string };
  respondent: string;
  leaders: string[];
  /** 自查 (the unit's own) or 督导检查 (a supervision group's), by the run's checklist. */
  kind: ChecklistKind;
  /** An inspection's group, its members and how many answers used each method (检查方式). */
  inspection: {
    group: string | null;
    members: string[];
    methods: Record<InspectionMethod, number>;
  } | null;
  status: RunStatus;
  /** Unfinished and set aside for another run (check --new): kept, never resumed. */
  setAside: boolean;
  answered: number;
  total: number;
  /** Required items still without an answer. */
  missingRequired: number;
  counts: Record<Result, number>;
  /** Rectifications this round found (counted here even when a later round continues them). */
  rectifications: number;
  /** The same by status, and overdue: the figures 汇总 and `rectify list` give for them. */
  followUp: FollowUpCounts;
  /** Rectifications not yet done or closed (未整改 / 整改中). */
  openRectifications: number;
  /** Rectifications past their deadline and not done (by the local calendar date). */
  overdueRectifications: number;
  /** Closed rectifications of earlier runs whose item fails again in this run (反弹). */
  relapses: number;
  /**
   * 0–100 by the checklist's scoring rule (weights, 基本符合 partly, 不适用 left out), its grade
   * (好/较好/一般/差 unless the checklist sets its own) and pass; null while nothing counts.
   */
  score: number | null;
  grade: string | null;
  gradeEn: string | null;
  passed: boolean | null;
  startedAt: string;
  finishedAt: string | null;
  updatedAt: string;
}

function rowOf(
  checklist: Checklist,
  slots: readonly RunItem[],
  run: Run,
  unit: Pick<Unit, "id" | "name">,
  answers: readonly AnswerResult[],
  followUp: FollowUpCounts,
  relapses: number,
): StatusRow {
  const state = { slots, answers: new Map(answers.map((a) => [a.itemKey, a])) };
  const tally = tallySlots(state);
  return {
    runId: run.id,
    unit: { id: unit.id, name: unit.name },
    checklist: {
      id: run.checklistId,
      version: run.checklistVersion,
      title: checklist.title,
      titleEn: checklist.title_en ?? null,
      hash: run.checklistHash,
    },
    respondent: run.respondent,
    leaders: run.leaders,
    ...kindOf(checklist, run, answers),
    status: run.status,
    setAside: isSetAside(run),
    answered: tally.answered,
    total: state.slots.length,
    missingRequired: tally.missingRequired,
    counts: tally.counts,
    rectifications: followUp.total,
    followUp,
    openRectifications: followUp.open + followUp.inProgress,
    overdueRectifications: followUp.overdue,
    relapses,
    // The run's items as already expanded (the same list for runs of one version and leaders).
    ...briefScore(scoreAnswers(checklist, answers, run.leaders, slots)),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    updatedAt: run.updatedAt,
  };
}

/** A run's kind and, for an inspection, who inspected and by which methods. */
function kindOf(
  checklist: Checklist,
  run: Run,
  answers: readonly AnswerResult[],
): Pick<StatusRow, "kind" | "inspection"> {
  const kind = checklistKind(checklist);
  if (kind !== "inspection") return { kind, inspection: null };
  return {
    kind,
    inspection: {
      // An inspection run made before runs recorded their group has none.
      group: run.inspection?.group ?? null,
      members: run.inspection?.members ?? [],
      methods: methodCounts(answers),
    },
  };
}

/**
 * Every run (of one unit, when given), by unit name then the order runs were stored in, streamed: the order is
 * worked out first from a few bytes per run, then the runs are read a page at a time in it
 * (the few columns of their answers and rectifications the figures need, aggregated in the
 * database), so that memory does not grow with the rows. Checklists are parsed once per version
 * and their slots expanded once per version and leaders.
 */
export async function* iterateStatusRows(
  store: StoreReads,
  filter: { unitId?: string } = {},
  today: string = localToday(),
): AsyncGenerator<StatusRow> {
  const keys = await store.runKeys({
    ...(filter.unitId ? { unitId: filter.unitId } : {}),
    includeSetAside: true,
  });
  // A unit's runs in the order they were stored (not by start time: a school's clock put right
  // between two rounds would swap them).
  keys.sort((a, b) => (a.unitName === b.unitName ? a.stored - b.stored : compareZh(a.unitName, b.unitName)));
  const slotsOf = new Map<string, readonly RunItem[]>();
  for await (const d of store.runSummaries({ runIds: keys.map((k) => k.runId) })) {
    const checklist = await checklistOfRun(store, d.run);
    const slotsKey = `${d.run.checklistHash} ${JSON.stringify(d.run.leaders)}`;
    const slots = slotsOf.get(slotsKey) ?? runItems(checklist, d.run.leaders);
    // Leaders differ from unit to unit: a few sets are kept, not one per run of a province.
    if (!slotsOf.has(slotsKey) && slotsOf.size >= 16) slotsOf.clear();
    slotsOf.set(slotsKey, slots);
    // A run set aside has no earlier rounds to relapse from.
    const relapses = isSetAside(d.run) ? 0 : relapsesAgainst(d.run, d.closedEarlier, d.answers).length;
    yield rowOf(checklist, slots, d.run, d.unit, d.answers, countFollowUp(d.rectifications, today), relapses);
  }
}

/** The same rows as a list (the table needs them all to size its columns). */
export async function statusRows(
  store: StoreReads,
  filter: { unitId?: string } = {},
  today: string = localToday(),
): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for await (const row of iterateStatusRows(store, filter, today)) rows.push(row);
  return rows;
}
