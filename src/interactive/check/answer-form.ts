// The fields of one answer, asked one at a time in one order for every result, each kept as a
// draft the moment it is entered (answer_drafts): Ctrl-C, a closed terminal or a killed process
// loses nothing typed, and the next `check` offers it back. A problem still open from an earlier
// round is continued (its fields offered again) rather than opened twice.

import { type Checklist, opensRectification } from "../../checklist/schema.js";
import type { EvidenceCaps, PreparedFile } from "../../evidence/attach.js";
import { type Lang, t } from "../../i18n/index.js";
import {
  type AnswerField,
  type Check,
  checkDeadline,
  checkName,
  checkText,
  fieldLabel,
  kindLabel,
  originLabel,
  resultLabel,
} from "../../run/fields.js";
import { defaultOrigin, isInspection, methodLabel, suggestedMethod } from "../../run/inspection.js";
import type { RunItem } from "../../run/items.js";
import type { AnswerInput, Store } from "../../store/port.js";
import {
  type Answer,
  type AnswerDraft,
  type DraftField,
  type DraftPatch,
  INSPECTION_METHODS,
  type InspectionMethod,
  RECTIFICATION_KINDS,
  RECTIFICATION_ORIGINS,
  type Rectification,
  type RectificationKind,
  type RectificationOrigin,
  type Result,
} from "../../store/types.js";
import type { Ask } from "../ask/types.js";
import { askEvidenceFiles } from "./evidence-prompt.js";

export interface FormDeps {
  store: Store;
  ask: Ask;
  lang: Lang;
  today: string;
  runId: string;
  checklistId: string;
  /** The round (轮次) of this run, for the history notes of continued rectifications. */
  round: number;
  /** Where typed evidence paths start, and the caps: given, the form asks for evidence files too. */
  evidence?: { cwd: string; caps: EvidenceCaps; exists: (p: string) => boolean };
  /** The run's checklist: an inspection's answers record the method (检查方式). */
  checklist?: Pick<Checklist, "id" | "kind">;
  /** The method of the item answered before this one (the default of the next). */
  previousMethod?: InspectionMethod | null;
}

/** An answer as the form gives it: with the evidence files to attach once it is stored. */
export type FormAnswer = AnswerInput & { evidenceFiles?: PreparedFile[] };

/** What the form starts from: the stored answer, its rectification, an earlier round's, a draft. */
export interface FormSources {
  prev: Answer | undefined;
  prevRect: Rectification | undefined;
  carried: Rectification | undefined;
  draft: AnswerDraft | undefined;
}

/**
 * Keeps every entered field in the store as it comes, without making the next prompt wait: the
 * saves are chained (stored in the order typed) and `settled` waits for them all, passing on
 * the first failure.
 */
class DraftKeeper {
  private pending: Promise<void> = Promise.resolve();
  constructor(
    private readonly deps: FormDeps,
    private readonly key: string,
    private readonly result: Result,
  ) {
    this.save({ result });
  }
  private save(patch: DraftPatch): void {
    const next = this.pending.then(() => this.deps.store.saveDraft(this.deps.runId, this.key, patch));
    this.pending = next.then(() => undefined);
  }
  set(patch: Omit<DraftPatch, "result">): void {
    this.save({ ...patch, result: this.result, partialField: null });
  }
  /** The text of a field cut off by Ctrl-C before Enter. */
  partial(field: DraftField, typed: string): void {
    this.save({ result: this.result, [field]: typed, partialField: field });
  }
  settled(): Promise<void> {
    return this.pending;
  }
}

/** Ask for text until it passes `check`; the previous value is the default. */
export async function askChecked<T extends string | null>(
  ask: Ask,
  message: string,
  check: (raw: string) => Check<T>,
  previous: string | null | undefined,
  keep?: (typed: string) => void,
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
    ...(keep ? { keep } : {}),
  });
  const r = check(raw);
  // The adapter only returns values that passed `validate`.
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function textPrompt(field: AnswerField, required: boolean, hint?: string): string {
  const label = fieldLabel(field);
  const suffix = [hint, required ? undefined : t("check.ask.optional")]
    .filter(Boolean)
    .join(t("check.ask.hintSep"));
  return suffix ? `${label}${t("check.ask.hintOpen")}${suffix}${t("check.ask.hintClose")}` : label;
}

