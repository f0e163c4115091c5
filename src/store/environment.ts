// What the machine did to a database operation, in words: a read-only file, a read-only folder
// (where WAL needs its -wal and -shm files), a full disk, a lock held past the busy timeout.
// SQLite rolls a failed transaction back, so each message can say that nothing was half-written.
import { accessSync, closeSync, constants, openSync, readSync, statfsSync } from "node:fs";
import path from "node:path";
import { LookbackError } from "../errors.js";
import { type MessageKey, t } from "../i18n/index.js";

/**
 * How long a write waits for another process's lock before giving up: 10 s, or
 * LOOKBACK_BUSY_TIMEOUT milliseconds (up to 10 minutes), e.g. for a slow network share.
 */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.LOOKBACK_BUSY_TIMEOUT);
  return Number.isInteger(v) && v >= 0 && v <= 600_000 ? v : 10_000;
}

type Problem = "readonlyFile" | "readonlyFolder" | "readonly" | "diskFull" | "busy" | "ioError";

/** Why `p` cannot be written to, or null when it can. */
function writeError(p: string): NodeJS.ErrnoException | null {
  try {
    accessSync(p, constants.W_OK);
    return null;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}

/** Whether the file's header says WAL (bytes 18-19 = 2). */
function isWal(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(20);
      return readSync(fd, head, 0, 20, 0) === 20 && head[18] === 2 && head[19] === 2;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

const exists = (file: string) => writeError(file)?.code !== "ENOENT";

/** Why the file cannot be written: the file itself, or its folder / drive. */
function readonlyProblem(file: string): Problem {
  const fileErr = exists(file) ? writeError(file) : null;
  if (fileErr && fileErr.code !== "EROFS") return "readonlyFile";
  const dirErr = writeError(path.dirname(file));
  if (fileErr?.code === "EROFS" || dirErr) return "readonlyFolder";
  return "readonly";
}

function classify(e: unknown, file: string): Problem | undefined {
  const err = e as { code?: unknown; errno?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return "diskFull";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "busy";
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS") return readonlyProblem(file);
  if (code.startsWith("SQLITE_CANTOPEN")) {
    // A WAL database in a folder where -shm cannot be created fails to open (older SQLite
    // versions even called it "not a database").
    if (exists(file) && writeError(path.dirname(file)) && isWal(file)) return "readonlyFolder";
    return undefined;
  }
  // A full disk shows as an I/O error where SQLite grows its -shm or -wal file.
  if (code.startsWith("SQLITE_IOERR")) return diskAlmostFull(file) ? "diskFull" : "ioError";
  return undefined;
}

/** Less than a megabyte left where `file` lives. */
function diskAlmostFull(file: string): boolean {
  try {
    const st = statfsSync(path.dirname(file));
    return st.bavail * st.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

/** The user's message for an environment failure on `file`, or undefined for any other error. */
export function environmentError(e: unknown, file: string): LookbackError | undefined {
  if (e instanceof LookbackError) return undefined;
  const problem = classify(e, file);
  if (!problem) return undefined;
  return problemError(problem, file, e instanceof Error ? e.message : String(e), e);
}

function problemError(problem: Problem, file: string, message: string, cause?: unknown): LookbackError {
  const key = `store.${problem}` as MessageKey;
  const params = { file, name: path.basename(file), message, seconds: busyTimeoutMs() / 1000 };
  return new LookbackError(key, t(key, params), {
    exitCode: 2,
    hint: t(`${key}.hint` as MessageKey, params),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Before anything is asked or done: a database that cannot be written (the file, or the folder
 * its WAL files go in) is named now, not after a person has typed an answer that cannot be stored.
 */
export function assertWritable(file: string): void {
  const dirErr = writeError(path.dirname(file));
  if (!exists(file)) {
    // A folder still to be made is made by openDb; one that exists and refuses writes is reported.
    if (dirErr && dirErr.code !== "ENOENT") throw problemError("readonlyFolder", file, dirErr.message);
    return;
  }
  const fileErr = writeError(file);
  if (fileErr) throw problemError(readonlyProblem(file), file, fileErr.message);
  if (dirErr) throw problemError("readonlyFolder", file, dirErr.message);
}
