// Applying a checked answers file: one transaction, so a file is either wholly stored or not
// at all; the run is completed when every required item has an answer. Under the write lock
// the plan is checked against what other processes did since it was made: a run started or
// finished meanwhile makes the caller plan again (RunChanged), and a file that already
// completed a run changes nothing.

import { attachFiles, evidenceCaps } from "../evidence/attach.js";
import type { RunItem } from "../run/items.js";
import { type CheckState, missingRequired } from "../run/machine.js";
import { loadState, startRun } from "../run/runs.js";
import {
  RunAlreadyOpen,
  type SavedAnswer,
  type Store,
  type StoreReads,
  type WriteTx,
} from "../store/port.js";
import { isSetAside, type Run, type Unit } from "../store/types.js";
import type { AnswersPlan } from "./load.js";

export interface Applied {
  kind: "applied";
  unit: Unit;
  run: Run;
  resumed: boolean;
  saved: number;
  /** Rectifications the file opened or revised. */
  rectifications: number;
  /** Evidence files attached (`evidence_files:`). */
  evidenceFiles: number;
  missing: RunItem[];
  finished: boolean;
  state: CheckState;
}

/** The same file (by content) already completed this run: nothing was written. */
export interface AlreadyApplied {
  kind: "already-applied";
  unit: Unit;
  run: Run;
}

export type ApplyOutcome = Applied | AlreadyApplied;

/** The database changed between planning and applying: plan again and retry. */
export class RunChanged extends Error {
  constructor() {
    super("the unit's unfinished run changed while the answers file was being checked");
  }
}

/** The run the plan writes to, checked again under the write lock. */
async function targetRun(
  store: StoreReads,
  plan: AnswersPlan,
): Promise<
  { kind: "resume"; unit: Unit; run: Run } | { kind: "new"; replacing: Run | undefined } | AlreadyApplied
> {
  if (plan.resume) {
    const now = await store.getRun(plan.resume.run.id);
    if (now?.status !== "in-progress" || isSetAside(now)) throw new RunChanged();
    return { kind: "resume", unit: plan.resume.unit, run: now };
  }
  const unit = await store.findUnitByName(plan.unitName);
  const open = unit ? await store.latestRun(unit.id, plan.checklistId, { unfinishedOnly: true }) : undefined;
  if (plan.newRun) return { kind: "new", replacing: open };
  // A run another process started after this plan was made: resume it instead.
  if (open) throw new RunChanged();
  const done = unit
    ? (await store.listRuns({ unitId: unit.id, checklistId: plan.checklistId }))
        .filter((r) => r.status === "complete" && r.answersFileHash === plan.fileHash)
        .at(-1)
    : undefined;
  if (unit && done) return { kind: "already-applied", unit, run: done };
  return { kind: "new", replacing: undefined };
}

export async function applyPlan(store: Store, plan: AnswersPlan): Promise<ApplyOutcome> {
  try {
    return await store.write((tx) => write(tx, plan));
  } catch (e) {
    if (e instanceof RunAlreadyOpen) throw new RunChanged();
    throw e;
  }
}

async function write(store: WriteTx, plan: AnswersPlan): Promise<ApplyOutcome> {
  const target = await targetRun(store, plan);
  if (target.kind === "already-applied") return target;
  let unit: Unit;
  let run: Run;
  if (target.kind === "resume") {
    unit = target.unit;
    run = target.run;
    const leadersChanged = plan.leaders.join("\u0000") !== run.leaders.join("\u0000");
    const groupChanged = JSON.stringify(plan.inspection) !== JSON.stringify(run.inspection);
    if (leadersChanged || groupChanged || plan.respondent !== run.respondent) {
      run = await store.updateRun(run.id, {
        respondent: plan.respondent,
        leaders: plan.leaders,
        inspection: plan.inspection,
      });
    }
  } else {
    if (!plan.loaded) throw new Error("a new run needs a loaded checklist");
    ({ unit, run } = await startRun(store, {
      unitName: plan.unitName,
      loaded: plan.loaded,
      respondent: plan.respondent,
      leaders: plan.leaders,
      inspection: plan.inspection,
      ...(target.replacing ? { replacing: target.replacing } : {}),
    }));
  }
  let rectifications = 0;
  const saved = new Map<string, SavedAnswer>();
  for (const input of plan.inputs) {
    const answer = await store.saveAnswer(run.id, input);
    saved.set(input.itemKey, answer);
    if (answer.rectification) rectifications++;
  }
  const attached = await attachPlanned(store, unit, plan, saved);
  if (run.answersFileHash !== plan.fileHash)
    run = await store.updateRun(run.id, { answersFileHash: plan.fileHash });
  let state = await loadState(store, run);
  const missing = missingRequired(state);
  if (missing.length === 0) {
    run = await store.finishRun(run.id);
    state = { ...state, run, mode: "finished" };
  }
  return {
    kind: "applied",
    unit,
    run,
    resumed: target.kind === "resume",
    saved: plan.inputs.length,
    rectifications,
    evidenceFiles: attached,
    missing,
    finished: missing.length === 0,
    state,
  };
}

/**
 * The files of `evidence_files:`, attached to the answers (or rectifications) just stored, within
 * the unit's cap. A file already attached there (the same content and name: the file applied
 * again) is not attached twice.
 */
async function attachPlanned(
  store: WriteTx,
  unit: Unit,
  plan: AnswersPlan,
  saved: ReadonlyMap<string, SavedAnswer>,
): Promise<number> {
  if (plan.evidence.length === 0) return 0;
  const caps = plan.evidenceCaps ?? evidenceCaps();
  let count = 0;
  for (const e of plan.evidence) {
    const s = saved.get(e.itemKey);
    const target =
      e.on === "rectification" && s?.rectification
        ? { rectificationId: s.rectification.id }
        : s
          ? { answerId: s.answer.id }
          : undefined;
    if (!target) continue;
    const here = await store.listEvidence(target);
    const fresh = e.files.filter((f) => !here.some((h) => h.hash === f.hash && h.name === f.name));
    const done = await attachFiles(store, unit, target, fresh, plan.respondent, caps);
    count += done.files.length;
  }
  return count;
}
