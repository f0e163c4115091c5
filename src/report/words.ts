// The words and sentences of a briefing, in the briefing's language (not the UI's: a county's
// briefings are official documents in Chinese even when a clerk runs lookback with --lang en).
// The numbers are filled in; nothing here counts anything.
import { DEFAULT_LABELS, type Labels } from "../ledger/labels.js";
import type { SectionTally, StatusTally } from "./types.js";

export interface Words {
  labels: Labels;
  /** 2026-05-20 → 2026年5月20日 */
  date: (iso: string) => string;
  percent: (rate: number | null) => string;
  /** Items of a list, joined as the language does (、 or , ). */
  join: (items: readonly string[]) => string;
  /** （一） (1) … the numbering of sub-headings. */
  sub: (n: number) => string;
  sectionLine: (s: SectionTally) => string;
  unitOverview: (p: {
    unit: string;
    checklist: string;
    answered: number;
    items: number;
    complete: boolean;
    rounds: number;
  }) => string;
  resultsLine: (s: Pick<SectionTally, "pass" | "partial" | "fail" | "na">) => string;
  problemsIntro: (count: number, groups: number) => string;
  noProblems: string;
  statusLine: (date: string, t: StatusTally) => string;
  overdueIntro: (count: number) => string;
  noOverdue: string;
  relapsesIntro: (count: number) => string;
  noRelapses: string;
  countyOverview: (p: {
    scope: string;
    total: number;
    complete: number;
    inProgress: number;
    notStarted: number;
  }) => string;
  notStartedIntro: (count: number) => string;
  allStarted: string;
  mostOverdueIntro: (shown: number, total: number) => string;
  overdueDays: (days: number) => string;
  relapseMark: string;
  /** A label with remarks: 未整改（逾期 3 天，反弹）. */
  marked: (label: string, marks: readonly string[]) => string;
  noTownship: string;
  heads: {
    section: string;
    items: string;
    answered: string;
    code: string;
    problem: string;
    measure: string;
    owner: string;
    deadline: string;
    status: string;
    count: string;
    share: string;
    daysOverdue: string;
    item: string;
    closedAt: string;
    closedBy: string;
    unit: string;
    township: string;
    units: string;
    complete: string;
    inProgress: string;
    notStarted: string;
    completeRate: string;
    problems: string;
    closed: string;
    closeRate: string;
    overdue: string;
    runStatus: string;
    answerRate: string;
    seq: string;
    total: string;
  };
  subheads: {
    overdue: string;
    relapses: string;
    notStarted: string;
    mostOverdue: string;
    bySection: string;
    byTownship: string;
  };
  charts: {
    completion: string;
    results: string;
    statuses: string;
    overdue: string;
    units: string;
    items: string;
    rectifications: string;
  };
  tail: { to: (names: string) => string; cc: (names: string) => string; copies: (n: number) => string };
  page: (n: string) => string;
}

