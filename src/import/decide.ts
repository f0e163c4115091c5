// What to do with one record arriving from another database: pure functions, no SQL, no clock.
//
// A three-way merge. For each record, this database remembers what it last took from that
// sender (the base: the record's merge groups and the sender's revision of it). Then:
// - the sender's revision is lower than the base's: an older copy of its file; nothing to do;
// - a group the sender did not change since the base keeps this database's value (so a change
//   made here, such as 销号, is never undone by a file that did not touch it);
// - a group only the sender changed takes the sender's value;
// - a group both changed differently is a conflict: resolved by the table's rule (by default
//   this database's value is kept) and reported with both versions.
// With no base yet (first import of the record from that sender), equal records are simply
// recorded; a group that differs is a conflict. Timestamps are never compared.
import type { Row } from "./validate.js";

/** What was last taken from a sender: each group's value (as JSON) and the sender's revision. */
export interface Base {
  rev: number;
  /** Group name → JSON of its values; null: the record was deleted at the sender. */
  groups: Record<string, string> | null;
}

export interface GroupConflict {
  group: string;
  local: Row;
  incoming: Row;
  kept: "local" | "incoming";
}

export type Decision =
  | { action: "add" }
  | { action: "skip"; why: "stale" | "deleted-here" }
  | { action: "keep"; conflicts: GroupConflict[] }
  | { action: "write"; values: Row; conflicts: GroupConflict[] };

/** A table's rule for a group both sides changed, or for an incoming value; default: keep local. */
export type GroupRule = (group: string, local: Row, incoming: Row) => "local" | "incoming";

export const keepLocal: GroupRule = () => "local";

/**
 * The values of a group's columns as one comparable token: a 53-bit hash of the values, each
 * length-prefixed so that no two different groups read the same (`ab`+`c` is not `a`+`bc`).
 * A hash, not the values: the merge base keeps one per group of every record it took.
 */
export function groupValue(row: Row, columns: readonly string[]): string {
  let out = "";
  for (const c of columns) {
    const v = row[c];
    if (v === null || v === undefined) out += "-;";
    else {
      const s = String(v);
      out += `${typeof v === "string" ? "s" : "n"}${s.length}:${s};`;
    }
  }
  return hash53(out).toString(36);
}

/** cyrb53 (public domain): a fast 53-bit string hash; equality of groups, not secrecy. */
function hash53(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function groupValues(
  row: Row,
  groups: ReadonlyMap<string, readonly string[]>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [g, cols] of groups) out[g] = groupValue(row, cols);
  return out;
}

const pick = (row: Row, columns: readonly string[]): Row =>
  Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));

/**
 * Decide for one record. `incomingRev` is the sender's revision of it; `rule` settles a group
 * both sides changed (and, with no base, a group that differs).
 */
export function decide(
  groups: ReadonlyMap<string, readonly string[]>,
  base: Base | undefined,
  local: Row | undefined,
  incoming: Row,
  incomingRev: number,
  rule: GroupRule = keepLocal,
  /** With no base, a group that differs is a conflict (default), or simply kept (the roster decides units). */
  firstSight: "conflict" | "keep" = "conflict",
): Decision {
  // An older copy of the sender's file (or one from before it deleted the record).
  if (base && (incomingRev < base.rev || (base.groups === null && incomingRev <= base.rev))) {
    return { action: "skip", why: "stale" };
  }
  if (!local) {
    if (!base || base.groups === null) return { action: "add" };
    // Removed here since it was taken, and the sender has not changed it: it stays removed.
    if (sameGroups(base.groups, groupValues(incoming, groups)))
      return { action: "skip", why: "deleted-here" };
    return { action: "add" };
  }
  const conflicts: GroupConflict[] = [];
  const values: Row = {};
  let changed = false;
  for (const [g, cols] of groups) {
    const inc = groupValue(incoming, cols);
    const loc = groupValue(local, cols);
    if (inc === loc) continue;
    const was = base?.groups?.[g];
    let take: boolean;
    if (was !== undefined && inc === was) take = false;
    else if (was !== undefined && loc === was) take = true;
    else if (was === undefined && firstSight === "keep") take = false;
    else {
      const kept = rule(g, local, incoming);
      conflicts.push({ group: g, local: pick(local, cols), incoming: pick(incoming, cols), kept });
      take = kept === "incoming";
    }
    if (take) {
      Object.assign(values, pick(incoming, cols));
      changed = true;
    }
  }
  return changed ? { action: "write", values, conflicts } : { action: "keep", conflicts };
}

function sameGroups(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The revision a record gets when written here: above its own, never below the sender's. */
export const nextRev = (localRev: number, incomingRev: number): number => Math.max(localRev + 1, incomingRev);

// --- the tables' own rules ------------------------------------------------------------------

/** A run handed in stays handed in: `complete` wins over `in-progress`, whichever side has it. */
export const runRule: GroupRule = (group, local, incoming) => {
  if (group === "status")
    return local.status === "complete" ? "local" : incoming.status === "complete" ? "incoming" : "local";
  return "local";
};
