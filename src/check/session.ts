// The driver of an interactive check: it asks through `Ask`, commits every answer to
// the store the moment it is given, and feeds the outcome to the state machine. Ctrl-C,
// a closed terminal or a killed process can only lose the answer being typed.
import type { Ask, Choice, ChoiceEntry } from "../ask/types.js";
import { separator } from "../ask/types.js";
import type { Checklist } from "../checklist/schema.js";
import { type Lang, localized, t } from "../i18n/index.js";
import type { Store } from "../store/store.js";
import {
  type Answer,
  RECTIFICATION_KINDS,
  RECTIFICATION_ORIGINS,
  type Rectification,
  type RectificationKind,
  type RectificationOrigin,
} from "../store/types.js";
import type { Palette } from "../util/color.js";
import {
  type AnswerDraft,
  type AnswerField,
  type Check,
  checkDeadline,
  checkName,
  checkText,
  defaultOrigin,
  fieldLabel,
  kindLabel,
  opensRectification,
  originLabel,
  resultLabel,
} from "./fields.js";
import {
  answeredCount,
  type CheckState,
  countResults,
  missingRequired,
  reduce,
  unanswered,
} from "./machine.js";
import type { Slot } from "./slots.js";

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
}

type ItemAction = "pass" | "partial" | "fail" | "na" | "keep" | "info" | "back" | "skip" | "review" | "pause";
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

export function slotTitle(slot: Slot, lang: Lang): string {
  const section = localized(slot.section.title, slot.section.title_en, lang);
  return slot.leader === null ? section : `${section} · ${slot.leader}`;
}

