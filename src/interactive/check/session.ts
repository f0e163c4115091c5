// The driver of an interactive check: it asks through `Ask`, commits every answer to
// the store the moment it is given, and feeds the outcome to the state machine. Ctrl-C,
// a closed terminal or a killed process can only lose the answer being typed.
import stringWidth from "string-width";
import type { Checklist, Result } from "../../checklist/schema.js";
import { type Lang, localized, t } from "../../i18n/index.js";
import { daysOverdue } from "../../rectify/overdue.js";
import { statusKey } from "../../rectify/status.js";
import { fieldLabel, resultLabel } from "../../run/fields.js";
import type { RunItem } from "../../run/items.js";
import {
  answeredCount,
  type CheckState,
  countResults,
  missingRequired,
  reduce,
  unanswered,
} from "../../run/machine.js";
import type { Store } from "../../store/port.js";
import type { Answer, AnswerDraft, Rectification } from "../../store/types.js";
import type { Palette } from "../../util/color.js";
import { padDisplay, wrapIndented, wrapText } from "../../util/wrap.js";
import type { Ask, Choice, ChoiceEntry } from "../ask/types.js";
import { separator } from "../ask/types.js";
import { askAnswer, type FormDeps } from "./answer-form.js";
import { draftFields, draftLines, keptMessage } from "./kept.js";
import { saveAnswerWithFiles } from "./save-answer.js";

export interface SessionDeps {
  store: Store;
  ask: Ask;
  /** The checklist the run uses (its stored snapshot). */
  checklist: Checklist;
  unitName: string;
  /** Local calendar date: deadlines before it are refused. */
  today: string;
  lang: Lang;
  style: Palette;
  /** Width of the terminal, for wrapping long item text (80 when unknown). */
  columns?: number;
  /** Given, each answer may attach evidence files (paths from `cwd`, within the caps). */
  evidence?: FormDeps["evidence"];
}

type ItemAction =
  | "pass"
  | "partial"
  | "fail"
  | "na"
  | "resume"
  | "keep"
  | "info"
  | "back"
  | "skip"
  | "review"
  | "pause";
type ReviewAction = "finish" | "first" | "pick" | "back" | "pause";

/** Cut long text for one-line lists; CJK characters count double, as on screen. */
export function clip(text: string, columns: number): string {
  let width = 0;
  let out = "";
  for (const ch of text.replace(/\s+/g, " ")) {
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
        ? 2
        : 1;
    if (width > columns - 1) return `${out}…`;
    out += ch;
  }
  return out;
}

export function slotTitle(slot: RunItem, lang: Lang): string {
  const section = localized(slot.section.title, slot.section.title_en, lang);
  return slot.leader === null ? section : `${section} · ${slot.leader}`;
}

export function slotText(slot: RunItem, lang: Lang): string {
  return localized(slot.item.text, slot.item.text_en, lang);
}

export function describeAnswer(a: Answer, lang: Lang): string {
  const extra = a.result === "na" ? a.naReason : a.note;
  return extra
    ? t("check.answer.withNote", { answer: resultLabel(a.result, lang), note: clip(extra, 40) }, lang)
    : resultLabel(a.result, lang);
}

export function summaryLine(state: CheckState, lang: Lang): string {
  const counts = countResults(state);
  const parts = (["pass", "partial", "fail", "na"] as const).map(
    (r) => `${resultLabel(r, lang)} ${counts[r]}`,
  );
  return t("check.summary.line", {
    answered: answeredCount(state),
    total: state.slots.length,
    counts: parts.join(" · "),
  });
}

/** The line a stop or a pause ends with: what is kept, drafts included. */
async function keptLines(deps: SessionDeps, state: CheckState): Promise<string[]> {
  const drafts = await deps.store.listDrafts(state.run.id);
  return draftLines(drafts, state.slots, (s) => slotTitle(s, deps.lang));
}

/**
 * Drafts of items the walk would not come to by itself (answered items being revised): offer to
 * go to the first of them before anything else.
 */
async function offerDrafts(deps: SessionDeps, state: CheckState): Promise<CheckState> {
  if (state.mode !== "item" && state.mode !== "review") return state;
  // A draft of the item the walk starts at is shown with that item.
  const here = state.mode === "item" ? state.slots[state.cursor]?.key : undefined;
  const drafts = [...state.drafts.values()].filter((d) => d.itemKey !== here);
  if (drafts.length === 0) return state;
  const c = deps.style;
  deps.ask.say(c.yellow(t("check.draft.elsewhere", { count: drafts.length })));
  for (const line of draftLines(drafts, state.slots, (s) => slotTitle(s, deps.lang)))
    deps.ask.say(`  ${line}`);
  const target = state.slots.find((s) => s.key !== here && state.drafts.has(s.key));
  if (!target) return state;
  const go = await deps.ask.confirm({
    message: t("check.draft.goThere", { position: `${target.index + 1}/${state.slots.length}` }),
    default: true,
  });
  return go ? reduce(state, { type: "goto", index: target.index }) : state;
}

