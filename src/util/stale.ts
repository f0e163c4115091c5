// Leftovers of a lookback that was killed while writing: temporary files named after the
// process that made them (host and pid), so that the next run can tell its own dead ones from
// files another lookback, perhaps on another machine writing to the same share, is still writing.
import { createHash } from "node:crypto";
import { readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Six hex digits naming this machine in temporary file names. */
export const HOST_TAG = createHash("sha256").update(os.hostname()).digest("hex").slice(0, 6);

/** `<host>-<pid>`: the owner part of a temporary name made by this process. */
export const OWNER_TAG = `${HOST_TAG}-${process.pid}`;

/** A file from another machine is only removed once it is this old: its owner cannot be asked. */
const FOREIGN_AGE_MS = 24 * 60 * 60 * 1000;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a leftover owned by `host`-`pid`, last changed at `mtimeMs`, can be removed now. */
export function isStale(host: string, pid: number, mtimeMs: number, now = Date.now()): boolean {
  if (host === HOST_TAG) return !alive(pid);
  return now - mtimeMs > FOREIGN_AGE_MS;
}

/**
 * Remove the entries of `dir` whose name `pattern` matches (groups: host, pid) and whose owner
 * is gone. Returns the names removed; a folder that cannot be read is left alone.
 */
export function removeStale(dir: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const full = path.join(dir, name);
    try {
      if (!isStale(m[1] ?? "", Number(m[2]), statSync(full).mtimeMs)) continue;
      rmSync(full, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}
