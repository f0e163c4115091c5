// 轮次: a unit's runs of a checklist, oldest first, are its rounds 1, 2, 3…; a rectification
// belongs to the round of the run that found it.
import type { Run } from "../store/types.js";

/** Round number (from 1) of every run, counted per unit and checklist in the store's run order. */
export function roundsOf(runs: readonly Run[]): Map<string, number> {
  const next = new Map<string, number>();
  const out = new Map<string, number>();
  for (const run of runs) {
    const key = `${run.unitId}\u0000${run.checklistId}`;
    const n = (next.get(key) ?? 0) + 1;
    next.set(key, n);
    out.set(run.id, n);
  }
  return out;
}