export function slotText(slot: Slot, lang: Lang): string {
  return localized(slot.item.text, slot.item.text_en, lang);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** An instant as the local date and minute, the way a clerk reads it: 2026-11-27 14:03. */
export function localDateTime(iso: string | null): string {
  if (!iso) return "-";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
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

export async function runSession(deps: SessionDeps, initial: CheckState): Promise<CheckState> {
  let state = initial;
  while (state.mode === "item" || state.mode === "review") {
    state = state.mode === "item" ? await itemStep(deps, state) : await reviewStep(deps, state);
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

async function itemStep(deps: SessionDeps, state: CheckState): Promise<CheckState> {
  const { ask, lang } = deps;
  const c = deps.style;
  const slot = state.slots[state.cursor]!;
  const prev = state.answers.get(slot.key);
  ask.say("");
  const optional = slot.required ? "" : c.dim(t("check.review.optionalMark"));
  ask.say(c.bold(c.cyan(`${slotTitle(slot, lang)} · ${slot.index + 1}/${state.slots.length}`)) + optional);
  ask.say(c.bold(slotText(slot, lang)));
  if (prev) ask.say(c.dim(t("check.item.current", { answer: describeAnswer(prev, lang) })));
  const choices: ChoiceEntry<ItemAction>[] = [
    ...resultChoices(lang),
    separator(),
    ...(prev ? [{ value: "keep" as const, name: t("check.action.keep") }] : []),
    { value: "info", name: t("check.action.info") },
    {
      value: "back",
      name: t("check.action.back"),
      ...(slot.index === 0 ? { disabled: t("check.action.back.first") } : {}),
    },
    { value: "skip", name: t("check.action.skip") },
    { value: "review", name: t("check.action.review") },
    { value: "pause", name: t("check.action.pause") },
  ];
  for (;;) {
    const action = await ask.select<ItemAction>({
      message: t("check.ask.result"),
      choices,
      ...(prev ? { default: prev.result } : {}),
    });
    switch (action) {
      case "info":
        ask.say(itemInfo(slot, c));
        continue;
      case "keep":
      case "back":
      case "skip":
      case "review":
      case "pause":
        return reduce(state, { type: action });
      default: {
        const draft = await askDraft(deps, state, slot, action, prev, state.rectifications.get(slot.key));
        const saved = deps.store.saveAnswer(state.run.id, {
          itemKey: slot.key,
          sectionId: slot.section.id,
          itemId: slot.item.id,
          leader: slot.leader,
          result: draft.result,
          note: draft.note,
          evidence: draft.evidence,
          naReason: draft.naReason,
          ...(draft.rectification ? { rectification: draft.rectification } : {}),
        });
        return reduce(state, { type: "answered", ...saved });
      }
    }
  }
}

function itemInfo(slot: Slot, c: Palette): string {
  const none = t("check.info.none");
  const lines = [
    `${c.dim(t("check.info.basis"))}${slot.item.basis ?? none}`,
    `${c.dim(t("check.info.method"))}${slot.item.method?.join("、") ?? none}`,
    `${c.dim(t("check.info.evidence"))}${slot.item.evidence ?? none}`,
  ];
  if (!slot.required) lines.push(c.dim(t("check.info.optional")));
  return lines.join("\n");
}

/** Ask for text until it passes `check`; the previous value is the default. */
async function askChecked<T extends string | null>(
  ask: Ask,
  message: string,
  check: (raw: string) => Check<T>,
  previous: string | null | undefined,
): Promise<T> {
  const raw = await ask.input({
    message,
    ...(previous ? { default: previous } : {}),
    validate: (v) => {
      const r = check(v);
      return r.ok ? true : r.message;
    },
    format: (v) => {
      const r = check(v);
      return r.ok ? (r.value ?? "") : v;
    },
  });
  const r = check(raw);
  // The adapter only returns values that passed `validate`.
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function textPrompt(field: AnswerField, required: boolean, hint?: string): string {
  const label = fieldLabel(field);
  const suffix = [hint, required ? undefined : t("check.ask.optional")]
    .filter(Boolean)
    .join(t("check.ask.hintSep"));
  return suffix ? `${label}${t("check.ask.hintOpen")}${suffix}${t("check.ask.hintClose")}` : label;
}

async function askDraft(
  deps: SessionDeps,
  state: CheckState,
  slot: Slot,
  result: "pass" | "partial" | "fail" | "na",
  prev: Answer | undefined,
  prevRect: Rectification | undefined,
): Promise<AnswerDraft> {
  const { ask, lang } = deps;
  const text = (field: AnswerField, required: boolean, previous: string | null | undefined, hint?: string) =>
    askChecked(ask, textPrompt(field, required, hint), (v) => checkText(v, field, required), previous);
  const evidenceHint = slot.item.evidence
    ? t("check.ask.evidenceHint", { evidence: slot.item.evidence })
    : undefined;

  if (result === "na") {
    const naReason = await text("naReason", true, prev?.naReason);
    const note = await text("note", false, prev?.note);
    return { result, naReason, note, evidence: null, rectification: null };
  }
  if (!opensRectification(result)) {
    const note = await text("note", false, prev?.note);
    const evidence = await text("evidence", false, prev?.evidence, evidenceHint);
    return { result, note, evidence, naReason: null, rectification: null };
  }

  const problem = (await text("problem", true, prevRect?.problem))!;
  const measure = (await text("measure", true, prevRect?.measure))!;
  // In a per-leader section the leader answers for his own six checks (§5).
  const owner = await askChecked(
    ask,
    textPrompt("owner", true),
    (v) => checkName(v, "owner"),
    prevRect?.owner ?? slot.leader,
  );
  const leaderInCharge = await text("leaderInCharge", false, prevRect?.leaderInCharge);
  const department = await text("department", false, prevRect?.department);
  const kind = await ask.select<RectificationKind>({
    message: fieldLabel("kind"),
    choices: RECTIFICATION_KINDS.map((k) => ({ value: k, name: kindLabel(k, lang) })),
    default: prevRect?.kind ?? "deadline",
  });
  const deadline = await askChecked(
    ask,
    textPrompt("deadline", kind === "deadline", t("check.ask.deadlineHint")),
    (v) => checkDeadline(v, { today: deps.today, kind }),
    prevRect?.deadline,
  );
  const origin = await ask.select<RectificationOrigin>({
    message: fieldLabel("origin"),
    choices: RECTIFICATION_ORIGINS.map((o) => ({ value: o, name: originLabel(o, lang) })),
    default: prevRect?.origin ?? defaultOrigin(state.run.checklistId, slot.item),
  });
  const evidence = await text("evidence", false, prevRect?.evidence ?? prev?.evidence, evidenceHint);
  const note = await text("note", false, prev?.note);
  return {
    result,
    note,
    evidence,
    naReason: null,
    rectification: { problem, measure, owner, leaderInCharge, department, deadline, kind, origin, evidence },
  };
}

// ───────────────────────── the summary before finishing ─────────────────────────

const LIST_MAX = 10;

async function reviewStep(deps: SessionDeps, state: CheckState): Promise<CheckState> {
  const { ask, lang } = deps;
  const c = deps.style;
  const open = unanswered(state);
  const missing = missingRequired(state);
  ask.say("");
  ask.say(c.bold(c.cyan(t("check.review.title"))));
  ask.say(summaryLine(state, lang));
  if (open.length > 0) {
    ask.say(c.yellow(t("check.review.unanswered", { count: open.length, required: missing.length })));
    for (const s of open.slice(0, LIST_MAX)) {
      const mark = s.required ? "" : c.dim(t("check.review.optionalMark"));
      ask.say(
        `  ${s.index + 1}/${state.slots.length}  ${slotTitle(s, lang)} · ${clip(slotText(s, lang), 50)}${mark}`,
      );
    }
    if (open.length > LIST_MAX) ask.say(c.dim(t("check.review.more", { count: open.length - LIST_MAX })));
  } else {
    ask.say(c.green(t("check.review.allAnswered")));
  }
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
      const index = await ask.select<number>({
        message: t("check.review.pickAsk"),
        choices: [
          ...state.slots.map((s) => {
            const a = state.answers.get(s.key);
            return {
              value: s.index,
              name: `${s.index + 1}. ${slotTitle(s, lang)} · ${clip(slotText(s, lang), 36)}  ${a ? c.dim(describeAnswer(a, lang)) : c.yellow(t("check.review.notAnswered"))}`,
            };
          }),
          separator(),
          { value: -1, name: t("check.review.pickCancel") },
        ],
        default: first?.index ?? 0,
        pageSize: 12,
      });
      return index < 0 ? state : reduce(state, { type: "goto", index });
    }
    case "finish": {
      const firstMissing = missing[0];
      if (firstMissing) {
        ask.say(c.yellow(t("check.review.cannotFinish", { count: missing.length })));
        const go = await ask.confirm({ message: t("check.review.goMissing"), default: true });
        return go ? reduce(state, { type: "goto", index: firstMissing.index }) : state;
      }
      const sure = await ask.confirm({ message: t("check.review.confirmFinish"), default: true });
      if (!sure) return state;
      const run = deps.store.finishRun(state.run.id);
      return reduce(state, { type: "finished", run });
    }
  }
}
