// Rows as both engines return them, turned into the domain records of types.ts (and drafts'
// fields back into columns). One place, so that a column added to a table is read the same
// way by every query.
import { randomUUID } from "node:crypto";
import type {
  Answer,
  AnswerDraft,
  ChecklistSnapshot,
  HistoryEntry,
  InspectionGroup,
  InspectionMethod,
  Rectification,
  RectificationStatus,
  Result,
  Run,
  Unit,
} from "../types.js";

export const newId = (): string => randomUUID();
export const nowIso = (): string => new Date().toISOString();

export type Row = Record<string, unknown>;
export const s = (v: unknown): string => v as string;
export const sn = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** A rectification row's short id: the database keeps its length (short_len). */
export const shortIdOf = (r: Row): string => s(r.id).slice(0, Number(r.short_len));

export function toUnit(r: Row): Unit {
  return {
    id: s(r.id),
    name: s(r.name),
    code: sn(r.code),
    township: sn(r.township),
    type: sn(r.type),
    createdAt: s(r.created_at),
    updatedAt: s(r.updated_at),
  };
}

export function toRun(r: Row): Run {
  return {
    id: s(r.id),
    unitId: s(r.unit_id),
    checklistHash: s(r.checklist_hash),
    checklistId: s(r.checklist_id),
    checklistVersion: s(r.checklist_version),
    respondent: s(r.respondent),
    leaders: JSON.parse(s(r.leaders)) as string[],
    status: s(r.status) as Run["status"],
    startedAt: s(r.started_at),
    finishedAt: sn(r.finished_at),
    updatedAt: s(r.updated_at),
    supersededBy: sn(r.superseded_by),
    answersFileHash: sn(r.answers_file_hash),
    inspection: inspectionOf(r),
  };
}

/** A run's supervision group: its name and the JSON array of its members (NULL for a self-check). */
function inspectionOf(r: Row): InspectionGroup | null {
  const group = sn(r.inspection_group);
  if (group === null) return null;
  const members = sn(r.inspectors);
  return { group, members: members === null ? [] : (JSON.parse(members) as string[]) };
}

/** The columns of a run's supervision group. */
export function inspectionColumns(g: InspectionGroup | null | undefined): [string | null, string | null] {
  return g ? [g.group, JSON.stringify(g.members)] : [null, null];
}

export function toAnswer(r: Row): Answer {
  return {
    id: s(r.id),
    runId: s(r.run_id),
    itemKey: s(r.item_key),
    sectionId: s(r.section_id),
    itemId: s(r.item_id),
    leader: sn(r.leader),
    result: s(r.result) as Result,
    note: sn(r.note),
    evidence: sn(r.evidence),
    naReason: sn(r.na_reason),
    rectificationId: sn(r.rectification_id),
    method: sn(r.method) as InspectionMethod | null,
    answeredAt: s(r.answered_at),
    updatedAt: s(r.updated_at),
  };
}

export function toRectification(r: Row): Rectification {
  return {
    id: s(r.id),
    runId: s(r.run_id),
    unitId: s(r.unit_id),
    checklistId: s(r.checklist_id),
    itemKey: s(r.item_key),
    problem: s(r.problem),
    measure: s(r.measure),
    owner: s(r.owner),
    leaderInCharge: sn(r.leader_in_charge),
    department: sn(r.department),
    deadline: sn(r.deadline),
    kind: s(r.kind) as Rectification["kind"],
    origin: s(r.origin) as Rectification["origin"],
    evidence: sn(r.evidence),
    status: s(r.status) as RectificationStatus,
    progress: sn(r.progress),
    remark: sn(r.remark),
    closedAt: sn(r.closed_at),
    closedBy: sn(r.closed_by),
    continuedBy: sn(r.continued_by),
    createdAt: s(r.created_at),
    updatedAt: s(r.updated_at),
    rev: Number(r.rev ?? 1),
  };
}

export const DRAFT_COLUMNS = {
  result: "result",
  note: "note",
  evidence: "evidence",
  naReason: "na_reason",
  problem: "problem",
  measure: "measure",
  owner: "owner",
  leaderInCharge: "leader_in_charge",
  department: "department",
  deadline: "deadline",
  kind: "kind",
  origin: "origin",
  method: "method",
  markDone: "mark_done",
  progress: "progress",
  partialField: "partial_field",
} as const satisfies Record<keyof Omit<AnswerDraft, "runId" | "itemKey" | "updatedAt">, string>;

export const SNAKE_FIELD: Record<string, string> = {
  naReason: "na_reason",
  leaderInCharge: "leader_in_charge",
};

export function toDraft(r: Row): AnswerDraft {
  const partial = sn(r.partial_field);
  const camel =
    partial === null ? null : (Object.entries(SNAKE_FIELD).find(([, v]) => v === partial)?.[0] ?? partial);
  return {
    runId: s(r.run_id),
    itemKey: s(r.item_key),
    result: s(r.result) as Result,
    note: sn(r.note),
    evidence: sn(r.evidence),
    naReason: sn(r.na_reason),
    problem: sn(r.problem),
    measure: sn(r.measure),
    owner: sn(r.owner),
    leaderInCharge: sn(r.leader_in_charge),
    department: sn(r.department),
    deadline: sn(r.deadline),
    kind: sn(r.kind) as AnswerDraft["kind"],
    origin: sn(r.origin) as AnswerDraft["origin"],
    method: sn(r.method) as InspectionMethod | null,
    markDone: r.mark_done === null || r.mark_done === undefined ? null : r.mark_done === "yes",
    progress: sn(r.progress),
    partialField: camel as AnswerDraft["partialField"],
    updatedAt: s(r.updated_at),
  };
}

export function toHistory(r: Row): HistoryEntry {
  return {
    id: s(r.id),
    rectificationId: s(r.rectification_id),
    at: s(r.at),
    by: sn(r.by),
    fromStatus: sn(r.from_status) as RectificationStatus | null,
    toStatus: s(r.to_status) as RectificationStatus,
    note: sn(r.note),
  };
}

export function toSnapshot(r: Row): ChecklistSnapshot {
  return {
    hash: s(r.hash),
    checklistId: s(r.checklist_id),
    version: s(r.version),
    title: s(r.title),
    content: s(r.content),
    createdAt: s(r.created_at),
  };
}
