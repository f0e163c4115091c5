// Writing the planned files: refuse if any is taken (and write nothing), else stage every file
// as a temporary file beside its target and rename them all into place, so an interrupted init
// never leaves a half-written checklist behind.
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { InitFile } from "./plan.js";

export type Conflict =
  /** The file exists (init --force replaces it). */
  | { path: string; reason: "exists" }
  /** A folder, or a file where a folder is needed: even --force cannot replace it. */
  | { path: string; reason: "folder" | "not-a-folder" };

export type WriteOutcome =
  | { ok: true; written: string[]; replaced: string[] }
  | { ok: false; conflicts: Conflict[] };

function kindOf(abs: string): "missing" | "file" | "dir" {
  try {
    return lstatSync(abs).isDirectory() ? "dir" : "file";
  } catch {
    return "missing";
  }
}

/** Every planned path that is taken, in plan order. */
export function findConflicts(root: string, files: readonly InitFile[]): Conflict[] {
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const add = (c: Conflict) => {
    if (!seen.has(c.path)) out.push(c);
    seen.add(c.path);
  };
  if (kindOf(root) === "file") add({ path: ".", reason: "not-a-folder" });
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (kindOf(path.join(root, parent)) === "file") add({ path: parent, reason: "not-a-folder" });
    }
    const kind = kindOf(path.join(root, f.path));
    if (kind === "dir") add({ path: f.path, reason: "folder" });
    else if (kind === "file") add({ path: f.path, reason: "exists" });
  }
  return out;
}

export function writeInitFiles(
  root: string,
  files: readonly InitFile[],
  opts: { force?: boolean } = {},
): WriteOutcome {
  const conflicts = findConflicts(root, files);
  const blocking = conflicts.filter((c) => !opts.force || c.reason !== "exists");
  if (blocking.length > 0) return { ok: false, conflicts: blocking };

  const createdDirs: string[] = [];
  const staged: { tmp: string; target: string; rel: string }[] = [];
  try {
    for (const f of files) {
      const target = path.join(root, f.path);
      const made = mkdirSync(path.dirname(target), { recursive: true });
      if (made) createdDirs.push(made);
      const tmp = path.join(
        path.dirname(target),
        `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`,
      );
      writeFileSync(tmp, f.content, { flag: "wx" });
      staged.push({ tmp, target, rel: f.path });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    for (const d of createdDirs.reverse()) rmSync(d, { recursive: true, force: true });
    throw e;
  }
  const replaced = conflicts.map((c) => c.path);
  for (const s of staged) renameSync(s.tmp, s.target);
  return { ok: true, written: staged.map((s) => s.rel), replaced };
}
