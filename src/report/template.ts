// The briefing template: masthead and tail texts, fonts, sizes, and which parts of the body
// come in which order. A bureau copies templates/report.yaml, edits it and passes it with
// --template. It is a text file rather than a .docx so that it can be kept and reviewed in
// git beside the checklists, and checked with line and column like them; the numbers are
// never in it. Read as untrusted input: bounded in size, parsed without aliases bombs,
// validated before anything is written.
import { statSync } from "node:fs";
import * as z from "zod/mini";
import { usageError } from "../errors.js";
import { type MessageKey, t } from "../i18n/index.js";
import { diagnosticLines, PLACEHOLDER } from "../ledger/template.js";
import { templatesDir } from "../paths.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { makeDiagnostic, type ParsedYaml, parseWithSchema, positionAt } from "../yaml/parse.js";
import { readSource } from "../yaml/source.js";
import type { ReportLanguage } from "./types.js";

export const DEFAULT_REPORT_TEMPLATE = `${templatesDir}report.yaml`;
/** A template is a page of text; anything larger is not one. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

/** The parts of the body; `units` (the table of every unit) is the county briefing's only. */
export const PARTS = ["basic", "practice", "problems", "rectification", "next", "units"] as const;
export type PartKind = (typeof PARTS)[number];
/** The parts a person writes (the briefing leaves a marked place for them). */
export const WRITTEN_PARTS: readonly PartKind[] = ["practice", "next"];

export const UNIT_PLACEHOLDERS = ["unit", "township", "issuer", "checklist", "issue", "date"] as const;
export const COUNTY_PLACEHOLDERS = ["scope", "township", "issuer", "checklist", "issue", "date"] as const;

