// What a lookback database sent by someone else may hold, column by column: the one place
// that says which tables import reads, what every value must look like (the same bounds that
// lookback itself writes within), and how each column takes part in the merge.
//
// A column added by a migration is one line here; a test fails while a table or column of the
// schema is missing from this file.

import { RESULTS } from "../checklist/schema.js";
import { LIMITS } from "../input/limits.js";
import { SCHEMA_INSPECTION, SINCE_EVIDENCE, SINCE_NEAR_GROUP } from "../store/migrations.js";
import {
  INSPECTION_METHODS,
  RECTIFICATION_KINDS,
  RECTIFICATION_ORIGINS,
  RECTIFICATION_STATUSES,
} from "../store/types.js";

/** Why a value is refused: a catalog key under `import.bad.` and its parameters. */
export interface ValueProblem {
  key: string;
  params?: Record<string, string | number>;
}

export type Check = (v: unknown) => ValueProblem | undefined;

/**
 * How a column takes part in the merge:
 * - `key`: identity or a reference; never merged as a value (ids are matched or mapped);
 * - `group:NAME`: merged as part of that group (one group is taken or kept as a whole);
 * - `created`: when the record was made; kept as first seen;
 * - `updated`: when it last changed, by the clock of whoever changed it: shown, never compared;
 * - `local`: this database's own bookkeeping (revision, order, comparison key): recomputed here.
 */
export type MergeRole = "key" | `group:${string}` | "created" | "updated" | "local";

export interface ColumnSpec {
  name: string;
  check: Check;
  merge: MergeRole;
  /** The schema version (PRAGMA user_version) that added the column; older files lack it. */
  since: number;
  /** The value a file older than `since` stands for. */
  fallback?: string | number | null;
}

export interface TableSpec {
  table: string;
  columns: readonly ColumnSpec[];
  maxRows: number;
  /** Columns the database keeps itself (its triggers): never read from a file, never written. */
  keptByDatabase?: readonly string[];
}

// --- value checks -------------------------------------------------------------------------

const problem = (key: string, params?: Record<string, string | number>): ValueProblem =>
  params ? { key, params } : { key };

const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? undefined : check(v);

/** Text of at most `max` characters (code points); `oneLine` refuses control and bidi characters. */
const text =
  (max: number, opts: { oneLine?: boolean; nonEmpty?: boolean } = {}): Check =>
  (v) => {
    if (typeof v !== "string") return problem("type", { expected: "text" });
    // UTF-16 units are at least as many as characters: only a long string needs counting.
    if (v.length > max && (v.length > max * 2 || [...v].length > max)) return problem("tooLong", { max });
    if (opts.nonEmpty && v.trim() === "") return problem("empty");
    if (opts.oneLine && ONE_LINE_FORBIDDEN.test(v)) return problem("controlChars");
    if (SURROGATE.test(v) && LONE_SURROGATE.test(v)) return problem("controlChars");
    return undefined;
  };

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const ONE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const pattern =
  (re: RegExp, what: string): Check =>
  (v) => {
    if (typeof v !== "string") return problem("type", { expected: "text" });
    return v.length <= 200 && re.test(v) ? undefined : problem("format", { what });
  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HASH = /^[0-9a-f]{64}$/;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const id = pattern(UUID, "id");
const hash = pattern(HASH, "sha256");
const kebab = pattern(KEBAB, "id");

const instant: Check = (v) => {
  const bad = pattern(ISO_INSTANT, "timestamp")(v);
  if (bad) return bad;
  return Number.isNaN(Date.parse(v as string)) ? problem("format", { what: "timestamp" }) : undefined;
};

/** A calendar date that exists (no 2026-02-30). */
const date: Check = (v) => {
  const m = typeof v === "string" ? DATE.exec(v) : null;
  if (!m) return problem("format", { what: "date" });
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d
    ? undefined
    : problem("format", { what: "date" });
};

const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v) ? undefined : problem("enum", { allowed: values.join(", ") });

const integer =
  (min: number): Check =>
  (v) =>
    (typeof v === "number" && Number.isSafeInteger(v) && v >= min) ||
    (typeof v === "bigint" && v >= BigInt(min))
      ? undefined
      : problem("type", { expected: "integer" });

/** A name: one line, at most the name limit (units are checked further by their identity rules). */
const name = text(LIMITS.nameChars, { oneLine: true, nonEmpty: true });
const freeText = text(LIMITS.textChars);

/** 班子成员 as lookback stores them: a JSON array of distinct names without `@`. */
const leadersJson: Check = (v) => namesJson(v, { at: false, name: "leaderName", twice: "leaderTwice" });

