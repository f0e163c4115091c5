// `import` core: merge every source in turn, each all or nothing, and total the counts.
import { isLookbackError, type LookbackError } from "../errors.js";
import type { Store, WriteTx } from "../store/port.js";
import { ImportSession } from "./session.js";
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

/** Files of one commit, each imported in its own savepoint, into `batch` (up to the batch limits). */
async function importBatch(
  tx: WriteTx,
  session: ImportSession,
  sources: readonly Source[],
  from: number,
  batch: FileResult[],
  onProgress?: (done: number, total: number, source: Source) => void,
): Promise<void> {
  const started = Date.now();
  while (
    from + batch.length < sources.length &&
    batch.length < BATCH_FILES &&
    Date.now() - started < BATCH_MS
  ) {
    const next = from + batch.length;
    const source = sources[next]!;
    onProgress?.(next, sources.length, source);
    batch.push(await session.importFile(tx, source.file, source.display));
  }
}

export async function importAll(
  store: Store,
  sources: readonly Source[],
  onProgress?: (done: number, total: number, source: Source) => void,
): Promise<ImportReport> {
  const files: FileResult[] = [];
  const session = new ImportSession(store);
  let aborted: ImportReport["aborted"];
  try {
    while (files.length < sources.length && !aborted) {
      const from = files.length;
      let batch: FileResult[] = [];
      let attempts = 0;
      try {
        await store.write(async (tx) => {
          // A transaction PostgreSQL runs again (deadlock, serialization) starts the batch again.
          if (attempts++ > 0) session.forget();
          batch = [];
          await importBatch(tx, session, sources, from, batch, onProgress);
        });
      } catch (e) {
        // The database itself failed (a full disk, a lock, a lost connection), perhaps at the
        // commit: nothing of this batch was kept.
        if (!isLookbackError(e)) throw e;
        session.forget();
        const error: LookbackError = e;
        aborted = { file: sources[Math.min(from + batch.length, sources.length - 1)]!.display, error };
        batch = batch.map((f) =>
          f.ok ? { file: f.file, ok: false, reason: "aborted", detail: error.message } : f,
        );
      }
      files.push(...batch);
    }
  } finally {
    session.close();
  }
  return report(files, aborted);
}

function report(files: FileResult[], aborted: ImportReport["aborted"]): ImportReport {
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
