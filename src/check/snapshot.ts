// The checklist a run of this database started with (src/run/snapshot.ts).
import type { Checklist } from "../checklist/schema.js";
import { snapshotChecklist } from "../run/snapshot.js";
import type { Store } from "../store/store.js";
import type { ChecklistSnapshot, Run } from "../store/types.js";

export function checklistOfSnapshot(snapshot: ChecklistSnapshot): Checklist {
  const outcome = snapshotChecklist(snapshot);
  // A snapshot was valid when it was stored; failing now means the database was tampered with.
  if (!outcome.ok)
    throw new Error(`stored checklist ${snapshot.checklistId} (${snapshot.hash}) no longer parses`);
  return outcome.checklist;
}

export function checklistOfRun(store: Store, run: Run): Checklist {
  const snap = store.getSnapshot(run.checklistHash);
  if (!snap) throw new Error(`run ${run.id} refers to a missing checklist snapshot ${run.checklistHash}`);
  return checklistOfSnapshot(snap);
}
