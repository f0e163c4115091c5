// Finding, starting and loading runs: shared by the interactive check and the answers file.

import { randomUUID as newId } from "node:crypto";
import type { LoadedChecklist } from "../checklist/schema.js";
import { roundsOf } from "../rectify/rounds.js";
import type { StoreReads, WriteTx } from "../store/port.js";
import type { InspectionGroup, Run, Unit } from "../store/types.js";
import { runItems } from "./items.js";
import { type CheckState, initialState } from "./machine.js";
import { checklistOfRun } from "./snapshot.js";

/** The unit's unfinished run of a checklist: the one `check` resumes. */
export async function findResumable(
  store: StoreReads,
  unitName: string,
  checklistId: string,
): Promise<{ unit: Unit; run: Run } | undefined> {
  const unit = await store.findUnitByName(unitName);
  if (!unit) return undefined;
  const run = await store.latestRun(unit.id, checklistId, { unfinishedOnly: true });
  return run ? { unit, run } : undefined;
}

/**
 * Create the unit when new, snapshot the checklist, and start a run, in the caller's write
 * transaction (`tx`), so that all of it is stored or none. The
 * database holds one unfinished run per unit and checklist: `replacing` (check --new) is set
 * aside for the new one, kept with its answers; any other unfinished run makes createRun throw
 * RunAlreadyOpen (another check started it meanwhile).
 */
export async function startRun(
  tx: WriteTx,
  input: {
    unitName: string;
    loaded: LoadedChecklist;
    respondent: string;
    leaders: string[];
    /** The supervision group of an inspection run. */
    inspection?: InspectionGroup | null;
    replacing?: Run;
  },
): Promise<{ unit: Unit; run: Run }> {
  const unit = await tx.ensureUnit(input.unitName);
  const snapshot = await tx.saveSnapshot(input.loaded);
  const id = newId();
  if (input.replacing) await tx.supersedeRun(input.replacing.id, id);
  const run = await tx.createRun({
    id,
    unitId: unit.id,
    snapshot,
    respondent: input.respondent,
    leaders: input.leaders,
    inspection: input.inspection ?? null,
  });
  return { unit, run };
}

/**
 * A run's state as stored: its snapshot's slots, its answers with the rectifications they opened
 * or continued, the unit's rectifications of earlier rounds still not closed, the drafts, and the
 * cursor at the first unanswered item.
 */
export async function loadState(store: StoreReads, run: Run): Promise<CheckState> {
  const checklist = await checklistOfRun(store, run);
  const ledger = await store.listRectifications({ unitId: run.unitId, checklistId: run.checklistId });
  return initialState(run, runItems(checklist, run.leaders), await store.listAnswers(run.id), ledger, {
    carried: ledger.filter((r) => r.status !== "closed" && r.continuedBy === null && r.runId !== run.id),
    drafts: await store.listDrafts(run.id),
    rounds: roundsOf(await store.listRuns({ unitId: run.unitId, checklistId: run.checklistId })),
  });
}