/** 督导组成员 as lookback stores them: a JSON array of distinct names. */
const membersJson: Check = (v) => namesJson(v, { at: true, name: "memberName", twice: "memberTwice" });

function namesJson(v: unknown, opts: { at: boolean; name: string; twice: string }): ValueProblem | undefined {
  const bad = text((LIMITS.nameChars + 3) * LIMITS.leaders + 2)(v);
  if (bad) return bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v as string);
  } catch {
    return problem("json");
  }
  if (!Array.isArray(parsed)) return problem("json");
  if (parsed.length > LIMITS.leaders) return problem("tooMany", { max: LIMITS.leaders });
  for (const n of parsed) {
    if (name(n) !== undefined || (!opts.at && (n as string).includes("@"))) return problem(opts.name);
  }
  return new Set(parsed).size === parsed.length ? undefined : problem(opts.twice);
}

// --- the tables ----------------------------------------------------------------------------

const SINCE_ORIGIN = 1;
/** The schema version that made the ledger the unit's (rectifications across rounds, drafts). */
export const SINCE_ROUNDS = 2;
/** The schema version that added revisions, set-aside runs and merge bases. */
export const SINCE_MERGE = 3;
/** The schema version that added the supervision group of a run and the method of an answer. */
export const SINCE_INSPECTION = SCHEMA_INSPECTION;

const col = (c: Omit<ColumnSpec, "since"> & { since?: number }): ColumnSpec => ({
  since: SINCE_ORIGIN,
  ...c,
});

export const UNITS: TableSpec = {
  table: "units",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "id", check: id, merge: "key" }),
    col({ name: "name", check: name, merge: "group:name" }),
    col({
      name: "code",
      check: nullable(text(LIMITS.rosterFieldChars, { oneLine: true })),
      merge: "group:code",
    }),
    col({
      name: "township",
      check: nullable(text(LIMITS.rosterFieldChars, { oneLine: true })),
      merge: "group:township",
    }),
    col({
      name: "type",
      check: nullable(text(LIMITS.rosterFieldChars, { oneLine: true })),
      merge: "group:type",
    }),
    col({ name: "created_at", check: instant, merge: "created" }),
    col({ name: "updated_at", check: instant, merge: "updated" }),
    col({
      name: "name_key",
      check: nullable(text(LIMITS.nameChars * 4)),
      merge: "local",
      since: SINCE_MERGE,
      fallback: null,
    }),
    col({ name: "rev", check: integer(0), merge: "local", since: SINCE_MERGE, fallback: 1 }),
    // Worked out again here from the name, like name_key: the sender's is never used.
    col({
      name: "near_group",
      check: nullable(text(LIMITS.nameChars * 4)),
      merge: "local",
      since: SINCE_NEAR_GROUP,
      fallback: null,
    }),
  ],
};

export const SNAPSHOTS: TableSpec = {
  table: "checklist_snapshots",
  maxRows: LIMITS.importSnapshots,
  columns: [
    col({ name: "hash", check: hash, merge: "key" }),
    col({ name: "checklist_id", check: kebab, merge: "key" }),
    col({ name: "version", check: text(LIMITS.nameChars, { oneLine: true, nonEmpty: true }), merge: "key" }),
    col({ name: "title", check: text(LIMITS.textChars, { nonEmpty: true }), merge: "key" }),
    col({ name: "content", check: text(LIMITS.checklistBytes), merge: "key" }),
    col({ name: "created_at", check: instant, merge: "created" }),
  ],
};

export const RUNS: TableSpec = {
  table: "runs",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "id", check: id, merge: "key" }),
    col({ name: "unit_id", check: id, merge: "group:unit" }),
    col({ name: "checklist_hash", check: hash, merge: "key" }),
    col({ name: "checklist_id", check: kebab, merge: "key" }),
    col({
      name: "checklist_version",
      check: text(LIMITS.nameChars, { oneLine: true, nonEmpty: true }),
      merge: "key",
    }),
    col({ name: "respondent", check: name, merge: "group:respondent" }),
    col({ name: "leaders", check: leadersJson, merge: "group:leaders" }),
    col({ name: "status", check: oneOf(["in-progress", "complete"]), merge: "group:status" }),
    col({ name: "started_at", check: instant, merge: "created" }),
    col({ name: "finished_at", check: nullable(instant), merge: "group:status" }),
    col({ name: "updated_at", check: instant, merge: "updated" }),
    col({ name: "rev", check: integer(0), merge: "local", since: SINCE_MERGE, fallback: 1 }),
    col({
      name: "superseded_by",
      check: nullable(id),
      merge: "group:supersededBy",
      since: SINCE_MERGE,
      fallback: null,
    }),
    col({
      name: "answers_file_hash",
      check: nullable(hash),
      merge: "group:answersFile",
      since: SINCE_MERGE,
      fallback: null,
    }),
    // 督导组 and its members: one value of the run (taken or kept together).
    col({
      name: "inspection_group",
      check: nullable(name),
      merge: "group:inspection",
      since: SINCE_INSPECTION,
      fallback: null,
    }),
    col({
      name: "inspectors",
      check: nullable(membersJson),
      merge: "group:inspection",
      since: SINCE_INSPECTION,
      fallback: null,
    }),
  ],
};

