// The ledger template (整改台账的格式): which columns, in which order, with which headings and widths,
// and the title and info rows. A bureau copies templates/ledger.yaml, edits it and passes
// it with --template; it is checked with positions like a checklist.
import * as z from "zod/mini";
import { usageError } from "../errors.js";
import { type MessageKey, t } from "../i18n/index.js";
import { templatesDir } from "../paths.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { makeDiagnostic, type ParsedYaml, parseWithSchema, positionAt } from "../yaml/parse.js";
import { readSource } from "../yaml/source.js";
import { DEFAULT_LABELS, type Labels, type LedgerLanguage } from "./labels.js";

export const DEFAULT_TEMPLATE_FILE = `${templatesDir}ledger.yaml`;

/** Columns of sheet 整改台账: one row per rectification. */
export const LEDGER_FIELDS = [
  "seq",
  "item_no",
  "round",
  "found_on",
  "item_key",
  "section",
  "item",
  "origin",
  "problem",
  "measure",
  "kind",
  "leader_in_charge",
  "department",
  "owner",
  "deadline",
  "status",
  "progress",
  "evidence",
  "closed_at",
  "remark",
  "closed_by",
  "overdue",
  "created_at",
  "id",
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** Columns of sheet 自查明细: one row per checklist item (answered or not). */
export const DETAIL_FIELDS = [
  "seq",
  "item_key",
  "section",
  "item",
  "leader",
  "result",
  "note",
  "evidence",
  "na_reason",
  "answered_at",
  // 检查方式: an inspection's only (the column is left out of a self-check's sheet).
  "method",
] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

/** Columns of 汇总.xlsx: one row per unit. */
export const SUMMARY_FIELDS = [
  "seq",
  "unit",
  "code",
  "township",
  "type",
  "checklist",
  "version",
  "respondent",
  "run_status",
  "answered",
  "total",
  "pass",
  "partial",
  "fail",
  "na",
  "rectifications",
  "open",
  "in_progress",
  "done",
  "closed",
  "overdue",
  "completion_rate",
  "score",
  "grade",
  "rank",
  // 检查类型 of the row's run (自查 / 督导检查), and the unit's latest inspection: group, date, methods.
  "run_kind",
  "inspection",
] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];

/** Placeholders allowed in the title and info rows, per sheet. */
export const UNIT_PLACEHOLDERS = [
  "unit",
  "code",
  "township",
  "respondent",
  "date",
  "checklist",
  "version",
  "run_status",
  "leaders",
  "overdue",
  "rounds",
  "score",
] as const;
export const SUMMARY_PLACEHOLDERS = ["date", "count", "checklist"] as const;

const text = (what: string) => z.string().check(z.trim(), z.minLength(1), z.describe(what));
const width = () => z.number().check(z.gte(2), z.lte(120));

const column = <F extends readonly [string, ...string[]]>(fields: F) =>
  z.strictObject({
    field: z.enum(fields).check(z.describe("What the column shows")),
    heading: text("Heading in Chinese"),
    heading_en: z.optional(text("Heading in English")),
    width: z.optional(
      z
        .union([width(), z.literal("auto")])
        .check(z.describe("Fixed width in Excel character units, or `auto` (display width of the content)")),
    ),
    max_width: z.optional(width().check(z.describe("Upper bound of an `auto` width"))),
    wrap: z.optional(z.boolean().check(z.describe("Wrap long text inside the cell"))),
    formats: z.optional(
      z
        .array(z.enum(["xlsx", "csv"]))
        .check(
          z.minLength(1),
          z.describe("Only in these formats (default: all), e.g. a code column for csv only"),
        ),
    ),
  });

const sheetText = {
  sheet: text("Sheet name (Chinese)"),
  sheet_en: z.optional(text("Sheet name (English)")),
  title: text("Title row (Chinese), with placeholders such as {unit}"),
  title_en: z.optional(text("Title row (English)")),
};

/** A block of optional labels with exactly these keys (a strict object, so a typo gets "did you mean"). */
const labelMap = <K extends string>(keys: readonly K[]) =>
  z.optional(
    z.strictObject(
      Object.fromEntries(keys.map((k) => [k, z.optional(text("Label"))])) as Record<
        K,
        z.ZodMiniOptional<z.ZodMiniString>
      >,
    ),
  );

