// Rendering a validation report: text for people, json for programs, github for
// Actions annotations, junit for CI dashboards. Built as strings, printed by the command.
import path from "node:path";
import { t } from "../i18n/index.js";
import type { Palette } from "../util/color.js";
import { countBySeverity, type Diagnostic } from "../yaml/diagnostics.js";
import type { ValidationReport } from "./load.js";

export const FORMATS = ["text", "json", "github", "junit"] as const;
export type ReportFormat = (typeof FORMATS)[number];

const rel = (file: string, cwd: string) => {
  const r = path.relative(cwd, file);
  return r && !r.startsWith("..") && !path.isAbsolute(r) ? r.split(path.sep).join("/") : file;
};

export function summaryLine(report: ValidationReport): string {
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const files = report.files.length;
  const checklists = report.files.filter((f) => f.checklist).length;
  if (errors > 0) return t("validate.summary.problems", { files, errors, warnings });
  if (warnings > 0) return t("validate.summary.warningsOnly", { files, warnings });
  return t("validate.summary.ok", { files, checklists });
}

export function renderText(report: ValidationReport, cwd: string, c: Palette): string {
  const lines: string[] = [];
  for (const f of report.files) {
    if (f.diagnostics.length === 0) continue;
    lines.push(c.bold(rel(f.file, cwd)));
    for (const d of f.diagnostics) {
      const label = d.severity === "error" ? c.red(t("error.prefix")) : c.yellow(t("warning.prefix"));
      const loc = c.dim(`${rel(d.file, cwd)}:${d.line}:${d.col}`);
      lines.push(`  ${loc}  ${label}: ${d.message}${d.hint ? `  ${c.cyan(`(${d.hint})`)}` : ""}`);
    }
    lines.push("");
  }
  const { errors } = countBySeverity(report.diagnostics);
  const summary = summaryLine(report);
  lines.push(errors > 0 ? c.red(summary) : c.green(summary));
  return `${lines.join("\n")}\n`;
}

/** Stable JSON: { ok, summary, files: [{ file, checklist, diagnostics }] }. */
export function renderJson(report: ValidationReport, cwd: string): string {
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const data = {
    ok: errors === 0,
    errors,
    warnings,
    files: report.files.map((f) => ({
      file: rel(f.file, cwd),
      checklist: f.checklist ? { id: f.checklist.checklist.id, version: f.checklist.checklist.version } : null,
      diagnostics: f.diagnostics.map((d) => ({ ...d, file: rel(d.file, cwd) })),
    })),
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
  out.push(summaryLine(report));
  return `${out.join("\n")}\n`;
}

const xml = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // characters XML 1.0 cannot carry at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

const line = (d: Diagnostic, cwd: string) =>
  `${rel(d.file, cwd)}:${d.line}:${d.col} ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;

/** JUnit XML, one test case per file; errors are failures, warnings go to system-out. */
export function renderJunit(report: ValidationReport, cwd: string): string {
  const failures = report.files.filter((f) => f.diagnostics.some((d) => d.severity === "error")).length;
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
    if (warnings.length > 0) parts.push(`      <system-out>${xml(warnings.map((d) => line(d, cwd)).join("\n"))}</system-out>`);
    return parts.length === 0
      ? `    <testcase classname="lookback.validate" name="${name}"/>`
      : `    <testcase classname="lookback.validate" name="${name}">\n${parts.join("\n")}\n    </testcase>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="lookback validate" tests="${report.files.length}" failures="${failures}">`,
    `  <testsuite name="lookback validate" tests="${report.files.length}" failures="${failures}" errors="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
