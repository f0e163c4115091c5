// Reading and checking an answers file completely before anything is written:
// every problem is a diagnostic with file:line:col, like `validate`'s.
import * as z from "zod/mini";
import {
  type AnswerField,
  allowedResults,
  checkLeaders,
  checkName,
  defaultKind,
  defaultOrigin,
  opensRectification,
  optionalText,
  parseKind,
  parseOrigin,
  parseResult,
  type RectField,
  resultLabel,
  validateDraft,
} from "../check/fields.js";
import { findResumable } from "../check/runs.js";
import { mergeLeaders, splitNames } from "../check/slots.js";
import { checklistOfRun } from "../check/snapshot.js";
import type { ChecklistSet } from "../checklist/load.js";
import type { Checklist, LoadedChecklist } from "../checklist/schema.js";
import { type Lang, localized, t } from "../i18n/index.js";
import { LIMITS } from "../input/limits.js";
import { roundsOf } from "../rectify/rounds.js";
import { parseItemKey, perLeaderSections, type RunItem, runItems } from "../run/items.js";
import type { AnswerInput, Store } from "../store/store.js";
import type { Rectification, Result, Run, Unit } from "../store/types.js";
import { resolveUnitName } from "../units/resolve.js";
import { parseDate } from "../util/dates.js";
import { closest } from "../util/similar.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { yamlLib } from "../yaml/lib.js";
import {
  capDiagnostics,
  issuesToDiagnostics,
  makeDiagnostic,
  type ParsedYaml,
  type Path,
  parseWithSchema,
  positionAt,
} from "../yaml/parse.js";
import type { SourceText } from "../yaml/source.js";
import { type AnswerEntry, AnswerEntrySchema, AnswersFileSchema } from "./schema.js";

export interface AnswersFlags {
  unit?: string;
  checklist?: string;
  respondent?: string;
  new?: boolean;
  /** The unit is new, even if its name is near a known one (--new-unit). */
  newUnit?: boolean;
}

/** What applying the file will do: validated, nothing written yet. */
export interface AnswersPlan {
  file: string;
  unitName: string;
  checklistId: string;
  checklist: Checklist;
  /** The unfinished run to continue, or null for a new run of `loaded`. */
  resume: { unit: Unit; run: Run } | null;
  /** --new: a new run, setting aside the unfinished one. */
  newRun: boolean;
  /** sha256 of the file's text: the run remembers which file wrote it. */
  fileHash: string;
  loaded: LoadedChecklist | null;
  respondent: string;
  leaders: string[];
  slots: RunItem[];
  inputs: AnswerInput[];
  warnings: Diagnostic[];
}

export type PlanOutcome = { ok: true; plan: AnswersPlan } | { ok: false; diagnostics: Diagnostic[] };

const DEFAULT_CHECKLIST = "self-check";

const SNAKE: Record<RectField, string> = {
  problem: "problem",
  measure: "measure",
  owner: "owner",
  leaderInCharge: "leader_in_charge",
  department: "department",
  deadline: "deadline",
  kind: "kind",
  origin: "origin",
  evidence: "evidence",
};
const ANSWER_KEY: Record<"result" | "note" | "evidence" | "naReason" | "progress", string> = {
  result: "result",
  note: "note",
  evidence: "evidence",
  naReason: "na_reason",
  progress: "done",
};

/** The text of a scalar as written (a YAML number like 20261231 or +30 is a date here). */
function rawScalar(parsed: ParsedYaml, path: Path): string | undefined {
  const node = parsed.doc.getIn(path, true);
  if (!yamlLib().isScalar(node) || !node.range) return undefined;
  return parsed.source.text.slice(node.range[0], node.range[1]).trim();
}