export async function runSession(deps: SessionDeps, initial: CheckState): Promise<CheckState> {
  let state = initial;
  try {
    state = await offerDrafts(deps, state);
    while (state.mode === "item" || state.mode === "review") {
      state = state.mode === "item" ? await itemStep(deps, state) : await reviewStep(deps, state);
    }
  } catch (e) {
    // Ctrl-C at a prompt: say exactly what is kept (the entry point prints it, exit 130).
    if (e instanceof Error && e.name === "ExitPromptError") {
      Object.assign(e, {
        kept: await keptMessage(deps.store, state.run, state.slots, deps.unitName, (s) =>
          slotTitle(s, deps.lang),
        ),
      });
    }
    throw e;
  }
  const c = deps.style;
  if (state.mode === "paused") {
    deps.ask.say(
      c.green(
        t("check.paused", {
          answered: answeredCount(state),
          total: state.slots.length,
          unit: deps.unitName,
          checklist: state.run.checklistId,
        }),
      ),
    );
    for (const line of await keptLines(deps, state)) deps.ask.say(line);
  } else if (state.mode === "finished") {
    deps.ask.say(
      c.green(
        t("check.finished", {
          unit: deps.unitName,
          title: localized(deps.checklist.title, deps.checklist.title_en, deps.lang),
        }),
      ),
    );
    deps.ask.say(summaryLine(state, deps.lang));
    deps.ask.say(t("check.finished.rectifications", { count: state.rectifications.size }));
    deps.ask.say(c.dim(t("check.finished.next", { unit: deps.unitName })));
  }
  return state;
}

// ───────────────────────── one item ─────────────────────────

function resultChoices(lang: Lang): Choice<ItemAction>[] {
  return (["pass", "partial", "fail", "na"] as const).map((r) => ({ value: r, name: resultLabel(r, lang) }));
}

const deadlineText = (r: Rectification, today: string): string => {
  if (r.deadline === null) return "—";
  const late = daysOverdue(r, today);
  return late === null ? r.deadline : t("check.carried.late", { deadline: r.deadline, days: late });
};

/** The problem an earlier round found and that is not closed yet, before the result is asked. */
function carriedBlock(deps: SessionDeps, state: CheckState, r: Rectification): string[] {
  const c = deps.style;
  const width = deps.columns ?? 80;
  const round = state.rounds.get(r.runId) ?? "?";
  const label = (f: "problem" | "measure") => `  ${fieldLabel(f)}${t("check.carried.colon")}`;
  const lines = [
    c.yellow(t("check.carried.title", { round, status: t(statusKey(r.status)) })),
    `${label("problem")}${wrapIndented(r.problem, width - stringWidth(label("problem")), " ".repeat(stringWidth(label("problem"))))}`,
    `  ${t("check.carried.owner", { owner: r.owner, deadline: deadlineText(r, deps.today) })}`,
  ];
  if (r.status === "done") lines.push(`  ${c.dim(t("check.carried.doneWaiting"))}`);
  lines.push(c.dim(`  ${t(r.status === "done" ? "check.carried.hintDone" : "check.carried.hint")}`));
  return lines;
}

function itemChoices(slot: RunItem, prev: Answer | undefined, draft: AnswerDraft | undefined, lang: Lang) {
  const action = (value: ItemAction, name: string, more: Partial<Choice<ItemAction>> = {}) => ({
    value,
    name,
    echo: false as const,
    ...more,
  });
  const choices: ChoiceEntry<ItemAction>[] = [
    ...(draft
      ? [
          action("resume", t("check.action.resumeDraft", { result: resultLabel(draft.result, lang) }), {
            echo: resultLabel(draft.result, lang),
          }),
        ]
      : []),
    // On an answered item one key keeps the answer and moves on.
    ...(prev ? [action("keep", t("check.action.keep"))] : []),
    ...resultChoices(lang),
    separator(),
    action("info", t("check.action.info")),
    action(
      "back",
      t("check.action.back"),
      slot.index === 0 ? { disabled: t("check.action.back.first") } : {},
    ),
    action("skip", t("check.action.skip")),
    action("review", t("check.action.review")),
    action("pause", t("check.action.pause")),
  ];
  return choices;
}

