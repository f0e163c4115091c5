// Field → cell value, once for every writer: xlsx turns `date` into a real Excel date and
// `rate` into a percentage, csv and json write them as text or numbers.
import type { InspectionMethod } from "../store/types.js";
import { localDateOf } from "../util/dates.js";
import type { DetailRow, InspectionBrief, LedgerRow, SummaryRow, UnitCounts } from "./data.js";
import { completionRate } from "./data.js";
import type { EvidenceCellLink } from "./evidence.js";
import type { Labels, LedgerLanguage } from "./labels.js";
import type { DetailField, LedgerField, SummaryField } from "./template.js";

/**
 * A calendar date (YYYY-MM-DD), a ratio 0..1, or a text with a link (a relative path: an
 * evidence file beside the ledger); plain strings and numbers otherwise.
 */
export type Cell =
  | null
  | string
  | number
  | { date: string }
  | { rate: number }
  | { text: string; link: string | null };

/** 佐证材料: the text typed, then the names of the files attached, the cell linking to them. */
function evidenceCell(text: string | null, files: EvidenceCellLink | undefined): Cell {
  if (!files || files.files.length === 0) return text;
  // One line: LibreOffice draws a linked cell on one line whatever its breaks; 、 reads in both.
  const names = files.files.map((f) => f.name).join("、");
  return { text: text ? `${text}\n${names}` : names, link: files.link };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Stored dates are YYYY-MM-DD; an ISO instant (e.g. a timestamp) becomes its local calendar day. */
export function calendarDate(value: string | null): Cell {
  if (value === null || value === "") return null;
  if (DAY.test(value)) return { date: value };
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : { date: localDateOf(value) };
}

/** The columns a ledger has, for what 备注 leaves out because a column already shows it. */
export function ledgerContext(fields: readonly LedgerField[]): LedgerContext {
  return { verifierColumn: fields.includes("closed_by"), overdueColumn: fields.includes("overdue") };
}

/** What a cell needs to know of the other columns: 备注 leaves out what a column already shows. */
export interface LedgerContext {
  verifierColumn?: boolean;
  overdueColumn?: boolean;
}

export function ledgerCell(
  field: LedgerField,
  row: LedgerRow,
  labels: Labels,
  ctx: LedgerContext = {},
): Cell {
  const r = row.rectification;
  switch (field) {
    case "seq":
      return row.seq;
    case "item_no":
      return row.leader === null ? row.number : `${row.number}\n${row.leader}`;
    case "round":
      return row.round === null ? null : labels.round.replace("{n}", String(row.round));
    case "found_on":
      return { date: row.foundOn };
    case "item_key":
      return r.itemKey;
    case "section":
      return row.section;
    case "item":
      return row.item;
    case "origin":
      return labels.origin[r.origin];
    case "problem":
      return r.problem;
    case "measure":
      return r.measure;
    case "kind":
      return labels.kind[r.kind];
    case "leader_in_charge":
      return r.leaderInCharge;
    case "department":
      return r.department;
    case "owner":
      return r.owner;
    case "deadline":
      return calendarDate(r.deadline);
    case "status":
      return labels.status[r.status];
    case "progress":
      return r.progress;
    case "evidence":
      return evidenceCell(r.evidence, row.evidenceFiles);
    case "closed_at":
      return calendarDate(r.closedAt);
    case "remark":
      return remarkOf(row, labels, ctx);
    case "closed_by":
      return r.closedBy;
    case "overdue":
      return row.daysOverdue === null ? null : overdueWords(row.daysOverdue, labels);
    case "created_at":
      return calendarDate(r.createdAt);
    case "id":
      return r.id;
  }
}

export function detailCell(field: DetailField, row: DetailRow, labels: Labels): Cell {
  const a = row.answer;
  switch (field) {
    case "seq":
      return row.seq;
    case "item_key":
      return row.slot.key;
    case "section":
      return row.slot.section;
    case "item":
      return row.slot.item;
    case "leader":
      return row.slot.leader;
    case "result":
      return a ? labels.result[a.result] : labels.result.unanswered;
    case "note":
      return a?.note ?? null;
    case "evidence":
      return evidenceCell(a?.evidence ?? null, row.evidenceFiles);
    case "na_reason":
      return a?.naReason ?? null;
    case "answered_at":
      return a ? calendarDate(a.answeredAt) : null;
    case "method":
      return a?.method ? labels.method[a.method] : null;
  }
}

/** 最近督导检查: `县教育局第二督导组 2026-12-02（听汇报 3、暗访 4）`, the methods used and how often. */
export function inspectionText(i: InspectionBrief, labels: Labels, language: LedgerLanguage): string {
  const zh = language === "zh-CN";
  const used = (Object.entries(i.methods) as [InspectionMethod, number][])
    .filter(([, n]) => n > 0)
    .map(([m, n]) => `${labels.method[m]} ${n}`);
  const head = `${i.group ?? labels.checklistKind.inspection} ${i.date}`;
  if (used.length === 0) return head;
  return zh ? `${head}（${used.join("、")}）` : `${head} (${used.join(", ")})`;
}

const COUNT_FIELDS: Partial<Record<SummaryField, keyof UnitCounts>> = {
  answered: "answered",
  total: "total",
  pass: "pass",
  partial: "partial",
  fail: "fail",
  na: "na",
  rectifications: "rectifications",
  open: "open",
  in_progress: "inProgress",
  done: "done",
  closed: "closed",
  overdue: "overdue",
};

export const isCountField = (field: SummaryField): boolean =>
  field in COUNT_FIELDS || field === "completion_rate";

function countCell(field: SummaryField, counts: UnitCounts | null): Cell | undefined {
  if (field === "completion_rate") {
    const rate = counts ? completionRate(counts) : null;
    return rate === null ? null : { rate };
  }
  const key = COUNT_FIELDS[field];
  if (key === undefined) return undefined;
  return counts ? counts[key] : null;
}

export function summaryCell(
  field: SummaryField,
  row: SummaryRow,
  labels: Labels,
  language: LedgerLanguage = "zh-CN",
): Cell {
  const counted = countCell(field, row.counts);
  if (counted !== undefined) return counted;
  switch (field) {
    case "seq":
      return row.seq;
    case "unit":
      return row.unit.name;
    case "code":
      return row.unit.code;
    case "township":
      return row.unit.township;
    case "type":
      return row.unit.type;
    case "checklist":
      return row.checklist?.title ?? null;
    case "version":
      return row.checklist?.version ?? null;
    case "respondent":
      return row.run?.respondent ?? null;
    case "run_status":
      return labels.runStatus[row.run?.status ?? "none"];
    case "score":
      return row.score?.score ?? null;
    case "grade":
      return (language === "en" ? (row.score?.gradeEn ?? row.score?.grade) : row.score?.grade) ?? null;
    case "rank":
      return row.rank;
    case "run_kind":
      return row.checklist ? labels.checklistKind[row.checklist.kind] : null;
    case "inspection":
      return row.inspection ? inspectionText(row.inspection, labels, language) : null;
    default:
      return null;
  }
}

/** The totals row (合计): sums under the count columns, the label in the first text column. */
export function totalCells(fields: readonly SummaryField[], totals: UnitCounts, label: string): Cell[] {
  const labelAt = Math.max(
    0,
    fields.findIndex((f) => f !== "seq" && !isCountField(f)),
  );
  return fields.map((f, i) => (i === labelAt ? label : (countCell(f, totals) ?? null)));
}

/** A cell as plain text (csv, width measuring). */
export function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "string") return cell;
  if (typeof cell === "number") return String(cell);
  if ("date" in cell) return cell.date;
  if ("text" in cell) return cell.text;
  return `${(cell.rate * 100).toFixed(1)}%`;
}

const overdueWords = (days: number, labels: Labels): string =>
  labels.overdueDays.replace("{days}", String(days));

/**
 * 备注: overdue in words (a black-and-white print loses the colour), who verified a closed item,
 * the rectification's own remark, the relapse (反弹) note when the item came back, and the
 * duplicates of an older version this row carries on.
 */
export function remarkOf(row: LedgerRow, labels: Labels, opts: LedgerContext = {}): string | null {
  const r = row.rectification;
  const relapse = row.relapse
    ? labels.relapse
        .replace("{closedAt}", row.relapse.closedAt ?? "?")
        .replace("{closedBy}", row.relapse.closedBy ?? "?")
    : null;
  const verified =
    r.status === "closed" && r.closedBy && !opts.verifierColumn
      ? labels.verified.replace("{closedBy}", r.closedBy)
      : null;
  const merged =
    row.merged.length > 0
      ? labels.merged
          .replace("{rounds}", String(row.round ?? "?"))
          .replace("{ids}", row.merged.map((id) => id.slice(0, 8)).join("、"))
      : null;
  const late = row.daysOverdue === null || opts.overdueColumn ? null : overdueWords(row.daysOverdue, labels);
  const parts = [r.remark, late, verified, relapse, merged].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join("；") : null;
}
