// What a valid answer is, field by field. The same checks serve the person at
// the prompt (one field at a time) and the answers file (all at once, with positions).
import { opensRectification, RESULTS, type Result } from "../checklist/schema.js";
import { type Lang, type MessageKey, t } from "../i18n/index.js";
import { LIMITS } from "../input/limits.js";
import {
  RECTIFICATION_KINDS,
  RECTIFICATION_ORIGINS,
  type RectificationFields,
  type RectificationKind,
  type RectificationOrigin,
} from "../store/types.js";
import { normalizeUnitName } from "../units/identity.js";
import { parseDate } from "../util/dates.js";

/** A field's verdict; `code` is the stable diagnostic code the answers file reports. */
export type Check<T> = { ok: true; value: T } | { ok: false; message: string; code: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const bad = <T>(message: string, code = "invalid"): Check<T> => ({ ok: false, message, code });

/** Longest free text we keep in one field: a paragraph, not a file. */
export const MAX_TEXT = LIMITS.textChars;
export const MAX_NAME = LIMITS.nameChars;

export const RECT_FIELDS = [
  "problem",
  "measure",
  "owner",
  "leaderInCharge",
  "department",
  "deadline",
  "kind",
  "origin",
  "evidence",
] as const;
export type RectField = (typeof RECT_FIELDS)[number];
/** `progress` is 完成情况, written when a pass marks an earlier round's rectification done. */
export type AnswerField = "result" | "note" | "evidence" | "naReason" | "progress" | RectField;

export function fieldLabel(
  field: AnswerField | "unit" | "respondent" | "leaders" | "inspectionGroup" | "inspectors" | "method",
  lang?: Lang,
): string {
  return t(`check.field.${field}` as MessageKey, {}, lang);
}

export function resultLabel(r: Result, lang?: Lang): string {
  return t(`check.result.${r}` as MessageKey, {}, lang);
}
export function kindLabel(k: RectificationKind, lang?: Lang): string {
  return t(`check.kind.${k}` as MessageKey, {}, lang);
}
export function originLabel(o: RectificationOrigin, lang?: Lang): string {
  return t(`check.origin.${o}` as MessageKey, {}, lang);
}

/** Accept a code, or its label in either language (符合, Meets), case and spacing aside. */
function byCodeOrLabel<T extends string>(
  raw: string,
  codes: readonly T[],
  label: (code: T, lang: Lang) => string,
): T | undefined {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");
  const v = norm(raw);
  for (const code of codes) {
    if (v === code || v === norm(label(code, "zh-CN")) || v === norm(label(code, "en"))) return code;
  }
  return undefined;
}

export const parseResult = (raw: string): Result | undefined => byCodeOrLabel(raw, RESULTS, resultLabel);
export const parseKind = (raw: string): RectificationKind | undefined =>
  byCodeOrLabel(raw, RECTIFICATION_KINDS, kindLabel);
export const parseOrigin = (raw: string): RectificationOrigin | undefined =>
  byCodeOrLabel(raw, RECTIFICATION_ORIGINS, originLabel);

/** The accepted spellings, for hints: `pass (符合)`, … */
export function allowedResults(): string {
  return RESULTS.map((r) => `${r} (${resultLabel(r, "zh-CN")})`).join(", ");
}
export function allowedKinds(): string {
  return RECTIFICATION_KINDS.map((k) => `${k} (${kindLabel(k, "zh-CN")})`).join(", ");
}
export function allowedOrigins(): string {
  return RECTIFICATION_ORIGINS.map((o) => `${o} (${originLabel(o, "zh-CN")})`).join(", ");
}

/** 整改类型 by default: with a deadline it is 限期整改, else 立行立改. */
export function defaultKind(deadline: string | null): RectificationKind {
  return deadline ? "deadline" : "immediate";
}

/** Trimmed text, or null when empty (optional fields). */
export function optionalText(raw: string | null | undefined): string | null {
  const v = (raw ?? "").trim();
  return v === "" ? null : v;
}

export function checkText(raw: string, field: AnswerField, required: boolean): Check<string | null> {
  const v = optionalText(raw);
  if (v === null)
    return required
      ? bad(t("check.field.required", { field: fieldLabel(field) }), "missing-field")
      : ok(null);
  if (v.length > MAX_TEXT)
    return bad(t("check.field.tooLong", { field: fieldLabel(field), max: MAX_TEXT }), "too-long");
  // Line breaks and tabs are text; the other control characters are not, and PostgreSQL refuses
  // NUL in text outright: refused here, where the user can be told which field.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v))
    return bad(t("check.field.controlChars", { field: fieldLabel(field) }), "bad-text");
  return ok(v);
}

/** A unit's name in its stored form (see units/identity.ts), or why it cannot be one. */
export function checkUnitName(raw: string): Check<string> {
  const n = normalizeUnitName(raw);
  if (n.ok) return ok(n.name);
  const field = fieldLabel("unit");
  switch (n.problem) {
    case "empty":
      return bad(t("check.field.required", { field }), "missing-field");
    case "too-long":
      return bad(t("check.field.tooLong", { field, max: MAX_NAME }), "too-long");
    case "control":
      return bad(t("check.field.controlChars", { field }), "bad-name");
    case "bidi":
      return bad(t("check.field.bidiChars", { field }), "bad-name");
  }
}

/** A person's or a unit's name: required, one line, not too long. */
export function checkName(
  raw: string,
  field: "unit" | "respondent" | "leaders" | "owner" | "inspectionGroup" | "inspectors",
): Check<string> {
  if (field === "unit") return checkUnitName(raw);
  const v = raw.trim();
  if (v === "") return bad(t("check.field.required", { field: fieldLabel(field) }), "missing-field");
  if ([...v].length > MAX_NAME)
    return bad(t("check.field.tooLong", { field: fieldLabel(field), max: MAX_NAME }), "too-long");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(v))
    return bad(t("check.field.controlChars", { field: fieldLabel(field) }), "bad-name");
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(v))
    return bad(t("check.field.bidiChars", { field: fieldLabel(field) }), "bad-name");
  return ok(v);
}

