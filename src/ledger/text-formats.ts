// The csv and json forms of a ledger. csv: the 整改台账 table only (headings + one row per
// rectification), UTF-8 with BOM and CRLF so that Excel and WPS open it in Chinese. json: the
// whole ledger as data, stable and documented (format "lookback-ledger", version 1).
import { JsonList, jsonChunks } from "../util/json-stream.js";
import type { Cell } from "./cells.js";
import { cellText, inspectionText, ledgerCell, ledgerContext, remarkOf, summaryCell } from "./cells.js";
import type { LedgerData, SummaryRow, UnitCounts } from "./data.js";
import { completionRate } from "./data.js";
import { columnsFor, type LedgerTemplate } from "./template.js";

const BOM = "\ufeff";

/**
 * One csv field. A value that a spreadsheet would read as a formula (= + - @, or a leading tab
 * or CR) gets a leading apostrophe: the OWASP defence against csv injection.
 */
export function csvField(cell: Cell): string {
  let s = cellText(cell);
  if (typeof cell === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvTable(headings: readonly string[], rows: readonly Cell[][]): string {
  const lines = [headings.map(csvField), ...rows.map((r) => r.map(csvField))].map((r) => r.join(","));
  return `${BOM}${lines.join("\r\n")}\r\n`;
}

export function ledgerCsv(data: LedgerData, tpl: LedgerTemplate): string {
  const cols = columnsFor(tpl.ledger.columns, "csv");
  const ctx = ledgerContext(cols.map((c) => c.field));
  return csvTable(
    cols.map((c) => c.heading),
    data.rows.map((row) =>
      cols.map((c) => {
        const cell = ledgerCell(c.field, row, tpl.labels, ctx);
        // One line per record in csv: the leader beside 问题编号, not under it.
        return c.field === "item_no" && typeof cell === "string" ? cell.replace("\n", " ") : cell;
      }),
    ),
  );
}

/** 汇总.csv (as csvTable would write it) a line at a time: a province's is never one string. */
export async function* summaryCsvLines(
  rows: Iterable<SummaryRow>,
  tpl: LedgerTemplate,
): AsyncGenerator<string> {
  const cols = columnsFor(tpl.summary.columns, "csv");
  yield `${BOM}${cols.map((c) => csvField(c.heading)).join(",")}\r\n`;
  for (const row of rows)
    yield `${cols.map((c) => csvField(summaryCell(c.field, row, tpl.labels, tpl.language))).join(",")}\r\n`;
}

const countsJson = (c: UnitCounts) => ({
  answered: c.answered,
  total: c.total,
  results: { pass: c.pass, partial: c.partial, fail: c.fail, na: c.na },
  rectifications: {
    total: c.rectifications,
    open: c.open,
    inProgress: c.inProgress,
    done: c.done,
    closed: c.closed,
    overdue: c.overdue,
  },
  completionRate: completionRate(c),
});

/**
 * Stable JSON of one unit's ledger: codes (status, kind…) and their labels side by side.
 * Version 2: the rectifications are the unit's, from every round (version 1 listed one run's).
 */
export function ledgerJson(data: LedgerData, tpl: LedgerTemplate): string {
  const L = tpl.labels;
  const ctx = ledgerContext(columnsFor(tpl.ledger.columns, "xlsx").map((c) => c.field));
  const doc = {
    format: "lookback-ledger",
    formatVersion: 2,
    date: data.date,
    view: { open: data.view.open ?? false, since: data.view.since ?? null },
    rounds: data.rounds,
    unit: { name: data.unit.name, code: data.unit.code, township: data.unit.township, type: data.unit.type },
    run: {
      id: data.run.id,
      checklist: data.checklist,
      respondent: data.run.respondent,
      leaders: data.run.leaders,
      kind: data.checklist.kind,
      kindLabel: L.checklistKind[data.checklist.kind],
      // 督导组 and its members: null for a self-check.
      inspection: data.run.inspection,
      status: data.run.status,
      startedAt: data.run.startedAt,
      finishedAt: data.run.finishedAt,
    },
    counts: countsJson(data.counts),
    rectifications: data.rows.map((row) => {
      const r = row.rectification;
      return {
        seq: row.seq,
        id: r.id,
        itemNo: row.number,
        itemKey: r.itemKey,
        round: row.round,
        runId: r.runId,
        foundOn: row.foundOn,
        section: row.section,
        item: row.item,
        leader: row.leader,
        origin: r.origin,
        originLabel: L.origin[r.origin],
        problem: r.problem,
        measure: r.measure,
        kind: r.kind,
        kindLabel: L.kind[r.kind],
        leaderInCharge: r.leaderInCharge,
        department: r.department,
        owner: r.owner,
        deadline: r.deadline,
        status: r.status,
        statusLabel: L.status[r.status],
        overdue: row.overdue,
        daysOverdue: row.daysOverdue,
        progress: r.progress,
        evidence: r.evidence,
        evidenceFiles: row.evidenceFiles?.files ?? [],
        closedAt: r.closedAt,
        closedBy: r.closedBy,
        remark: remarkOf(row, L, ctx),
        relapse: row.relapse,
        merged: row.merged,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    }),
    answers: data.details.map((d) => ({
      seq: d.seq,
      itemKey: d.slot.key,
      section: d.slot.section,
      item: d.slot.item,
      leader: d.slot.leader,
      result: d.answer?.result ?? null,
      resultLabel: d.answer ? L.result[d.answer.result] : L.result.unanswered,
      note: d.answer?.note ?? null,
      evidence: d.answer?.evidence ?? null,
      evidenceFiles: d.evidenceFiles?.files ?? [],
      naReason: d.answer?.naReason ?? null,
      method: d.answer?.method ?? null,
      methodLabel: d.answer?.method ? L.method[d.answer.method] : null,
      answeredAt: d.answer?.answeredAt ?? null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Stable JSON of the county summary (format "lookback-summary", version 1). */
/**
 * 汇总.json, in pieces: its units are written one at a time (a province's 30,000 are never one
 * string). The text is that of `JSON.stringify(doc, null, 2)`.
 */
export function summaryJson(
  rows: Iterable<SummaryRow>,
  totals: UnitCounts,
  date: string,
  tpl: LedgerTemplate,
): AsyncGenerator<string> {
  function* units() {
    for (const r of rows) {
      yield {
        seq: r.seq,
        unit: { name: r.unit.name, code: r.unit.code, township: r.unit.township, type: r.unit.type },
        runStatus: r.run?.status ?? "none",
        runStatusLabel: tpl.labels.runStatus[r.run?.status ?? "none"],
        checklist: r.checklist,
        respondent: r.run?.respondent ?? null,
        counts: r.counts ? countsJson(r.counts) : null,
        score: r.score,
        rank: r.rank,
        // The unit's latest inspection (督导检查): who, when, how often each method was used.
        inspection: r.inspection
          ? {
              runId: r.inspection.runId,
              checklist: r.inspection.checklist,
              group: r.inspection.group,
              members: r.inspection.members,
              date: r.inspection.date,
              methods: r.inspection.methods,
              text: inspectionText(r.inspection, tpl.labels, tpl.language),
            }
          : null,
      };
    }
  }
  return jsonChunks({
    format: "lookback-summary",
    formatVersion: 1,
    date,
    units: new JsonList(units()),
    totals: countsJson(totals),
  });
}
