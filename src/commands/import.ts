// `lookback import FILE...`: merge schools' databases into --db and show what changed (§6).
import path from "node:path";
import * as z from "zod/mini";
import type { Context } from "../context.js";
import { t } from "../i18n/index.js";
import {
  type Counts,
  expandSources,
  type FileResult,
  type ImportReport,
  importAll,
  KINDS,
} from "../import/index.js";
import { openStore } from "../store/store.js";
import { type Column, renderTable, tableStyle } from "../util/table.js";

const Options = z.object({ json: z.optional(z.boolean()) });

/** One cell: only the non-zero parts, e.g. "+62", "~2 =60", "0". */
function cell(c: Counts): string {
  const parts = [
    c.added ? `+${c.added}` : "",
    c.updated ? `~${c.updated}` : "",
    c.unchanged ? `=${c.unchanged}` : "",
    c.removed ? `−${c.removed}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "0";
}

function reasonText(f: Extract<FileResult, { ok: false }>): string {
  return t(`import.reason.${f.reason}`, { detail: f.detail });
}

function renderText(report: ImportReport, ctx: Context, dbLabel: string): string {
  const out: string[] = [];
  const ok = report.files.filter((f): f is Extract<FileResult, { ok: true }> => f.ok);
  if (ok.length > 0) {
    const columns: Column[] = [
      { header: t("import.header.file"), keep: 9, min: 16, cut: "start" },
      ...KINDS.map((k): Column => ({ header: t(`import.header.${k}`), fixed: true, keep: 5 })),
    ];
    const rows = ok.map((f) => [f.file, ...KINDS.map((k) => cell(f.counts[k]))]);
    if (ok.length > 1) rows.push([t("import.total"), ...KINDS.map((k) => cell(report.totals[k]))]);
    out.push(renderTable(columns, rows, tableStyle(ctx)).trimEnd());
    out.push(ctx.out.dim(t("import.legend")));
  }
  const summary = t("import.summary", { imported: report.imported, total: report.files.length, db: dbLabel });
  out.push(report.failed > 0 ? ctx.out.yellow(summary) : ctx.out.green(summary));
  return `${out.join("\n")}\n`;
}

/** Problems go to stderr so that stdout stays the table (or the JSON). */
function renderProblems(report: ImportReport, ctx: Context): string {
  const c = ctx.err;
  const lines: string[] = [];
  const failed = report.files.filter((f): f is Extract<FileResult, { ok: false }> => !f.ok);
  if (failed.length > 0) {
    lines.push(c.red(t("import.failed", { count: failed.length })));
    for (const f of failed)
      lines.push(`  ${t("import.failedLine", { file: f.file, reason: reasonText(f) })}`);
    const resend = failed.some((f) => ["not-sqlite", "empty", "corrupt", "foreign"].includes(f.reason));
    if (resend) lines.push(`${c.cyan(`${t("hint.prefix")}:`)} ${t("import.failed.hint")}`);
    if (failed.some((f) => f.reason === "newer"))
      lines.push(`${c.cyan(`${t("hint.prefix")}:`)} ${t("store.newer.hint")}`);
  }
  const conflicts = report.files.flatMap((f) =>
    f.ok ? f.conflicts.map((x) => ({ file: f.file, ...x })) : [],
  );
  if (conflicts.length > 0) {
    lines.push(c.yellow(t("import.conflicts", { count: conflicts.length, runs: report.runsSkipped })));
    for (const x of conflicts) {
      lines.push(
        `  ${t("import.conflict", { file: x.file, name: x.name, code: x.code ?? "", localCode: x.localCode ?? "", runs: x.runsSkipped })}`,
      );
    }
    lines.push(`${c.cyan(`${t("hint.prefix")}:`)} ${t("import.conflict.hint")}`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

export async function run(args: string[], raw: unknown, ctx: Context): Promise<number> {
  const opts = Options.parse(raw);
  const { sources, skippedTarget } = expandSources(args, ctx.cwd, ctx.dbPath);
  for (const s of skippedTarget) ctx.stderr.write(`${ctx.err.dim(t("import.skippedTarget", { file: s }))}\n`);
  const store = openStore(ctx.dbPath);
  let report: ImportReport;
  const progress = !opts.json && ctx.stderr.isTTY === true && sources.length > 1;
  try {
    report = importAll(store, sources, (done, total, source) => {
      if (progress)
        ctx.stderr.write(`\r\x1b[2K${t("import.progress", { done: done + 1, total, file: source.display })}`);
    });
  } finally {
    if (progress) ctx.stderr.write("\r\x1b[2K");
    store.close();
  }
  if (opts.json) {
    const json = {
      target: ctx.dbPath,
      files: report.files.map((f) =>
        f.ok
          ? { file: f.file, ok: true, counts: f.counts, conflicts: f.conflicts }
          : { file: f.file, ok: false, reason: f.reason, message: reasonText(f) },
      ),
      totals: report.totals,
      imported: report.imported,
      failed: report.failed,
      runsSkipped: report.runsSkipped,
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const dbLabel = path.relative(ctx.cwd, ctx.dbPath) || ctx.dbPath;
    ctx.stdout.write(renderText(report, ctx, dbLabel.startsWith("..") ? ctx.dbPath : dbLabel));
  }
  ctx.stderr.write(renderProblems(report, ctx));
  return report.failed > 0 || report.runsSkipped > 0 ? 1 : 0;
}
