// Who has started (已开展) and who has not (未开展): with a roster loaded, the bureau sees
// the units that sent nothing. Used by `units list`, `status` and `export --all` (汇总).
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";

export interface UnitCoverage {
  unit: Unit;
  /** Runs of any checklist. */
  runs: number;
  completeRuns: number;
  hasRun: boolean;
}

/** Every unit, by name as Chinese readers sort it (pinyin, like `status`), with how many runs it has. */
export async function rosterCoverage(store: StoreReads): Promise<UnitCoverage[]> {
  const runs = new Map<string, { runs: number; complete: number }>();
  for (const r of await store.listRuns()) {
    const c = runs.get(r.unitId) ?? { runs: 0, complete: 0 };
    c.runs++;
    if (r.status === "complete") c.complete++;
    runs.set(r.unitId, c);
  }
  return (await store.listUnits())
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"))
    .map((unit) => {
      const c = runs.get(unit.id);
      return { unit, runs: c?.runs ?? 0, completeRuns: c?.complete ?? 0, hasRun: (c?.runs ?? 0) > 0 };
    });
}

/** The units of the roster that have not started (未开展). */
export async function unitsWithoutRuns(store: StoreReads): Promise<Unit[]> {
  return (await rosterCoverage(store)).filter((c) => !c.hasRun).map((c) => c.unit);
}
