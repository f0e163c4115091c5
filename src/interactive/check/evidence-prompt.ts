// 佐证材料文件 in the interactive check: after the free-text 佐证材料, the paths of files to attach
// (one, several, or a folder), checked as they are typed: a missing file, a link, a device or a
// file over the cap is said at once and asked again; Enter alone attaches nothing. The files
// are stored with the answer, in its transaction (save-answer.ts: to the rectification a partial
// or failing answer opens, else to the answer).
import { describeProblem, type EvidenceCaps, type PreparedFile } from "../../evidence/attach.js";
import { collectFiles, prepareFile } from "../../evidence/files.js";
import { t } from "../../i18n/index.js";
import type { Ask } from "../ask/types.js";

/**
 * The paths in what a person typed or pasted: quoted paths ("C:\My Photos\a.jpg"), else those
 * separated by `;` or new lines, else the whole line when it is one path, else words.
 */
export function splitPaths(raw: string, exists: (p: string) => boolean): string[] {
  const text = raw.trim();
  if (text === "") return [];
  const quoted = [...text.matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => (m[1] ?? m[2] ?? "").trim());
  if (quoted.length > 0) return quoted.filter((p) => p !== "");
  if (/[;\n；]/.test(text))
    return text
      .split(/[;\n；]/)
      .map((p) => p.trim())
      .filter((p) => p !== "");
  if (exists(text)) return [text];
  return text.split(/\s+/);
}

/** Check what was typed: the files, or the first problem in words. */
export function checkPaths(
  raw: string,
  cwd: string,
  caps: EvidenceCaps,
  exists: (p: string) => boolean,
): { ok: true; files: PreparedFile[] } | { ok: false; message: string } {
  const paths = splitPaths(raw, exists);
  const { files, problems } = collectFiles(paths, cwd);
  const prepared: PreparedFile[] = [];
  for (const f of files) {
    const p = prepareFile(f.file, f.shown, caps);
    if ("kind" in p) problems.push(p);
    else prepared.push(p);
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? t("check.evidenceFiles.more", { count: problems.length - 1 }) : "";
    return { ok: false, message: `${describeProblem(problems[0]!)}${more}` };
  }
  return { ok: true, files: prepared };
}

export async function askEvidenceFiles(
  ask: Ask,
  cwd: string,
  caps: EvidenceCaps,
  exists: (p: string) => boolean,
): Promise<PreparedFile[]> {
  let last: PreparedFile[] = [];
  let checked = "";
  await ask.input({
    message: t("check.evidenceFiles.ask"),
    validate: (v) => {
      const r = checkPaths(v, cwd, caps, exists);
      if (!r.ok) return r.message;
      last = r.files;
      checked = v;
      return true;
    },
    format: (v) =>
      v.trim() === "" ? "" : t("check.evidenceFiles.count", { count: v === checked ? last.length : 0 }),
  });
  return last;
}
