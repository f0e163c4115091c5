// 佐证材料 beside the ledgers: `export --with-evidence` writes each unit's files under a folder of
// its own (`<unit>-佐证材料/<item>/<file>`, every part made safe and unique as ledger names are),
// and the ledger's 佐证材料 cells name the files and link to them by a relative path, so that a
// click in Excel or WPS opens the file (or the item's folder, when there are several) wherever
// the folder was copied with the ledger. Contents are streamed from the database piece by piece.
import { mkdirSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { StoreReads } from "../store/port.js";
import type { EvidenceFile } from "../store/types.js";
import { OWNER_TAG } from "../util/stale.js";
import { uniqueEntryNames } from "./names.js";

/** One file as the ledger shows it. */
export interface ExportedEvidence {
  id: string;
  /** Its name as attached. */
  name: string;
  /** Where it is written, relative to the ledger (forward slashes); null when not exported. */
  file: string | null;
  sha256: string;
  size: number;
  mediaType: string;
  addedAt: string;
  addedBy: string | null;
}

/** What a 佐证材料 cell shows: the file names, and where a click goes (a file, or the item's folder). */
export interface EvidenceCellLink {
  files: ExportedEvidence[];
  link: string | null;
}

export interface UnitEvidence {
  byAnswer: Map<string, EvidenceCellLink>;
  byRectification: Map<string, EvidenceCellLink>;
  /** Every file with where it goes, for writing. */
  files: { file: EvidenceFile; path: string | null }[];
}

/** A relative path as a hyperlink target: each segment percent-encoded where a URI needs it. */
export function hrefOf(relative: string): string {
  return relative
    .split("/")
    .map((seg) =>
      seg.replace(
        /[%#? [\]{}^`"<>|\\]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
      ),
    )
    .join("/");
}

function cellOf(list: ExportedEvidence[]): EvidenceCellLink {
  const first = list[0]?.file ?? null;
  if (list.length === 1 || first === null) return { files: list, link: first };
  // Several files of one item: its folder.
  return { files: list, link: `${path.posix.dirname(first)}/` };
}

/**
 * A unit's evidence (not removed) as the ledger shows it; with `folder` (its folder's name beside
 * the ledger), where each file is written.
 */
export async function unitEvidence(
  store: StoreReads,
  unitId: string,
  folder: string | null,
): Promise<UnitEvidence> {
  return evidenceOf(await store.listEvidence({ unitId }), folder);
}

/** unitEvidence of the files read already (listEvidence's order). */
export function evidenceOf(all: readonly EvidenceFile[], folder: string | null): UnitEvidence {
  const byItem = new Map<string, EvidenceFile[]>();
  for (const f of all) byItem.set(f.itemKey, [...(byItem.get(f.itemKey) ?? []), f]);
  const itemFolders = uniqueEntryNames([...byItem.keys()].map((k) => k.replace(/\./g, "-")));
  const files: UnitEvidence["files"] = [];
  [...byItem.values()].forEach((list, i) => {
    const names = uniqueEntryNames(list.map((f) => f.name));
    list.forEach((f, j) => {
      files.push({ file: f, path: folder === null ? null : `${folder}/${itemFolders[i]}/${names[j]}` });
    });
  });
  const byAnswer = new Map<string, ExportedEvidence[]>();
  const byRect = new Map<string, ExportedEvidence[]>();
  for (const { file: f, path: p } of files) {
    const shown: ExportedEvidence = {
      id: f.id,
      name: f.name,
      file: p,
      sha256: f.hash,
      size: f.size,
      mediaType: f.mediaType,
      addedAt: f.addedAt,
      addedBy: f.addedBy,
    };
    const map = f.rectificationId ? byRect : byAnswer;
    const key = f.rectificationId ?? f.answerId ?? "";
    map.set(key, [...(map.get(key) ?? []), shown]);
  }
  const cells = (m: Map<string, ExportedEvidence[]>) => new Map([...m].map(([k, v]) => [k, cellOf(v)]));
  return { byAnswer: cells(byAnswer), byRectification: cells(byRect), files };
}

let tmpCounter = 0;

/** Write one content under `outDir`, through a temporary file; never outside `outDir`. */
async function writeContent(
  store: StoreReads,
  outDir: string,
  relative: string,
  hash: string,
  force: boolean,
) {
  const target = path.resolve(outDir, ...relative.split("/"));
  if (!target.startsWith(outDir + path.sep))
    throw new Error(`refusing to write outside ${outDir}: ${relative}`);
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${OWNER_TAG}.${(tmpCounter++).toString(36)}.tmp`,
  );
  const out = await open(tmp, "wx");
  try {
    for await (const piece of store.evidenceContent(hash)) await out.write(piece);
  } catch (e) {
    await out.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await out.close();
  if (!force) {
    try {
      await open(target, "r").then((h) => h.close());
      await rm(tmp, { force: true });
      throw Object.assign(new Error(`${target} exists`), { code: "EEXIST" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  await rename(tmp, target);
}

/** Every file of the unit to its place (one piece of one file in memory at a time). */
export async function writeUnitEvidence(
  store: StoreReads,
  outDir: string,
  evidence: UnitEvidence,
  force: boolean,
): Promise<number> {
  let n = 0;
  for (const { file, path: p } of evidence.files) {
    if (p === null) continue;
    await writeContent(store, outDir, p, file.hash, force);
    n++;
  }
  return n;
}
