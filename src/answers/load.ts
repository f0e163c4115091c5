// Reading and checking an answers file completely before anything is written:
// every problem is a diagnostic with file:line:col, like `validate`'s.

import path from "node:path";
import * as z from "zod/mini";
import type { ChecklistSet } from "../checklist/load.js";
import type { Checklist, LoadedChecklist } from "../checklist/schema.js";
import { opensRectification } from "../checklist/schema.js";
import { type EvidenceCaps, evidenceCaps } from "../evidence/attach.js";
import { type Lang, localized, t } from "../i18n/index.js";
import { LIMITS } from "../input/limits.js";
import { roundsOf } from "../rectify/rounds.js";
import {
  type AnswerField,
  allowedResults,
  checkLeaders,
  checkMembers,
  checkName,
  defaultKind,
  optionalText,
  parseKind,
  parseOrigin,
  parseResult,
  type RectField,
  resultLabel,
  validateDraft,
} from "../run/fields.js";
import {
  allowedMethods,
  defaultOrigin,
  impliedMethod,
  isInspection,
  itemMethods,
  methodLabel,
  parseMethod,
} from "../run/inspection.js";
import { parseItemKey, perLeaderSections, type RunItem, runItems } from "../run/items.js";
import { mergeLeaders, splitNames } from "../run/leaders.js";
import { findResumable } from "../run/runs.js";
import { checklistOfRun } from "../run/snapshot.js";
import type { AnswerInput, StoreReads } from "../store/port.js";
import {
  INSPECTION_METHODS,
  type InspectionGroup,
  type InspectionMethod,
  type Rectification,
  type Result,
  type Run,
  type Unit,
} from "../store/types.js";
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
import { evidencePaths, type PlannedEvidence, planEvidence } from "./evidence.js";
import { type AnswerEntry, AnswerEntrySchema, type AnswersFile, AnswersFileSchema } from "./schema.js";

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
  /** The supervision group of an inspection run (null for a self-check). */
  inspection: InspectionGroup | null;
  slots: RunItem[];
  inputs: AnswerInput[];
  /** Evidence files named by `evidence_files:`, checked and hashed, to attach with their answers. */
  evidence: PlannedEvidence[];
  evidenceCaps?: EvidenceCaps;
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

export interface PlanDeps {
  set: ChecklistSet;
  /** The database, when there is one yet (a file is checked before any database is created). */
  store: StoreReads | null;
  flags: AnswersFlags;
  today: string;
  lang: Lang;
  /** Where a relative answers file's name starts (default: the process's folder). */
  cwd?: string;
  /** Caps on evidence files (default: the limits, or the environment's). */
  evidenceCaps?: EvidenceCaps;
}

/** Where the problems of one file are collected, each at its line and column. */
interface Reporter {
  file: string;
  parsed: ParsedYaml;
  doc: AnswersFile;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  at(path: Path, code: string, message: string, hint?: string, which?: "value" | "key"): void;
  warn(path: Path, code: string, message: string): void;
}

function reporter(file: string, parsed: ParsedYaml, doc: AnswersFile): Reporter {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  return {
    file,
    parsed,
    doc,
    errors,
    warnings,
    at: (path, code, message, hint, which = "value") =>
      errors.push(makeDiagnostic(file, positionAt(parsed, path, which), code, message, hint)),
    warn: (path, code, message) =>
      warnings.push(
        makeDiagnostic(file, positionAt(parsed, path, "key"), code, message, undefined, "warning"),
      ),
  };
}

/** Who, what and which run: everything of the plan but its answers. */
interface PlanHead {
  storedName: string;
  checklistId: string;
  checklist: Checklist;
  resume: { unit: Unit; run: Run } | null;
  loaded: LoadedChecklist | null;
  respondent: string;
  leaders: string[];
  inspection: InspectionGroup | null;
  /** `inspection.method`: the method of every answer that names none. */
  defaultMethod: InspectionMethod | null;
}

