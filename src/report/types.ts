// What a briefing (简报) shows, as plain records with every number already computed: the
// data module fills them from the store, the renderers (docx, html) only lay them out.
// Nothing here is computed from anything else, so a renderer can never disagree with the
// database about a count.
import type { FollowUpSummary } from "../rectify/counts.js";
import type { RectificationStatus, RunStatus } from "../store/types.js";

export type ReportLanguage = "zh-CN" | "en";

/** 报头: title, issue number (期号), issuing unit (编印单位) and date. */
export interface Masthead {
  title: string;
  /** 期号, e.g. 3 for 第 3 期; null leaves it out. */
  issue: number | null;
  /** 编印单位 */
  issuer: string;
  /** YYYY-MM-DD (local calendar). */
  date: string;
}

/** 报尾: 报送 (sent to), 抄送 (copied to) and 共印 N 份. */
export interface Tail {
  to: string[];
  cc: string[];
  /** 印数; null leaves 共印 N 份 out. */
  copies: number | null;
}

/** Answers of one part of the checklist (学习教育, 听取意见, 立行立改, 六查 …). */
export interface SectionTally {
  sectionId: string;
  title: string;
  /** Items the run asks (per leader for a `per: leader` section); for the county, summed over units. */
  items: number;
  answered: number;
  pass: number;
  partial: number;
  fail: number;
  na: number;
  /** 六查: the leading cadres the section was answered for (unit briefing only). */
  leaders: string[];
}

/** Rectifications by status (整改落实情况): the follow-up figures, with the two rates. */
export interface StatusTally extends FollowUpSummary {
  /** 销号率: closed / total; null when there is none. */
  closeRate: number | null;
  /** 整改完成率: (done + closed) / total; null when there is none. */
  doneRate: number | null;
}

/** One problem (存在问题) as the briefing lists it. */
export interface Problem {
  /** 问题编号 as a person reads it aloud, e.g. `2-3`. */
  code: string;
  item: string;
  problem: string;
  measure: string;
  /** 责任人 */
  owner: string;
  /** 整改时限 (YYYY-MM-DD) or null. */
  deadline: string | null;
  status: RectificationStatus;
  /** Days past the deadline when overdue (逾期), else null. */
  overdueDays: number | null;
  /** 反弹: the item had been closed off (销号) and fails again. */
  relapse: boolean;
}

/** The problems of one part of the checklist. */
export interface ProblemGroup {
  sectionId: string;
  title: string;
  problems: Problem[];
}

/** An overdue rectification (逾期), with the unit for the county's list. */
export interface OverdueItem {
  unit: string | null;
  code: string;
  problem: string;
  owner: string;
  deadline: string;
  days: number;
}

/** 反弹: a problem closed off before whose item fails again. */
export interface RelapseItem {
  unit: string | null;
  code: string;
  item: string;
  /** When and by whom it had been closed off (销号). */
  closedAt: string | null;
  closedBy: string | null;
}

/** A school's or office's briefing. */
export interface UnitBriefing {
  kind: "unit";
  language: ReportLanguage;
  masthead: Masthead;
  unit: { name: string; code: string | null; township: string | null; type: string | null };
  checklist: { id: string; title: string; version: string };
  /** The runs the numbers come from: the unit's latest run of the checklist. */
  run: {
    respondent: string;
    status: RunStatus;
    startedAt: string;
    finishedAt: string | null;
    rounds: number;
  };
  sections: SectionTally[];
  problems: ProblemGroup[];
  rectifications: StatusTally;
  /** Overdue rectifications, most overdue first. */
  overdue: OverdueItem[];
  relapses: RelapseItem[];
  tail: Tail;
}

/** One row of the county's per-unit table. */
export interface UnitRow {
  name: string;
  township: string | null;
  /** null: the unit has not started (未开展). */
  runStatus: RunStatus | null;
  answered: number;
  items: number;
  problems: number;
  closed: number;
  overdue: number;
  /** 自查完成率: answered / items; null without a run. */
  answerRate: number | null;
  closeRate: number | null;
}

/** One row of the county's per-township table. */
export interface TownshipRow {
  /** null: units without a township in the roster. */
  township: string | null;
  units: number;
  /** Units whose latest run is finished. */
  complete: number;
  inProgress: number;
  notStarted: number;
  /** 完成率: complete / units. */
  completeRate: number;
  problems: number;
  closed: number;
  overdue: number;
  closeRate: number | null;
}

/** The bureau's briefing of the county (or of one township). */
export interface CountyBriefing {
  kind: "county";
  language: ReportLanguage;
  masthead: Masthead;
  /** The township the briefing is limited to, or null for the whole county. */
  township: string | null;
  checklist: { id: string; title: string; version: string } | null;
  units: { total: number; complete: number; inProgress: number; notStarted: number };
  sections: SectionTally[];
  rectifications: StatusTally;
  townships: TownshipRow[];
  unitRows: UnitRow[];
  /** 未开展: units with no run of the checklist. */
  notStarted: { name: string; township: string | null }[];
  /** The most overdue rectifications, most overdue first (at most the template's limit). */
  mostOverdue: OverdueItem[];
  /** How many overdue rectifications there are in all (mostOverdue may show fewer). */
  overdueTotal: number;
  relapses: RelapseItem[];
  tail: Tail;
}

export type Briefing = UnitBriefing | CountyBriefing;
