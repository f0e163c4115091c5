// The life of a rectification (整改事项): open 未整改 → in-progress 整改中 → done 已完成 →
// closed 已销号 (closed off the ledger once someone verified it: 销号).
// Which moves are allowed, and what each needs, lives here so that `rectify update` and the
// interactive walk apply exactly the same rules.
import type { MessageKey } from "../i18n/index.js";
import { RECTIFICATION_STATUSES, type Rectification, type RectificationStatus } from "../store/types.js";

/** Catalog key of a status label (未整改 / Open …). */
export const statusKey = (s: RectificationStatus): MessageKey => `rectify.status.${s}` as MessageKey;

// What a person may type for a status: the code, the Chinese label of the ledger, or the English words.
const ALIASES: Record<string, RectificationStatus> = {
  open: "open",
  未整改: "open",
  "not started": "open",
  "in-progress": "in-progress",
  in_progress: "in-progress",
  inprogress: "in-progress",
  "in progress": "in-progress",
  整改中: "in-progress",
  done: "done",
  已完成: "done",
  完成: "done",
  closed: "closed",
  已销号: "closed",
  销号: "closed",
};

export function parseStatus(input: string): RectificationStatus | undefined {
  return ALIASES[input.trim().toLowerCase().replace(/\s+/g, " ")];
}

/** What a move requires besides the target status. */
export interface MoveRule {
  to: RectificationStatus;
  /** A note saying why (going back a step). */
  needsNote: boolean;
  /** Who verified it (销号). */
  needsBy: boolean;
}

/**
 * The moves. Forward moves are free; going back a step needs a note, so that the history
 * says why. `open → done` is allowed: an item fixed on the spot (立行立改) skips 整改中.
 * `closed` (销号) only from `done`, and only with the verifier's name. A closed item can be
 * reopened to `in-progress` with a note; the history keeps who closed it and when.
 */
const MOVES: Record<RectificationStatus, MoveRule[]> = {
  open: [
    { to: "in-progress", needsNote: false, needsBy: false },
    { to: "done", needsNote: false, needsBy: false },
  ],
  "in-progress": [
    { to: "done", needsNote: false, needsBy: false },
    { to: "open", needsNote: true, needsBy: false },
  ],
  done: [
    { to: "closed", needsNote: false, needsBy: true },
    { to: "in-progress", needsNote: true, needsBy: false },
  ],
  closed: [{ to: "in-progress", needsNote: true, needsBy: false }],
};

export function allowedMoves(from: RectificationStatus): MoveRule[] {
  return MOVES[from];
}

export interface UpdateRequest {
  to: RectificationStatus;
  by: string | null;
  note: string | null;
  /** 完成情况 */
  progress: string | null;
  /** 备注 */
  remark: string | null;
}

export type UpdateRefusal =
  /** The move is not in the table. */
  | {
      kind: "not-allowed";
      from: RectificationStatus;
      to: RectificationStatus;
      allowed: RectificationStatus[];
    }
  /** Same status with nothing to record. */
  | { kind: "unchanged"; status: RectificationStatus; allowed: RectificationStatus[] }
  /** 销号 without who verified it. */
  | { kind: "needs-by"; from: RectificationStatus; to: RectificationStatus }
  /** Going back without saying why. */
  | { kind: "needs-note"; from: RectificationStatus; to: RectificationStatus }
  /** A duplicate an older version left: the rectification that carries it on is the one to update. */
  | { kind: "continued"; by: string }
  /** Reopening a closed one while the item has another not closed (its relapse): one at a time. */
  | { kind: "open-elsewhere"; other: string }
  /** 销号 under a checklist that requires proof (rectify.require_evidence_to_close) with no file attached. */
  | { kind: "needs-evidence"; checklist: string };

export interface PlannedChange {
  toStatus: RectificationStatus;
  by: string | null;
  note: string | null;
  patch: Partial<Pick<Rectification, "progress" | "remark" | "closedAt" | "closedBy">>;
}

export type UpdatePlan = { ok: true; change: PlannedChange } | { ok: false; refusal: UpdateRefusal };

const blank = (s: string | null): string | null => (s === null || s.trim() === "" ? null : s.trim());

/**
 * Decide a status change. Staying in the same status (not `closed`) with a note or a progress
 * text records progress in the history (跟踪问效) without moving the item.
 */
export function planUpdate(current: Rectification, req: UpdateRequest, today: string): UpdatePlan {
  if (current.continuedBy !== null)
    return { ok: false, refusal: { kind: "continued", by: current.continuedBy } };
  const from = current.status;
  const to = req.to;
  const by = blank(req.by);
  const note = blank(req.note);
  const progress = blank(req.progress);
  const remark = blank(req.remark);
  const allowed = MOVES[from].map((m) => m.to);
  const patch: PlannedChange["patch"] = {};
  if (progress !== null) patch.progress = progress;
  if (remark !== null) patch.remark = remark;

  if (from === to) {
    if (from === "closed" || (note === null && progress === null && remark === null)) {
      return { ok: false, refusal: { kind: "unchanged", status: from, allowed } };
    }
    return { ok: true, change: { toStatus: to, by, note, patch } };
  }
  const rule = MOVES[from].find((m) => m.to === to);
  if (!rule) return { ok: false, refusal: { kind: "not-allowed", from, to, allowed } };
  if (rule.needsBy && by === null) return { ok: false, refusal: { kind: "needs-by", from, to } };
  if (rule.needsNote && note === null) return { ok: false, refusal: { kind: "needs-note", from, to } };
  if (to === "closed") {
    patch.closedAt = today;
    patch.closedBy = by;
  } else if (from === "closed") {
    // Reopened: the ledger no longer shows a 销号日期; the history keeps the closing.
    patch.closedAt = null;
    patch.closedBy = null;
  }
  return { ok: true, change: { toStatus: to, by, note, patch } };
}

export const ALL_STATUSES: readonly RectificationStatus[] = RECTIFICATION_STATUSES;
