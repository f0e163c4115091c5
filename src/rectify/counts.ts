// The one rule for what a unit's ledger holds and how it is counted. The ledgers (xlsx, csv,
// json), 汇总, `status` and `rectify list` all select and count through here, so that their
// figures are the same for the same unit and filter.
import type { Rectification } from "../store/types.js";
import { localDateOf } from "../util/dates.js";
import { isOverdue } from "./overdue.js";

/** open 未整改 · inProgress 整改中 · done 已完成 · closed 已销号 · overdue 逾期 (of those not done). */
export interface FollowUpCounts {
  total: number;
  open: number;
  inProgress: number;
  done: number;
  closed: number;
  overdue: number;
}

/** A shorter view of a ledger: what is not closed yet, and/or what was found on or after a date. */
export interface LedgerView {
  /** Only rectifications not closed yet (未销号: open, in progress or done). */
  open?: boolean;
  /** Only problems found on or after this local calendar date (YYYY-MM-DD). */
  since?: string;
}

/**
 * A ledger row: every rectification of the unit, whatever round found it and whatever its
 * status, except a duplicate an older version left, which its successor carries (continuedBy).
 */
export function onLedger(r: Rectification): boolean {
  return r.continuedBy === null;
}

/** The local day a problem was found (recorded). */
export function foundOn(r: Rectification): string {
  return localDateOf(r.createdAt);
}

export function inView(r: Rectification, view: LedgerView): boolean {
  if (!onLedger(r)) return false;
  if (view.open && r.status === "closed") return false;
  if (view.since !== undefined && foundOn(r) < view.since) return false;
  return true;
}

export function emptyFollowUp(): FollowUpCounts {
  return { total: 0, open: 0, inProgress: 0, done: 0, closed: 0, overdue: 0 };
}

/** Count ledger rows by status, and those overdue by the local calendar of `today`. */
export function countFollowUp(rects: Iterable<Rectification>, today: string): FollowUpCounts {
  const c = emptyFollowUp();
  for (const r of rects) {
    if (!onLedger(r)) continue;
    c.total++;
    if (r.status === "open") c.open++;
    else if (r.status === "in-progress") c.inProgress++;
    else if (r.status === "done") c.done++;
    else c.closed++;
    if (isOverdue(r, today)) c.overdue++;
  }
  return c;
}

/** Follow-up figures (跟踪问效) with the relapses they show. */
export interface FollowUpSummary extends FollowUpCounts {
  /** Closed rectifications of earlier runs whose item fails again (反弹). */
  relapses: number;
}
