// `lookback units [list|add|import FILE]`: the roster of units (单位名册).

import type { Context } from "../../context.js";
import { usageError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { checkUnitName } from "../../run/fields.js";
import { applyPlan, planRoster, type RosterResult } from "../../units/apply.js";
import { iterateRosterCoverage, rosterCoverage } from "../../units/coverage.js";
import { unitKey } from "../../units/identity.js";
import { readRoster } from "../../units/read.js";
import type { RosterError, RosterRow } from "../../units/roster.js";
import { type Cell, type Column, renderTable, tableStyle } from "../../util/table.js";
import { paragraph } from "../../util/width.js";
import { dbLabel, JsonLater, JsonList, requireUnit, withStore, writeJsonDocument } from "../policies.js";
import type { AddOptions, ImportRosterOptions, JsonOptions } from "./index.js";

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

export async function list(opts: JsonOptions, ctx: Context): Promise<number> {
  const coverage = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      if (!opts.json) return rosterCoverage(tx);
      // --json is written as the units are read (one read transaction): the totals follow them.
      let total = 0;
      let missing = 0;
      async function* units() {
        for await (const c of iterateRosterCoverage(tx)) {
          total++;
          if (!c.hasRun) missing++;
          const { id, name, code, township, type } = c.unit;
          yield {
            id,
            name,
            code,
            township,
            type,
            runs: c.runs,
            completeRuns: c.completeRuns,
            hasRun: c.hasRun,
          };
        }
      }
      await writeJsonDocument(ctx, {
        units: new JsonList(units()),
        total: new JsonLater(() => total),
        withoutRuns: new JsonLater(() => missing),
      });
      return null;
    }),
  );
  if (coverage === null) return 0;
  const missing = coverage.filter((c) => !c.hasRun).length;
  if (coverage.length === 0) {
    ctx.stdout.write(`${paragraph(t("units.none", { db: dbLabel(ctx) }), ctx.width)}\n`);
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

function applyRows(
  ctx: Context,
  rows: RosterRow[],
  headings: { name: string | null; code: string | null },
  allowNear: boolean,
) {
  // Planned and applied in one write transaction: what the plan checked still holds.
  return withStore(ctx, "create", (store) =>
    store.write(async (tx) => {
      const { plan, errors } = await planRoster(tx, rows, headings, { allowNear });
      return errors.length > 0 ? { errors } : { result: await applyPlan(tx, plan) };
    }),
  );
}

export async function add(name: string, opts: AddOptions, ctx: Context): Promise<number> {
  const checked = checkUnitName(name);
  if (!checked.ok) {
    if (checked.code === "missing-field") throw usageError("units.add.emptyName");
    throw usageError("check.badOption", { option: "NAME", message: checked.message });
  }
  const row: RosterRow = {
    row: 1,
    name: checked.value,
    code: opts.code?.trim() || null,
    township: opts.township?.trim() || null,
    type: opts.type?.trim() || null,
  };
  const outcome = await applyRows(ctx, [row], { name: "NAME", code: "--code" }, opts.newUnit ?? false);
  if (!outcome.result) {
    const e = outcome.errors[0]!;
    throw usageError(
      `units.error.${e.code}`,
      e.params,
      e.code === "nearName" ? { hintKey: "units.nearHint" } : {},
    );
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

export async function importRoster(file: string, opts: ImportRosterOptions, ctx: Context): Promise<number> {
  const parsed = await readRoster(file, ctx.cwd);
  const outcome = parsed.ok
    ? await applyRows(ctx, parsed.rows, parsed.headings, opts.newUnit ?? false)
    : { errors: parsed.errors };
  if (!outcome.result) {
    const errors = outcome.errors;
    const badHeader = errors.some((e) => e.code === "badHeader");
    const near = errors.some((e) => e.code === "nearName");
    throw usageError(
      "units.import.invalid",
      { file, count: errors.length },
      {
        details: errors.map(errorLine),
        hintKey: badHeader
          ? "units.import.headerHint"
          : near
            ? "units.nearHint"
            : "units.import.invalid.hint",
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

/** `units rename OLD NEW`: the unit keeps its id, runs and rectifications; only its name changes. */
export async function rename(
  oldName: string,
  newName: string,
  opts: JsonOptions,
  ctx: Context,
): Promise<number> {
  const checked = checkUnitName(newName);
  if (!checked.ok) throw usageError("check.badOption", { option: "NEW", message: checked.message });
  const done = await withStore(ctx, "update", async (store) => {
    const unit = await requireUnit(store, oldName, store.location);
    const holder = await store.findUnitByName(checked.value);
    if (holder && holder.id !== unit.id) {
      throw usageError(
        "units.rename.taken",
        { name: checked.value, holder: holder.name },
        { hintKey: "units.rename.taken.hint" },
      );
    }
    if (unit.name === checked.value) return { unit, before: unit.name, changed: false };
    return {
      unit: await store.updateUnit(unit.id, { name: checked.value }),
      before: unit.name,
      changed: true,
    };
  });
  if (opts.json) {
    const { id, name, code } = done.unit;
    ctx.stdout.write(
      `${JSON.stringify({ id, name, code, previousName: done.before, changed: done.changed }, null, 2)}\n`,
    );
  } else {
    ctx.stdout.write(
      `${done.changed ? t("units.rename.done", { before: done.before, after: done.unit.name }) : t("units.rename.same", { name: done.unit.name })}\n`,
    );
  }
  return 0;
}

/** `units merge FROM INTO`: FROM's runs and rectifications move to INTO; the merge is recorded. */
export async function merge(
  fromName: string,
  intoName: string,
  opts: JsonOptions,
  ctx: Context,
): Promise<number> {
  const done = await withStore(ctx, "update", async (store) => {
    const from = await requireUnit(store, fromName, store.location);
    const into = await requireUnit(store, intoName, store.location);
    if (from.id === into.id) throw usageError("units.merge.same", { name: from.name });
    if (from.code && into.code && from.code !== into.code) {
      throw usageError(
        "units.merge.codes",
        { from: from.name, fromCode: from.code, into: into.name, intoCode: into.code },
        { hintKey: "units.merge.codes.hint" },
      );
    }
    return { from, ...(await store.mergeUnit(from.id, into.id)) };
  });
  if (opts.json) {
    const json = {
      from: { id: done.from.id, name: done.from.name, code: done.from.code },
      into: { id: done.into.id, name: done.into.name, code: done.into.code },
      runs: done.runs,
      rectifications: done.rectifications,
      setAside: done.setAside,
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const lines = [
    t("units.merge.done", {
      from: done.from.name,
      into: done.into.name,
      runs: done.runs,
      rectifications: done.rectifications,
    }),
  ];
  if (done.setAside > 0)
    lines.push(ctx.out.yellow(t("units.merge.setAside", { count: done.setAside, into: done.into.name })));
  // Export files are named after the unit: a ledger written for FROM stays where it is.
  if (unitKey(done.from.name) !== unitKey(done.into.name))
    lines.push(ctx.out.dim(t("units.merge.files", { from: done.from.name })));
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
