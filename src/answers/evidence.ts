// `evidence_files:` of an answers file: paths relative to the answers file, checked (and hashed)
// with the rest of the file before anything is written, each problem at its line and column; the
// files are attached when the plan is applied, in its transaction, after the answer they prove.
import path from "node:path";
import { describeProblem, type EvidenceCaps } from "../evidence/attach.js";
import { collectFiles, type PreparedFile, prepareFile } from "../evidence/files.js";
import type { Path } from "../yaml/parse.js";

/** The files of one answer (or its rectification), to attach once the answer is stored. */
export interface PlannedEvidence {
  itemKey: string;
  /** To the answer itself, or to the rectification it opens or continues. */
  on: "answer" | "rectification";
  files: PreparedFile[];
}

/** The paths as written: one path, or a list of them. */
export function evidencePaths(v: string | string[] | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((p) => p.trim()).filter((p) => p !== "");
}

/**
 * Check the files of one `evidence_files:` (relative to `baseDir`); each problem is reported at
 * the path that names it (`at(path, message)`).
 */
export function planEvidence(
  paths: readonly string[],
  where: Path,
  baseDir: string,
  caps: EvidenceCaps,
  at: (path: Path, message: string) => void,
): PreparedFile[] {
  const out: PreparedFile[] = [];
  paths.forEach((p, i) => {
    const { files, problems } = collectFiles([p], baseDir);
    for (const f of files) {
      const prepared = prepareFile(f.file, path.relative(baseDir, f.file) || f.shown, caps);
      if ("kind" in prepared) problems.push(prepared);
      else out.push(prepared);
    }
    for (const problem of problems) at([...where, i], describeProblem(problem));
  });
  return out;
}
