// A run always uses the checklist it started with: the YAML text stored under its hash (the
// snapshot), even when the file on disk has changed since, so its answers keep meaning what
// they meant. This is the one place a snapshot becomes a checklist again.
import { type Checklist, ChecklistSchema } from "../checklist/schema.js";
import { userError } from "../errors.js";
import type { StoreReads } from "../store/port.js";
import type { ChecklistSnapshot, Run } from "../store/types.js";
import { yamlValue } from "../yaml/parse.js";

export type SnapshotChecklist = { ok: true; checklist: Checklist } | { ok: false; message: string };

/** Parsed snapshots by hash: a county's runs share a handful of checklist versions. */
const cache = new Map<string, SnapshotChecklist>();
const CACHE_LIMIT = 64;

/**
 * The checklist of a snapshot. A snapshot was valid when it was stored (an imported one was
 * validated on the way in), so a failure here means the row was damaged since: the message
 * says what the schema found, for the caller to report in its own words.
 */
export function snapshotChecklist(snapshot: ChecklistSnapshot): SnapshotChecklist {
  const hit = cache.get(snapshot.hash);
  if (hit) return hit;
  let outcome: SnapshotChecklist;
  try {
    const parsed = ChecklistSchema.safeParse(yamlValue(snapshot.content));
    outcome = parsed.success
      ? { ok: true, checklist: parsed.data }
      : { ok: false, message: firstIssue(parsed.error.issues) };
  } catch (e) {
    outcome = { ok: false, message: (e as Error).message.split("\n")[0] ?? "" };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(snapshot.hash, outcome);
  return outcome;
}

/** What the schema found first, as a path and its message (zod's own message is a JSON list). */
function firstIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return "";
  const where = first.path.map(String).join(".");
  return where ? `${where}: ${first.message}` : first.message;
}

/** The checklist of a snapshot already read, by hash: a caller can skip fetching it again. */
export function cachedSnapshotChecklist(hash: string): Checklist | undefined {
  const hit = cache.get(hash);
  return hit?.ok ? hit.checklist : undefined;
}

/** A snapshot read from the store and parsed: the checklist, or why not (for the caller to word). */
export type ReadSnapshot =
  | { ok: true; checklist: Checklist }
  | { ok: false; missing: true }
  | { ok: false; missing: false; message: string };

/** The checklist stored under `hash`, read once per process (the parse is cached by hash). */
export async function readSnapshot(store: StoreReads, hash: string): Promise<ReadSnapshot> {
  // Most runs of a county share a handful of checklists: no round trip for one already read.
  const hit = cachedSnapshotChecklist(hash);
  if (hit) return { ok: true, checklist: hit };
  const snap = await store.getSnapshot(hash);
  if (!snap) return { ok: false, missing: true };
  const parsed = snapshotChecklist(snap);
  return parsed.ok ? parsed : { ok: false, missing: false, message: parsed.message };
}

/**
 * The checklist a run started with. A snapshot was valid when it was stored (an imported one
 * was validated on the way in), so a missing or unreadable one means the database was changed
 * outside lookback: an input error naming the run, not a crash.
 */
export async function checklistOfRun(store: StoreReads, run: Run): Promise<Checklist> {
  const read = await readSnapshot(store, run.checklistHash);
  if (read.ok) return read.checklist;
  const params = { run: run.id.slice(0, 8), hash: run.checklistHash.slice(0, 12) };
  throw read.missing
    ? userError("run.snapshotMissing", params, { exitCode: 2, hintKey: "run.snapshot.hint" })
    : userError(
        "run.snapshotInvalid",
        { ...params, message: read.message },
        { exitCode: 2, hintKey: "run.snapshot.hint" },
      );
}
