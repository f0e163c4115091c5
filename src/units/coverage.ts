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

/** How many units are read at a time, in the list's order. */
const COVERAGE_PAGE = 500;

/**
 * Every unit, by name as Chinese readers sort it (pinyin, like `status`), with how many runs it
 * has: the order is worked out from each unit's id and name, then the units and their counts are
 * read a page at a time in it (a query per page, not per unit), so that a province's roster is
 * never held whole.
 */
export async function* iterateRosterCoverage(store: StoreReads): AsyncGenerator<UnitCoverage> {
  const order = await idsByName(store);
  for (let i = 0; i < order.length; i += COVERAGE_PAGE) {
    const ids = order.slice(i, i + COVERAGE_PAGE);
    const counts = new Map((await store.unitRunCounts({ unitIds: ids })).map((c) => [c.unit.id, c]));
    for (const id of ids) {
      const c = counts.get(id);
      if (c) yield { unit: c.unit, runs: c.runs, completeRuns: c.completeRuns, hasRun: c.runs > 0 };
    }
  }
}

/** Every unit's id, by name (names the collator ranks equal in code point order, then as stored). */
async function idsByName(store: StoreReads): Promise<string[]> {
  const { ids, names } = await store.unitIdsAndNames();
  const at = (i: number) => names[i] ?? "";
  const order = Array.from(ids.keys()).sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return compareZh(x, y) || (x < y ? -1 : x > y ? 1 : 0);
  });
  return order.map((i) => ids[i] ?? "");
}

/** The same, as a list (a table sizes its columns from every row). */
export async function rosterCoverage(store: StoreReads): Promise<UnitCoverage[]> {
  const out: UnitCoverage[] = [];
  for await (const c of iterateRosterCoverage(store)) out.push(c);
  return out;
}

/** The units of the roster that have not started (未开展). */
export async function unitsWithoutRuns(store: StoreReads): Promise<Unit[]> {
  // Picked by the database: a province's roster is not read to find the few who sent nothing.
  return (await store.unitRunCounts({ withoutRunsOnly: true }))
    .sort((a, b) => compareZh(a.unit.name, b.unit.name))
    .map((c) => c.unit);
}
