// `lookback units [list|add|import FILE]`: the roster of units (单位名册) (§6).
import * as z from "zod/mini";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { openExistingStore } from "../store/open.js";
import { openStore, type Store } from "../store/store.js";
import { applyPlan, planRoster, type RosterResult } from "../units/apply.js";
import { rosterCoverage } from "../units/coverage.js";
import { readRoster } from "../units/read.js";
import type { RosterError, RosterRow } from "../units/roster.js";
import { type Cell, type Column, renderTable, tableStyle } from "../util/table.js";
import { paragraph } from "../util/width.js";

const ListOptions = z.object({ json: z.optional(z.boolean()) });
const AddOptions = z.object({
  code: z.optional(z.string()),
  township: z.optional(z.string()),
  type: z.optional(z.string()),
  json: z.optional(z.boolean()),
});
const ImportOptions = z.object({ json: z.optional(z.boolean()) });

function withStore<T>(ctx: Context, fn: (store: Store) => T): T {
  const store = openStore(ctx.dbPath);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function errorLine(e: RosterError): string {
  const message = t(`units.error.${e.code}`, e.params);
  return e.column
    ? t("units.error.atColumn", { row: e.row, column: e.column, message })
    : t("units.error.atRow", { row: e.row, message });
}

function unitJson(u: RosterResult["units"][number]) {
  const { id, name, code, township, type } = u.unit;
  return { row: u.row, action: u.action, id, name, code, township, type };
}

export async function list(raw: unknown, ctx: Context): Promise<number> {
  const opts = ListOptions.parse(raw);
  // Reading never creates the database.
  const store = openExistingStore(ctx.dbPath);
  let coverage: ReturnType<typeof rosterCoverage>;
  try {
    coverage = rosterCoverage(store);
  } finally {
    store.close();
  }
  const missing = coverage.filter((c) => !c.hasRun).length;
  if (opts.json) {
    const units = coverage.map((c) => ({
      id: c.unit.id,
      name: c.unit.name,
      code: c.unit.code,
      township: c.unit.township,
      type: c.unit.type,
      runs: c.runs,
      completeRuns: c.completeRuns,
      hasRun: c.hasRun,
    }));
    ctx.stdout.write(`${JSON.stringify({ units, total: units.length, withoutRuns: missing }, null, 2)}\n`);
    return 0;
  }
  if (coverage.length === 0) {
    ctx.stdout.write(`${paragraph(t("units.none", { db: ctx.dbPath }), ctx.width)}\n`);
    return 0;
  }
  const columns: Column[] = [
    { header: t("units.header.name"), keep: 9, min: 12, cut: "middle" },
    { header: t("units.header.code"), fixed: true, keep: 5, optional: true },
    { header: t("units.header.township"), keep: 3, min: 6, optional: true },
    { header: t("units.header.type"), keep: 2, min: 4, optional: true },
    { header: t("units.header.runs"), fixed: true, keep: 6, align: "right" },
    { header: t("units.header.state"), fixed: true, keep: 8 },
  ];
  const rows: Cell[][] = coverage.map((c) => [
    c.unit.name,
    c.unit.code ?? "",
    c.unit.township ?? "",
    c.unit.type ?? "",
    String(c.runs),
    c.hasRun ? t("units.started") : { text: t("units.notStarted"), style: ctx.out.yellow },
  ]);
  const summary = t("units.summary", { total: coverage.length, missing });
  ctx.stdout.write(`${renderTable(columns, rows, tableStyle(ctx))}${summary}\n`);
  return 0;
}

function applyRows(ctx: Context, rows: RosterRow[], headings: { name: string | null; code: string | null }) {
  return withStore(ctx, (store) => {
    const { plan, errors } = planRoster(store, rows, headings);
    return errors.length > 0 ? { errors } : { result: applyPlan(store, plan) };
  });
}

export async function add(name: string, raw: unknown, ctx: Context): Promise<number> {
  const opts = AddOptions.parse(raw);
  const trimmed = name.trim();
  if (trimmed === "") throw usageError("units.add.emptyName");
  const row: RosterRow = {
    row: 1,
    name: trimmed,
    code: opts.code?.trim() || null,
    township: opts.township?.trim() || null,
    type: opts.type?.trim() || null,
  };
  const outcome = applyRows(ctx, [row], { name: "NAME", code: "--code" });
  if (!outcome.result) {
    const e = outcome.errors[0]!;
    throw usageError(`units.error.${e.code}`, e.params);
  }
  const done = outcome.result.units[0]!;
  if (opts.json) {
    const { row: _row, ...json } = unitJson(done);
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    ctx.stdout.write(
      `${t(`units.add.${done.action}`, { name: done.unit.name, code: done.unit.code ?? "—" })}\n`,
    );
  }
  return 0;
}

export async function importRoster(file: string, raw: unknown, ctx: Context): Promise<number> {
  const opts = ImportOptions.parse(raw);
  const parsed = await readRoster(file, ctx.cwd);
  const outcome = parsed.ok ? applyRows(ctx, parsed.rows, parsed.headings) : { errors: parsed.errors };
  if (!outcome.result) {
    const errors = outcome.errors;
    const badHeader = errors.some((e) => e.code === "badHeader");
    throw usageError(
      "units.import.invalid",
      { file, count: errors.length },
      {
        details: errors.map(errorLine),
        hintKey: badHeader ? "units.import.headerHint" : "units.import.invalid.hint",
      },
    );
  }
  const r = outcome.result;
  const ignored = parsed.ok ? parsed.ignoredColumns : [];
  if (opts.json) {
    const json = {
      file,
      rows: r.units.length,
      added: r.added,
      updated: r.updated,
      unchanged: r.unchanged,
      ignoredColumns: ignored,
      units: r.units.map(unitJson),
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const lines = [
    t("units.import.done", {
      file,
      rows: r.units.length,
      added: r.added,
      updated: r.updated,
      unchanged: r.unchanged,
    }),
  ];
  if (ignored.length > 0) lines.push(ctx.out.dim(t("units.import.ignored", { columns: ignored.join(", ") })));
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
