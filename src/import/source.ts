// Opening a school's database file for reading, without ever touching the file itself.
//
// Opening the original, even read-only, could roll back a hot journal, create -wal/-shm files
// beside it or checkpoint its WAL, i.e. change what a school sent. So the file is read into
// memory (bounded, a regular file only) and opened from there; when a -wal sits beside it
// (lookback still open at the school, or killed), the file and its WAL are copied (bounded) to a
// private folder instead, so that the committed answers in the WAL are read too. The copy is
// checked (lookback identity, schema version, quick_check) before anything else reads it.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isLookbackError } from "../errors.js";
import { LIMITS } from "../input/limits.js";
import { copyBounded, type ReadRefusal, readBounded } from "../input/read.js";
import { checkIdentity, type Db, inspect } from "../store/db.js";
import type { FailureReason } from "./types.js";

export class ImportFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Same file on disk (also through a hard link or another spelling of the path). */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

export function classify(e: unknown): ImportFailure {
  if (e instanceof ImportFailure) return e;
  if (isLookbackError(e)) {
    if (e.code === "store.foreign") return new ImportFailure("foreign", "");
    // checkIdentity wraps what SQLite said: a damaged file is not the same as a text file.
    if (e.cause === undefined) return new ImportFailure("not-sqlite", e.message);
    return classify(e.cause);
  }
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  const message = typeof err.message === "string" ? err.message : String(e);
  if (code === "SQLITE_NOTADB") return new ImportFailure("not-sqlite", message);
  // The index that keeps one not-closed rectification per unit and item: the file and this
  // database each hold a different one for the same problem (the file is left out, whole).
  if (code === "SQLITE_CONSTRAINT_UNIQUE" && message.includes("rectifications.checklist_id")) {
    return new ImportFailure("open-twice", message);
  }
  if (code.startsWith("SQLITE_CORRUPT")) return new ImportFailure("corrupt", message);
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "EPERM") {
    return new ImportFailure("unreadable", message);
  }
  return new ImportFailure("failed", message);
}

function refused(r: ReadRefusal): ImportFailure {
  switch (r.kind) {
    case "too-large":
      return new ImportFailure("too-large", String(Math.round(r.limit / 1024 / 1024)));
    case "not-regular":
      return new ImportFailure("not-regular", r.fileKind);
    default:
      return new ImportFailure("unreadable", r.message);
  }
}

/**
 * Files up to this size are read into memory; larger ones (up to the import limit) go through a
 * private copy. A file read in is held twice (the bytes read, and SQLite's copy of them), so a
 * school's evidence would decide the memory taken: a file of answers alone is far smaller.
 */
const IN_MEMORY_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The school's file's page cache (KiB, SQLite's cache_size): it is read once, by quick_check and
 * as its rows and evidence pieces are copied, so a cache of its pages would only fill.
 */
const SOURCE_CACHE = -2000;

/** The file's size by stat; 0 when it cannot be had (the read that follows says why). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function openCopy(file: string, scratch: string): { db: Db; onDisk: boolean } {
  const wal = `${file}-wal`;
  let walSize = 0;
  try {
    if (existsSync(wal)) walSize = statSync(wal).size;
  } catch {
    walSize = 0;
  }
  // Larger by its size already: not read in only to be found too large (8 MB of garbage).
  if (walSize === 0 && sizeOf(file) <= IN_MEMORY_MAX_BYTES) {
    const read = readBounded(file, IN_MEMORY_MAX_BYTES);
    if (read.ok) {
      // Our own buffer, read for this: the header may be changed in place.
      const bytes = read.bytes;
      // Header bytes 18-19 = 2 mark WAL mode, which an in-memory database cannot use; the rollback
      // format (1) reads the same pages.
      if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
      return { db: new Database(bytes), onDisk: false };
    }
    if (read.refusal.kind !== "too-large") throw refused(read.refusal);
  }
  const main = copyBounded(file, scratch, LIMITS.importBytes);
  if (!main.ok) throw refused(main.refusal);
  if (walSize > 0) {
    const w = copyBounded(wal, `${scratch}-wal`, LIMITS.importBytes);
    if (!w.ok) throw refused(w.refusal);
  }
  return { db: new Database(scratch, { fileMustExist: true }), onDisk: true };
}

/** A private copy of the school's file, opened: a lookback database this version reads, sound. */
export function openSource(
  file: string,
  display: string,
  scratch: string,
): { db: Db; userVersion: number; onDisk: boolean } {
  const { db: src, onDisk } = openCopy(file, scratch);
  try {
    src.pragma(`cache_size = ${SOURCE_CACHE}`);
    let id: ReturnType<typeof checkIdentity>;
    try {
      id = checkIdentity(src, display);
    } catch (e) {
      // Name the version: the bureau needs to know which lookback the school runs.
      if (isLookbackError(e) && e.code === "store.newer") {
        throw new ImportFailure("newer", String(inspect(src).userVersion));
      }
      throw e;
    }
    if (id.fresh) throw new ImportFailure("empty", "");
    const problems = src.pragma("quick_check(5)") as { quick_check: string }[];
    // One line for the report: SQLite's first finding, and how many more there are.
    const bad = problems
      .flatMap((p) => p.quick_check.split("\n"))
      .map((m) => m.trim())
      .filter((m) => m !== "ok" && m !== "" && !m.startsWith("***"));
    if (bad.length > 0) {
      throw new ImportFailure("corrupt", bad.length > 1 ? `${bad[0]} (+${bad.length - 1})` : (bad[0] ?? ""));
    }
    return { db: src, userVersion: id.userVersion, onDisk };
  } catch (e) {
    src.close();
    throw e;
  }
}