async function itemStep(deps: SessionDeps, state: CheckState): Promise<CheckState> {
  const { ask, lang } = deps;
  const c = deps.style;
  const slot = state.slots[state.cursor]!;
  const prev = state.answers.get(slot.key);
  const carried = state.carried.get(slot.key);
  const draft = state.drafts.get(slot.key);
  ask.say("");
  const optional = slot.required ? "" : c.dim(t("check.review.optionalMark"));
  ask.say(c.bold(c.cyan(`${slotTitle(slot, lang)} · ${slot.index + 1}/${state.slots.length}`)) + optional);
  ask.say(c.bold(wrapText(slotText(slot, lang), deps.columns ?? 80).join("\n")));
  if (prev) ask.say(c.dim(t("check.item.current", { answer: describeAnswer(prev, lang) })));
  if (carried) for (const line of carriedBlock(deps, state, carried)) ask.say(line);
  if (draft) {
    const fields = draftFields(draft);
    ask.say(
      c.yellow(
        fields.length > 0
          ? t("check.draft.found", {
              result: resultLabel(draft.result, lang),
              fields: fields.join(t("check.kept.sep")),
            })
          : t("check.draft.foundResultOnly", { result: resultLabel(draft.result, lang) }),
      ),
    );
  }
  const choices = itemChoices(slot, prev, draft, lang);
  const fallback = draft ? "resume" : prev ? "keep" : undefined;
  for (;;) {
    const action = await ask.select<ItemAction>({
      message: t("check.ask.result"),
      choices,
      ...(fallback ? { default: fallback } : {}),
    });
    switch (action) {
      case "info":
        ask.say(itemInfo(slot, c));
        continue;
      case "keep":
        if (draft) await deps.store.deleteDraft(state.run.id, slot.key);
        return reduce(draft ? reduce(state, { type: "draftDiscarded", key: slot.key }) : state, {
          type: "keep",
        });
      case "back":
      case "skip":
      case "review":
      case "pause":
        return reduce(state, { type: action });
      default:
        return answerItem(deps, state, slot, action === "resume" ? draft!.result : action);
    }
  }
}

/** The method recorded for the nearest item before `slot` that has one (an inspection's default). */
function previousMethod(state: CheckState, slot: RunItem): Answer["method"] {
  for (let i = slot.index - 1; i >= 0; i--) {
    const before = state.slots[i];
    const m = before ? state.answers.get(before.key)?.method : undefined;
    if (m) return m;
  }
  return null;
}

async function answerItem(
  deps: SessionDeps,
  state: CheckState,
  slot: RunItem,
  result: Result,
): Promise<CheckState> {
  const prevRect = state.rectifications.get(slot.key);
  const carried = state.carried.get(slot.key);
  const input = await askAnswer(
    {
      store: deps.store,
      ask: deps.ask,
      lang: deps.lang,
      today: deps.today,
      runId: state.run.id,
      checklistId: state.run.checklistId,
      round: state.round,
      ...(deps.evidence ? { evidence: deps.evidence } : {}),
      checklist: deps.checklist,
      previousMethod: previousMethod(state, slot),
    },
    slot,
    result,
    { prev: state.answers.get(slot.key), prevRect, carried, draft: state.drafts.get(slot.key) },
  );
  const { evidenceFiles, ...answer } = input;
  const saved = await saveAnswerWithFiles(deps, state.run, answer, evidenceFiles);
  const c = deps.style;
  if (saved.continued && saved.rectification && prevRect?.id !== saved.rectification.id) {
    deps.ask.say(
      c.dim(t("check.carried.continued", { round: state.rounds.get(saved.rectification.runId) ?? "?" })),
    );
  }
  if (saved.markedDone) deps.ask.say(c.dim(t("check.carried.markedDone")));
  const now = saved.continued ? saved.rectification : saved.markedDone;
  return reduce(state, {
    type: "answered",
    answer: saved.answer,
    rectification: saved.rectification,
    ...(now ? { carried: now } : {}),
  });
}

function itemInfo(slot: RunItem, c: Palette): string {
  const none = t("check.info.none");
  const lines = [
    `${c.dim(t("check.info.basis"))}${slot.item.basis ?? none}`,
    `${c.dim(t("check.info.method"))}${slot.item.method?.join("、") ?? none}`,
    `${c.dim(t("check.info.evidence"))}${slot.item.evidence ?? none}`,
  ];
  if (!slot.required) lines.push(c.dim(t("check.info.optional")));
  return lines.join("\n");
}

// ───────────────────────── the summary before finishing ─────────────────────────

const LIST_MAX = 10;

