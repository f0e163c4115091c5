// Ledger data + template → the sheet models the xlsx writer lays out (templates/ledger.yaml
// is the default layout).

import type { LedgerView } from "../rectify/counts.js";
import { scoreWords } from "../run/score.js";
import { type Cell, detailCell, ledgerCell, ledgerContext, summaryCell, totalCells } from "./cells.js";
import type { LedgerData, SummaryRow, UnitCounts } from "./data.js";
import type { ColumnSpec, LedgerTemplate, SheetSpec } from "./template.js";
import { columnsFor, fill } from "./template.js";
import type { ColumnModel, SheetModel } from "./xlsx.js";

const columnModels = <F extends string>(cols: ColumnSpec<F>[]): ColumnModel[] =>
  cols.map((c) => ({ heading: c.heading, width: c.width, maxWidth: c.maxWidth, wrap: c.wrap }));

/** Info items side by side in one row, spaced the way a printed form is. */
function infoLine(
  spec: SheetSpec<string>,
  values: Record<string, string | number>,
  tpl: LedgerTemplate,
): string | null {
  if (spec.info.length === 0) return null;
  return spec.info.map((s) => fill(s, values)).join(tpl.language === "zh-CN" ? "　　" : "    ");
}

/** Placeholder values of one unit's ledger. */
export function unitValues(data: LedgerData, tpl: LedgerTemplate): Record<string, string | number> {
  return {
    unit: data.unit.name,
    code: data.unit.code ?? "",
    township: data.unit.township ?? "",
    respondent: data.run.respondent,
    date: data.date,
    checklist: data.checklist.title,
    version: data.checklist.version,
    run_status: tpl.labels.runStatus[data.run.status],
    leaders: data.run.leaders.join(tpl.language === "zh-CN" ? "、" : ", "),
    overdue: data.counts.overdue,
    rounds: data.rounds,
    score: scoreWords(data.score, tpl.language),
  };
}

/** What a shorter view leaves out, in words (null for the whole ledger). */
export function viewText(data: Pick<LedgerData, "view">, tpl: LedgerTemplate): string | null {
  const parts = [
    data.view.open ? tpl.labels.viewOpen : null,
    data.view.since ? tpl.labels.viewSince.replace("{date}", data.view.since) : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join(tpl.language === "zh-CN" ? "，" : ", ");
}

/** 督导组 and its members, for the info row of an inspection's ledger (null for a self-check). */
export function inspectionInfo(data: LedgerData, tpl: LedgerTemplate): string | null {
  const g = data.run.inspection;
  if (!g) return null;
  const sep = tpl.language === "zh-CN" ? "、" : ", ";
  return fill(tpl.labels.inspection, { group: g.group, members: g.members.join(sep) || "—" });
}

/** Sheet 整改台账 and sheet 自查明细 of one unit. */
export function ledgerSheets(data: LedgerData, tpl: LedgerTemplate): SheetModel[] {
  const values = unitValues(data, tpl);
  const L = tpl.labels;
  const lcols = columnsFor(tpl.ledger.columns, "xlsx");
  const ctx = ledgerContext(lcols.map((c) => c.field));
  const statusCol = lcols.findIndex((c) => c.field === "status");
  const group = inspectionInfo(data, tpl);
  const info = [infoLine(tpl.ledger, values, tpl), group, viewText(data, tpl)].filter(
    (p): p is string => p !== null,
  );
  const ledger: SheetModel = {
    name: tpl.ledger.sheet,
    title: fill(tpl.ledger.title, values),
    info: info.length > 0 ? info.join(tpl.language === "zh-CN" ? "　　" : "    ") : null,
    columns: columnModels(lcols),
    rows: data.rows.map((row) => lcols.map((c) => ledgerCell(c.field, row, L, ctx))),
    rowCount: data.rows.length,
    empty: tpl.ledger.empty,
    marked: (i) => data.rows[i]?.overdue === true,
    ...(statusCol >= 0 ? { list: { col: statusCol, values: Object.values(L.status) } } : {}),
  };
  // 检查方式 is an inspection's: a self-check's sheet has no such column.
  const inspection = data.checklist.kind === "inspection";
  const dcols = columnsFor(tpl.details.columns, "xlsx").filter((c) => inspection || c.field !== "method");
  const details: SheetModel = {
    name: tpl.details.sheet,
    title: fill(tpl.details.title, values),
    info: group,
    columns: columnModels(dcols),
    rows: data.details.map((row) => dcols.map((c) => detailCell(c.field, row, L))),
    rowCount: data.details.length,
  };
  return [ledger, details];
}

/**
 * The one sheet of 汇总.xlsx: a row per unit, then 合计. `rows` is walked more than once
 * (checklist titles, widths, writing), lazily: a province's summary is never held whole.
 */
export function summarySheet(
  rows: Iterable<SummaryRow>,
  count: number,
  totals: UnitCounts,
  date: string,
  tpl: LedgerTemplate,
  view: LedgerView = {},
): SheetModel {
  const cols = columnsFor(tpl.summary.columns, "xlsx");
  const titles = new Set<string>();
  for (const r of rows) if (r.checklist) titles.add(r.checklist.title);
  const values = { date, count, checklist: [...titles].join(tpl.language === "zh-CN" ? "、" : ", ") };
  const overdueCol = cols.findIndex((c) => c.field === "overdue");
  const cells: Iterable<Cell[]> = {
    *[Symbol.iterator]() {
      for (const row of rows) yield cols.map((c) => summaryCell(c.field, row, tpl.labels, tpl.language));
    },
  };
  return {
    name: tpl.summary.sheet,
    title: fill(tpl.summary.title, values),
    info:
      [infoLine(tpl.summary, values, tpl), viewText({ view }, tpl)]
        .filter((p) => p !== null)
        .join(tpl.language === "zh-CN" ? "　　" : "    ") || null,
    columns: columnModels(cols),
    rows: cells,
    rowCount: count,
    totals: totalCells(
      cols.map((c) => c.field),
      totals,
      tpl.summary.total,
    ),
    marked: (_i, col, row) => col === overdueCol && typeof row[col] === "number" && row[col] > 0,
  };
}
