// `import` core: merge every source in turn, each all or nothing, and total the counts.
import { isLookbackError, type LookbackError } from "../errors.js";
import { environmentError } from "../store/environment.js";
import type { Store } from "../store/store.js";
import { ImportSession } from "./merge.js";
import type { Source } from "./sources.js";
import { addCounts, emptyCounts, type FileResult, type KindCounts } from "./types.js";

export { expandSources, type Source, type Sources } from "./sources.js";
export * from "./types.js";

export interface ImportReport {
  files: FileResult[];
  /** Sum over the files that were imported. */
  totals: KindCounts;
  imported: number;
  failed: number;
  /** Runs left out because their unit conflicts with a unit known here. */
  runsSkipped: number;
  /** The target itself failed (disk full, locked): the files after `file` were not tried. */
  aborted?: { file: string; error: LookbackError };
}

/**
 * Files merged per commit: each file is its own savepoint (a bad one is rolled back alone), and
 * the files of up to half a second share one commit, so that a slow disk syncs a few times a
 * second rather than once per school. The write lock is held no longer than that.
 */
const BATCH_FILES = 100;
const BATCH_MS = 500;

export function importAll(
  store: Store,
  sources: readonly Source[],
  onProgress?: (done: number, total: number, source: Source) => void,
): ImportReport {
  const files: FileResult[] = [];
  const session = new ImportSession(store);
  let aborted: ImportReport["aborted"];
  try {
    let next = 0;
    while (next < sources.length && !aborted) {
      const batch: FileResult[] = [];
      const started = Date.now();
      try {
        store.transaction(() => {
          while (next < sources.length && batch.length < BATCH_FILES && Date.now() - started < BATCH_MS) {
            const source = sources[next]!;
            onProgress?.(next, sources.length, source);
            batch.push(session.importFile(source.file, source.display));
            next++;
          }
        });
      } catch (e) {
        // The database itself failed (a full disk, a lock), perhaps at the commit: nothing of
        // this batch was kept.
        const error = isLookbackError(e) ? e : environmentError(e, store.file);
        if (!error) throw e;
        aborted = { file: sources[Math.min(next, sources.length - 1)]!.display, error };
        for (const [k, f] of batch.entries()) {
          batch[k] = f.ok ? { file: f.file, ok: false, reason: "aborted", detail: error.message } : f;
        }
      }
      files.push(...batch);
    }
  } finally {
    session.close();
  }
  const totals = emptyCounts();
  let runsSkipped = 0;
  for (const f of files) {
    if (!f.ok) continue;
    addCounts(totals, f.counts);
    runsSkipped += f.conflicts.reduce((n, c) => n + c.runsSkipped, 0);
  }
  const imported = files.filter((f) => f.ok).length;
  return {
    files,
    totals,
    imported,
    failed: files.length - imported,
    runsSkipped,
    ...(aborted ? { aborted } : {}),
  };
}
