// The check flow as a pure state machine: where the person is (cursor), what is
// answered, and the moves between items. It never prompts and never writes; the driver
// (session.ts) asks through `Ask`, commits through the store, then feeds the facts in.
import type { Result } from "../checklist/schema.js";
import type { Answer, Rectification, Run } from "../store/types.js";
import type { Slot } from "./slots.js";

export type Mode = "item" | "review" | "paused" | "finished";

export interface CheckState {
  readonly run: Run;
  readonly slots: readonly Slot[];
  /** Stored answers by item key. */
  readonly answers: ReadonlyMap<string, Answer>;
  /** Open rectifications by item key, to offer their fields again when an answer is revised. */
  readonly rectifications: ReadonlyMap<string, Rectification>;
  /** Index of the slot being asked (meaningful in `item` mode). */
  readonly cursor: number;
  readonly mode: Mode;
}

export type CheckEvent =
  /** An answer was committed to the store. */
  | { type: "answered"; answer: Answer; rectification: Rectification | null }
  | { type: "back" }
  | { type: "skip" }
  /** Keep the stored answer and move on. */
  | { type: "keep" }
  | { type: "goto"; index: number }
  | { type: "review" }
  | { type: "pause" }
  /** The run was marked complete in the store. */
  | { type: "finished"; run: Run };

export function unanswered(state: Pick<CheckState, "slots" | "answers">): Slot[] {
  return state.slots.filter((s) => !state.answers.has(s.key));
}

/** Required slots still without an answer: these block finishing. */
export function missingRequired(state: Pick<CheckState, "slots" | "answers">): Slot[] {
  return state.slots.filter((s) => s.required && !state.answers.has(s.key));
}

export function canFinish(state: CheckState): boolean {
  return state.run.status === "in-progress" && missingRequired(state).length === 0;
}

export function current(state: CheckState): Slot | undefined {
  return state.mode === "item" ? state.slots[state.cursor] : undefined;
}

export function countResults(state: Pick<CheckState, "slots" | "answers">): Record<Result, number> {
  const counts: Record<Result, number> = { pass: 0, partial: 0, fail: 0, na: 0 };
  for (const s of state.slots) {
    const a = state.answers.get(s.key);
    if (a) counts[a.result]++;
  }
  return counts;
}

export function answeredCount(state: Pick<CheckState, "slots" | "answers">): number {
  return state.slots.filter((s) => state.answers.has(s.key)).length;
}

/**
 * Where a run picks up: the first unanswered slot, or the review when every slot has
 * an answer (a run left unfinished at its summary).
 */
export function initialState(
  run: Run,
  slots: readonly Slot[],
  answers: readonly Answer[],
  rectifications: readonly Rectification[] = [],
): CheckState {
  const byKey = new Map(answers.map((a) => [a.itemKey, a]));
  const rects = new Map(rectifications.filter((r) => r.runId === run.id).map((r) => [r.itemKey, r]));
  const base = { run, slots, answers: byKey, rectifications: rects };
  if (run.status === "complete") return { ...base, cursor: 0, mode: "finished" };
  const first = slots.findIndex((s) => !byKey.has(s.key));
  return first < 0
    ? { ...base, cursor: Math.max(0, slots.length - 1), mode: "review" }
    : { ...base, cursor: first, mode: "item" };
}

/** Move on from the cursor: the next slot in order, or the review after the last one. */
function advance(state: CheckState): CheckState {
  const next = state.cursor + 1;
  return next < state.slots.length ? { ...state, cursor: next, mode: "item" } : { ...state, mode: "review" };
}

export function reduce(state: CheckState, event: CheckEvent): CheckState {
  if (state.mode === "finished" || state.mode === "paused") return state;
  switch (event.type) {
    case "answered": {
      const answers = new Map(state.answers);
      answers.set(event.answer.itemKey, event.answer);
      const rectifications = new Map(state.rectifications);
      if (event.rectification) rectifications.set(event.answer.itemKey, event.rectification);
      else rectifications.delete(event.answer.itemKey);
      const index = state.slots.findIndex((s) => s.key === event.answer.itemKey);
      return advance({ ...state, answers, rectifications, cursor: index < 0 ? state.cursor : index });
    }
    case "keep":
    case "skip":
      return state.mode === "item" ? advance(state) : state;
    case "back":
      if (state.mode === "review")
        return { ...state, cursor: Math.max(0, state.slots.length - 1), mode: "item" };
      return { ...state, cursor: Math.max(0, state.cursor - 1) };
    case "goto":
      if (event.index < 0 || event.index >= state.slots.length) return state;
      return { ...state, cursor: event.index, mode: "item" };
    case "review":
      return { ...state, mode: "review" };
    case "pause":
      return { ...state, mode: "paused" };
    case "finished":
      // The driver only finishes a run with every required item answered.
      if (missingRequired(state).length > 0)
        throw new Error("a run cannot finish with required items unanswered");
      return { ...state, run: event.run, mode: "finished" };
  }
}
