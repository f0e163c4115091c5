// Finding, starting and loading runs: shared by the interactive check and the answers file.
import type { LoadedChecklist } from "../checklist/schema.js";
import { roundsOf } from "../rectify/rounds.js";
import { runItems } from "../run/items.js";
import { newId, type Store } from "../store/store.js";
import type { Run, Unit } from "../store/types.js";
import { type CheckState, initialState } from "./machine.js";
import { checklistOfRun } from "./snapshot.js";

/** The unit's unfinished run of a checklist: the one `check` resumes. */
export function findResumable(
  store: Store,
  unitName: string,
  checklistId: string,
): { unit: Unit; run: Run } | undefined {
  const unit = store.findUnitByName(unitName);
  if (!unit) return undefined;
  const run = store.latestRun(unit.id, checklistId, { unfinishedOnly: true });
  return run ? { unit, run } : undefined;
}

/**
 * Create the unit when new, snapshot the checklist, and start a run: one transaction. The
 * database holds one unfinished run per unit and checklist: `replacing` (check --new) is set
 * aside for the new one, kept with its answers; any other unfinished run makes createRun throw
 * RunAlreadyOpen (another check started it meanwhile).
 */
export function startRun(
  store: Store,
  input: {
    unitName: string;
    loaded: LoadedChecklist;
    respondent: string;
    leaders: string[];
    replacing?: Run;
  },
): { unit: Unit; run: Run } {
  return store.transaction(() => {
    const unit = store.ensureUnit(input.unitName);
    const snapshot = store.saveSnapshot(input.loaded);
    const id = newId();
    if (input.replacing) store.supersedeRun(input.replacing.id, id);
    const run = store.createRun({
      id,
      unitId: unit.id,
      snapshot,
      respondent: input.respondent,
      leaders: input.leaders,
    });
    return { unit, run };
  });
}

/**
 * A run's state as stored: its snapshot's slots, its answers with the rectifications they opened
 * or continued, the unit's rectifications of earlier rounds still not closed, the drafts, and the
 * cursor at the first unanswered item.
 */
export function loadState(store: Store, run: Run): CheckState {
  const checklist = checklistOfRun(store, run);
  const ledger = store.listRectifications({ unitId: run.unitId, checklistId: run.checklistId });
  return initialState(run, runItems(checklist, run.leaders), store.listAnswers(run.id), ledger, {
    carried: ledger.filter((r) => r.status !== "closed" && r.continuedBy === null && r.runId !== run.id),
    drafts: store.listDrafts(run.id),
    rounds: roundsOf(store.listRuns({ unitId: run.unitId, checklistId: run.checklistId })),
  });
}