/** First of the values that is set: a draft's '' (entered empty) counts as set. */
const first = (...values: (string | null | undefined)[]): string | null => {
  for (const v of values) if (v !== null && v !== undefined) return v;
  return null;
};

type TextField = Extract<DraftField, AnswerField>;

/**
 * The answer to store for `result`, asked field by field; null fields of the draft are asked.
 * Every draft kept on the way is stored before it returns, or before what stopped it (Ctrl-C)
 * is passed on, so that what the stop message lists is in the database.
 */
export async function askAnswer(
  deps: FormDeps,
  slot: RunItem,
  result: Result,
  src: FormSources,
): Promise<FormAnswer> {
  const keeper = new DraftKeeper(deps, slot.key, result);
  let input: FormAnswer;
  try {
    input = await askFields(deps, slot, result, src, keeper);
  } catch (e) {
    // The stop is what the person sees; a draft that could not be kept is not hidden behind it.
    await keeper.settled().catch(() => undefined);
    throw e;
  }
  await keeper.settled();
  return input;
}

async function askFields(
  deps: FormDeps,
  slot: RunItem,
  result: Result,
  src: FormSources,
  keeper: DraftKeeper,
): Promise<FormAnswer> {
  const draft = src.draft?.result === result ? src.draft : undefined;
  const text = async (field: TextField, required: boolean, previous: string | null, hint?: string) => {
    const value = await askChecked(
      deps.ask,
      textPrompt(field, required, hint),
      (v) => checkText(v, field, required),
      previous,
      (typed) => keeper.partial(field, typed),
    );
    keeper.set({ [field]: value ?? "" });
    return value;
  };
  const method = await askMethod(deps, slot, keeper, src, draft);
  const base = {
    itemKey: slot.key,
    sectionId: slot.section.id,
    itemId: slot.item.id,
    leader: slot.leader,
    result,
    ...(method !== undefined ? { method } : {}),
  };
  const evidenceHint = slot.item.evidence
    ? t("check.ask.evidenceHint", { evidence: slot.item.evidence })
    : undefined;
  if (result === "na") {
    // 不适用 asks for its reason only.
    const naReason = await text("naReason", true, first(draft?.naReason, src.prev?.naReason));
    return { ...base, note: null, evidence: null, naReason };
  }
  if (!opensRectification(result)) {
    const markDone = await askMarkDone(deps, keeper, src, draft);
    const note = await text("note", false, first(draft?.note, src.prev?.note));
    const evidence = await text("evidence", false, first(draft?.evidence, src.prev?.evidence), evidenceHint);
    const evidenceFiles = await askFiles(deps);
    return { ...base, note, evidence, naReason: null, ...(markDone ? { markDone } : {}), ...evidenceFiles };
  }
  const rectification = await askRectification(deps, slot, keeper, src, draft, text, method ?? null);
  const note = await text("note", false, first(draft?.note, src.prev?.note));
  const evidence = await text(
    "evidence",
    false,
    first(draft?.evidence, src.prevRect?.evidence, src.prev?.evidence, src.carried?.evidence),
    evidenceHint,
  );
  const evidenceFiles = await askFiles(deps);
  const continueNote = t("check.carried.continueNote", { round: deps.round, result: resultLabel(result) });
  return {
    ...base,
    note,
    evidence,
    naReason: null,
    rectification: { ...rectification, evidence },
    continueNote,
    ...evidenceFiles,
  };
}

/** The evidence files, after the free-text 佐证材料 (when the check asks for files at all). */
async function askFiles(deps: FormDeps): Promise<{ evidenceFiles?: PreparedFile[] }> {
  if (!deps.evidence) return {};
  const { cwd, caps, exists } = deps.evidence;
  const files = await askEvidenceFiles(deps.ask, cwd, caps, exists);
  return files.length > 0 ? { evidenceFiles: files } : {};
}

/**
 * 检查方式 of an inspection's answer (undefined in a self-check): the one chosen before for this
 * item, else the previous item's when the checklist allows it here, else the item's first.
 */