async function reviewStep(deps: SessionDeps, state: CheckState): Promise<CheckState> {
  const { ask } = deps;
  const open = unanswered(state);
  const missing = missingRequired(state);
  sayReview(deps, state, open, missing.length);
  const first = open[0];
  const choices: ChoiceEntry<ReviewAction>[] = [
    { value: "finish", name: t("check.review.finish") },
    ...(first
      ? [
          {
            value: "first" as const,
            name: t("check.review.first", { position: `${first.index + 1}/${state.slots.length}` }),
          },
        ]
      : []),
    { value: "pick", name: t("check.review.pick") },
    { value: "back", name: t("check.review.back") },
    { value: "pause", name: t("check.action.pause") },
  ];
  const action = await ask.select<ReviewAction>({
    message: t("check.review.ask"),
    choices,
    default: missing.length > 0 && first ? "first" : "finish",
  });
  switch (action) {
    case "first":
      return first ? reduce(state, { type: "goto", index: first.index }) : state;
    case "back":
    case "pause":
      return reduce(state, { type: action });
    case "pick": {
      const index = await pickItem(deps, state, first?.index ?? 0);
      return index < 0 ? state : reduce(state, { type: "goto", index });
    }
    case "finish":
      return finishStep(deps, state, missing);
  }
}

/** The review's summary: how far the run is, and the items still unanswered. */
function sayReview(deps: SessionDeps, state: CheckState, open: readonly RunItem[], missing: number): void {
  const { ask, lang } = deps;
  const c = deps.style;
  ask.say("");
  ask.say(c.bold(c.cyan(t("check.review.title"))));
  ask.say(summaryLine(state, lang));
  if (open.length === 0) {
    ask.say(c.green(t("check.review.allAnswered")));
    return;
  }
  ask.say(c.yellow(t("check.review.unanswered", { count: open.length, required: missing })));
  const shown = open.slice(0, LIST_MAX);
  // Positions right-aligned, titles padded by display width: the texts start in one column.
  const pos = (s: RunItem) => `${s.index + 1}/${state.slots.length}`;
  const posWidth = Math.max(...shown.map((s) => pos(s).length));
  const titleWidth = Math.max(...shown.map((s) => stringWidth(slotTitle(s, lang))));
  const room = Math.max(20, (deps.columns ?? 80) - posWidth - titleWidth - 10);
  for (const s of shown) {
    const mark = s.required ? "" : c.dim(t("check.review.optionalMark"));
    ask.say(
      `  ${padDisplay(pos(s), posWidth, "start")}  ${padDisplay(slotTitle(s, lang), titleWidth)} · ${clip(slotText(s, lang), room)}${mark}`,
    );
  }
  if (open.length > LIST_MAX) ask.say(c.dim(t("check.review.more", { count: open.length - LIST_MAX })));
}

/** Any item to go to, with its answer so far; -1 when the person cancels. */
async function pickItem(deps: SessionDeps, state: CheckState, defaultIndex: number): Promise<number> {
  const { ask, lang } = deps;
  const c = deps.style;
  const titleWidth = Math.max(...state.slots.map((s) => stringWidth(slotTitle(s, lang))));
  return ask.select<number>({
    message: t("check.review.pickAsk"),
    choices: [
      ...state.slots.map((s) => {
        const a = state.answers.get(s.key);
        const no = padDisplay(`${s.index + 1}.`, String(state.slots.length).length + 1, "start");
        return {
          value: s.index,
          name: `${no} ${padDisplay(slotTitle(s, lang), titleWidth)} · ${padDisplay(clip(slotText(s, lang), 36), 36)}  ${a ? c.dim(describeAnswer(a, lang)) : c.yellow(t("check.review.notAnswered"))}`,
          echo: `${s.index + 1}. ${slotTitle(s, lang)}`,
        };
      }),
      separator(),
      { value: -1, name: t("check.review.pickCancel"), echo: false as const },
    ],
    default: defaultIndex,
    pageSize: 12,
  });
}

/** Finishing: refused while a required item is unanswered (offering to go there), else confirmed. */
async function finishStep(
  deps: SessionDeps,
  state: CheckState,
  missing: readonly RunItem[],
): Promise<CheckState> {
  const { ask } = deps;
  const c = deps.style;
  const firstMissing = missing[0];
  if (firstMissing) {
    ask.say(c.yellow(t("check.review.cannotFinish", { count: missing.length })));
    const go = await ask.confirm({ message: t("check.review.goMissing"), default: true });
    return go ? reduce(state, { type: "goto", index: firstMissing.index }) : state;
  }
  const sure = await ask.confirm({ message: t("check.review.confirmFinish"), default: true });
  if (!sure) return state;
  const run = await deps.store.finishRun(state.run.id);
  return reduce(state, { type: "finished", run });
}