export async function planAnswers(source: SourceText, deps: PlanDeps): Promise<PlanOutcome> {
  const outcome = parseWithSchema(source, AnswersFileSchema);
  if (!outcome.ok) return { ok: false, diagnostics: outcome.diagnostics };
  const rep = reporter(source.file, outcome.parsed, outcome.value);
  const head = await planHead(rep, deps);
  const entries = head && answerEntries(rep, outcome.raw);
  if (!head || !entries) return { ok: false, diagnostics: rep.errors };
  const slots = runItems(head.checklist, head.leaders);
  const { carried, round } = await carriedOf(deps.store, head.storedName, head.checklistId, head.resume);
  const ctx: EntryContext = {
    rep,
    head,
    evidenceDir: path.dirname(path.resolve(deps.cwd ?? process.cwd(), source.file)),
    caps: deps.evidenceCaps ?? evidenceCaps(),
    evidence: [],
    byKey: new Map(slots.map((s) => [s.key, s])),
    carried,
    round,
    today: deps.today,
  };
  const inputs: AnswerInput[] = [];
  for (const [key, raw] of entries) {
    if (rep.errors.length > LIMITS.diagnosticsPerFile) break;
    const input = planEntry(ctx, key, raw);
    if (input) inputs.push(input);
  }
  if (rep.errors.length > 0) return { ok: false, diagnostics: capDiagnostics(source.file, rep.errors) };
  const { storedName, respondent, defaultMethod: _default, ...rest } = head;
  return {
    ok: true,
    plan: {
      file: source.file,
      unitName: storedName,
      ...rest,
      newRun: deps.flags.new ?? false,
      fileHash: source.hash,
      respondent: respondent.trim(),
      slots,
      inputs,
      evidence: ctx.evidence,
      evidenceCaps: ctx.caps,
      warnings: rep.warnings,
    },
  };
}

/** The unit, checklist, respondent and leaders, from the file else the flags; undefined when wrong. */
async function planHead(rep: Reporter, deps: PlanDeps): Promise<PlanHead | undefined> {
  const { doc, at } = rep;
  // From the file, else from the flags; never two different ones.
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
  const storedName = await unitOf(rep, deps, unitName);
  const resume =
    deps.store && storedName && !deps.flags.new
      ? ((await findResumable(deps.store, storedName, checklistId)) ?? null)
      : null;
  const loaded = deps.set.checklists.find((l) => l.checklist.id === checklistId) ?? null;
  let checklist: Checklist | undefined;
  if (resume && deps.store) checklist = await checklistOfRun(deps.store, resume.run);
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
  const respondent = respondentOf(rep, respondentGiven, resume);
  const leaders = leadersOf(rep, deps.lang, checklist, resume);
  const group = checklist ? inspectionOf(rep, checklist, resume) : undefined;
  if (!leaders || !checklist || !group || storedName === undefined || respondent === undefined)
    return undefined;
  return { storedName, checklistId, checklist, resume, loaded, respondent, leaders, ...group };
}

/**
 * The supervision group of an inspection run: the file's, else the resumed run's; required for
 * an inspection checklist, refused for a self-check. Undefined (reported) when wrong.
 */