/** A leading cadre's name ends up in item keys (`section.item@name`), so it cannot hold `@`. */
export function checkLeaderName(raw: string): Check<string> {
  const c = checkName(raw, "leaders");
  if (!c.ok) return c;
  if (c.value.includes("@")) return bad(t("check.field.leaderAt", { name: c.value }), "bad-name");
  return c;
}

export function checkLeaders(names: readonly string[], perLeaderSection: string | null): Check<string[]> {
  // Counted first: the duplicate check below compares each name with the ones before it.
  if (names.length > LIMITS.leaders)
    return bad(
      t("check.field.tooManyLeaders", { count: names.length, max: LIMITS.leaders }),
      "too-many-leaders",
    );
  const out: string[] = [];
  for (const n of names) {
    const c = checkLeaderName(n);
    if (!c.ok) return c;
    if (out.includes(c.value))
      return bad(t("check.field.leaderTwice", { name: c.value }), "duplicate-leader");
    out.push(c.value);
  }
  if (out.length === 0 && perLeaderSection !== null) {
    return bad(t("check.field.leadersNone", { section: perLeaderSection }), "no-leaders");
  }
  return ok(out);
}

/** 整改时限: a real calendar date, today or later; required for 限期整改. */
export function checkDeadline(
  raw: string,
  opts: { today: string; kind: RectificationKind | null },
): Check<string | null> {
  const v = raw.trim();
  if (v === "")
    return opts.kind === "deadline" ? bad(t("check.field.deadlineRequired"), "missing-deadline") : ok(null);
  const parsed = parseDate(v, { today: opts.today, notBefore: opts.today });
  if (parsed.ok) return ok(parsed.date);
  if (parsed.reason === "past") {
    const shown = parseDate(v, { today: opts.today });
    return bad(
      t("check.field.deadlinePast", { date: shown.ok ? shown.date : v, today: opts.today }),
      "past-date",
    );
  }
  if (parsed.reason === "invalid") return bad(t("check.field.deadlineInvalid", { value: v }), "bad-date");
  return bad(t("check.field.deadlineFormat", { value: v }), "bad-date");
}