async function askMethod(
  deps: FormDeps,
  slot: RunItem,
  keeper: DraftKeeper,
  src: FormSources,
  draft: AnswerDraft | undefined,
): Promise<InspectionMethod | undefined> {
  if (!deps.checklist || !isInspection(deps.checklist)) return undefined;
  const method = await deps.ask.select<InspectionMethod>({
    message: fieldLabel("method"),
    choices: INSPECTION_METHODS.map((m) => ({ value: m, name: methodLabel(m, deps.lang) })),
    default:
      draft?.method ??
      src.prev?.method ??
      suggestedMethod(slot.item, deps.previousMethod ?? null) ??
      INSPECTION_METHODS[0],
  });
  keeper.set({ method });
  return method;
}

/** A pass on an item whose earlier rectification is still open: mark it done (with 完成情况)? */
async function askMarkDone(
  deps: FormDeps,
  keeper: DraftKeeper,
  src: FormSources,
  draft: AnswerDraft | undefined,
): Promise<AnswerInput["markDone"]> {
  const c = src.carried;
  if (!c || (c.status !== "open" && c.status !== "in-progress")) return undefined;
  const yes =
    draft?.markDone ?? (await deps.ask.confirm({ message: t("check.carried.markDone"), default: true }));
  keeper.set({ markDone: yes });
  if (!yes) return undefined;
  const progress = await askChecked(
    deps.ask,
    textPrompt("progress", true),
    (v) => checkText(v, "progress", true),
    first(draft?.progress, c.progress),
    (typed) => keeper.partial("progress", typed),
  );
  keeper.set({ progress: progress ?? "" });
  return { progress, note: t("check.carried.doneNote", { round: deps.round }) };
}

type AskText = (
  field: TextField,
  required: boolean,
  previous: string | null,
  hint?: string,
) => Promise<string | null>;

async function askRectification(
  deps: FormDeps,
  slot: RunItem,
  keeper: DraftKeeper,
  src: FormSources,
  draft: AnswerDraft | undefined,
  text: AskText,
  method: InspectionMethod | null,
) {
  const { ask, lang } = deps;
  // What this run said before, else what the earlier round's rectification says.
  const was = src.prevRect ?? src.carried;
  const problem = (await text("problem", true, first(draft?.problem, was?.problem)))!;
  const measure = (await text("measure", true, first(draft?.measure, was?.measure)))!;
  // In a per-leader section (六查) each leading cadre answers for himself: he is the default
  // responsible person of what he finds.
  const owner = await askChecked(
    ask,
    textPrompt("owner", true),
    (v) => checkName(v, "owner"),
    first(draft?.owner, was?.owner, slot.leader),
    (typed) => keeper.partial("owner", typed),
  );
  keeper.set({ owner });
  const leaderInCharge = await text(
    "leaderInCharge",
    false,
    first(draft?.leaderInCharge, was?.leaderInCharge),
  );
  const department = await text("department", false, first(draft?.department, was?.department));
  const kind = await ask.select<RectificationKind>({
    message: fieldLabel("kind"),
    choices: RECTIFICATION_KINDS.map((k) => ({ value: k, name: kindLabel(k, lang) })),
    default: draft?.kind ?? was?.kind ?? "deadline",
  });
  keeper.set({ kind });
  // A deadline already set may be kept as it is, even when it has passed (it stays overdue).
  const kept = was?.deadline ?? null;
  const deadline = await askChecked(
    ask,
    textPrompt("deadline", kind === "deadline", t("check.ask.deadlineHint")),
    (v): Check<string | null> =>
      kept !== null && v.trim() === kept
        ? { ok: true, value: kept }
        : checkDeadline(v, { today: deps.today, kind }),
    first(draft?.deadline, kept),
    (typed) => keeper.partial("deadline", typed),
  );
  keeper.set({ deadline: deadline ?? "" });
  const origin = await ask.select<RectificationOrigin>({
    message: fieldLabel("origin"),
    choices: RECTIFICATION_ORIGINS.map((o) => ({ value: o, name: originLabel(o, lang) })),
    // An unannounced visit's finding is 暗访, any other inspection's 明察 (see defaultOrigin).
    default:
      draft?.origin ??
      was?.origin ??
      defaultOrigin(deps.checklist ?? { id: deps.checklistId }, slot.item, method),
  });
  keeper.set({ origin });
  return { problem, measure, owner, leaderInCharge, department, deadline, kind, origin };
}
