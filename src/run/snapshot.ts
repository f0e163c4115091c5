// A run always uses the checklist it started with: the YAML text stored under its hash (the
// snapshot), even when the file on disk has changed since, so its answers keep meaning what
// they meant. This is the one place a snapshot becomes a checklist again.
import { type Checklist, ChecklistSchema } from "../checklist/schema.js";
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
      : { ok: false, message: parsed.error.message.split("\n")[0] ?? "" };
  } catch (e) {
    outcome = { ok: false, message: (e as Error).message.split("\n")[0] ?? "" };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(snapshot.hash, outcome);
  return outcome;
}

/** The checklist of a snapshot already read, by hash: a caller can skip fetching it again. */
export function cachedSnapshotChecklist(hash: string): Checklist | undefined {
  const hit = cache.get(hash);
  return hit?.ok ? hit.checklist : undefined;
}

export function checklistOfSnapshot(snapshot: ChecklistSnapshot): Checklist {
  const outcome = snapshotChecklist(snapshot);
  // A snapshot was valid when it was stored; failing now means the database was tampered with.
  if (!outcome.ok)
    throw new Error(`stored checklist ${snapshot.checklistId} (${snapshot.hash}) no longer parses`);
  return outcome.checklist;
}

export async function checklistOfRun(store: StoreReads, run: Run): Promise<Checklist> {
  // Most runs of a county share a handful of checklists: no round trip for one already read.
  const hit = cachedSnapshotChecklist(run.checklistHash);
  if (hit) return hit;
  const snap = await store.getSnapshot(run.checklistHash);
  if (!snap) throw new Error(`run ${run.id} refers to a missing checklist snapshot ${run.checklistHash}`);
  return checklistOfSnapshot(snap);
}
