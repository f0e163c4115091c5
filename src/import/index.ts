// `import` core: merge every source in turn, one transaction each, and total the counts.
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
}

export function importAll(
  store: Store,
  sources: readonly Source[],
  onProgress?: (done: number, total: number, source: Source) => void,
): ImportReport {
  const files: FileResult[] = [];
  const totals = emptyCounts();
  let runsSkipped = 0;
  const session = new ImportSession(store);
  try {
    sources.forEach((source, i) => {
      onProgress?.(i, sources.length, source);
      const result = session.importFile(source.file, source.display);
      if (result.ok) {
        addCounts(totals, result.counts);
        runsSkipped += result.conflicts.reduce((n, c) => n + c.runsSkipped, 0);
      }
      files.push(result);
    });
  } finally {
    session.close();
  }
  const imported = files.filter((f) => f.ok).length;
  return { files, totals, imported, failed: files.length - imported, runsSkipped };
}