function inspectionOf(
  rep: Reporter,
  checklist: Checklist,
  resume: { run: Run } | null,
): { inspection: InspectionGroup | null; defaultMethod: InspectionMethod | null } | undefined {
  const block = rep.doc.inspection ?? null;
  if (!isInspection(checklist)) {
    if (block === null) return { inspection: null, defaultMethod: null };
    rep.at(
      ["inspection"],
      "not-inspection",
      t("answers.inspection.notInspection", { checklist: checklist.id }),
      t("answers.inspection.notInspection.hint"),
      "key",
    );
    return undefined;
  }
  const was = resume?.run.inspection ?? null;
  const groupGiven = optionalText(block?.group);
  if (groupGiven === null && was === null) {
    rep.at(
      block ? ["inspection"] : [],
      "missing-inspection",
      t("answers.inspection.groupMissing", { checklist: checklist.id }),
      t("answers.inspection.hint"),
      "key",
    );
    return undefined;
  }
  let ok = true;
  const group = groupGiven ?? was!.group;
  if (groupGiven !== null) {
    const c = checkName(groupGiven, "inspectionGroup");
    if (!c.ok) {
      rep.at(["inspection", "group"], c.code, c.message);
      ok = false;
    }
  }
  const raw = block?.members;
  const given = raw === undefined || raw === null ? null : Array.isArray(raw) ? raw : splitNames(raw);
  const members = checkMembers(given ?? was?.members ?? []);
  if (!members.ok) {
    rep.at(
      raw !== undefined && raw !== null ? ["inspection", "members"] : block ? ["inspection"] : [],
      members.code,
      members.message,
      t("answers.inspection.hint"),
      raw !== undefined && raw !== null ? "value" : "key",
    );
    ok = false;
  }
  const defaultMethod = methodOf(rep, ["inspection", "method"], block?.method);
  if (!ok || defaultMethod === undefined || !members.ok) return undefined;
  return { inspection: { group: group.trim(), members: members.value }, defaultMethod };
}

/** A method as written (null when not given); undefined (reported, with a did-you-mean) when unknown. */
function methodOf(
  rep: Reporter,
  path: Path,
  raw: string | null | undefined,
): InspectionMethod | null | undefined {
  const text = optionalText(raw);
  if (text === null) return null;
  const m = parseMethod(text);
  if (m) return m;
  const spellings = INSPECTION_METHODS.flatMap((x) => [x, methodLabel(x, "zh-CN"), methodLabel(x, "en")]);
  const suggestion = closest(text, spellings);
  rep.at(
    path,
    "bad-method",
    t("answers.method.bad", { value: text }),
    suggestion
      ? t("diag.unknownKey.didYouMean", { suggestion })
      : t("diag.badValue.hint", { allowed: allowedMethods() }),
  );
  return undefined;
}

/** The stored form of the unit's name (a look-alike of a known unit is that unit), checked. */
async function unitOf(
  rep: Reporter,
  deps: PlanDeps,
  unitName: string | undefined,
): Promise<string | undefined> {
  if (unitName === undefined) {
    rep.at(
      [],
      "missing-field",
      t("answers.missing", { field: "unit", option: "--unit" }),
      t("diag.missingField.hint", { field: "unit" }),
    );
    return undefined;
  }
  const c = checkName(unitName, "unit");
  if (!c.ok) rep.at(["unit"], c.code, c.message);
  const unit = await resolveUnitName(deps.store, unitName);
  if (unit.kind === "near" && !deps.flags.newUnit) {
    rep.at(
      rep.doc.unit ? ["unit"] : [],
      "near-unit",
      t("answers.unitNear", { name: unit.name, near: unit.near.join("、") }),
      t("answers.unitNear.hint", { name: unit.name, near: unit.near[0] ?? "" }),
    );
  }
  return unit.kind === "existing" ? unit.unit.name : unit.kind === "invalid" ? unitName : unit.name;
}

function respondentOf(
  rep: Reporter,
  given: string | undefined,
  resume: { run: Run } | null,
): string | undefined {
  const respondent = given ?? resume?.run.respondent;
  if (respondent === undefined) {
    rep.at(
      [],
      "missing-field",
      t("answers.missing", { field: "respondent", option: "--respondent" }),
      t("diag.missingField.hint", { field: "respondent" }),
    );
  } else if (given !== undefined) {
    const c = checkName(given, "respondent");
    if (!c.ok) rep.at(["respondent"], c.code, c.message);
  }
  return respondent;
}

