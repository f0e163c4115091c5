// What `lookback import` reports per file: counts per kind of record, units that could
// not be merged, or why a file was refused. This is also the documented --json shape.

export const KINDS = [
  "units",
  "snapshots",
  "runs",
  "answers",
  "rectifications",
  "history",
  "evidence",
] as const;
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
  "not-regular",
  "too-large",
  "invalid",
  "not-sqlite",
  "empty",
  "foreign",
  "newer",
  "corrupt",
  "unreadable",
  /** The file and this database hold two different not-closed rectifications for one unit's item. */
  "open-twice",
  /** Merged, then not kept: the database could not be written (a full disk) before it was committed. */
  "aborted",
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

/** A record both this database and the sender changed since the last import: both versions. */
export interface MergeConflict {
  kind: Kind;
  /** The record's id here. */
  id: string;
  /** What it is, for a person: the unit's name, a run's unit and checklist, an item key. */
  label: string;
  /** The merge group in conflict (e.g. `status` of a rectification), or `deleted` (removed there, changed here). */
  group: string;
  local: Record<string, unknown> | null;
  incoming: Record<string, unknown> | null;
  kept: "local" | "incoming";
}

/** Worth saying, not wrong: a new unit named like a known one, a clock far ahead, a run set aside. */
export type ImportWarning =
  | { kind: "near-unit"; name: string; near: string[] }
  | { kind: "clock-ahead"; latest: string; days: number }
  | { kind: "run-set-aside"; unit: string; checklist: string }
  /** An evidence file whose content does not match its sha256 (altered or damaged): not imported. */
  | { kind: "evidence-refused"; name: string; sha256: string; item: string };

/** Where a refused file is wrong: table, row (1-based) and column, and the catalog key of what. */
export interface InvalidAt {
  table: string;
  row?: number;
  id?: string;
  column?: string;
  problem: string;
  params: Record<string, string | number>;
}

/** What a file that was imported did here. */
export interface Merged {
  counts: KindCounts;
  conflicts: UnitConflict[];
  mergeConflicts: MergeConflict[];
  /** Records of an older copy of the sender's file, left as they are here. */
  stale: number;
  warnings: ImportWarning[];
}

export type FileResult =
  | ({ file: string; ok: true } & Merged)
  | { file: string; ok: false; reason: FailureReason; detail: string; invalid?: InvalidAt };

/** What merging one school's file into the store did (the port's mergeSchool). */
export type SchoolMerge =
  | ({ ok: true } & Merged)
  /** Refused by the database's own rules; nothing of the file was kept. */
  | { ok: false; reason: "open-twice" | "failed"; detail: string };

export interface SchoolMergeOptions {
  /** The file as the user named it: recorded with each merge conflict. */
  file: string;
  /**
   * Every unit name of the target, for the near-name warning; the merge adds the units it adds.
   * Built once per import (NearIndex over unitNames()), dropped when a file is rolled back.
   */
  names: { near(name: string): string[]; add(name: string, key?: string): void };
}

export function emptyCounts(): KindCounts {
  const zero = (): Counts => ({ added: 0, updated: 0, unchanged: 0, removed: 0 });
  return {
    units: zero(),
    snapshots: zero(),
    runs: zero(),
    answers: zero(),
    rectifications: zero(),
    history: zero(),
    evidence: zero(),
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
