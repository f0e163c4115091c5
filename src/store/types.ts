// Domain records as the store keeps them. Ids are UUIDs so that many schools' files
// can be merged by the bureau (`lookback import`) without collisions.
import type { Result } from "../checklist/schema.js";

export type { Result };

/** A school or office (填报单位). */
export interface Unit {
  id: string;
  name: string;
  code: string | null;
  township: string | null;
  type: string | null;
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = "in-progress" | "complete";

/** One walk through one checklist by one unit (一次自查). */
export interface Run {
  id: string;
  unitId: string;
  /** Content hash of the checklist snapshot the run used. */
  checklistHash: string;
  checklistId: string;
  checklistVersion: string;
  /** 填报人 */
  respondent: string;
  /** 班子成员: the leading cadres for `per: leader` sections, in order. */
  leaders: string[];
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  updatedAt: string;
  /** Set aside for this run (an unfinished run replaced by `check --new`, or a duplicate). */
  supersededBy: string | null;
  /** sha256 of the answers file that last wrote to this run, if one did. */
  answersFileHash: string | null;
  /** The supervision group of an inspection run (督导检查); null for a self-check. */
  inspection: InspectionGroup | null;
}

/** 督导组: the supervision group that made an inspection run, and its members (督导组成员), in order. */
export interface InspectionGroup {
  group: string;
  members: string[];
}

/**
 * How an inspection item was checked (检查方式): 听汇报 hear the report, 看现场 see on site, 查资料
 * check the files (明察, announced), 暗访 an unannounced visit.
 */
export const INSPECTION_METHODS = ["hear-report", "site-visit", "document-check", "unannounced"] as const;
export type InspectionMethod = (typeof INSPECTION_METHODS)[number];

/** An unfinished run that another run replaced: kept with its answers, never resumed. */
export const isSetAside = (run: Pick<Run, "status" | "supersededBy">): boolean =>
  run.status === "in-progress" && run.supersededBy !== null;

/** One answer; `itemKey` is `section.item` or `section.item@leader`. */
export interface Answer {
  id: string;
  runId: string;
  itemKey: string;
  sectionId: string;
  itemId: string;
  leader: string | null;
  result: Result;
  note: string | null;
  evidence: string | null;
  /** For `na`: why the item does not apply. */
  naReason: string | null;
  /** The rectification this answer opened or continued (partial/fail), or marked done (pass). */
  rectificationId: string | null;
  /** How the inspectors checked the item (检查方式); null in a self-check, or when not recorded. */
  method: InspectionMethod | null;
  answeredAt: string;
  updatedAt: string;
}

export const RECTIFICATION_STATUSES = ["open", "in-progress", "done", "closed"] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export const RECTIFICATION_KINDS = ["immediate", "deadline", "ongoing"] as const;
export type RectificationKind = (typeof RECTIFICATION_KINDS)[number];
export const RECTIFICATION_ORIGINS = ["self-check", "inspection", "visit", "public"] as const;
export type RectificationOrigin = (typeof RECTIFICATION_ORIGINS)[number];

/** What a person fills in for a partial/fail answer: the rectification (整改事项) it opens. */
export interface RectificationFields {
  /** 存在问题 */
  problem: string;
  /** 整改措施 */
  measure: string;
  /** 责任人 (required) */
  owner: string;
  /** 责任领导 */
  leaderInCharge: string | null;
  /** 责任部门 */
  department: string | null;
  /** 整改时限: calendar date YYYY-MM-DD */
  deadline: string | null;
  /** 整改类型 */
  kind: RectificationKind;
  /** 问题来源 */
  origin: RectificationOrigin;
  /** 佐证材料 */
  evidence: string | null;
}

/** 整改事项: a problem followed until it is closed off the ledger (销号). */
export interface Rectification extends RectificationFields {
  id: string;
  /** The run that found the problem (its round); later rounds continue the same rectification. */
  runId: string;
  unitId: string;
  /** The checklist of that run: a unit has at most one not-closed rectification per checklist item. */
  checklistId: string;
  /** 问题编号: the item key the problem came from. */
  itemKey: string;
  status: RectificationStatus;
  /** 完成情况 */
  progress: string | null;
  /** 备注 */
  remark: string | null;
  /** 销号日期 (YYYY-MM-DD) and who verified it. */
  closedAt: string | null;
  closedBy: string | null;
  /**
   * Set on a duplicate left by an older version (two not-closed rectifications of one item):
   * the newer rectification that carries the problem on. Such a row is part of that one's story,
   * not a ledger row of its own.
   */
  continuedBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Revision: raised by every change, so that a change decided on an older one is refused. */
  rev: number;
}

/** The fields of an answer being typed (NULL: not entered yet), kept until the answer is stored. */
export interface AnswerDraft {
  runId: string;
  itemKey: string;
  result: Result;
  note: string | null;
  evidence: string | null;
  naReason: string | null;
  problem: string | null;
  measure: string | null;
  owner: string | null;
  leaderInCharge: string | null;
  department: string | null;
  deadline: string | null;
  kind: RectificationKind | null;
  origin: RectificationOrigin | null;
  /** 检查方式 of an inspection item, once chosen. */
  method: InspectionMethod | null;
  /** For a pass answer on an item whose rectification is still open: mark it done? */
  markDone: boolean | null;
  /** 完成情况 written when marking it done. */
  progress: string | null;
  /** A field cut off by Ctrl-C before Enter (its text is kept as typed). */
  partialField: DraftField | null;
  updatedAt: string;
}

/** The text fields of a draft, in the order `check` asks them. */
export const DRAFT_TEXT_FIELDS = [
  "naReason",
  "progress",
  "problem",
  "measure",
  "owner",
  "leaderInCharge",
  "department",
  "deadline",
  "note",
  "evidence",
] as const;
export type DraftField = (typeof DRAFT_TEXT_FIELDS)[number];
export type DraftPatch = Partial<Omit<AnswerDraft, "runId" | "itemKey" | "updatedAt">> & { result: Result };

/** One change of a rectification (跟踪问效). */
export interface HistoryEntry {
  id: string;
  rectificationId: string;
  at: string;
  by: string | null;
  fromStatus: RectificationStatus | null;
  toStatus: RectificationStatus;
  note: string | null;
}

export interface ChecklistSnapshot {
  hash: string;
  checklistId: string;
  version: string;
  title: string;
  /** The YAML text exactly as the run used it. */
  content: string;
  createdAt: string;
}

/** What an evidence file proves: an answer (its item) or a rectification (整改事项). */
export type EvidenceTarget = { answerId: string } | { rectificationId: string };

/** 佐证材料: one file attached to an answer or a rectification; its bytes are kept by content. */
export interface EvidenceFile {
  id: string;
  unitId: string;
  answerId: string | null;
  rectificationId: string | null;
  /** The run and item the file belongs to (the answer's, or where the rectification was found). */
  runId: string;
  checklistId: string;
  itemKey: string;
  /** sha256 of the content (hex): the same content attached twice is kept once. */
  hash: string;
  /** The file's name as it was attached (no folder). */
  name: string;
  size: number;
  /** Media type, sniffed from the content (the name's extension only tells similar formats apart). */
  mediaType: string;
  addedAt: string;
  addedBy: string | null;
  /** Removed files are kept (with who removed them when) and left out of lists unless asked for. */
  removedAt: string | null;
  removedBy: string | null;
}