export const TemplateSchema = z.strictObject({
  version: z.literal(1).check(z.describe("Template format version (1)")),
  language: z.optional(z.enum(["zh-CN", "en"]).check(z.describe("Language of the ledger text"))),
  ledger: z.strictObject({
    ...sheetText,
    info: z.optional(z.array(text("Info line"))),
    info_en: z.optional(z.array(text("Info line"))),
    empty: z.optional(text("Text shown when there is no rectification")),
    empty_en: z.optional(text("Text shown when there is no rectification (English)")),
    columns: z.array(column(LEDGER_FIELDS)).check(z.minLength(1)),
  }),
  details: z.strictObject({
    ...sheetText,
    columns: z.array(column(DETAIL_FIELDS)).check(z.minLength(1)),
  }),
  summary: z.strictObject({
    file: z.optional(text("File name of the summary, without .xlsx")),
    ...sheetText,
    info: z.optional(z.array(text("Info line"))),
    info_en: z.optional(z.array(text("Info line"))),
    total: z.optional(text("Label of the totals row")),
    total_en: z.optional(text("Label of the totals row (English)")),
    columns: z.array(column(SUMMARY_FIELDS)).check(z.minLength(1)),
  }),
  labels: z.optional(
    z.strictObject({
      status: labelMap(["open", "in-progress", "done", "closed"]),
      kind: labelMap(["immediate", "deadline", "ongoing"]),
      origin: labelMap(["self-check", "inspection", "visit", "public"]),
      result: labelMap(["pass", "partial", "fail", "na", "unanswered"]),
      run_status: labelMap(["in-progress", "complete", "none"]),
      method: labelMap(["hear-report", "site-visit", "document-check", "unannounced"]),
      checklist_kind: labelMap(["self-check", "inspection"]),
      inspection: z.optional(text("Info row of an inspection's ledger; {group} and {members} are replaced")),
      overdue: z.optional(text("Word written in the overdue column")),
      overdue_days: z.optional(text("Overdue in words in 备注 and the overdue column; {days} is replaced")),
      round: z.optional(text("发现轮次; {n} is replaced by the round")),
      verified: z.optional(text("备注 of a closed item; {closedBy} is replaced")),
      relapse: z.optional(
        text("Remark added to a relapsed rectification (反弹); {closedAt} and {closedBy} are replaced"),
      ),
    }),
  ),
});
export type TemplateFile = z.infer<typeof TemplateSchema>;

/** One column as the writers use it: language resolved. */
export interface ColumnSpec<F extends string> {
  field: F;
  heading: string;
  /** A fixed width, or undefined for auto. */
  width: number | undefined;
  maxWidth: number;
  wrap: boolean;
  /** The formats that have the column (xlsx, csv). */
  formats: readonly TableFormat[];
}

export type TableFormat = "xlsx" | "csv";
const ALL_FORMATS: readonly TableFormat[] = ["xlsx", "csv"];

/** The columns a format shows. */
export function columnsFor<F extends string>(
  cols: readonly ColumnSpec<F>[],
  format: TableFormat,
): ColumnSpec<F>[] {
  return cols.filter((c) => c.formats.includes(format));
}

export interface SheetSpec<F extends string> {
  sheet: string;
  title: string;
  info: string[];
  columns: ColumnSpec<F>[];
}

/** The template with the language applied: what the writers read. */
export interface LedgerTemplate {
  file: string;
  language: LedgerLanguage;
  labels: Labels;
  ledger: SheetSpec<LedgerField> & { empty: string };
  details: SheetSpec<DetailField>;
  summary: SheetSpec<SummaryField> & { file: string; total: string };
}

const DEFAULT_MAX_WIDTH = 40;

function resolve(file: string, tf: TemplateFile): LedgerTemplate {
  const lang: LedgerLanguage = tf.language ?? "zh-CN";
  const en = lang === "en";
  const pick = (zh: string, english: string | undefined) => (en && english ? english : zh);
  const cols = <F extends string>(
    list: {
      field: F;
      heading: string;
      heading_en?: string;
      width?: number | "auto";
      max_width?: number;
      wrap?: boolean;
      formats?: TableFormat[];
    }[],
  ): ColumnSpec<F>[] =>
    list.map((c) => ({
      field: c.field,
      heading: pick(c.heading, c.heading_en),
      width: typeof c.width === "number" ? c.width : undefined,
      maxWidth: c.max_width ?? DEFAULT_MAX_WIDTH,
      wrap: c.wrap ?? false,
      formats: c.formats ?? ALL_FORMATS,
    }));
  const base = DEFAULT_LABELS[lang];
  const l = tf.labels ?? {};
  const labels: Labels = {
    status: { ...base.status, ...l.status },
    kind: { ...base.kind, ...l.kind },
    origin: { ...base.origin, ...l.origin },
    result: { ...base.result, ...l.result },
    runStatus: { ...base.runStatus, ...l.run_status },
    overdue: l.overdue ?? base.overdue,
    overdueDays: l.overdue_days ?? base.overdueDays,
    round: l.round ?? base.round,
    merged: base.merged,
    verified: l.verified ?? base.verified,
    viewOpen: base.viewOpen,
    viewSince: base.viewSince,
    relapse: l.relapse ?? base.relapse,
    pageFooter: base.pageFooter,
    method: { ...base.method, ...l.method },
    checklistKind: { ...base.checklistKind, ...l.checklist_kind },
    inspection: l.inspection ?? base.inspection,
  };
  const infoOf = (zh: string[] | undefined, english: string[] | undefined) =>
    en && english ? english : (zh ?? []);
  return {
    file,
    language: lang,
    labels,
    ledger: {
      sheet: pick(tf.ledger.sheet, tf.ledger.sheet_en),
      title: pick(tf.ledger.title, tf.ledger.title_en),
      info: infoOf(tf.ledger.info, tf.ledger.info_en),
      empty: pick(tf.ledger.empty ?? "", tf.ledger.empty_en),
      columns: cols(tf.ledger.columns),
    },
    details: {
      sheet: pick(tf.details.sheet, tf.details.sheet_en),
      title: pick(tf.details.title, tf.details.title_en),
      info: [],
      columns: cols(tf.details.columns),
    },
    summary: {
      file: tf.summary.file ?? "汇总",
      sheet: pick(tf.summary.sheet, tf.summary.sheet_en),
      title: pick(tf.summary.title, tf.summary.title_en),
      info: infoOf(tf.summary.info, tf.summary.info_en),
      total: pick(tf.summary.total ?? "合计", tf.summary.total_en),
      columns: cols(tf.summary.columns),
    },
  };
}

