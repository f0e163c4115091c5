// Attaching checked files (files.ts) to an answer or a rectification: every file is checked and
// the unit's cap counted before anything is written; then each content is stored once (by its
// sha256: the same photo twice is kept once) and each attachment recorded, in the caller's
// write transaction.
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { LIMITS, megabytes } from "../input/limits.js";
import { EvidenceContentMismatch, type WriteTx } from "../store/port.js";
import type { EvidenceFile, EvidenceTarget } from "../store/types.js";
import {
  type CheckedFile,
  checkFile,
  collectFiles,
  type EvidenceCaps,
  EvidenceChanged,
  type FileProblem,
  prepareFile,
  type ReadContent,
  readContent,
} from "./files.js";
import { formatSize } from "./format.js";

export type { CheckedFile, EvidenceCaps, FileProblem, PreparedFile } from "./files.js";

const MiB = 1024 * 1024;

/** A cap in MB as typed (an option or the environment): a positive number, at most 4096. */
function capBytes(raw: string | undefined, fallback: number, what: string): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = Number(raw.trim());
  if (!Number.isFinite(v) || v <= 0 || v > 4096)
    throw usageError("evidence.badCap", { value: raw, what }, { hintKey: "evidence.badCap.hint" });
  return Math.floor(v * MiB);
}