/** The run's leaders (a resumed run's, and those the file adds); undefined past the limit. */
function leadersOf(
  rep: Reporter,
  lang: Lang,
  checklist: Checklist | undefined,
  resume: { run: Run } | null,
): string[] | undefined {
  const { doc } = rep;
  const fileLeaders = Array.isArray(doc.leaders)
    ? doc.leaders.map((s) => s.trim())
    : splitNames(doc.leaders ?? "");
  const perLeader = checklist ? perLeaderSections(checklist)[0] : undefined;
  const leaders = mergeLeaders(resume?.run.leaders ?? [], fileLeaders);
  const namesCheck = checkLeaders(fileLeaders, null);
  const leadersCheck = namesCheck.ok
    ? checkLeaders(leaders, perLeader ? localized(perLeader.title, perLeader.title_en, lang) : null)
    : namesCheck;
  if (!leadersCheck.ok) {
    rep.at(
      doc.leaders ? ["leaders"] : [],
      leadersCheck.code,
      leadersCheck.message,
      t("answers.leaders.hint"),
    );
    // Items are not expanded for a list past the limit: that alone would cost what the limit prevents.
    if (leadersCheck.code === "too-many-leaders") return undefined;
  }
  if (checklist && !perLeader && fileLeaders.length > 0)
    rep.warn(["leaders"], "unused-leaders", t("answers.leaders.unused"));
  return leaders;
}

/** The file's answers as written, or undefined when there are more than a file may hold. */
function answerEntries(rep: Reporter, raw: unknown): [string, unknown][] | undefined {
  // Keys from the file as parsed: rebuilt by the schema, an object would lose `__proto__`.
  const rawAnswers = (raw as { answers?: unknown } | null)?.answers;
  const entries =
    rawAnswers !== null && typeof rawAnswers === "object"
      ? Object.entries(rawAnswers as Record<string, unknown>)
      : [];
  if (entries.length <= LIMITS.answers) return entries;
  rep.at(
    ["answers"],
    "too-many-answers",
    t("answers.tooMany", { count: entries.length, max: LIMITS.answers }),
    undefined,
    "key",
  );
  return undefined;
}

interface EntryContext {
  rep: Reporter;
  head: PlanHead;
  evidenceDir: string;
  caps: EvidenceCaps;
  evidence: PlannedEvidence[];
  byKey: Map<string, RunItem>;
  carried: Map<string, Rectification>;
  round: number;
  today: string;
}