export const ANSWERS: TableSpec = {
  table: "answers",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "id", check: id, merge: "key" }),
    col({ name: "run_id", check: id, merge: "key" }),
    col({ name: "item_key", check: text(300, { oneLine: true, nonEmpty: true }), merge: "key" }),
    col({ name: "section_id", check: kebab, merge: "key" }),
    col({ name: "item_id", check: kebab, merge: "key" }),
    col({ name: "leader", check: nullable(name), merge: "key" }),
    col({ name: "result", check: oneOf(RESULTS), merge: "group:answer" }),
    col({ name: "note", check: nullable(freeText), merge: "group:answer" }),
    col({ name: "evidence", check: nullable(freeText), merge: "group:answer" }),
    col({ name: "na_reason", check: nullable(freeText), merge: "group:answer" }),
    // The rectification the answer opened, continued or marked done; derived for older files.
    col({
      name: "rectification_id",
      check: nullable(id),
      merge: "group:answer",
      since: SINCE_ROUNDS,
      fallback: null,
    }),
    // 检查方式 of an inspection run's answer.
    col({
      name: "method",
      check: nullable(oneOf(INSPECTION_METHODS)),
      merge: "group:answer",
      since: SINCE_INSPECTION,
      fallback: null,
    }),
    col({ name: "answered_at", check: instant, merge: "created" }),
    col({ name: "updated_at", check: instant, merge: "updated" }),
    col({ name: "rev", check: integer(0), merge: "local", since: SINCE_MERGE, fallback: 1 }),
  ],
};

export const RECTIFICATIONS: TableSpec = {
  table: "rectifications",
  maxRows: LIMITS.importRows,
  // The short id's length follows the ids this database holds, not the sender's.
  keptByDatabase: ["short_len"],
  columns: [
    col({ name: "id", check: id, merge: "key" }),
    col({ name: "run_id", check: id, merge: "key" }),
    col({ name: "unit_id", check: id, merge: "group:unit" }),
    // The run's checklist; derived for older files.
    col({ name: "checklist_id", check: nullable(kebab), merge: "key", since: SINCE_ROUNDS, fallback: null }),
    col({ name: "item_key", check: text(300, { oneLine: true, nonEmpty: true }), merge: "key" }),
    col({ name: "problem", check: text(LIMITS.textChars, { nonEmpty: true }), merge: "group:content" }),
    col({ name: "measure", check: text(LIMITS.textChars, { nonEmpty: true }), merge: "group:content" }),
    col({ name: "owner", check: name, merge: "group:content" }),
    col({ name: "leader_in_charge", check: nullable(freeText), merge: "group:content" }),
    col({ name: "department", check: nullable(freeText), merge: "group:content" }),
    col({ name: "deadline", check: nullable(date), merge: "group:content" }),
    col({ name: "kind", check: oneOf(RECTIFICATION_KINDS), merge: "group:content" }),
    col({ name: "origin", check: oneOf(RECTIFICATION_ORIGINS), merge: "group:content" }),
    col({ name: "evidence", check: nullable(freeText), merge: "group:content" }),
    col({ name: "status", check: oneOf(RECTIFICATION_STATUSES), merge: "group:status" }),
    col({ name: "progress", check: nullable(freeText), merge: "group:progress" }),
    col({ name: "remark", check: nullable(freeText), merge: "group:remark" }),
    col({ name: "closed_at", check: nullable(date), merge: "group:status" }),
    col({ name: "closed_by", check: nullable(name), merge: "group:status" }),
    // The rectification of a later round that carries this problem on (older duplicates).
    col({
      name: "continued_by",
      check: nullable(id),
      merge: "group:continued",
      since: SINCE_ROUNDS,
      fallback: null,
    }),
    col({ name: "created_at", check: instant, merge: "created" }),
    col({ name: "updated_at", check: instant, merge: "updated" }),
    col({ name: "rev", check: integer(0), merge: "local", since: SINCE_MERGE, fallback: 1 }),
  ],
};

