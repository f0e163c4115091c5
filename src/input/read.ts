// Reading a file named by a user or sent by someone else: only a regular file, and never more
// than a limit, counted while reading. `stat().size` is not a bound (a device or /proc file
// says 0 and never ends), and opening a FIFO for reading blocks until a writer comes: so the
// file is opened non-blocking and checked with fstat on the open descriptor before any read.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  type Stats,
  statSync,
  writeSync,
} from "node:fs";

export type FileKind = "directory" | "fifo" | "socket" | "device" | "other";

export type ReadRefusal =
  | { kind: "missing"; message: string }
  | { kind: "not-regular"; fileKind: FileKind }
  | { kind: "too-large"; limit: number; size: number }
  | { kind: "unreadable"; message: string };

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; refusal: ReadRefusal };

// O_NONBLOCK does not exist on Windows, where opening a file never waits on a writer anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

/** What a path that is not a regular file is, as messages name it. */
export function fileKindOf(st: Stats): FileKind {
  if (st.isDirectory()) return "directory";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "device";
  return "other";
}

function errnoRefusal(e: unknown, file?: string): ReadRefusal {
  const err = e as NodeJS.ErrnoException;
  const message = err.message ?? String(e);
  if (err.code === "ENOENT" || err.code === "ENOTDIR") return { kind: "missing", message };
  if (err.code === "EISDIR") return { kind: "not-regular", fileKind: "directory" };
  // A socket (or a device without a driver) cannot even be opened: say what it is.
  if (err.code === "ENXIO" && file !== undefined) {
    try {
      return { kind: "not-regular", fileKind: fileKindOf(statSync(file)) };
    } catch {
      return { kind: "unreadable", message };
    }
  }
  return { kind: "unreadable", message };
}

/**
 * Open `file` for reading if it is a regular file (symbolic links followed); the descriptor is
 * the caller's to close. A FIFO or device is refused without blocking and without reading.
 */
export function openRegular(
  file: string,
): { ok: true; fd: number; size: number } | { ok: false; refusal: ReadRefusal } {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    return { ok: false, refusal: errnoRefusal(e, file) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      return { ok: false, refusal: { kind: "not-regular", fileKind: fileKindOf(st) } };
    }
    return { ok: true, fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    return { ok: false, refusal: errnoRefusal(e) };
  }
}

/** Read at most `maxBytes` of a regular file; more than that is refused, counted as it is read. */
export function readBounded(file: string, maxBytes: number): BoundedRead {
  const opened = openRegular(file);
  if (!opened.ok) return opened;
  const { fd, size } = opened;
  try {
    // Sized by stat as a first guess only; the loop decides.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(size + 1, CHUNK)));
    let used = 0;
    for (;;) {
      if (used === buf.length) {
        if (buf.length > maxBytes) break;
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      const n = readSync(fd, buf, used, buf.length - used, null);
      if (n === 0) break;
      used += n;
    }
    if (used > maxBytes) {
      return { ok: false, refusal: { kind: "too-large", limit: maxBytes, size: Math.max(size, used) } };
    }
    return { ok: true, bytes: buf.subarray(0, used) };
  } catch (e) {
    return { ok: false, refusal: errnoRefusal(e) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Copy a regular file to `dest` (created, must not exist), refusing past `maxBytes`. For files
 * too large to hold in memory; on refusal `dest` may hold a partial copy the caller removes.
 * Errors writing `dest` (a full disk) are thrown, not turned into a refusal of `file`.
 */
export function copyBounded(
  file: string,
  dest: string,
  maxBytes: number,
): { ok: true; bytes: number } | { ok: false; refusal: ReadRefusal } {
  const opened = openRegular(file);
  if (!opened.ok) return opened;
  const { fd, size } = opened;
  let out: number;
  try {
    out = openSync(dest, "wx", 0o600);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        return { ok: false, refusal: errnoRefusal(e) };
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        return { ok: false, refusal: { kind: "too-large", limit: maxBytes, size: Math.max(size, total) } };
      }
      let written = 0;
      while (written < n) written += writeSync(out, buf, written, n - written);
    }
    return { ok: true, bytes: total };
  } finally {
    closeSync(fd);
    closeSync(out);
  }
}
