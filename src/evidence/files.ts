// Reading the files a person attaches as evidence, and nothing else: the paths given, or the
// ordinary files inside a folder given. A symbolic link is never followed (the path itself is
// refused: a link to /etc/passwd attaches nothing), a device, FIFO or socket is refused without
// being opened for a read that could block, and a file over the cap is refused by its size
// before one byte of it is read (a 2 GB sparse file costs one fstat). Every file is checked
// before anything is stored; its content is then read, piece by piece, from the same file (same
// device, inode and size), and the store checks the pieces against the hash.
import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
} from "node:fs";
import path from "node:path";
import { LIMITS } from "../input/limits.js";
import { type FileKind, fileKindOf } from "../input/read.js";
import { EVIDENCE_CHUNK_BYTES } from "../store/port.js";
import { sniffMediaType } from "./media.js";

/** Caps in bytes: one file, and one unit's files together. */
export interface EvidenceCaps {
  fileBytes: number;
  unitBytes: number;
}

/** Why a path given is not attached. */
export type FileProblem =
  | { kind: "missing"; shown: string }
  | { kind: "symlink"; shown: string }
  | { kind: "not-regular"; shown: string; fileKind: FileKind }
  | { kind: "empty"; shown: string }
  | { kind: "too-large"; shown: string; size: number; cap: number }
  | { kind: "empty-folder"; shown: string }
  | { kind: "too-many"; shown: string; max: number }
  | { kind: "unreadable"; shown: string; message: string };

/** A file checked (kind, size, no link) but not read yet. */
export interface CheckedFile {
  /** Absolute path. */
  file: string;
  /** As the person named it (relative to where they named it from). */
  shown: string;
  /** Its own name, without folders: how it is shown and exported. */
  name: string;
  size: number;
  dev: number;
  ino: number;
  /** Its sha256 when it was read to check it (an answers file): the content stored must match. */
  hash?: string;
}

/** A file checked and hashed (an answers file is checked whole before anything is stored). */
export interface PreparedFile extends CheckedFile {
  hash: string;
  mediaType: string;
}

/** A file changed between the check and the copy: nothing of it is kept. */
export class EvidenceChanged extends Error {
  constructor(readonly shown: string) {
    super(`${shown} changed while it was being read`);
  }
}

// O_NOFOLLOW: opening a symbolic link fails (ELOOP) rather than opening what it points at;
// O_NONBLOCK: a FIFO opens without waiting for a writer. Neither exists on Windows, where lstat
// (checked first) is what refuses a link.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Files no one means to attach: the desktop's own bookkeeping. */
const IGNORED = /^(?:\..*|Thumbs\.db|desktop\.ini|~\$.*)$/i;
/** Folders inside folders, at most this deep. */
const MAX_DEPTH = 8;

/** Every path given, a folder expanded to its ordinary files (sorted, links refused), each file once. */
export function collectFiles(
  args: readonly string[],
  base: string,
): { files: { file: string; shown: string }[]; problems: FileProblem[] } {
  const files: { file: string; shown: string }[] = [];
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const add = (file: string, shown: string, st: Stats) => {
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (files.length >= LIMITS.evidenceFiles) {
      if (!problems.some((p) => p.kind === "too-many"))
        problems.push({ kind: "too-many", shown, max: LIMITS.evidenceFiles });
      return;
    }
    files.push({ file, shown });
  };
  const walk = (dir: string, shown: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push({ kind: "unreadable", shown, message: (e as Error).message });
      return;
    }
    const before = files.length;
    for (const name of names) {
      if (IGNORED.test(name)) continue;
      visit(path.join(dir, name), path.join(shown, name), depth + 1, true);
    }
    if (files.length === before && depth === 0) problems.push({ kind: "empty-folder", shown });
  };
  const visit = (file: string, shown: string, depth: number, inFolder: boolean) => {
    let st: Stats;
    try {
      st = lstatSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") problems.push({ kind: "missing", shown });
      else problems.push({ kind: "unreadable", shown, message: (e as Error).message });
      return;
    }
    if (st.isSymbolicLink()) problems.push({ kind: "symlink", shown });
    else if (st.isDirectory() && (!inFolder || depth <= MAX_DEPTH)) walk(file, shown, inFolder ? depth : 0);
    else if (!st.isFile()) problems.push({ kind: "not-regular", shown, fileKind: fileKindOf(st) });
    else add(file, shown, st);
  };
  for (const arg of args) visit(path.resolve(base, arg), arg, 0, false);
  return { files, problems };
}

type Opened = { ok: true; fd: number; st: Stats } | { ok: false; problem: FileProblem };

/** Open a regular file without following a link or blocking; refuse it past the cap by its size alone. */
function openChecked(file: string, shown: string, caps: EvidenceCaps): Opened {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK") return { ok: false, problem: { kind: "symlink", shown } };
    if (code === "ENOENT") return { ok: false, problem: { kind: "missing", shown } };
    if (code === "ENXIO") return { ok: false, problem: { kind: "not-regular", shown, fileKind: "socket" } };
    return { ok: false, problem: { kind: "unreadable", shown, message: (e as Error).message } };
  }
  const st = fstatSync(fd);
  const refuse = (problem: FileProblem): Opened => {
    closeSync(fd);
    return { ok: false, problem };
  };
  if (!st.isFile()) return refuse({ kind: "not-regular", shown, fileKind: fileKindOf(st) });
  if (st.size > caps.fileBytes)
    return refuse({ kind: "too-large", shown, size: st.size, cap: caps.fileBytes });
  if (st.size === 0) return refuse({ kind: "empty", shown });
  return { ok: true, fd, st };
}

