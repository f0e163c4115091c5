// What `lookback import` reports per file (§6): counts per kind of record, units that could
// not be merged, or why a file was refused. This is also the documented --json shape.

export const KINDS = ["units", "snapshots", "runs", "answers", "rectifications", "history"] as const;
export type Kind = (typeof KINDS)[number];

export interface Counts {
  added: number;
  updated: number;
  unchanged: number;
  /** Rectifications dropped because the newer answer no longer fails (always 0 for other kinds). */
  removed: number;
}

export type KindCounts = Record<Kind, Counts>;

/** Why a file was not imported; the target database is untouched by it. */
export const FAILURE_REASONS = [
  "self",
  "not-sqlite",
  "empty",
  "foreign",
  "newer",
  "corrupt",
  "unreadable",
  /** The file and this database hold two different not-closed rectifications for one unit's item. */
  "open-twice",
  "failed",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A unit of the incoming file whose name is known here under another code: not merged. */
export interface UnitConflict {
  name: string;
  code: string | null;
  localCode: string | null;
  /** Runs of that unit left out (with their answers and rectifications). */
  runsSkipped: number;
}

export type FileResult =
  | { file: string; ok: true; counts: KindCounts; conflicts: UnitConflict[] }
  | { file: string; ok: false; reason: FailureReason; detail: string };

export function emptyCounts(): KindCounts {
  const zero = (): Counts => ({ added: 0, updated: 0, unchanged: 0, removed: 0 });
  return {
    units: zero(),
    snapshots: zero(),
    runs: zero(),
    answers: zero(),
    rectifications: zero(),
    history: zero(),
  };
}

export function addCounts(into: KindCounts, from: KindCounts): KindCounts {
  for (const k of KINDS) {
    into[k].added += from[k].added;
    into[k].updated += from[k].updated;
    into[k].unchanged += from[k].unchanged;
    into[k].removed += from[k].removed;
  }
  return into;
}