export const PLACEHOLDER = /\{([^{}]*)\}/g;

/** What the schema cannot say: a field used twice, a placeholder that does not exist. */
function semanticChecks(tf: TemplateFile, parsed: ParsedYaml): Diagnostic[] {
  const file = parsed.source.file;
  const out: Diagnostic[] = [];
  const err = (
    path: (string | number)[],
    key: MessageKey,
    params: Record<string, string | number>,
    hint?: MessageKey,
  ) =>
    out.push(
      makeDiagnostic(
        file,
        positionAt(parsed, path),
        "template",
        t(key, params),
        hint ? t(hint, params) : undefined,
      ),
    );
  for (const sheet of ["ledger", "details", "summary"] as const) {
    const seen = new Map<string, number>();
    tf[sheet].columns.forEach((c, i) => {
      const first = seen.get(c.field);
      if (first !== undefined) {
        err([sheet, "columns", i, "field"], "export.template.duplicateField", {
          field: c.field,
          line: first,
        });
      } else seen.set(c.field, positionAt(parsed, [sheet, "columns", i, "field"]).line);
    });
    const allowed: readonly string[] = sheet === "summary" ? SUMMARY_PLACEHOLDERS : UNIT_PLACEHOLDERS;
    const texts: [(string | number)[], string | undefined][] = [
      [[sheet, "title"], tf[sheet].title],
      [[sheet, "title_en"], tf[sheet].title_en],
    ];
    if (sheet !== "details") {
      for (const [i, s] of (tf[sheet].info ?? []).entries()) texts.push([[sheet, "info", i], s]);
      for (const [i, s] of (tf[sheet].info_en ?? []).entries()) texts.push([[sheet, "info_en", i], s]);
    }
    for (const [path, s] of texts) {
      if (s === undefined) continue;
      for (const m of s.matchAll(PLACEHOLDER)) {
        const name = m[1] ?? "";
        if (!allowed.includes(name)) {
          err(path, "export.template.placeholder", {
            name: `{${name}}`,
            allowed: allowed.map((a) => `{${a}}`).join(" "),
          });
        }
      }
    }
  }
  return out;
}

export type TemplateOutcome =
  | { ok: true; template: LedgerTemplate }
  | { ok: false; diagnostics: Diagnostic[] };

export function loadTemplate(file: string = DEFAULT_TEMPLATE_FILE): TemplateOutcome {
  const read = readSource(file, "template");
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  const outcome = parseWithSchema(read.source, TemplateSchema);
  if (!outcome.ok) return { ok: false, diagnostics: outcome.diagnostics };
  const diagnostics = semanticChecks(outcome.value, outcome.parsed);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, template: resolve(file, outcome.value) };
}

/** A template's problems as the lines of an error: `file:line:col: message (hint)`. */
export function diagnosticLines(
  diagnostics: readonly Diagnostic[],
  display: (file: string) => string,
): string[] {
  return diagnostics.map(
    (d) => `${display(d.file)}:${d.line}:${d.col}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`,
  );
}

/** Load or throw the exit-2 error that lists every problem as file:line:col. */
export function loadTemplateOrThrow(
  file: string | undefined,
  display: (file: string) => string,
): LedgerTemplate {
  const outcome = loadTemplate(file);
  if (outcome.ok) return outcome.template;
  const details = diagnosticLines(outcome.diagnostics, display);
  throw usageError(
    "export.template.invalid",
    { file: display(file ?? DEFAULT_TEMPLATE_FILE) },
    {
      details,
      hintKey: "export.template.invalid.hint",
    },
  );
}

/** Fill {name} placeholders; unknown names were refused when the template was loaded. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
