// 汇总 of `export --all` without a province in memory: each unit's brief and counts go to a
// file beside the ledgers as its ledger is done, are then merged with the units (read a page at
// a time, in 汇总's order) into a second file, and the summary's rows are read back from it, a
// line at a time, as often as its writer walks them. Only the scores (for 排名) stay in memory.
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import type { InspectionBrief, SummaryRow, UnitSummary } from "./data.js";

/** JSON lines appended to a new file, a 64 KB write at a time. */
class LineWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, "wx");
  }
  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.buffer.push(line);
    this.size += line.length;
    if (this.size >= 65_536) this.flush();
  }
  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.size = 0;
  }
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** Each line of a file of JSON lines, parsed, the file read 64 KB at a time. */
export function* jsonLines<T>(file: string): Generator<T> {
  const fd = openSync(file, "r");
  try {
    const piece = Buffer.alloc(65_536);
    let rest = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, piece, 0, piece.length, null);
      if (n === 0) break;
      // A new buffer (concat copies): `piece` is read into again while lines of it are parsed.
      const data = Buffer.concat([rest, piece.subarray(0, n)]);
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        yield JSON.parse(data.toString("utf8", start, nl)) as T;
        start = nl + 1;
      }
      rest = data.subarray(start);
    }
  } finally {
    closeSync(fd);
  }
}

type Kept = [unitId: string, summary: UnitSummary | null];
type Merged = [unit: Unit, summary: UnitSummary | null];

/** 排名 as ranksByScore gives it (ties share the best place): one more than the scores above. */
function ranker(scores: readonly number[]): (score: number) => number {
  const sorted = Float64Array.from(scores).sort();
  return (score) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] ?? 0) > score) hi = mid;
      else lo = mid + 1;
    }
    return sorted.length - lo + 1;
  };
}

/**
 * The summaries of the units whose ledgers were written, kept in a file (`keptFile`) in the
 * ledgers' order, which is 汇总's (by name); `rowsFile` then holds the rows. Both are removed by
 * `remove`.
 */
export class SummaryFile {
  private readonly kept: LineWriter;
  private readonly scores: number[] = [];
  private open = true;

  constructor(
    private readonly keptFile: string,
    private readonly rowsFile: string,
  ) {
    this.kept = new LineWriter(keptFile);
  }

  /** A unit's summary, once its ledger is done; undefined when there is nothing to show of its run. */
  add(unitId: string, summary: UnitSummary | undefined): void {
    this.kept.write([unitId, summary ?? null] satisfies Kept);
    if (summary?.score && summary.score.score !== null) this.scores.push(summary.score.score);
  }

  /**
   * Every unit of the store (one without a run shows as 未开展) with its summary, in the store's
   * order; walked again from the file each time. `count` is how many there are.
   */
  async rows(
    store: StoreReads,
    inspections: ReadonlyMap<string, InspectionBrief>,
  ): Promise<{ rows: Iterable<SummaryRow>; count: number }> {
    this.closeKept();
    let merged = await this.merge(store, null);
    if (!merged.inOrder) merged = await this.merge(store, this.keptMap());
    const { count } = merged;
    const rank = ranker(this.scores);
    const file = this.rowsFile;
    const rows = {
      *[Symbol.iterator](): Generator<SummaryRow> {
        let seq = 0;
        for (const [unit, s] of jsonLines<Merged>(file)) {
          const score = s?.score ?? null;
          yield {
            seq: ++seq,
            unit,
            run: s?.run ?? null,
            checklist: s?.checklist ?? null,
            counts: s?.counts ?? null,
            score,
            rank: score && score.score !== null ? rank(score.score) : null,
            inspection: inspections.get(unit.id) ?? null,
          };
        }
      },
    };
    return { rows, count };
  }

  /**
   * The units with their summaries into `rowsFile`: side by side with the kept file, which is in
   * the same order, unless `inOrder` is false (then again, with the summaries looked up in `byUnit`).
   */
  private async merge(
    store: StoreReads,
    byUnit: Map<string, UnitSummary | null> | null,
  ): Promise<{ count: number; inOrder: boolean }> {
    rmSync(this.rowsFile, { force: true });
    const out = new LineWriter(this.rowsFile);
    const kept = jsonLines<Kept>(this.keptFile);
    let next = byUnit ? null : kept.next();
    let count = 0;
    try {
      for await (const unit of store.iterateUnits()) {
        let summary: UnitSummary | null = null;
        if (byUnit) summary = byUnit.get(unit.id) ?? null;
        else if (next && !next.done && next.value[0] === unit.id) {
          summary = next.value[1];
          next = kept.next();
        }
        out.write([unit, summary] satisfies Merged);
        count++;
      }
    } finally {
      kept.return(undefined);
      out.close();
    }
    return { count, inOrder: next === null || next.done === true };
  }

  private keptMap(): Map<string, UnitSummary | null> {
    const out = new Map<string, UnitSummary | null>();
    for (const [id, s] of jsonLines<Kept>(this.keptFile)) out.set(id, s);
    return out;
  }

  private closeKept(): void {
    if (!this.open) return;
    this.open = false;
    this.kept.close();
  }

  remove(): void {
    this.closeKept();
    rmSync(this.keptFile, { force: true });
    rmSync(this.rowsFile, { force: true });
  }
}
