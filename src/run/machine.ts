// The check flow as a pure state machine: where the person is (cursor), what is
// answered, and the moves between items. It never prompts and never writes; the driver
// (session.ts) asks through `Ask`, commits through the store, then feeds the facts in.

import type { Result } from "../checklist/schema.js";
import { opensRectification } from "../checklist/schema.js";
import type { Answer, AnswerDraft, Rectification, Run } from "../store/types.js";
import type { RunItem } from "./items.js";

export type Mode = "item" | "review" | "paused" | "finished";

export interface CheckState {
  readonly run: Run;
  readonly slots: readonly RunItem[];
  /** Stored answers by item key. */
  readonly answers: ReadonlyMap<string, Answer>;
  /**
   * The rectification each answer opened or continued, by item key, to offer its fields again
   * when an answer is revised.
   */
  readonly rectifications: ReadonlyMap<string, Rectification>;
  /**
   * The unit's rectifications not closed yet from earlier rounds, by item key: shown before the
   * item is asked, continued by a partial/fail answer, offered to be marked done by a pass.
   */
  readonly carried: ReadonlyMap<string, Rectification>;
  /** What was typed for answers not given yet (kept through Ctrl-C or a killed process). */
  readonly drafts: ReadonlyMap<string, AnswerDraft>;
  /** The round (轮次) of every run of the unit's checklist, by run id; this run's is `round`. */
  readonly rounds: ReadonlyMap<string, number>;
  readonly round: number;
  /** Index of the slot being asked (meaningful in `item` mode). */
  readonly cursor: number;
  readonly mode: Mode;
}

/** A run's slots and its answers by item key: what the counts below need of a check state. */
export interface SlotAnswers {
  readonly slots: readonly RunItem[];
  readonly answers: ReadonlyMap<string, { readonly result: Result }>;
}

export type CheckEvent =
  /** An answer was committed to the store (its draft is gone with it). */
  | {
      type: "answered";
      answer: Answer;
      rectification: Rectification | null;
      /** An earlier round's rectification the answer continued or marked done, as it is now. */
      carried?: Rectification | null;
    }
  /** A field of an answer being typed was kept. */
  | { type: "drafted"; draft: AnswerDraft }
  /** The person chose to start the item afresh. */
  | { type: "draftDiscarded"; key: string }
  | { type: "back" }
  | { type: "skip" }
  /** Keep the stored answer and move on. */
  | { type: "keep" }
  | { type: "goto"; index: number }
  | { type: "review" }
  | { type: "pause" }
  /** The run was marked complete in the store. */
  | { type: "finished"; run: Run };

export function unanswered(state: SlotAnswers): RunItem[] {
  return state.slots.filter((s) => !state.answers.has(s.key));
}

/** Required slots still without an answer: these block finishing. */
export function missingRequired(state: SlotAnswers): RunItem[] {
  return state.slots.filter((s) => s.required && !state.answers.has(s.key));
}

export function canFinish(state: CheckState): boolean {
  return state.run.status === "in-progress" && missingRequired(state).length === 0;
}

export function current(state: CheckState): RunItem | undefined {
  return state.mode === "item" ? state.slots[state.cursor] : undefined;
}

export function countResults(state: SlotAnswers): Record<Result, number> {
  const counts: Record<Result, number> = { pass: 0, partial: 0, fail: 0, na: 0 };
  for (const s of state.slots) {
    const a = state.answers.get(s.key);
    if (a) counts[a.result]++;
  }
  return counts;
}

/** answeredCount, missingRequired's length and countResults in one pass over the slots. */
export function tallySlots(state: SlotAnswers): {
  answered: number;
  missingRequired: number;
  counts: Record<Result, number>;
} {
  const counts: Record<Result, number> = { pass: 0, partial: 0, fail: 0, na: 0 };
  let answered = 0;
  let missing = 0;
  for (const s of state.slots) {
    const a = state.answers.get(s.key);
    if (a) {
      answered++;
      counts[a.result]++;
    } else if (s.required) missing++;
  }
  return { answered, missingRequired: missing, counts };
}

export function answeredCount(state: SlotAnswers): number {
  return state.slots.filter((s) => state.answers.has(s.key)).length;
}

/**
 * Where a run picks up: the first unanswered slot, or the review when every slot has
 * an answer (a run left unfinished at its summary).
 */
export function initialState(
  run: Run,
  slots: readonly RunItem[],
  answers: readonly Answer[],
  rectifications: readonly Rectification[] = [],
  more: {
    carried?: readonly Rectification[];
    drafts?: readonly AnswerDraft[];
    rounds?: ReadonlyMap<string, number>;
  } = {},
): CheckState {
  const byKey = new Map(answers.map((a) => [a.itemKey, a]));
  const linked = new Set(answers.map((a) => a.rectificationId).filter((id) => id !== null));
  const isProblem = (key: string) => {
    const r = byKey.get(key)?.result;
    return r !== undefined && opensRectification(r);
  };
  const rects = new Map(
    rectifications
      .filter(
        (r) => linked.has(r.id) && byKey.get(r.itemKey)?.rectificationId === r.id && isProblem(r.itemKey),
      )
      .map((r) => [r.itemKey, r]),
  );
  const carried = new Map((more.carried ?? []).filter((r) => r.runId !== run.id).map((r) => [r.itemKey, r]));
  const drafts = new Map((more.drafts ?? []).map((d) => [d.itemKey, d]));
  const rounds = more.rounds ?? new Map<string, number>();
  const round = rounds.get(run.id) ?? 1;
  const base = { run, slots, answers: byKey, rectifications: rects, carried, drafts, rounds, round };
  if (run.status === "complete") return { ...base, cursor: 0, mode: "finished" };
  const first = slots.findIndex((s) => !byKey.has(s.key));
  return first < 0
    ? { ...base, cursor: Math.max(0, slots.length - 1), mode: "review" }
    : { ...base, cursor: first, mode: "item" };
}

/**
 * Move on from the cursor: the next slot after it that has no answer yet, or the review when
 * none is left after it. After a resume or a jump the walk goes forward, never back through
 * what is already answered.
 */
function advance(state: CheckState): CheckState {
  for (let i = state.cursor + 1; i < state.slots.length; i++) {
    const slot = state.slots[i];
    if (slot && !state.answers.has(slot.key)) return { ...state, cursor: i, mode: "item" };
  }
  return { ...state, mode: "review" };
}

export function reduce(state: CheckState, event: CheckEvent): CheckState {
  if (state.mode === "finished" || state.mode === "paused") return state;
  switch (event.type) {
    case "answered": {
      const answers = new Map(state.answers);
      answers.set(event.answer.itemKey, event.answer);
      const key = event.answer.itemKey;
      const rectifications = new Map(state.rectifications);
      if (event.rectification) rectifications.set(key, event.rectification);
      else rectifications.delete(key);
      const carried = new Map(state.carried);
      if (event.carried) carried.set(key, event.carried);
      const drafts = new Map(state.drafts);
      drafts.delete(key);
      const index = state.slots.findIndex((s) => s.key === key);
      return advance({
        ...state,
        answers,
        rectifications,
        carried,
        drafts,
        cursor: index < 0 ? state.cursor : index,
      });
    }
    case "drafted": {
      const drafts = new Map(state.drafts);
      drafts.set(event.draft.itemKey, event.draft);
      return { ...state, drafts };
    }
    case "draftDiscarded": {
      const drafts = new Map(state.drafts);
      drafts.delete(event.key);
      return { ...state, drafts };
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