function asText(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function planAnswers(
  source: SourceText,
  deps: { set: ChecklistSet; store: Store | null; flags: AnswersFlags; today: string; lang: Lang },
): PlanOutcome {
  const outcome = parseWithSchema(source, AnswersFileSchema);
  if (!outcome.ok) return { ok: false, diagnostics: outcome.diagnostics };
  const { value: doc, parsed, raw } = outcome;
  const file = source.file;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const at = (path: Path, code: string, message: string, hint?: string, which: "value" | "key" = "value") =>
    errors.push(makeDiagnostic(file, positionAt(parsed, path, which), code, message, hint));
  const warn = (path: Path, code: string, message: string) =>
    warnings.push(makeDiagnostic(file, positionAt(parsed, path, "key"), code, message, undefined, "warning"));

  // Unit, checklist, respondent: from the file, else from the flags; never two different ones.
  const pick = (key: "unit" | "checklist" | "respondent", option: string): string | undefined => {
    const inFile = doc[key]?.trim();
    const flag = deps.flags[key]?.trim();
    if (inFile && flag && inFile !== flag) {
      at([key], "conflict", t("answers.conflict", { key, file: inFile, option, flag }));
    }
    return inFile || flag || undefined;
  };
  const unitName = pick("unit", "--unit");
  const checklistId = pick("checklist", "--checklist") ?? DEFAULT_CHECKLIST;
  const respondentGiven = pick("respondent", "--respondent");
  if (unitName === undefined) {
    at(
      [],
      "missing-field",
      t("answers.missing", { field: "unit", option: "--unit" }),
      t("diag.missingField.hint", { field: "unit" }),
    );
  } else {
    const c = checkName(unitName, "unit");
    if (!c.ok) at(["unit"], c.code, c.message);
  }
  const unit = unitName === undefined ? undefined : resolveUnitName(deps.store, unitName);
  if (unit?.kind === "near" && !deps.flags.newUnit) {
    at(
      doc.unit ? ["unit"] : [],
      "near-unit",
      t("answers.unitNear", { name: unit.name, near: unit.near.join("、") }),
      t("answers.unitNear.hint", { name: unit.name, near: unit.near[0] ?? "" }),
    );
  }
  // The stored form of the name: a look-alike of a known unit is that unit.
  const storedName =
    unit?.kind === "existing"
      ? unit.unit.name
      : unit?.kind === "new" || unit?.kind === "near"
        ? unit.name
        : unitName;

  const resume =
    deps.store && storedName && !deps.flags.new
      ? (findResumable(deps.store, storedName, checklistId) ?? null)
      : null;
  const loaded = deps.set.checklists.find((l) => l.checklist.id === checklistId) ?? null;
  let checklist: Checklist | undefined;
  if (resume && deps.store) checklist = checklistOfRun(deps.store, resume.run);
  else if (loaded) checklist = loaded.checklist;
  else {
    const known = deps.set.checklists.map((l) => l.checklist.id);
    const suggestion = closest(checklistId, known);
    at(
      doc.checklist ? ["checklist"] : [],
      "unknown-checklist",
      t("check.unknownChecklist", { id: checklistId, known: known.join(", ") }),
      suggestion ? t("diag.unknownKey.didYouMean", { suggestion }) : t("check.unknownChecklist.hint"),
    );
  }

  const respondent = respondentGiven ?? resume?.run.respondent;
  if (respondent === undefined) {
    at(
      [],
      "missing-field",
      t("answers.missing", { field: "respondent", option: "--respondent" }),
      t("diag.missingField.hint", { field: "respondent" }),
    );
  } else if (respondentGiven !== undefined) {
    const c = checkName(respondentGiven, "respondent");
    if (!c.ok) at(["respondent"], c.code, c.message);
  }

  const fileLeaders = Array.isArray(doc.leaders)
    ? doc.leaders.map((s) => s.trim())
    : splitNames(doc.leaders ?? "");
  const perLeader = checklist ? perLeaderSections(checklist)[0] : undefined;
  // A resumed run keeps its leaders; the file may add more.
  const leaders = mergeLeaders(resume?.run.leaders ?? [], fileLeaders);
  const namesCheck = checkLeaders(fileLeaders, null);
  const leadersCheck = namesCheck.ok
    ? checkLeaders(leaders, perLeader ? localized(perLeader.title, perLeader.title_en, deps.lang) : null)
    : namesCheck;
  if (!leadersCheck.ok) {
    at(doc.leaders ? ["leaders"] : [], leadersCheck.code, leadersCheck.message, t("answers.leaders.hint"));
    // Items are not expanded for a list past the limit: that alone would cost what the limit prevents.
    if (leadersCheck.code === "too-many-leaders") return { ok: false, diagnostics: errors };
  }
  if (checklist && !perLeader && fileLeaders.length > 0)
    warn(["leaders"], "unused-leaders", t("answers.leaders.unused"));

  if (!checklist || storedName === undefined || respondent === undefined)
    return { ok: false, diagnostics: errors };

  // Keys from the file as parsed: rebuilt by the schema, an object would lose `__proto__`.
  const rawAnswers = (raw as { answers?: unknown } | null)?.answers;
  const entries =
    rawAnswers !== null && typeof rawAnswers === "object"
      ? Object.entries(rawAnswers as Record<string, unknown>)
      : [];
  if (entries.length > LIMITS.answers) {
    at(
      ["answers"],
      "too-many-answers",
      t("answers.tooMany", { count: entries.length, max: LIMITS.answers }),
      undefined,
      "key",
    );
    return { ok: false, diagnostics: errors };
  }
  const slots = runItems(checklist, leaders);
  const { carried, round } = carriedOf(deps.store, storedName, checklistId, resume);
  const byKey = new Map(slots.map((s) => [s.key, s]));
  const inputs: AnswerInput[] = [];
  for (const [key, raw] of entries) {
    if (errors.length > LIMITS.diagnosticsPerFile) break;
    const base: Path = ["answers", key];
    const slot = byKey.get(key);
    if (!slot) {
      unknownKey(key, checklist, leaders, [...byKey.keys()], (code, message, hint) =>
        at(base, code, message, hint, "key"),
      );
      continue;
    }
    let entry: AnswerEntry;
    if (raw === null || typeof raw !== "object") {
      // Shorthand: `study.study-time: 符合`.
      entry = { result: raw === null || raw === undefined ? "" : String(raw) };
    } else {
      const parsedEntry = AnswerEntrySchema.safeParse(raw);
      if (!parsedEntry.success) {
        const wrapper = z.object({ answers: z.object({ [key]: AnswerEntrySchema }) });
        const issues = parsedEntry.error.issues.map((i) => ({ ...i, path: [...base, ...i.path] }));
        errors.push(...issuesToDiagnostics(parsed, doc, issues, wrapper));
        continue;
      }
      entry = parsedEntry.data;
    }
    const resultPath: Path = typeof raw === "object" && raw !== null ? [...base, "result"] : base;
    if (entry.result === undefined || entry.result === null || entry.result === "") {
      at(
        base,
        "missing-field",
        t("answers.missingResult", { key }),
        t("diag.badValue.hint", { allowed: allowedResults() }),
      );
      continue;
    }
    const resultText =
      typeof entry.result === "string" || typeof entry.result === "number"
        ? String(entry.result)
        : JSON.stringify(entry.result);
    const result = parseResult(resultText);
    if (!result) {
      at(
        resultPath,
        "bad-result",
        t("answers.badResult", { value: resultText }),
        t("diag.badValue.hint", { allowed: allowedResults() }),
      );
      continue;
    }
    const r = entry.rectification ?? null;
    const deadlineRaw =
      r?.deadline === undefined || r.deadline === null
        ? null
        : typeof r.deadline === "number"
          ? (rawScalar(parsed, [...base, "rectification", "deadline"]) ?? String(r.deadline))
          : r.deadline;
    const evidence = optionalText(entry.evidence);
    // A problem still open from an earlier round is continued: what the block leaves out stays.
    const was = opensRectification(result) ? carried.get(slot.key) : undefined;
    const given = <K extends keyof NonNullable<typeof r>>(k: K, kept: string | null | undefined) =>
      r && r[k] !== undefined ? asText(r[k]) : (kept ?? null);
    const rect = (r || was) && {
      problem: given("problem", was?.problem),
      measure: given("measure", was?.measure),
      // In a per-leader section (六查) each leading cadre answers for himself: he is the
      // default responsible person of what he finds.
      owner: optionalText(r?.owner) ?? was?.owner ?? slot.leader,
      leaderInCharge: given("leader_in_charge", was?.leaderInCharge),
      department: given("department", was?.department),
      deadline: r?.deadline !== undefined ? deadlineRaw : (was?.deadline ?? null),
      kind: given("kind", was?.kind),
      origin: given("origin", was?.origin),
      evidence: optionalText(r?.evidence) ?? evidence ?? was?.evidence ?? null,
    };
    if (opensRectification(result) && !rect) {
      // One message for the whole missing block rather than one per field.
      at(
        base,
        "missing-rectification",
        t("answers.rectification.missing", { key, result: resultText }),
        t("answers.rectification.hint", { result: resultText }),
      );
      continue;
    }
    const problems = validateDraft(
      {
        result,
        note: entry.note ?? null,
        evidence,
        naReason: entry.na_reason ?? null,
        rectification: rect,
      },
      { today: deps.today, keptDeadline: was?.deadline ?? null },
    );
    for (const p of problems) {
      const isRect =
        p.inRectification ||
        (p.field !== "note" && p.field !== "evidence" && p.field !== "naReason" && p.field !== "result");
      const path: Path = isRect
        ? [...base, "rectification", SNAKE[p.field as RectField]]
        : [...base, ANSWER_KEY[p.field as Exclude<AnswerField, RectField>]];
      const hint =
        p.code === "missing-field"
          ? t("diag.missingField.hint", { field: path[path.length - 1] as string })
          : undefined;
      // A field left out is shown at the key of the block that lacks it.
      const missing = p.code === "missing-field" || p.code === "missing-deadline";
      if (missing) at(path.slice(0, -1), p.code, p.message, hint, "key");
      else at(path, p.code, p.message, hint);
    }
    if (problems.length > 0) continue;
    if (!opensRectification(result) && r)
      warn(
        [...base, "rectification"],
        "ignored-rectification",
        t("answers.rectification.ignored", { result: resultText }),
      );
    if (result !== "na" && optionalText(entry.na_reason))
      warn([...base, "na_reason"], "ignored-na-reason", t("answers.naReason.ignored"));
    const markDone = carriedDone(entry, result, carried.get(slot.key), round, (code, message) =>
      warn(entry.done != null ? [...base, "done"] : base, code, message),
    );
    const input: AnswerInput = {
      itemKey: slot.key,
      sectionId: slot.section.id,
      itemId: slot.item.id,
      leader: slot.leader,
      result,
      note: optionalText(entry.note),
      evidence,
      naReason: result === "na" ? optionalText(entry.na_reason) : null,
    };
    if (opensRectification(result) && rect) {
      const deadline = rect.deadline ? (deadlineOf(rect.deadline, deps.today) ?? null) : null;
      input.rectification = {
        problem: optionalText(rect.problem)!,
        measure: optionalText(rect.measure)!,
        owner: rect.owner!.trim(),
        leaderInCharge: optionalText(rect.leaderInCharge),
        department: optionalText(rect.department),
        deadline,
        kind: (rect.kind ? parseKind(rect.kind) : undefined) ?? defaultKind(deadline),
        origin: (rect.origin ? parseOrigin(rect.origin) : undefined) ?? defaultOrigin(checklistId, slot.item),
        evidence: rect.evidence,
      };
      if (was) input.continueNote = t("check.carried.continueNote", { round, result: resultLabel(result) });
    }
    if (markDone) input.markDone = markDone;
    inputs.push(input);
  }
  if (errors.length > 0) return { ok: false, diagnostics: capDiagnostics(file, errors) };
  return {
    ok: true,
    plan: {
      file,
      unitName: storedName,
      checklistId,
      checklist,
      resume,
      newRun: deps.flags.new ?? false,
      fileHash: source.hash,
      loaded,
      respondent: respondent.trim(),
      leaders,
      slots,
      inputs,
      warnings,
    },
  };
}

/**
 * The unit's rectifications of this checklist not closed yet from earlier rounds, by item key,
 * and the round the file's run is (the resumed run's, else the next one).
 */
function carriedOf(
  store: Store | null,
  unitName: string,
  checklistId: string,
  resume: { unit: Unit; run: Run } | null,
): { carried: Map<string, Rectification>; round: number } {
  const unit = store?.findUnitByName(unitName.trim());
  if (!store || !unit) return { carried: new Map(), round: 1 };
  const runs = store.listRuns({ unitId: unit.id, checklistId });
  const round = resume ? (roundsOf(runs).get(resume.run.id) ?? runs.length) : runs.length + 1;
  const open = store
    .listRectifications({ unitId: unit.id, checklistId })
    .filter((r) => r.status !== "closed" && r.continuedBy === null && r.runId !== resume?.run.id);
  return { carried: new Map(open.map((r) => [r.itemKey, r])), round };
}

/**
 * `done: 完成情况` on a pass: mark the item's rectification still open from an earlier round
 * done. Said when there is nothing to mark, or when a pass leaves one open.
 */
function carriedDone(
  entry: AnswerEntry,
  result: Result,
  was: Rectification | undefined,
  round: number,
  warn: (code: string, message: string) => void,
): AnswerInput["markDone"] | undefined {
  const done = optionalText(entry.done);
  const open = was !== undefined && (was.status === "open" || was.status === "in-progress");
  if (done !== null && (result !== "pass" || !open)) {
    warn("ignored-done", t(result === "pass" ? "answers.done.nothingOpen" : "answers.done.notPass"));
    return undefined;
  }
  if (done === null) {
    if (result === "pass" && open)
      warn("carried-open", t("answers.carried.open", { problem: was.problem, id: was.id.slice(0, 8) }));
    return undefined;
  }
  return { progress: done, note: t("check.carried.doneNote", { round }) };
}

/** The calendar date of a deadline already checked by validateDraft. */
function deadlineOf(raw: string, today: string): string | undefined {
  const p = parseDate(raw, { today, notBefore: today });
  return p.ok ? p.date : undefined;
}

/** Say why a key names no item: a leader missing from `leaders`, a per-leader item without `@`, or a typo. */
function unknownKey(
  key: string,
  checklist: Checklist,
  leaders: readonly string[],
  known: string[],
  report: (code: string, message: string, hint?: string) => void,
): void {
  const parts = parseItemKey(key);
  const section = parts && checklist.sections.find((s) => s.id === parts.sectionId);
  const item = parts && section?.items.find((i) => i.id === parts.itemId);
  if (parts && section && item) {
    if (section.per === "leader" && parts.leader === null) {
      report(
        "needs-leader",
        t("answers.key.needsLeader", { key }),
        t("answers.key.needsLeader.hint", { key, leader: leaders[0] ?? "张三" }),
      );
      return;
    }
    if (section.per === "leader" && parts.leader !== null) {
      report(
        "unknown-leader",
        t("answers.key.unknownLeader", { key, leader: parts.leader }),
        t("answers.key.unknownLeader.hint", { leaders: leaders.join("、") || "-" }),
      );
      return;
    }
    if (section.per !== "leader" && parts.leader !== null) {
      report(
        "not-per-leader",
        t("answers.key.notPerLeader", { key, section: section.id }),
        t("diag.unknownKey.didYouMean", { suggestion: `${section.id}.${item.id}` }),
      );
      return;
    }
  }
  const suggestion = closest(key, known);
  report(
    "unknown-item",
    t("answers.key.unknown", { key, checklist: checklist.id }),
    suggestion ? t("diag.unknownKey.didYouMean", { suggestion }) : t("answers.key.unknown.hint"),
  );
}
