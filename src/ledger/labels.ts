// The words written into ledger cells (status, type, source, result). They follow the
// template's language, not the UI language: a county's ledgers are official documents in
// Chinese even when a clerk runs lookback with --lang en.
import type { ChecklistKind } from "../checklist/schema.js";
import type {
  InspectionMethod,
  RectificationKind,
  RectificationOrigin,
  RectificationStatus,
  Result,
  RunStatus,
} from "../store/types.js";

export type LedgerLanguage = "zh-CN" | "en";

export interface Labels {
  status: Record<RectificationStatus, string>;
  kind: Record<RectificationKind, string>;
  origin: Record<RectificationOrigin, string>;
  result: Record<Result | "unanswered", string>;
  /** `none`: the unit has no run (未开展), for the county summary. */
  runStatus: Record<RunStatus | "none", string>;
  /** Written in the `overdue` column of overdue rows. */
  overdue: string;
  /** Overdue in words, with the days late ({days}), in 备注 and the `overdue` column. */
  overdueDays: string;
  /** 发现轮次: {n} is the round. */
  round: string;
  /** 备注 of a row that carries on duplicates an older version left: {ids}, {rounds}. */
  merged: string;
  /** 备注 of a closed row: who verified it ({closedBy}). */
  verified: string;
  /** What a shorter view leaves out, for the info row: not closed / found since {date}. */
  viewOpen: string;
  viewSince: string;
  /** Added to 备注 of a rectification whose item had been closed off (销号) before and fails again (反弹). */
  relapse: string;
  /** Printed page footer (Excel header/footer codes: &P page, &N pages). */
  pageFooter: string;
  /** 检查方式 of an inspection's answer. */
  method: Record<InspectionMethod, string>;
  /** 自查 or 督导检查: who answered the run's checklist. */
  checklistKind: Record<ChecklistKind, string>;
  /** The info row of an inspection's ledger: {group} and {members} (督导组 and its members). */
  inspection: string;
}

export const DEFAULT_LABELS: Record<LedgerLanguage, Labels> = {
  "zh-CN": {
    status: { open: "未整改", "in-progress": "整改中", done: "已完成", closed: "已销号" },
    kind: { immediate: "立行立改", deadline: "限期整改", ongoing: "长期坚持" },
    origin: { "self-check": "自查", inspection: "明察", visit: "暗访", public: "群众反映" },
    result: { pass: "符合", partial: "基本符合", fail: "不符合", na: "不适用", unanswered: "未作答" },
    runStatus: { "in-progress": "进行中", complete: "已完成", none: "未开展" },
    overdue: "逾期",
    overdueDays: "逾期 {days} 天",
    round: "第{n}轮",
    merged: "含第{rounds}轮同一问题的整改事项 {ids}",
    verified: "{closedBy} 验收销号",
    viewOpen: "仅列未销号事项",
    viewSince: "仅列 {date} 以来发现的问题",
    relapse: "反弹：该项曾于 {closedAt} 由 {closedBy} 销号",
    pageFooter: "第 &P 页，共 &N 页",
    method: {
      "hear-report": "听汇报",
      "site-visit": "看现场",
      "document-check": "查资料",
      unannounced: "暗访",
    },
    checklistKind: { "self-check": "自查", inspection: "督导检查" },
    inspection: "督导组：{group}（成员：{members}）",
  },
  en: {
    status: { open: "Open", "in-progress": "In progress", done: "Done", closed: "Closed" },
    kind: { immediate: "Immediate", deadline: "By deadline", ongoing: "Ongoing" },
    origin: {
      "self-check": "Self-check",
      inspection: "Inspection",
      visit: "Unannounced visit",
      public: "Public report",
    },
    result: { pass: "Pass", partial: "Partial", fail: "Fail", na: "N/A", unanswered: "Unanswered" },
    runStatus: { "in-progress": "In progress", complete: "Complete", none: "Not started" },
    overdue: "Overdue",
    overdueDays: "{days} days overdue",
    round: "Round {n}",
    merged: "Includes the rectification {ids} of round {rounds} (same problem)",
    verified: "Verified and closed by {closedBy}",
    viewOpen: "Only items not closed yet",
    viewSince: "Only problems found since {date}",
    relapse: "Relapse: closed off on {closedAt} by {closedBy}",
    pageFooter: "Page &P of &N",
    method: {
      "hear-report": "Hearing the report",
      "site-visit": "Site visit",
      "document-check": "Checking the files",
      unannounced: "Unannounced visit",
    },
    checklistKind: { "self-check": "Self-check", inspection: "Inspection" },
    inspection: "Supervision group: {group} (members: {members})",
  },
};