export const HISTORY: TableSpec = {
  table: "rectification_history",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "id", check: id, merge: "key" }),
    col({ name: "rectification_id", check: id, merge: "key" }),
    col({ name: "at", check: instant, merge: "created" }),
    col({ name: "by", check: nullable(name), merge: "key" }),
    col({ name: "from_status", check: nullable(oneOf(RECTIFICATION_STATUSES)), merge: "key" }),
    col({ name: "to_status", check: oneOf(RECTIFICATION_STATUSES), merge: "key" }),
    col({ name: "note", check: nullable(freeText), merge: "key" }),
    col({ name: "seq", check: nullable(integer(0)), merge: "local", since: SINCE_MERGE, fallback: null }),
  ],
};

export const META: TableSpec = {
  table: "meta",
  maxRows: 100,
  columns: [
    col({
      name: "key",
      check: text(100, { oneLine: true, nonEmpty: true }),
      merge: "key",
      since: SINCE_MERGE,
    }),
    col({ name: "value", check: text(1000, { oneLine: true }), merge: "key", since: SINCE_MERGE }),
  ],
};

export { SINCE_EVIDENCE };

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** A file's own name: one line, no folder (no slash or backslash), not empty. */
const fileName: Check = (v) => {
  const bad = text(255, { oneLine: true, nonEmpty: true })(v);
  if (bad) return bad;
  return /[\\/]/.test(v as string) ? problem("format", { what: "file name" }) : undefined;
};

/** A content of evidence: its sha256, size and number of pieces (the pieces are streamed, then re-hashed). */
export const EVIDENCE_CONTENTS: TableSpec = {
  table: "evidence_contents",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "hash", check: hash, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "size", check: integer(0), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "chunks", check: integer(0), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "created_at", check: instant, merge: "created", since: SINCE_EVIDENCE }),
  ],
};

/** An attachment: added once, then only ever marked removed (removal wins over a copy that still has it). */
export const EVIDENCE_FILES: TableSpec = {
  table: "evidence_files",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "id", check: id, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "unit_id", check: id, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "answer_id", check: nullable(id), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "rectification_id", check: nullable(id), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "hash", check: hash, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "name", check: fileName, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "size", check: integer(0), merge: "key", since: SINCE_EVIDENCE }),
    col({
      name: "media_type",
      check: pattern(MEDIA_TYPE, "media type"),
      merge: "key",
      since: SINCE_EVIDENCE,
    }),
    col({ name: "added_at", check: instant, merge: "created", since: SINCE_EVIDENCE }),
    col({ name: "added_by", check: nullable(name), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "removed_at", check: nullable(instant), merge: "group:removed", since: SINCE_EVIDENCE }),
    col({ name: "removed_by", check: nullable(name), merge: "group:removed", since: SINCE_EVIDENCE }),
    col({ name: "rev", check: integer(0), merge: "local", since: SINCE_EVIDENCE }),
  ],
};

/**
 * The pieces of the contents: never read as rows (a piece is up to 1 MiB of bytes); the merge
 * streams them one at a time from the file into this database, re-hashing as it goes.
 */
export const EVIDENCE_CHUNKS: TableSpec = {
  table: "evidence_chunks",
  maxRows: LIMITS.importRows,
  columns: [
    col({ name: "hash", check: hash, merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "seq", check: integer(0), merge: "key", since: SINCE_EVIDENCE }),
    col({ name: "data", check: () => undefined, merge: "key", since: SINCE_EVIDENCE }),
  ],
};

/** The tables import reads, in the order their references need. */
export const IMPORTED: readonly TableSpec[] = [
  UNITS,
  SNAPSHOTS,
  RUNS,
  ANSWERS,
  RECTIFICATIONS,
  HISTORY,
  EVIDENCE_CONTENTS,
  EVIDENCE_FILES,
];

/** Tables import takes piece by piece rather than as rows (their schema is checked all the same). */
export const STREAMED: readonly TableSpec[] = [EVIDENCE_CHUNKS];

/**
 * Tables of the schema import does not take from another database: this database's own
 * bookkeeping of what it merged (merge bases, conflicts, unit merges) and drafts of answers not
 * given yet. `meta` is read for the sender's id only.
 */
export const NOT_IMPORTED: readonly string[] = [
  "meta",
  "merge_base",
  "merge_conflicts",
  "unit_merges",
  // What a person was typing at the school: never handed in.
  "answer_drafts",
];

/** The merge groups of a table, each with its columns, in column order. */
export function groupsOf(spec: TableSpec): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const c of spec.columns) {
    if (!c.merge.startsWith("group:")) continue;
    const g = c.merge.slice(6);
    groups.set(g, [...(groups.get(g) ?? []), c.name]);
  }
  return groups;
}