/** One answer of the file checked and made the input to store; undefined (reported) when wrong. */
function planEntry(ctx: EntryContext, key: string, raw: unknown): AnswerInput | undefined {
  const { rep, head } = ctx;
  const base: Path = ["answers", key];
  const slot = ctx.byKey.get(key);
  if (!slot) {
    unknownKey(key, head.checklist, head.leaders, [...ctx.byKey.keys()], (code, message, hint) =>
      rep.at(base, code, message, hint, "key"),
    );
    return undefined;
  }
  const read = readEntry(rep, key, raw);
  if (!read) return undefined;
  const { entry, result, resultText } = read;
  const method = answerMethod(ctx, slot, entry);
  if (method === undefined) return undefined;
  const r = entry.rectification ?? null;
  const evidence = optionalText(entry.evidence);
  // A problem still open from an earlier round is continued: what the block leaves out stays.
  const was = opensRectification(result) ? ctx.carried.get(slot.key) : undefined;
  const rect = rectificationOf(rep, base, slot, r, was, evidence);
  if (opensRectification(result) && !rect) {
    // One message for the whole missing block rather than one per field.
    rep.at(
      base,
      "missing-rectification",
      t("answers.rectification.missing", { key, result: resultText }),
      t("answers.rectification.hint", { result: resultText }),
    );
    return undefined;
  }
  const draft = {
    result,
    note: entry.note ?? null,
    evidence,
    naReason: entry.na_reason ?? null,
    rectification: rect,
  };
  const problems = validateDraft(draft, { today: ctx.today, keptDeadline: was?.deadline ?? null });
  reportProblems(rep, base, problems);
  if (problems.length > 0) return undefined;
  if (!opensRectification(result) && r)
    rep.warn(
      [...base, "rectification"],
      "ignored-rectification",
      t("answers.rectification.ignored", { result: resultText }),
    );
  if (result !== "na" && optionalText(entry.na_reason))
    rep.warn([...base, "na_reason"], "ignored-na-reason", t("answers.naReason.ignored"));
  const markDone = carriedDone(entry, result, ctx.carried.get(slot.key), ctx.round, (code, message) =>
    rep.warn(entry.done != null ? [...base, "done"] : base, code, message),
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
  if (head.inspection) input.method = method;
  if (opensRectification(result) && rect) {
    input.rectification = storedRectification(rect, head.checklist, slot, method, ctx.today);
    if (was)
      input.continueNote = t("check.carried.continueNote", { round: ctx.round, result: resultLabel(result) });
  }
  if (markDone) input.markDone = markDone;
  planEntryEvidence(ctx, slot.key, base, entry, opensRectification(result));
  return input;
}

/** The entry's `evidence_files:` (and its rectification's), checked now, attached when applied. */
function planEntryEvidence(
  ctx: EntryContext,
  itemKey: string,
  base: Path,
  entry: AnswerEntry,
  opens: boolean,
): void {
  const report = (p: Path, message: string) =>
    ctx.rep.at(p, "evidence-file", message, t("evidence.refused.hint"));
  const blocks: [PlannedEvidence["on"], Path, string[]][] = [
    ["answer", [...base, "evidence_files"], evidencePaths(entry.evidence_files)],
    [
      "rectification",
      [...base, "rectification", "evidence_files"],
      evidencePaths(entry.rectification?.evidence_files),
    ],
  ];
  for (const [on, where, paths] of blocks) {
    if (paths.length === 0) continue;
    if (on === "rectification" && !opens) continue;
    const files = planEvidence(paths, where, ctx.evidenceDir, ctx.caps, report);
    if (files.length > 0) ctx.evidence.push({ itemKey, on, files });
  }
}

/**
 * 检查方式 of one answer: its own `method`, else the file's `inspection.method`, else the one
 * method the checklist gives for the item, else none (null). A self-check's answer has none;
 * undefined (reported) when wrong.
 */
function answerMethod(
  ctx: EntryContext,
  slot: RunItem,
  entry: AnswerEntry,
): InspectionMethod | null | undefined {
  const { rep, head } = ctx;
  const path: Path = ["answers", slot.key, "method"];
  if (!head.inspection) {
    if (optionalText(entry.method) === null) return null;
    rep.at(
      path,
      "method-on-self-check",
      t("answers.method.onSelfCheck", { checklist: head.checklist.id }),
      t("answers.method.onSelfCheck.hint"),
      "key",
    );
    return undefined;
  }
  const own = methodOf(rep, path, entry.method);
  if (own === undefined) return undefined;
  const method = own ?? head.defaultMethod ?? impliedMethod(slot.item);
  const allowed = itemMethods(slot.item);
  if (method !== null && allowed.length > 0 && !allowed.includes(method))
    rep.warn(
      own !== null ? path : ["answers", slot.key],
      "unexpected-method",
      t("answers.method.unexpected", {
        methods: allowed.map((m) => methodLabel(m)).join("、"),
        method: methodLabel(method),
      }),
    );
  return method;
}

/** An answer's entry (shorthand `key: 符合`, or a block) with its result; undefined (reported) when wrong. */
function readEntry(
  rep: Reporter,
  key: string,
  raw: unknown,
): { entry: AnswerEntry; result: Result; resultText: string } | undefined {
  const base: Path = ["answers", key];
  let entry: AnswerEntry;
  if (raw === null || typeof raw !== "object") {
    // Shorthand: `study.study-time: 符合`.
    entry = { result: raw === null || raw === undefined ? "" : String(raw) };
  } else {
    const parsedEntry = AnswerEntrySchema.safeParse(raw);
    if (!parsedEntry.success) {
      const wrapper = z.object({ answers: z.object({ [key]: AnswerEntrySchema }) });
      const issues = parsedEntry.error.issues.map((i) => ({ ...i, path: [...base, ...i.path] }));
      rep.errors.push(...issuesToDiagnostics(rep.parsed, rep.doc, issues, wrapper));
      return undefined;
    }
    entry = parsedEntry.data;
  }
  const resultPath: Path = typeof raw === "object" && raw !== null ? [...base, "result"] : base;
  if (entry.result === undefined || entry.result === null || entry.result === "") {
    rep.at(
      base,
      "missing-field",
      t("answers.missingResult", { key }),
      t("diag.badValue.hint", { allowed: allowedResults() }),
    );
    return undefined;
  }
  const resultText =
    typeof entry.result === "string" || typeof entry.result === "number"
      ? String(entry.result)
      : JSON.stringify(entry.result);
  const result = parseResult(resultText);
  if (!result) {
    rep.at(
      resultPath,
      "bad-result",
      t("answers.badResult", { value: resultText }),
      t("diag.badValue.hint", { allowed: allowedResults() }),
    );
    return undefined;
  }
  return { entry, result, resultText };
}

type RectBlock = NonNullable<AnswerEntry["rectification"]>;
type RectDraft = NonNullable<Parameters<typeof validateDraft>[0]["rectification"]>;

/** The rectification block as given, what it leaves out taken from the one it continues (`was`). */
function rectificationOf(
  rep: Reporter,
  base: Path,
  slot: RunItem,
  r: RectBlock | null,
  was: Rectification | undefined,
  evidence: string | null,
): RectDraft | null {
  if (!r && !was) return null;
  const deadlineRaw =
    r?.deadline === undefined || r.deadline === null
      ? null
      : typeof r.deadline === "number"
        ? (rawScalar(rep.parsed, [...base, "rectification", "deadline"]) ?? String(r.deadline))
        : r.deadline;
  const given = <K extends keyof RectBlock>(k: K, kept: string | null | undefined) =>
    r && r[k] !== undefined ? asText(r[k]) : (kept ?? null);
  return {
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
}

/** Each problem validateDraft found, at the field it is about (a missing one at its block's key). */
function reportProblems(rep: Reporter, base: Path, problems: ReturnType<typeof validateDraft>): void {
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
    const missing = p.code === "missing-field" || p.code === "missing-deadline";
    if (missing) rep.at(path.slice(0, -1), p.code, p.message, hint, "key");
    else rep.at(path, p.code, p.message, hint);
  }
}

/** A checked rectification block as the store keeps it: dates resolved, kind and origin defaulted. */
function storedRectification(
  rect: RectDraft,
  checklist: Checklist,
  slot: RunItem,
  method: InspectionMethod | null,
  today: string,
): NonNullable<AnswerInput["rectification"]> {
  const deadline = rect.deadline ? (deadlineOf(rect.deadline, today) ?? null) : null;
  return {
    problem: optionalText(rect.problem)!,
    measure: optionalText(rect.measure)!,
    owner: rect.owner!.trim(),
    leaderInCharge: optionalText(rect.leaderInCharge),
    department: optionalText(rect.department),
    deadline,
    kind: (rect.kind ? parseKind(rect.kind) : undefined) ?? defaultKind(deadline),
    // An unannounced visit's finding is 暗访, any other inspection's 明察, unless the block says otherwise.
    origin:
      (rect.origin ? parseOrigin(rect.origin) : undefined) ?? defaultOrigin(checklist, slot.item, method),
    evidence: rect.evidence ?? null,
  };
}

/**
 * The unit's rectifications of this checklist not closed yet from earlier rounds, by item key,
 * and the round the file's run is (the resumed run's, else the next one).
 */
async function carriedOf(
  store: StoreReads | null,
  unitName: string,
  checklistId: string,
  resume: { unit: Unit; run: Run } | null,
): Promise<{ carried: Map<string, Rectification>; round: number }> {
  const unit = await store?.findUnitByName(unitName.trim());
  if (!store || !unit) return { carried: new Map(), round: 1 };
  const runs = await store.listRuns({ unitId: unit.id, checklistId });
  const round = resume ? (roundsOf(runs).get(resume.run.id) ?? runs.length) : runs.length + 1;
  const open = (await store.listRectifications({ unitId: unit.id, checklistId })).filter(
    (r) => r.status !== "closed" && r.continuedBy === null && r.runId !== resume?.run.id,
  );
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
