// Who has started (已开展) and who has not (未开展): with a roster loaded, the bureau sees
// the units that sent nothing. Used by `units list`, `status` and `export --all` (汇总).
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { compareZh } from "../util/collate.js";

export interface UnitCoverage {
  unit: Unit;
  /** Runs of any checklist. */
  runs: number;
  completeRuns: number;
  hasRun: boolean;
}

/** Every unit, by name as Chinese readers sort it (pinyin, like `status`), with how many runs it has. */
export async function rosterCoverage(store: StoreReads): Promise<UnitCoverage[]> {
  // One query for every unit and its counts, not one per unit.
  return (await store.unitRunCounts())
    .sort((a, b) => compareZh(a.unit.name, b.unit.name))
    .map((c) => ({ unit: c.unit, runs: c.runs, completeRuns: c.completeRuns, hasRun: c.runs > 0 }));
}

/** The units of the roster that have not started (未开展). */
export async function unitsWithoutRuns(store: StoreReads): Promise<Unit[]> {
  // Picked by the database: a province's roster is not read to find the few who sent nothing.
  return (await store.unitRunCounts({ withoutRunsOnly: true }))
    .sort((a, b) => compareZh(a.unit.name, b.unit.name))
    .map((c) => c.unit);
}
