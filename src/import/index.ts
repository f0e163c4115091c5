// `import` core: merge every source in turn, one transaction each, and total the counts.
import { isLookbackError, type LookbackError } from "../errors.js";
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

export function importAll(
  store: Store,
  sources: readonly Source[],
  onProgress?: (done: number, total: number, source: Source) => void,
): ImportReport {
  const files: FileResult[] = [];
  const totals = emptyCounts();
  let runsSkipped = 0;
  const session = new ImportSession(store);
  let aborted: ImportReport["aborted"];
  try {
    for (const [i, source] of sources.entries()) {
      onProgress?.(i, sources.length, source);
      let result: FileResult;
      try {
        result = session.importFile(source.file, source.display);
      } catch (e) {
        if (!isLookbackError(e)) throw e;
        aborted = { file: source.display, error: e };
        break;
      }
      if (result.ok) {
        addCounts(totals, result.counts);
        runsSkipped += result.conflicts.reduce((n, c) => n + c.runsSkipped, 0);
      }
      files.push(result);
    }
  } finally {
    session.close();
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
