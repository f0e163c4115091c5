// One stored evidence file written back out (`lookback evidence extract`): to a temporary file in
// the target's folder, its content checked against its sha256 as it is written, then put in
// place under its name without ever replacing a file there (a hard link fails on an existing
// name; where links are not possible, the name is checked just before the rename).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { link, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { usageError, userError } from "../errors.js";
import { uniqueEntryNames } from "../ledger/names.js";
import type { EvidenceFile } from "../store/types.js";

/** Where the file goes: `--out` (a file, or a folder to put it in), else the current folder; its name made safe. */
export function extractTarget(
  file: Pick<EvidenceFile, "name">,
  out: string | undefined,
  cwd: string,
): string {
  const safe = uniqueEntryNames([file.name])[0] ?? "evidence";
  if (out === undefined || out.trim() === "") return path.join(cwd, safe);
  const given = path.resolve(cwd, out.trim());
  // `收回/` means a folder, there or not (extractTo says when it is missing), never a file named 收回.
  if (/[\\/]$/.test(out.trim()) || (existsSync(given) && statSync(given).isDirectory()))
    return path.join(given, safe);
  return given;
}

const refuseExisting = (target: string) =>
  usageError("evidence.extract.exists", { path: target }, { hintKey: "evidence.extract.exists.hint" });

/** Put the finished temporary file at `target`, never over a file there. */
async function placeAt(tmp: string, target: string): Promise<void> {
  try {
    await link(tmp, target);
    await rm(tmp, { force: true });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw refuseExisting(target);
    // A file system without hard links (FAT, some network shares): checked, then renamed.
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw e;
  }
  if (existsSync(target)) throw refuseExisting(target);
  await rename(tmp, target);
}

/** Write `pieces` (the content of `file`) to `target`; any failure leaves nothing behind. */
export async function extractTo(
  file: Pick<EvidenceFile, "id" | "hash" | "size">,
  pieces: AsyncIterable<Buffer>,
  target: string,
): Promise<void> {
  const folder = path.dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw usageError("evidence.extract.noFolder", { folder }, { hintKey: "evidence.extract.noFolder.hint" });
  if (existsSync(target)) throw refuseExisting(target);
  const tmp = path.join(folder, `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
  const out = await open(tmp, "wx");
  try {
    const sha = createHash("sha256");
    let size = 0;
    for await (const piece of pieces) {
      sha.update(piece);
      size += piece.length;
      if (size > file.size) break;
      await out.write(piece);
    }
    await out.sync();
    await out.close();
    const actual = sha.digest("hex");
    if (actual !== file.hash || size !== file.size)
      throw userError("evidence.extract.damaged", { id: file.id.slice(0, 8), hash: file.hash, size, actual });
    await placeAt(tmp, target);
  } catch (e) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
