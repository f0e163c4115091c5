// 督导对照: the sheet of 汇总.xlsx that holds each inspected unit's self-check against what the
// inspectors found, the units that overstated most first (the ones a bureau follows up).
import type { AgreementCounts, UnitCrosscheck } from "../run/crosscheck.js";
import type { LedgerLanguage } from "./labels.js";
import type { SheetModel } from "./xlsx.js";

const WORDS: Record<
  LedgerLanguage,
  { sheet: string; title: string; info: string; headings: string[]; total: string }
> = {
  "zh-CN": {
    sheet: "督导对照",
    title: "自查与督导检查结果对照",
    info: "统计日期：{date}　　自评偏高：单位自评为符合（或基本符合），督导检查为基本符合或不符合的项目",
    headings: [
      "序号",
      "单位",
      "督导清单",
      "自查清单",
      "自评偏高",
      "自评偏低",
      "未自查",
      "一方不适用",
      "一致",
    ],
    total: "合计",
  },
  en: {
    sheet: "Inspection vs self-check",
    title: "Self-check against inspection",
    info: "Date: {date}    Overstated: the unit rated an item better than the inspectors found",
    headings: [
      "No.",
      "Unit",
      "Inspection",
      "Self-check",
      "Overstated",
      "Understated",
      "Not self-checked",
      "N/A on one side",
      "Agreed",
    ],
    total: "Total",
  },
};

const COUNTS: (keyof AgreementCounts)[] = [
  "overstated",
  "understated",
  "unanswered",
  "not-applicable",
  "agreed",
];

/** Units in the order given (rankCrosschecks), one row each, with the counts summed. */
export function crosscheckSheet(
  units: readonly UnitCrosscheck[],
  language: LedgerLanguage,
  date: string,
): SheetModel {
  const w = WORDS[language];
  const sum = COUNTS.map((k) => units.reduce((n, u) => n + u.counts[k], 0));
  return {
    name: w.sheet,
    title: w.title,
    info: w.info.replace("{date}", date),
    columns: w.headings.map((heading, i) => ({
      heading,
      width: undefined,
      maxWidth: i === 1 ? 40 : 16,
      wrap: i === 1,
    })),
    rows: units.map((u, i) => [
      i + 1,
      u.unit.name,
      `${u.inspection.checklistId} ${u.inspection.checklistVersion}`,
      `${u.self.checklistId} ${u.self.checklistVersion}`,
      ...COUNTS.map((k) => u.counts[k]),
    ]),
    rowCount: units.length,
    totals: [w.total, null, null, null, ...sum],
    marked: (_row, col, cells) => col === 4 && typeof cells[col] === "number" && cells[col] > 0,
  };
}
