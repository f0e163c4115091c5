// Follow-up figures (跟踪问效) for one run or one unit, for `status` and the county summary.
import type { Store } from "../store/store.js";
import type { Run } from "../store/types.js";
import { relapsesIn } from "./compare.js";
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
export function followUpSummary(store: Store, scope: FollowUpScope, today: string): FollowUpSummary {
  const rects = store.listRectifications(
    "runId" in scope ? { runId: scope.runId } : { unitId: scope.unitId },
  );
  let latest: Run[];
  if ("runId" in scope) {
    const run = store.getRun(scope.runId);
    latest = run ? [run] : [];
  } else {
    const byChecklist = new Map<string, Run>();
    for (const r of store.listRuns({ unitId: scope.unitId })) byChecklist.set(r.checklistId, r);
    latest = [...byChecklist.values()];
  }
  return {
    ...countFollowUp(rects, today),
    relapses: latest.reduce((n, run) => n + relapsesIn(store, run).length, 0),
  };
}
