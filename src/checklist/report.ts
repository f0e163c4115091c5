// Rendering a validation report: text for people, json for programs, github for
// Actions annotations, junit for CI dashboards. Built as strings, printed by the command.
import path from "node:path";
import { t } from "../i18n/index.js";
import type { Palette } from "../util/color.js";
import { countBySeverity, type Diagnostic } from "../yaml/diagnostics.js";
import type { ValidationReport } from "./load.js";
import type { ReportFormat } from "./report-formats.js";

const rel = (file: string, cwd: string) => {
  const r = path.relative(cwd, file);
  return r && !r.startsWith("..") && !path.isAbsolute(r) ? r.split(path.sep).join("/") : file;
};

/** True when nothing is wrong: no error, and no folder that held no YAML at all. */
export function isOk(report: ValidationReport): boolean {
  return countBySeverity(report.diagnostics).errors === 0 && (report.emptyDirs ?? []).length === 0;
}

/** A terminal to lay the text out for: its width and a measure and line breaker of display width. */
export interface TextLayout {
  width: number;
  displayWidth(s: string): number;
  wrap(s: string, width: number): string[];
}

export function render(
  format: ReportFormat,
  report: ValidationReport,
  cwd: string,
  c: Palette,
  layout?: TextLayout,
): string {
  switch (format) {
    case "json":
      return renderJson(report, cwd);
    case "github":
      return renderGithub(report, cwd);
    case "junit":
      return renderJunit(report, cwd);
    default:
      return renderText(report, cwd, c, layout);
  }
}

export function summaryLine(report: ValidationReport): string {
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const files = report.files.length;
  const checklists = report.files.filter((f) => f.checklist).length;
  if (errors > 0) return t("validate.summary.problems", { files, errors, warnings });
  if (warnings > 0) return t("validate.summary.warningsOnly", { files, warnings });
  return t("validate.summary.ok", { files, checklists });
}

/**
 * One line per problem: `file:line:col  error: message  (hint)`, what editors and CI logs read.
 * On a terminal too narrow for it, the message and the hint wrap under the message.
 */
function diagnosticLines(d: Diagnostic, cwd: string, c: Palette, layout?: TextLayout): string[] {
  const label = d.severity === "error" ? t("error.prefix") : t("warning.prefix");
  const colour = d.severity === "error" ? c.red : c.yellow;
  const where = `${rel(d.file, cwd)}:${d.line}:${d.col}`;
  const hint = d.hint ? t("validate.hintWrap", { hint: d.hint }) : "";
  const line = `  ${c.dim(where)}  ${t("validate.labelled", { label: colour(label), message: d.message })}${hint ? `  ${c.cyan(hint)}` : ""}`;
  if (!layout) return [line];
  const plain = `  ${where}  ${t("validate.labelled", { label, message: d.message })}${hint ? `  ${hint}` : ""}`;
  if (layout.displayWidth(plain) <= layout.width) return [line];
  const indent = 4 + layout.displayWidth(where);
  const room = Math.max(20, layout.width - indent);
  const pad = " ".repeat(indent);
  const message = layout.wrap(t("validate.labelled", { label, message: d.message }), room);
  const first = message[0]?.startsWith(label)
    ? colour(label) + message[0].slice(label.length)
    : (message[0] ?? "");
  return [
    `  ${c.dim(where)}  ${first}`,
    ...message.slice(1).map((l) => pad + l),
    ...(hint ? layout.wrap(hint, room).map((l) => pad + c.cyan(l)) : []),
  ];
}

export function renderText(report: ValidationReport, cwd: string, c: Palette, layout?: TextLayout): string {
  const lines: string[] = [];
  for (const f of report.files) {
    if (f.diagnostics.length === 0) continue;
    lines.push(c.bold(rel(f.file, cwd)));
    for (const d of f.diagnostics) lines.push(...diagnosticLines(d, cwd, c, layout));
    lines.push("");
  }
  for (const dir of report.emptyDirs ?? []) {
    const message = t("validate.emptyDir", { path: dir });
    lines.push(t("validate.labelled", { label: c.red(t("error.prefix")), message }), "");
  }
  const summary = summaryLine(report);
  lines.push(isOk(report) ? c.green(summary) : c.red(summary));
  return `${lines.join("\n")}\n`;
}

