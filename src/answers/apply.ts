// Applying a checked answers file: one transaction, so a file is either wholly stored
// or not at all; the run is completed when every required item has an answer.
import { type CheckState, missingRequired } from "../check/machine.js";
import { loadState, startRun } from "../check/runs.js";
import type { Slot } from "../check/slots.js";
import { userError } from "../errors.js";
import type { Store } from "../store/store.js";
import type { Run, Unit } from "../store/types.js";
import type { AnswersPlan } from "./load.js";

export interface ApplyOutcome {
  unit: Unit;
  run: Run;
  resumed: boolean;
  saved: number;
  /** Rectifications the file opened or revised. */
  rectifications: number;
  missing: Slot[];
  finished: boolean;
  state: CheckState;
}

export function applyPlan(store: Store, plan: AnswersPlan): ApplyOutcome {
  return store.transaction(() => {
    let unit: Unit;
    let run: Run;
    if (plan.resume) {
      // Checked again under the write lock: another check may have finished it meanwhile.
      const now = store.getRun(plan.resume.run.id);
      if (now?.status !== "in-progress") throw userError("answers.runChanged", { unit: plan.unitName });
      unit = plan.resume.unit;
      run = now;
      const leadersChanged = plan.leaders.join("\u0000") !== run.leaders.join("\u0000");
      if (leadersChanged || plan.respondent !== run.respondent) {
        run = store.updateRun(run.id, { respondent: plan.respondent, leaders: plan.leaders });
      }
    } else {
      if (!plan.loaded) throw new Error("a new run needs a loaded checklist");
      ({ unit, run } = startRun(store, {
        unitName: plan.unitName,
        loaded: plan.loaded,
        respondent: plan.respondent,
        leaders: plan.leaders,
      }));
    }
    let rectifications = 0;
    for (const input of plan.inputs) {
      if (store.saveAnswer(run.id, input).rectification) rectifications++;
    }
    let state = loadState(store, run);
    const missing = missingRequired(state);
    if (missing.length === 0) {
      run = store.finishRun(run.id);
      state = { ...state, run, mode: "finished" };
    }
    return {
      unit,
      run,
      resumed: plan.resume !== null,
      saved: plan.inputs.length,
      rectifications,
      missing,
      finished: missing.length === 0,
      state,
    };
  });
}
