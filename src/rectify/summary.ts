// Follow-up figures (跟踪问效) for one run or one unit, for `status` and the county summary.
import type { Store } from "../store/store.js";
import type { Run } from "../store/types.js";
import { relapsesIn } from "./compare.js";
import { isOverdue } from "./overdue.js";

export interface FollowUpSummary {
  total: number;
  open: number;
  inProgress: number;
  done: number;
  closed: number;
  /** Deadline passed, not done or closed (by the local calendar: a deadline of today is not late). */
  overdue: number;
  /** Closed rectifications of earlier runs whose item fails again (反弹). */
  relapses: number;
}

export type FollowUpScope = { runId: string } | { unitId: string };

/**
 * For a run: its own rectifications and the relapses it shows. For a unit: all its
 * rectifications, and the relapses shown by its latest run of each checklist.
 */
export function followUpSummary(store: Store, scope: FollowUpScope, today: string): FollowUpSummary {
  const rects = store.listRectifications(
    "runId" in scope ? { runId: scope.runId } : { unitId: scope.unitId },
  );
  const count = (s: string) => rects.filter((r) => r.status === s).length;
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
    total: rects.length,
    open: count("open"),
    inProgress: count("in-progress"),
    done: count("done"),
    closed: count("closed"),
    overdue: rects.filter((r) => isOverdue(r, today)).length,
    relapses: latest.reduce((n, run) => n + relapsesIn(store, run).length, 0),
  };
}