const pct = (rate: number | null) => (rate === null ? "—" : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

const zhNumbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const zhNumber = (n: number): string => {
  if (n <= 10) return zhNumbers[n - 1] ?? String(n);
  if (n < 20) return `十${zhNumbers[n - 11] ?? ""}`;
  if (n < 100) return `${zhNumbers[Math.floor(n / 10) - 1]}十${n % 10 === 0 ? "" : zhNumbers[(n % 10) - 1]}`;
  return String(n);
};

const zh: Words = {
  labels: DEFAULT_LABELS["zh-CN"],
  date: (iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    return `${y}年${m}月${d}日`;
  },
  percent: pct,
  join: (items) => items.join("、"),
  sub: (n) => `（${zhNumber(n)}）`,
  resultsLine: (s) => `符合 ${s.pass} 项，基本符合 ${s.partial} 项，不符合 ${s.fail} 项，不适用 ${s.na} 项`,
  sectionLine: (s) => {
    const who = s.leaders.length > 0 ? `班子成员${s.leaders.join("、")}逐人对照检查，` : "";
    const open = s.answered < s.items ? `，尚有 ${s.items - s.answered} 项未作答` : "";
    return `${who}共 ${s.items} 项，已自查 ${s.answered} 项：${zh.resultsLine(s)}${open}。`;
  },
  unitOverview: (p) =>
    `${p.unit}按照“回头看”工作要求，对照《${p.checklist}》逐项开展自查${p.rounds > 1 ? `（第 ${p.rounds} 轮）` : ""}，` +
    `应查 ${p.items} 项，已查 ${p.answered} 项，${p.complete ? "自查已完成" : "自查正在进行"}。各环节情况如下。`,
  problemsIntro: (count, groups) =>
    `经自查，共查摆问题 ${count} 个，涉及 ${groups} 个环节，逐项明确了整改措施、责任人和整改时限：`,
  noProblems: "经自查，未发现需要整改的问题。",
  statusLine: (date, s) =>
    `截至${zh.date(date)}，共有整改事项 ${s.total} 项：已销号 ${s.closed} 项，已完成待销号 ${s.done} 项，` +
    `整改中 ${s.inProgress} 项，未整改 ${s.open} 项；销号率 ${pct(s.closeRate)}，整改完成率 ${pct(s.doneRate)}；` +
    `逾期未完成 ${s.overdue} 项${s.relapses > 0 ? `，反弹 ${s.relapses} 项` : ""}。`,
  overdueIntro: (n) => `以下 ${n} 项整改事项已超过整改时限仍未完成，须督促责任人限期整改：`,
  noOverdue: "无逾期未完成的整改事项。",
  relapsesIntro: (n) => `以下 ${n} 项问题曾经销号，本轮自查再次不符合要求（反弹），须重新整改：`,
  noRelapses: "未发现已销号问题反弹。",
  countyOverview: (p) =>
    `${p.scope}共有参加“回头看”的单位 ${p.total} 个：已完成自查 ${p.complete} 个，正在自查 ${p.inProgress} 个，` +
    `未开展 ${p.notStarted} 个，完成率 ${pct(p.total === 0 ? null : p.complete / p.total)}。`,
  notStartedIntro: (n) => `以下 ${n} 个单位尚未开展“回头看”自查，须督促其尽快开展：`,
  allStarted: "所有单位均已开展“回头看”自查。",
  mostOverdueIntro: (shown, total) =>
    shown < total
      ? `逾期未完成的整改事项共 ${total} 项，逾期最久的 ${shown} 项如下：`
      : `逾期未完成的整改事项共 ${total} 项：`,
  overdueDays: (d) => `逾期 ${d} 天`,
  relapseMark: "反弹",
  marked: (label, marks) => (marks.length === 0 ? label : `${label}（${marks.join("，")}）`),
  noTownship: "（未填乡镇）",
  heads: {
    section: "环节",
    items: "项数",
    answered: "已查",
    code: "编号",
    problem: "存在问题",
    measure: "整改措施",
    owner: "责任人",
    deadline: "整改时限",
    status: "整改状态",
    count: "件数",
    share: "占比",
    daysOverdue: "逾期天数",
    item: "检查项目",
    closedAt: "原销号日期",
    closedBy: "验收人",
    unit: "单位",
    township: "乡镇",
    units: "单位数",
    complete: "已完成",
    inProgress: "进行中",
    notStarted: "未开展",
    completeRate: "完成率",
    problems: "问题数",
    closed: "已销号",
    closeRate: "销号率",
    overdue: "逾期",
    runStatus: "自查状态",
    answerRate: "自查进度",
    seq: "序号",
    total: "合计",
  },
  subheads: {
    overdue: "逾期事项",
    relapses: "反弹问题",
    notStarted: "未开展单位",
    mostOverdue: "逾期最久的整改事项",
    bySection: "各环节自查结果",
    byTownship: "各乡镇情况",
  },
  charts: {
    completion: "各乡镇自查完成情况（单位数）",
    results: "各环节自查结果（项数）",
    statuses: "整改事项状态（件数）",
    overdue: "各乡镇逾期整改事项（件数）",
    units: "单位数",
    items: "项数",
    rectifications: "件数",
  },
  tail: { to: (s) => `报送：${s}`, cc: (s) => `抄送：${s}`, copies: (n) => `共印 ${n} 份` },
  page: (n) => `— ${n} —`,
};

const en: Words = {
  labels: DEFAULT_LABELS.en,
  date: (iso) => iso,
  percent: pct,
  join: (items) => items.join(", "),
  sub: (n) => `(${n}) `,
  resultsLine: (s) => `${s.pass} pass, ${s.partial} partial, ${s.fail} fail, ${s.na} not applicable`,
  sectionLine: (s) => {
    const who = s.leaders.length > 0 ? `Answered by each leading cadre (${s.leaders.join(", ")}). ` : "";
    const open = s.answered < s.items ? `; ${s.items - s.answered} not answered yet` : "";
    return `${who}${s.answered} of ${s.items} items checked: ${en.resultsLine(s)}${open}.`;
  },
  unitOverview: (p) =>
    `${p.unit} checked itself item by item against “${p.checklist}”${p.rounds > 1 ? ` (round ${p.rounds})` : ""}: ` +
    `${p.answered} of ${p.items} items, ${p.complete ? "finished" : "still in progress"}. By section:`,
  problemsIntro: (count, groups) =>
    `${count} problems were found in ${groups} sections, each with its measure, responsible person and deadline:`,
  noProblems: "The self-check found no problem to rectify.",
  statusLine: (date, s) =>
    `As of ${date}, ${s.total} rectifications: ${s.closed} closed, ${s.done} done awaiting closing, ` +
    `${s.inProgress} in progress, ${s.open} open; closed ${pct(s.closeRate)}, done ${pct(s.doneRate)}; ` +
    `${s.overdue} overdue${s.relapses > 0 ? `, ${s.relapses} relapsed` : ""}.`,
  overdueIntro: (n) => `${n} rectifications are past their deadline and not done:`,
  noOverdue: "No rectification is overdue.",
  relapsesIntro: (n) => `${n} problems had been closed and fail again in this round (relapses):`,
  noRelapses: "No closed problem has relapsed.",
  countyOverview: (p) =>
    `${p.scope}: ${p.total} units take part; ${p.complete} have finished their self-check, ${p.inProgress} are ` +
    `in progress, ${p.notStarted} have not started (${pct(p.total === 0 ? null : p.complete / p.total)} finished).`,
  notStartedIntro: (n) => `${n} units have not started their self-check:`,
  allStarted: "Every unit has started its self-check.",
  mostOverdueIntro: (shown, total) =>
    shown < total
      ? `${total} rectifications are overdue; the ${shown} most overdue:`
      : `${total} rectifications are overdue:`,
  overdueDays: (d) => `${d} days overdue`,
  relapseMark: "relapse",
  marked: (label, marks) => (marks.length === 0 ? label : `${label} (${marks.join(", ")})`),
  noTownship: "(no township)",
  heads: {
    section: "Section",
    items: "Items",
    answered: "Checked",
    code: "No.",
    problem: "Problem",
    measure: "Measure",
    owner: "Responsible",
    deadline: "Deadline",
    status: "Status",
    count: "Count",
    share: "Share",
    daysOverdue: "Days overdue",
    item: "Item",
    closedAt: "Closed on",
    closedBy: "Verified by",
    unit: "Unit",
    township: "Township",
    units: "Units",
    complete: "Finished",
    inProgress: "In progress",
    notStarted: "Not started",
    completeRate: "Finished",
    problems: "Problems",
    closed: "Closed",
    closeRate: "Closed %",
    overdue: "Overdue",
    runStatus: "Self-check",
    answerRate: "Answered",
    seq: "#",
    total: "Total",
  },
  subheads: {
    overdue: "Overdue",
    relapses: "Relapses",
    notStarted: "Units not started",
    mostOverdue: "Most overdue rectifications",
    bySection: "Results by section",
    byTownship: "By township",
  },
  charts: {
    completion: "Self-check by township (units)",
    results: "Results by section (items)",
    statuses: "Rectifications by status",
    overdue: "Overdue rectifications by township",
    units: "Units",
    items: "Items",
    rectifications: "Rectifications",
  },
  tail: { to: (s) => `To: ${s}`, cc: (s) => `Cc: ${s}`, copies: (n) => `${n} copies printed` },
  page: (n) => `- ${n} -`,
};

export const WORDS: Record<"zh-CN" | "en", Words> = { "zh-CN": zh, en };
