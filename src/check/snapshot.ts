// A run always uses the checklist it started with: the YAML text stored under its hash,
// even when the file on disk has changed since: its answers keep meaning what they meant.
import { type Checklist, ChecklistSchema } from "../checklist/schema.js";
import type { StoreReads } from "../store/port.js";
import type { ChecklistSnapshot, Run } from "../store/types.js";
import { parseWithSchema } from "../yaml/parse.js";

const cache = new Map<string, Checklist>();

export function checklistOfSnapshot(snapshot: ChecklistSnapshot): Checklist {
  const hit = cache.get(snapshot.hash);
  if (hit) return hit;
  const outcome = parseWithSchema(
    { file: `snapshot:${snapshot.hash.slice(0, 12)}`, text: snapshot.content, hash: snapshot.hash },
    ChecklistSchema,
  );
  // A snapshot was valid when it was stored; failing now means the file was tampered with.
  if (!outcome.ok)
    throw new Error(`stored checklist ${snapshot.checklistId} (${snapshot.hash}) no longer parses`);
  cache.set(snapshot.hash, outcome.value);
  return outcome.value;
}

export async function checklistOfRun(store: StoreReads, run: Run): Promise<Checklist> {
  const hit = cache.get(run.checklistHash);
  if (hit) return hit;
  const snap = await store.getSnapshot(run.checklistHash);
  if (!snap) throw new Error(`run ${run.id} refers to a missing checklist snapshot ${run.checklistHash}`);
  return checklistOfSnapshot(snap);
}
