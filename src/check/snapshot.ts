// The checklist a run of this database started with (src/run/snapshot.ts parses it).
import type { Checklist } from "../checklist/schema.js";
import { cachedSnapshotChecklist, snapshotChecklist } from "../run/snapshot.js";
import type { StoreReads } from "../store/port.js";
import type { ChecklistSnapshot, Run } from "../store/types.js";

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