/**
 * Read `fd` from the start in pieces of at most one chunk, never past `max` bytes (a file that
 * grows while read is cut there, and the size check of the caller refuses it). One buffer is
 * read into again and again: each piece is used before the next is asked for.
 */
function* readPieces(fd: number, max: number): Generator<Buffer> {
  let position = 0;
  const whole = Buffer.allocUnsafe(Math.min(EVIDENCE_CHUNK_BYTES, max + 1));
  while (position <= max) {
    const buf = whole.subarray(0, Math.min(whole.length, max + 1 - position));
    let used = 0;
    while (used < buf.length) {
      const n = readSync(fd, buf, used, buf.length - used, position + used);
      if (n === 0) break;
      used += n;
    }
    if (used === 0) return;
    position += used;
    yield used === buf.length ? buf : buf.subarray(0, used);
    if (used < buf.length) return;
  }
}

/** Check one file without reading it: an ordinary file, not a link, within the cap, not empty. */
export function checkFile(file: string, shown: string, caps: EvidenceCaps): CheckedFile | FileProblem {
  const opened = openChecked(file, shown, caps);
  if (!opened.ok) return opened.problem;
  closeSync(opened.fd);
  const { st } = opened;
  return { file, shown, name: path.basename(file), size: st.size, dev: st.dev, ino: st.ino };
}

/** The content's sha256, its media type, and its pieces to store. */
export interface ReadContent {
  hash: string;
  mediaType: string;
  chunks: Iterable<Buffer>;
}

/** Open the checked file again: the same one (device, inode, size), or EvidenceChanged. */
function reopen(f: CheckedFile): number {
  let fd: number;
  try {
    fd = openSync(f.file, OPEN_FLAGS);
  } catch {
    throw new EvidenceChanged(f.shown);
  }
  const st = fstatSync(fd);
  if (!st.isFile() || st.dev !== f.dev || st.ino !== f.ino || st.size !== f.size) {
    closeSync(fd);
    throw new EvidenceChanged(f.shown);
  }
  return fd;
}

/**
 * A checked file read to be stored, each byte read once here and hashed once: a file hashed
 * already (when it was checked, or for the unit's cap) is read piece by piece as it is stored,
 * and not at all when the database holds its content (the store checks the pieces against the
 * hash); one piece (most photos and scans) is read once, hashed and handed over as it is; a
 * larger file not hashed yet is hashed first, then read again as it is stored (its hash is the
 * key it is stored under).
 */
export function readContent(f: CheckedFile): ReadContent {
  const mediaType = (f as Partial<PreparedFile>).mediaType;
  if (f.hash !== undefined && mediaType !== undefined)
    return { hash: f.hash, mediaType, chunks: contentOf(f) };
  if (f.size <= EVIDENCE_CHUNK_BYTES) {
    const fd = reopen(f);
    try {
      const buf = Buffer.allocUnsafe(f.size);
      let used = 0;
      while (used < buf.length) {
        const n = readSync(fd, buf, used, buf.length - used, used);
        if (n === 0) break;
        used += n;
      }
      const hash = createHash("sha256").update(buf.subarray(0, used)).digest("hex");
      if (used !== f.size || (f.hash !== undefined && f.hash !== hash)) throw new EvidenceChanged(f.shown);
      return { hash, mediaType: sniffMediaType(buf.subarray(0, 4096), f.name), chunks: [buf] };
    } finally {
      closeSync(fd);
    }
  }
  const prepared = prepareFile(f.file, f.shown, { fileBytes: f.size, unitBytes: Number.MAX_SAFE_INTEGER });
  if ("kind" in prepared || prepared.size !== f.size || prepared.dev !== f.dev || prepared.ino !== f.ino)
    throw new EvidenceChanged(f.shown);
  return { hash: prepared.hash, mediaType: prepared.mediaType, chunks: contentOf(f) };
}

/**
 * Check and hash one file (its first bytes kept for the media type). Nothing of it is kept in
 * memory: 1,000 photos checked before they are stored cost a few kilobytes each.
 */
export function prepareFile(file: string, shown: string, caps: EvidenceCaps): PreparedFile | FileProblem {
  const opened = openChecked(file, shown, caps);
  if (!opened.ok) return opened.problem;
  const { fd, st } = opened;
  try {
    const sha = createHash("sha256");
    let size = 0;
    let first: Buffer | undefined;
    for (const piece of readPieces(fd, caps.fileBytes)) {
      sha.update(piece);
      size += piece.length;
      first ??= Buffer.from(piece.subarray(0, 4096));
    }
    if (size > caps.fileBytes) return { kind: "too-large", shown, size, cap: caps.fileBytes };
    if (size === 0 || !first) return { kind: "empty", shown };
    const name = path.basename(file);
    return {
      file,
      shown,
      name,
      size,
      hash: sha.digest("hex"),
      mediaType: sniffMediaType(first, name),
      dev: st.dev,
      ino: st.ino,
    };
  } catch (e) {
    return { kind: "unreadable", shown, message: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

/**
 * The content of a prepared file, piece by piece, read again from the same file: a file replaced
 * or grown since it was checked throws EvidenceChanged (the store refuses pieces that do not
 * hash as checked).
 */
export function* contentOf(f: CheckedFile): Generator<Buffer> {
  const fd = reopen(f);
  try {
    yield* readPieces(fd, f.size);
  } finally {
    closeSync(fd);
  }
}