/** The answer a person (or a file) gives for one slot, before it is stored. */
export interface AnswerDraft {
  result: Result;
  note: string | null;
  evidence: string | null;
  naReason: string | null;
  rectification: RectificationFields | null;
}

export interface DraftProblem {
  field: AnswerField;
  message: string;
  code: string;
  /** The field belongs to the rectification (its `evidence` is not the answer's). */
  inRectification?: boolean;
}

/** Every problem of a whole draft, by field: the answers file reports them all at once. */
export function validateDraft(
  draft: {
    result: Result;
    note?: string | null;
    evidence?: string | null;
    naReason?: string | null;
    rectification?: Partial<Record<RectField, string | null>> | null;
  },
  opts: { today: string; keptDeadline?: string | null },
): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const text = (field: AnswerField, v: string | null | undefined, required: boolean) => {
    const c = checkText(v ?? "", field, required);
    if (!c.ok) problems.push({ field, message: c.message, code: c.code });
  };
  text("note", draft.note, false);
  text("evidence", draft.evidence, false);
  if (draft.result === "na") text("naReason", draft.naReason, true);
  if (opensRectification(draft.result)) {
    const r = draft.rectification ?? {};
    text("problem", r.problem, true);
    text("measure", r.measure, true);
    const owner = checkName(r.owner ?? "", "owner");
    if (!owner.ok) problems.push({ field: "owner", message: owner.message, code: owner.code });
    text("leaderInCharge", r.leaderInCharge, false);
    text("department", r.department, false);
    const rectEvidence = checkText(r.evidence ?? "", "evidence", false);
    if (!rectEvidence.ok)
      problems.push({
        field: "evidence",
        message: rectEvidence.message,
        code: rectEvidence.code,
        inRectification: true,
      });
    const kind = r.kind ? parseKind(r.kind) : null;
    if (kind === undefined) {
      problems.push({
        field: "kind",
        code: "bad-value",
        message: t("check.field.badChoice", {
          field: fieldLabel("kind"),
          value: r.kind ?? "",
          allowed: allowedKinds(),
        }),
      });
    }
    if (r.origin && parseOrigin(r.origin) === undefined) {
      problems.push({
        field: "origin",
        code: "bad-value",
        message: t("check.field.badChoice", {
          field: fieldLabel("origin"),
          value: r.origin,
          allowed: allowedOrigins(),
        }),
      });
    }
    // The deadline of a rectification continued from an earlier round may stay as it is.
    const keptAsIs = opts.keptDeadline != null && (r.deadline ?? "").trim() === opts.keptDeadline;
    const deadline = keptAsIs
      ? ({ ok: true, value: opts.keptDeadline } as const)
      : checkDeadline(r.deadline ?? "", { today: opts.today, kind: kind ?? null });
    if (!deadline.ok) problems.push({ field: "deadline", message: deadline.message, code: deadline.code });
  }
  return problems;
}

/** 督导组成员: at least one, each a name, none twice, no more than a leading group may have. */
export function checkMembers(names: readonly string[]): Check<string[]> {
  if (names.length > LIMITS.leaders)
    return bad(
      t("check.field.tooManyMembers", { count: names.length, max: LIMITS.leaders }),
      "too-many-members",
    );
  const out: string[] = [];
  for (const n of names) {
    const c = checkName(n, "inspectors");
    if (!c.ok) return c;
    if (out.includes(c.value))
      return bad(t("check.field.leaderTwice", { name: c.value }), "duplicate-member");
    out.push(c.value);
  }
  if (out.length === 0) return bad(t("check.field.membersNone"), "no-members");
  return ok(out);
}
