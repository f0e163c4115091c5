// `lookback import FILE...`: merge schools' databases into --db and show what changed.
import path from "node:path";
import type { Context } from "../../context.js";
import { type MessageKey, t } from "../../i18n/index.js";
import {
  type Counts,
  expandSources,
  type FileResult,
  type ImportReport,
  type InvalidAt,
  importAll,
  KINDS,
  type Kind,
} from "../../import/index.js";
import { type Column, renderTable, tableStyle } from "../../util/table.js";
import { dbLabel, openFor } from "../policies.js";
import type { ImportOptions } from "./index.js";

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

/** table answers, row 12 (id …), column note: longer than 2000 characters */
function invalidText(at: InvalidAt): string {
  const where = `${at.row !== undefined ? t("import.where", { table: at.table, row: at.row }) : t("import.where.table", { table: at.table })}${at.id ? t("import.where.id", { id: at.id }) : ""}${at.column ? t("import.where.column", { column: at.column }) : ""}`;
  return `${where}: ${t(`import.bad.${at.problem}` as MessageKey, at.params)}`;
}

function reasonText(f: Extract<FileResult, { ok: false }>): string {
  if (f.reason === "invalid" && f.invalid)
    return t("import.reason.invalid", { detail: invalidText(f.invalid) });
  if (f.reason === "not-regular")
    return t("import.reason.not-regular", { detail: t(`input.kind.${f.detail}` as MessageKey) });
  return t(`import.reason.${f.reason}`, { detail: f.detail });
}

/** A merge group's values in one line: `closed, 2026-11-27, 王主任`. */
function values(v: Record<string, unknown> | null): string {
  if (v === null) return "—";
  return Object.values(v)
    .map((x) => (x === null ? "—" : String(x).replace(/\s+/g, " ").slice(0, 60)))
    .join(", ");
}

function conflictLines(report: ImportReport, ctx: Context): string[] {
  const all = report.files.flatMap((f) =>
    f.ok ? f.mergeConflicts.map((c) => ({ file: f.file, ...c })) : [],
  );
  if (all.length === 0) return [];
  const lines = [ctx.err.yellow(t("import.mergeConflicts", { count: all.length }))];
  for (const c of all) {
    lines.push(
      `  ${t("import.mergeConflict", {
        file: c.file,
        kind: t(`import.kind.${c.kind}`),
        label: c.label,
        id: c.id.slice(0, 8),
        group: t(`import.group.${c.group}` as MessageKey),
        local: values(c.local),
        incoming: values(c.incoming),
      })}`,
    );
  }
  lines.push(`${ctx.err.cyan(`${t("hint.prefix")}:`)} ${t("import.mergeConflict.hint")}`);
  return lines;
}

function warningLines(report: ImportReport, ctx: Context): string[] {
  const lines: string[] = [];
  for (const f of report.files) {
    if (!f.ok) continue;
    if (f.stale > 0) lines.push(ctx.err.dim(t("import.stale", { file: f.file, count: f.stale })));
    for (const w of f.warnings) {
      if (w.kind === "near-unit") {
        lines.push(
          ctx.err.yellow(
            t("import.warning.nearUnit", {
              file: f.file,
              name: w.name,
              near: w.near.join("、"),
              nearFirst: w.near[0] ?? "",
            }),
          ),
        );
      } else if (w.kind === "clock-ahead") {
        lines.push(
          ctx.err.yellow(t("import.warning.clockAhead", { file: f.file, latest: w.latest, days: w.days })),
        );
      } else if (w.kind === "evidence-refused") {
        lines.push(
          ctx.err.yellow(
            t("import.warning.evidenceRefused", {
              file: f.file,
              name: w.name,
              item: w.item,
              sha: w.sha256.slice(0, 12),
            }),
          ),
        );
      } else {
        lines.push(
          ctx.err.yellow(
            t("import.warning.runSetAside", { file: f.file, unit: w.unit, checklist: w.checklist }),
          ),
        );
      }
    }
  }
  return lines;
}

function renderText(report: ImportReport, ctx: Context, dbLabel: string): string {
  const out: string[] = [];
  const ok = report.files.filter((f): f is Extract<FileResult, { ok: true }> => f.ok);
  if (ok.length > 0) {
    // Evidence is shown when some file carried any (most files of a county carry none).
    const some = (k: Kind) => k !== "evidence" || cell(report.totals[k]) !== "0";
    const kinds = KINDS.filter(some);
    const columns: Column[] = [
      { header: t("import.header.file"), keep: 9, min: 16, cut: "start" },
      ...kinds.map((k): Column => ({ header: t(`import.header.${k}`), fixed: true, keep: 5 })),
    ];
    const rows = ok.map((f) => [f.file, ...kinds.map((k) => cell(f.counts[k]))]);
    if (ok.length > 1) rows.push([t("import.total"), ...kinds.map((k) => cell(report.totals[k]))]);
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
  lines.push(...conflictLines(report, ctx), ...warningLines(report, ctx));
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

export async function run(args: string[], opts: ImportOptions, ctx: Context): Promise<number> {
  const { sources, skippedTarget } = expandSources(args, ctx.cwd, ctx.dbPath);
  for (const s of skippedTarget) ctx.stderr.write(`${ctx.err.dim(t("import.skippedTarget", { file: s }))}\n`);
  const store = await openFor(ctx, "create");
  let report: ImportReport;
  const progress = !opts.json && ctx.stderr.isTTY === true && sources.length > 1;
  try {
    report = await importAll(store, sources, (done, total, source) => {
      if (progress)
        ctx.stderr.write(`\r\x1b[2K${t("import.progress", { done: done + 1, total, file: source.display })}`);
    });
  } finally {
    if (progress) ctx.stderr.write("\r\x1b[2K");
    await store.close();
  }
  if (opts.json) {
    const json = {
      target: dbLabel(ctx),
      files: report.files.map((f) =>
        f.ok
          ? {
              file: f.file,
              ok: true,
              counts: f.counts,
              conflicts: f.conflicts,
              mergeConflicts: f.mergeConflicts,
              stale: f.stale,
              warnings: f.warnings,
            }
          : {
              file: f.file,
              ok: false,
              reason: f.reason,
              message: reasonText(f),
              ...(f.invalid ? { invalid: f.invalid } : {}),
            },
      ),
      totals: report.totals,
      imported: report.imported,
      failed: report.failed,
      runsSkipped: report.runsSkipped,
      ...(report.aborted
        ? { aborted: { file: report.aborted.file, message: report.aborted.error.message } }
        : {}),
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const shown = dbLabel(ctx);
    const relative = path.relative(ctx.cwd, shown) || shown;
    const onServer = ctx.dbEngine === "postgres";
    ctx.stdout.write(renderText(report, ctx, onServer || relative.startsWith("..") ? shown : relative));
  }
  ctx.stderr.write(renderProblems(report, ctx));
  if (report.aborted) {
    // The database itself failed (a full disk, a lock): each file before was wholly imported or not at all.
    const e = report.aborted.error;
    ctx.stderr.write(
      `${ctx.err.red(`${t("error.prefix")}:`)} ${t("import.aborted", { file: report.aborted.file, message: e.message })}\n${e.hint ? `${ctx.err.cyan(`${t("hint.prefix")}:`)} ${e.hint}\n` : ""}`,
    );
    return e.exitCode;
  }
  return report.failed > 0 || report.runsSkipped > 0 ? 1 : 0;
}
