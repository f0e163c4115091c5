// Follow-up figures (跟踪问效) for one run or one unit, for `status` and the county summary.

import { relapsesIn } from "../compare/compare.js";
import type { StoreReads } from "../store/port.js";
import type { Run } from "../store/types.js";
import { countFollowUp, type FollowUpCounts } from "./counts.js";

export interface FollowUpSummary extends FollowUpCounts {
  /** Closed rectifications of earlier runs whose item fails again (反弹). */
  relapses: number;
}

export type FollowUpScope = { runId: string } | { unitId: string };

/**
 * For a run: the rectifications it found (a problem continued in a later round stays counted
 * in the round that found it, so a unit's runs add up to its ledger) and the relapses it shows.
 * For a unit: its whole ledger, and the relapses shown by its latest run of each checklist.
 */
export async function followUpSummary(
  store: StoreReads,
  scope: FollowUpScope,
  today: string,
): Promise<FollowUpSummary> {
  const rects = await store.listRectifications(
    "runId" in scope ? { runId: scope.runId } : { unitId: scope.unitId },
  );
  let latest: Run[];
  if ("runId" in scope) {
    const run = await store.getRun(scope.runId);
    latest = run ? [run] : [];
  } else {
    const byChecklist = new Map<string, Run>();
    for (const r of await store.listRuns({ unitId: scope.unitId })) byChecklist.set(r.checklistId, r);
    latest = [...byChecklist.values()];
  }
  let relapses = 0;
  for (const run of latest) relapses += (await relapsesIn(store, run)).length;
  return { ...countFollowUp(rects, today), relapses };
}