/**
 * Stable JSON: { ok, errors, warnings, files: [{ file, checklist: {id, version} | null,
 * diagnostics: [{ file, line, col, severity, code, message, hint? }] }], emptyFolders: [path] }.
 */
export function renderJson(report: ValidationReport, cwd: string): string {
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const data = {
    ok: isOk(report),
    errors,
    warnings,
    files: report.files.map((f) => ({
      file: rel(f.file, cwd),
      checklist: f.checklist
        ? { id: f.checklist.checklist.id, version: f.checklist.checklist.version }
        : null,
      diagnostics: f.diagnostics.map((d) => ({ ...d, file: rel(d.file, cwd) })),
    })),
    emptyFolders: report.emptyDirs ?? [],
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

// Escaping exactly as @actions/core does for workflow commands.
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function renderGithub(report: ValidationReport, cwd: string): string {
  const out: string[] = [];
  for (const d of report.diagnostics) {
    const kind = d.severity === "error" ? "error" : "warning";
    const props = [
      `file=${escapeProperty(rel(d.file, cwd))}`,
      `line=${d.line}`,
      `col=${d.col}`,
      `title=${escapeProperty(`lookback ${d.code}`)}`,
    ].join(",");
    out.push(`::${kind} ${props}::${escapeData(d.hint ? `${d.message} (${d.hint})` : d.message)}`);
  }
  for (const dir of report.emptyDirs ?? []) {
    out.push(
      `::error title=${escapeProperty("lookback no-yaml")}::${escapeData(t("validate.emptyDir", { path: dir }))}`,
    );
  }
  out.push(summaryLine(report));
  return `${out.join("\n")}\n`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 cannot carry these even escaped (tab, LF, CR it can).
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

const xml = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(XML_FORBIDDEN, "");

const line = (d: Diagnostic, cwd: string) =>
  `${rel(d.file, cwd)}:${d.line}:${d.col} ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;

/** JUnit XML, one test case per file; errors are failures, warnings go to system-out. */
export function renderJunit(report: ValidationReport, cwd: string): string {
  const empty = report.emptyDirs ?? [];
  const tests = report.files.length + empty.length;
  const failures =
    report.files.filter((f) => f.diagnostics.some((d) => d.severity === "error")).length + empty.length;
  const cases = report.files.map((f) => {
    const name = xml(rel(f.file, cwd));
    const errors = f.diagnostics.filter((d) => d.severity === "error");
    const warnings = f.diagnostics.filter((d) => d.severity === "warning");
    const parts: string[] = [];
    if (errors.length > 0) {
      const first = errors[0]!;
      parts.push(
        `      <failure message="${xml(first.message)}" type="${xml(first.code)}">${xml(errors.map((d) => line(d, cwd)).join("\n"))}</failure>`,
      );
    }
    if (warnings.length > 0)
      parts.push(`      <system-out>${xml(warnings.map((d) => line(d, cwd)).join("\n"))}</system-out>`);
    return parts.length === 0
      ? `    <testcase classname="lookback.validate" name="${name}"/>`
      : `    <testcase classname="lookback.validate" name="${name}">\n${parts.join("\n")}\n    </testcase>`;
  });
  for (const dir of empty) {
    const message = xml(t("validate.emptyDir", { path: dir }));
    cases.push(
      `    <testcase classname="lookback.validate" name="${xml(dir)}">\n      <failure message="${message}" type="no-yaml">${message}</failure>\n    </testcase>`,
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="lookback validate" tests="${tests}" failures="${failures}">`,
    `  <testsuite name="lookback validate" tests="${tests}" failures="${failures}" errors="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