/** The caps: `--max-file-mb` / `--max-unit-mb`, else LOOKBACK_EVIDENCE_MAX_FILE_MB / _UNIT_MB, else the defaults. */
export function evidenceCaps(
  opts: { maxFileMb?: string; maxUnitMb?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): EvidenceCaps {
  return {
    fileBytes: capBytes(
      opts.maxFileMb ?? env.LOOKBACK_EVIDENCE_MAX_FILE_MB,
      LIMITS.evidenceFileBytes,
      "--max-file-mb",
    ),
    unitBytes: capBytes(
      opts.maxUnitMb ?? env.LOOKBACK_EVIDENCE_MAX_UNIT_MB,
      LIMITS.evidenceUnitBytes,
      "--max-unit-mb",
    ),
  };
}

/** One problem in words: the file as the person named it, and what is wrong with it. */
export function describeProblem(p: FileProblem): string {
  switch (p.kind) {
    case "too-large":
      return t("evidence.problem.too-large", {
        file: p.shown,
        size: megabytes(p.size),
        cap: megabytes(p.cap),
      });
    case "not-regular":
      return t("evidence.problem.not-regular", { file: p.shown, kind: t(`input.kind.${p.fileKind}`) });
    case "too-many":
      return t("evidence.problem.too-many", { file: p.shown, max: p.max });
    case "unreadable":
      return t("evidence.problem.unreadable", { file: p.shown, message: p.message });
    default:
      return t(`evidence.problem.${p.kind}`, { file: p.shown });
  }
}

/** The files named, checked (not read yet); any problem refuses them all (exit 2), each named. */
export function checkFiles(args: readonly string[], base: string, caps: EvidenceCaps): CheckedFile[] {
  const { files, problems } = collectFiles(args, base);
  const prepared: CheckedFile[] = [];
  for (const f of files) {
    const p = checkFile(f.file, f.shown, caps);
    if ("kind" in p) problems.push(p);
    else prepared.push(p);
  }
  if (problems.length > 0) {
    throw usageError(
      problems.length === 1 ? "evidence.refused.one" : "evidence.refused",
      { count: problems.length, first: describeProblem(problems[0]!) },
      {
        hintKey: "evidence.refused.hint",
        details: problems.length === 1 ? [] : problems.map(describeProblem),
      },
    );
  }
  return prepared;
}

function unitCapError(unit: { name: string }, current: number, total: number, count: number, cap: number) {
  return usageError(
    "evidence.unitCap",
    { unit: unit.name, current: megabytes(current), total: megabytes(total), cap: megabytes(cap), count },
    { hintKey: "evidence.unitCap.hint" },
  );
}

/** Bytes the files add to a unit holding `held`: each content it lacks, once (a file not hashed yet by its size). */
function addedBytes(held: ReadonlyMap<string, number>, files: readonly CheckedFile[]): number {
  const seen = new Set<string>();
  let added = 0;
  for (const f of files) {
    if (f.hash !== undefined && (held.has(f.hash) || seen.has(f.hash))) continue;
    if (f.hash !== undefined) seen.add(f.hash);
    added += f.size;
  }
  return added;
}

/**
 * The unit's cap, before one byte is stored: what the unit holds (by hash) plus the files' sizes
 * (stat). Only when that passes the cap are the files that may hold a content already there read
 * to hash them, so that it is not counted twice; over the cap still, nothing is stored and
 * the error says the unit, its total and the cap. The files come back hashed when they were.
 */
async function checkUnitCapBefore(
  tx: Pick<WriteTx, "unitEvidenceContents">,
  unit: { id: string; name: string },
  files: readonly CheckedFile[],
  caps: EvidenceCaps,
): Promise<{ files: readonly CheckedFile[]; current: number }> {
  const held = await tx.unitEvidenceContents(unit.id);
  let current = 0;
  for (const size of held.values()) current += size;
  const upper = addedBytes(held, files);
  if (upper === 0 || current + upper <= caps.unitBytes) return { files, current };
  // Two contents of different sizes differ: only a file whose size the unit (or another file
  // here) has can be one held already, and only those are read to know.
  const sizes = new Map<number, number>();
  for (const size of held.values()) sizes.set(size, 2);
  for (const f of files) sizes.set(f.size, (sizes.get(f.size) ?? 0) + 1);
  const hashed = files.map((f) => ((sizes.get(f.size) ?? 0) > 1 ? hashChecked(f) : f));
  const added = addedBytes(held, hashed);
  // A unit over a cap lowered since may still take a content it holds: the cap bounds growth.
  const total = current + added;
  if (added > 0 && total > caps.unitBytes)
    throw unitCapError(unit, current, total, files.length, caps.unitBytes);
  return { files: hashed, current };
}

/** A checked file hashed (read once, nothing kept); one changed since it was checked throws EvidenceChanged. */
function hashChecked(f: CheckedFile): CheckedFile {
  if (f.hash !== undefined) return f;
  const p = prepareFile(f.file, f.shown, { fileBytes: f.size, unitBytes: Number.MAX_SAFE_INTEGER });
  if ("kind" in p || p.size !== f.size || p.dev !== f.dev || p.ino !== f.ino)
    throw new EvidenceChanged(f.shown);
  return p;
}

/** Store one file's content; pieces that are not what was checked (changed since) are said by its name. */
async function putContent(tx: WriteTx, f: CheckedFile, content: ReadContent): Promise<boolean> {
  try {
    return await tx.putEvidenceContent({ hash: content.hash, size: f.size, chunks: content.chunks });
  } catch (e) {
    if (e instanceof EvidenceContentMismatch) throw new EvidenceChanged(f.shown);
    throw e;
  }
}

export interface Attached {
  files: EvidenceFile[];
  /** Contents stored now (the others were held already: the same file attached before). */
  stored: number;
}

/** The history note of files attached to a rectification: their names, within a text field's limit. */
function addedNote(files: readonly { name: string; size: number }[]): string {
  const names = files.map((f) => `${f.name} (${formatSize(f.size)})`);
  let shown = names.join("、");
  if (shown.length > 1500) shown = `${names.slice(0, 20).join("、")}… (${names.length})`;
  return t("evidence.history.added", { name: shown, size: String(files.length) });
}

/**
 * Store and attach every file to `target` of `unit`, in `tx`: each read once (twice when larger
 * than one piece), its content stored once by hash. Past the unit's cap (checked before anything
 * is stored, and counted again exactly once stored) it throws, and the caller's transaction
 * keeps nothing of it. One history entry names
 * the files when they prove a rectification.
 */
export async function attachFiles(
  tx: WriteTx,
  unit: { id: string; name: string },
  target: EvidenceTarget,
  files: readonly CheckedFile[],
  by: string | null,
  caps: EvidenceCaps,
): Promise<Attached> {
  const out: Attached = { files: [], stored: 0 };
  const note = addedNote(files);
  const checked = await checkUnitCapBefore(tx, unit, files, caps);
  for (const [i, f] of checked.files.entries()) {
    const content = readContent(f);
    if (await putContent(tx, f, content)) out.stored++;
    out.files.push(
      await tx.attachEvidence({
        target,
        hash: content.hash,
        name: f.name,
        size: f.size,
        mediaType: content.mediaType,
        by,
        // Written once, with the last file: the history says what was attached, not file by file.
        historyNote: i === files.length - 1 ? note : null,
      }),
    );
  }
  // Counted again, exactly, in the same transaction: another writer may have attached meanwhile.
  const total = await tx.unitEvidenceBytes(unit.id);
  if (total > caps.unitBytes && total > checked.current)
    throw unitCapError(unit, checked.current, total, files.length, caps.unitBytes);
  return out;
}