const text = (what: string) => z.string().check(z.trim(), z.minLength(1), z.maxLength(500), z.describe(what));
const names = (what: string) => z.array(text(what)).check(z.maxLength(50));
const font = (what: string) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(64), z.regex(/^[^<>&"'\\]+$/), z.describe(what));
const size = (what: string) => z.number().check(z.gte(6), z.lte(72), z.describe(what));

export const ReportTemplateSchema = z.strictObject({
  version: z.literal(1).check(z.describe("Template format version (1)")),
  language: z.optional(z.enum(["zh-CN", "en"]).check(z.describe("Language of the briefing"))),
  file: z.optional(text("File name of a unit's briefing, without extension")),
  file_en: z.optional(text("File name of a unit's briefing (English)")),
  file_county: z.optional(text("File name of the county briefing, without extension")),
  file_county_en: z.optional(text("File name of the county briefing (English)")),
  masthead: z.strictObject({
    title: text("Title of a unit's briefing"),
    title_en: z.optional(text("Title (English)")),
    title_county: text("Title of the county briefing"),
    title_county_en: z.optional(text("Title of the county briefing (English)")),
    issue: z.optional(text("How the issue number reads, with {issue}")),
    issue_en: z.optional(text("Issue number (English)")),
    issuer: z.optional(text("Issuing unit of a unit's briefing")),
    issuer_en: z.optional(text("Issuing unit (English)")),
    issuer_county: z.optional(text("Issuing unit of the county briefing")),
    issuer_county_en: z.optional(text("Issuing unit of the county briefing (English)")),
    scope_county: z.optional(text("{scope} of a briefing of the whole county")),
    scope_county_en: z.optional(text("{scope} of the whole county (English)")),
    color: z.optional(z.string().check(z.regex(/^[0-9A-Fa-f]{6}$/), z.describe("Colour, 6 hex digits"))),
  }),
  tail: z.optional(
    z.strictObject({
      to: z.optional(names("Sent to (报送)")),
      to_en: z.optional(names("Sent to (English)")),
      cc: z.optional(names("Copied to (抄送)")),
      cc_en: z.optional(names("Copied to (English)")),
      copies: z.optional(z.int().check(z.gte(1), z.lte(100000), z.describe("Copies printed (共印 N 份)"))),
    }),
  ),
  fonts: z.optional(
    z.strictObject({
      title: z.optional(font("Font of the title")),
      heading: z.optional(font("Font of the headings")),
      subheading: z.optional(font("Font of the sub-headings")),
      body: z.optional(font("Font of the body text")),
      table: z.optional(font("Font of the tables")),
      latin: z.optional(font("Font of digits and Latin text")),
    }),
  ),
  sizes: z.optional(
    z.strictObject({
      title: z.optional(size("Title size (pt)")),
      issue: z.optional(size("Issue line size (pt)")),
      heading: z.optional(size("Heading size (pt)")),
      body: z.optional(size("Body size (pt)")),
      table: z.optional(size("Table size (pt)")),
      chart: z.optional(size("Chart text size (pt)")),
    }),
  ),
  parts: z
    .array(
      z.strictObject({
        part: z.enum(PARTS).check(z.describe("Which part of the body")),
        heading: text("Heading"),
        heading_en: z.optional(text("Heading (English)")),
        prompt: z.optional(text("Prompt left where a person writes")),
        prompt_en: z.optional(text("Prompt (English)")),
      }),
    )
    .check(z.minLength(1), z.maxLength(20)),
  county: z.optional(
    z.strictObject({
      overdue_limit: z.optional(
        z.int().check(z.gte(0), z.lte(1000), z.describe("Most overdue items listed")),
      ),
      charts: z.optional(z.boolean().check(z.describe("Whether the county briefing carries charts"))),
    }),
  ),
});
type TemplateFile = z.infer<typeof ReportTemplateSchema>;

export interface Fonts {
  title: string;
  heading: string;
  subheading: string;
  body: string;
  table: string;
  latin: string;
}

export interface Sizes {
  title: number;
  issue: number;
  heading: number;
  body: number;
  table: number;
  chart: number;
}

export interface Part {
  part: PartKind;
  heading: string;
  /** For the parts a person writes: the prompt shown in their place. */
  prompt: string | null;
}

/** The template with the language applied: what the briefing builders read. */
export interface ReportTemplate {
  file: string;
  language: ReportLanguage;
  unitFile: string;
  countyFile: string;
  title: { unit: string; county: string };
  issue: string;
  issuer: { unit: string; county: string };
  scopeCounty: string;
  color: string;
  tail: { to: string[]; cc: string[]; copies: number | null };
  fonts: Fonts;
  sizes: Sizes;
  parts: Part[];
  overdueLimit: number;
  charts: boolean;
}

const DEFAULT_FONTS: Fonts = {
  title: "方正小标宋简体",
  heading: "黑体",
  subheading: "楷体",
  body: "仿宋",
  table: "仿宋",
  latin: "Times New Roman",
};
const DEFAULT_SIZES: Sizes = { title: 26, issue: 16, heading: 16, body: 16, table: 12, chart: 10 };

const DEFAULT_PROMPT: Record<ReportLanguage, string> = {
  "zh-CN": "【请在此处填写。】",
  en: "[Write here.]",
};

/** The template in one language (`language` overrides the file's own). */
export function resolveTemplate(file: string, tf: TemplateFile, language?: ReportLanguage): ReportTemplate {
  const lang: ReportLanguage = language ?? tf.language ?? "zh-CN";
  const en = lang === "en";
  const pick = (zh: string, english: string | undefined) => (en && english ? english : zh);
  const pickList = (zh: string[] | undefined, english: string[] | undefined) =>
    en && english ? english : (zh ?? []);
  const m = tf.masthead;
  const tail = tf.tail ?? {};
  return {
    file,
    language: lang,
    unitFile: pick(tf.file ?? "{unit}-工作简报", tf.file_en),
    countyFile: pick(tf.file_county ?? "{scope}-工作简报", tf.file_county_en),
    title: { unit: pick(m.title, m.title_en), county: pick(m.title_county, m.title_county_en) },
    issue: pick(m.issue ?? "第 {issue} 期", m.issue_en),
    issuer: {
      unit: pick(m.issuer ?? "{unit}", m.issuer_en),
      county: pick(m.issuer_county ?? "", m.issuer_county_en),
    },
    scopeCounty: pick(m.scope_county ?? "全县", m.scope_county_en),
    color: (m.color ?? "C00000").toUpperCase(),
    tail: {
      to: pickList(tail.to, tail.to_en),
      cc: pickList(tail.cc, tail.cc_en),
      copies: tail.copies ?? null,
    },
    fonts: { ...DEFAULT_FONTS, ...tf.fonts },
    sizes: { ...DEFAULT_SIZES, ...tf.sizes },
    parts: tf.parts.map((p) => ({
      part: p.part,
      heading: pick(p.heading, p.heading_en),
      prompt: WRITTEN_PARTS.includes(p.part) ? pick(p.prompt ?? DEFAULT_PROMPT[lang], p.prompt_en) : null,
    })),
    overdueLimit: tf.county?.overdue_limit ?? 10,
    charts: tf.county?.charts ?? true,
  };
}

/** What the schema cannot say: a part listed twice, a placeholder that does not exist, a prompt on a part with numbers. */
function semanticChecks(tf: TemplateFile, parsed: ParsedYaml): Diagnostic[] {
  const file = parsed.source.file;
  const out: Diagnostic[] = [];
  const err = (path: (string | number)[], key: MessageKey, params: Record<string, string | number> = {}) =>
    out.push(
      makeDiagnostic(
        file,
        positionAt(parsed, path),
        "report-template",
        t(key, params),
        t(`${key}.hint` as MessageKey, params),
      ),
    );
  const seen = new Map<string, number>();
  tf.parts.forEach((p, i) => {
    const first = seen.get(p.part);
    if (first !== undefined)
      err(["parts", i, "part"], "report.template.duplicatePart", { part: p.part, line: first });
    else seen.set(p.part, positionAt(parsed, ["parts", i, "part"]).line);
    if (!WRITTEN_PARTS.includes(p.part) && (p.prompt !== undefined || p.prompt_en !== undefined)) {
      err(["parts", i, p.prompt !== undefined ? "prompt" : "prompt_en"], "report.template.promptOnData", {
        part: p.part,
      });
    }
  });
  const m = tf.masthead;
  const unitTexts: [(string | number)[], string | undefined][] = [
    [["file"], tf.file],
    [["file_en"], tf.file_en],
    [["masthead", "title"], m.title],
    [["masthead", "title_en"], m.title_en],
    [["masthead", "issuer"], m.issuer],
    [["masthead", "issuer_en"], m.issuer_en],
  ];
  const countyTexts: [(string | number)[], string | undefined][] = [
    [["file_county"], tf.file_county],
    [["file_county_en"], tf.file_county_en],
    [["masthead", "title_county"], m.title_county],
    [["masthead", "title_county_en"], m.title_county_en],
    [["masthead", "issuer_county"], m.issuer_county],
    [["masthead", "issuer_county_en"], m.issuer_county_en],
  ];
  const issueTexts: [(string | number)[], string | undefined][] = [
    [["masthead", "issue"], m.issue],
    [["masthead", "issue_en"], m.issue_en],
  ];
  const check = (texts: typeof unitTexts, allowed: readonly string[]) => {
    for (const [path, s] of texts) {
      for (const match of (s ?? "").matchAll(PLACEHOLDER)) {
        const name = match[1] ?? "";
        if (!allowed.includes(name)) {
          err(path, "report.template.placeholder", {
            name: `{${name}}`,
            allowed: allowed.map((a) => `{${a}}`).join(" "),
          });
        }
      }
    }
  };
  check(unitTexts, UNIT_PLACEHOLDERS);
  check(countyTexts, COUNTY_PLACEHOLDERS);
  check(issueTexts, ["issue"]);
  return out;
}

export type ReportTemplateOutcome =
  | { ok: true; template: ReportTemplate }
  | { ok: false; diagnostics: Diagnostic[] };

export function loadReportTemplate(
  file: string = DEFAULT_REPORT_TEMPLATE,
  language?: ReportLanguage,
): ReportTemplateOutcome {
  // A device or a FIFO would block the read or never end: only a regular file is a template.
  let regular = false;
  try {
    regular = statSync(file).isFile();
  } catch {
    regular = false;
  }
  if (!regular) {
    return {
      ok: false,
      diagnostics: [
        makeDiagnostic(file, { line: 1, col: 1 }, "not-a-file", t("report.template.notFile"), undefined),
      ],
    };
  }
  const read = readSource(file, "template", MAX_TEMPLATE_BYTES);
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  const outcome = parseWithSchema(read.source, ReportTemplateSchema);
  if (!outcome.ok) return { ok: false, diagnostics: outcome.diagnostics };
  const diagnostics = semanticChecks(outcome.value, outcome.parsed);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, template: resolveTemplate(file, outcome.value, language) };
}

/** Load or throw the exit-2 error that lists every problem as file:line:col. */
export function loadReportTemplateOrThrow(
  file: string | undefined,
  display: (file: string) => string,
  language?: ReportLanguage,
): ReportTemplate {
  const outcome = loadReportTemplate(file, language);
  if (outcome.ok) return outcome.template;
  throw usageError(
    "report.template.invalid",
    { file: display(file ?? DEFAULT_REPORT_TEMPLATE) },
    { details: diagnosticLines(outcome.diagnostics, display), hintKey: "report.template.invalid.hint" },
  );
}
