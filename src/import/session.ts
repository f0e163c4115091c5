// One import of many school files (lookback import): each file is read into a private copy
// and opened (source.ts), checked whole (validate.ts) before anything of it is used, then merged
// by the store (mergeSchool: merge.ts, on either engine) in a savepoint of its own. The school's
// file stays SQLite whatever the bureau's database is, and is never changed.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { environmentError } from "../store/environment.js";
import type { Store, WriteTx } from "../store/port.js";
import { NearIndex } from "../units/identity.js";
import { OWNER_TAG, removeStale } from "../util/stale.js";
import { sentUnitNames } from "./merge.js";
import { classify, openSource, sameFile } from "./source.js";
import type { FileResult, SchoolMergeOptions } from "./types.js";
import { InvalidSource, type SourceData, validateSource } from "./validate.js";

export { sameFile } from "./source.js";

/** Temporary folders of imports that were killed: a full copy of a school's file may be in one. */
const SCRATCH_PREFIX = "lookback-import-";
const SCRATCH_PATTERN = /^lookback-import-([0-9a-f]{6})-(\d+)-/;
let staleRemoved = false;

/** A refused file's result, naming where it is wrong. */
function invalid(display: string, e: InvalidSource): FileResult {
  const r = e.refusal;
  return {
    file: display,
    ok: false,
    reason: "invalid",
    detail: r.problem.key,
    invalid: {
      table: r.table,
      ...(r.row !== undefined ? { row: r.row } : {}),
      ...(r.id !== undefined ? { id: r.id } : {}),
      ...(r.column !== undefined ? { column: r.column } : {}),
      problem: r.problem.key,
      params: r.problem.params ?? {},
    },
  };
}

/**
 * One import of many files into `store`: a private folder for the copies (made when a file needs
 * one), and the target's unit names for the near-name warning (read once).
 */
export class ImportSession {
  private dir: string | undefined;
  private names: NearIndex | undefined;
  private seq = 0;

  constructor(private readonly store: Store) {
    // Once per process: an import command is one.
    if (!staleRemoved) removeStale(os.tmpdir(), SCRATCH_PATTERN);
    staleRemoved = true;
  }

  private scratch(): string {
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), `${SCRATCH_PREFIX}${OWNER_TAG}-`));
    return path.join(this.dir, `${this.seq++}.db`);
  }

  /** What was merged was rolled back: units it added must not linger in the near-name list. */
  forget(): void {
    this.names = undefined;
  }

  /**
   * Read and check one school file, touching nothing of the target: its data (the file still
   * open, for the evidence's pieces: `close` after the merge), or why it is refused.
   */
  private read(file: string, display: string): { data: SourceData; close: () => void } | FileResult {
    const scratch = this.scratch();
    let src: ReturnType<typeof openSource> | undefined;
    const close = () => {
      src?.db.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${scratch}${suffix}`, { force: true });
    };
    try {
      src = openSource(file, display, scratch);
      const data = validateSource(src.db, src.userVersion, { checkSizes: src.onDisk });
      return { data, close };
    } catch (e) {
      close();
      if (e instanceof InvalidSource) return invalid(display, e);
      // The private copy could not be written (a full disk): every file after it would fail too.
      const env = environmentError(e, scratch);
      if (env) throw env;
      const f = classify(e);
      return { file: display, ok: false, reason: f.reason, detail: f.detail };
    }
  }

  /**
   * Import one file in the write transaction `tx`; a bad file never throws and never changes the
   * target. A failure of the target itself (disk full, locked, connection lost) is thrown: every
   * file after it would fail the same way.
   */
  async importFile(tx: WriteTx, file: string, display = file): Promise<FileResult> {
    if (this.store.engine === "sqlite" && sameFile(file, this.store.location)) {
      return { file: display, ok: false, reason: "self", detail: "" };
    }
    const read = this.read(file, display);
    if (!("data" in read)) return read;
    // Only the names that may be near the sender's (their groups), however many units there are.
    this.names ??= new NearIndex();
    await this.names.load(sentUnitNames(read.data), (name) => tx.unitNamesNear(name));
    const opts: SchoolMergeOptions = { file: display, names: this.names };
    let merged: Awaited<ReturnType<WriteTx["mergeSchool"]>>;
    try {
      merged = await tx.mergeSchool(read.data, opts);
    } catch (e) {
      this.forget();
      throw e;
    } finally {
      read.close();
    }
    if (!merged.ok) {
      this.forget();
      return { file: display, ok: false, reason: merged.reason, detail: merged.detail };
    }
    const { ok: _, ...outcome } = merged;
    return { file: display, ok: true, ...outcome };
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One file, in a transaction of its own. */
export async function importDatabase(store: Store, file: string, display = file): Promise<FileResult> {
  const session = new ImportSession(store);
  try {
    return await store.write((tx) => session.importFile(tx, file, display));
  } finally {
    session.close();
  }
}
