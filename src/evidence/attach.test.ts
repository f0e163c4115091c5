// Attaching checked files on a real SQLite store: a file hashed when it was checked is read once
// more only to store it, not at all when its content is held, and refused by its name when it
// changed since the check (nothing of it kept).
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { mini, seedRun, tempDb } from "../../test/fixtures/rectify/seed.js";
import { setLang } from "../i18n/index.js";
import type { Store } from "../store/port.js";
import { attachFiles, type EvidenceCaps } from "./attach.js";
import { EvidenceChanged, type PreparedFile, prepareFile } from "./files.js";

const CAPS: EvidenceCaps = { fileBytes: 20 * 1024 * 1024, unitBytes: 200 * 1024 * 1024 };

let dir: string;
let store: Store;
let unit: { id: string; name: string };
let answerId: string;

beforeAll(() => setLang("en"));
beforeEach(async () => {
  ({ dir, store } = await tempDb());
  const { run } = await seedRun(store, { unit: "莲塘一小", loaded: mini(1), answers: { "a.one": "pass" } });
  unit = { id: run.unitId, name: "莲塘一小" };
  answerId = (await store.listAnswers(run.id))[0]!.id;
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function prepared(name: string, content: Buffer): PreparedFile {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const p = prepareFile(file, name, CAPS);
  if ("kind" in p) throw new Error(`${name}: ${p.kind}`);
  return p;
}

const attach = (files: PreparedFile[]) =>
  store.write((tx) => attachFiles(tx, unit, { answerId }, files, null, CAPS));

describe("files checked (and hashed) before the transaction", () => {
  // Larger than one piece too: both ways a content is read.
  for (const size of [5000, 2.5 * 1024 * 1024]) {
    test(`of ${size} bytes: stored byte for byte; held already, the file is not read again`, async () => {
      const content = Buffer.alloc(size, 7);
      content.write("%PDF-1.7\n");
      const first = prepared("会议记录.pdf", content);
      expect((await attach([first])).stored).toBe(1);
      const parts: Buffer[] = [];
      for await (const p of store.evidenceContent(first.hash)) parts.push(p);
      expect(Buffer.concat(parts).equals(content)).toBe(true);
      // Checked, then gone before it is attached: its content is held, so nothing is read.
      const again = prepared("副本.pdf", content);
      unlinkSync(again.file);
      const done = await attach([again]);
      expect(done.stored).toBe(0);
      expect(done.files.map((f) => [f.name, f.hash, f.mediaType])).toEqual([
        ["副本.pdf", first.hash, "application/pdf"],
      ]);
    });

    test(`of ${size} bytes: changed since the check (same size), refused by its name and nothing kept`, async () => {
      const f = prepared("签到表.pdf", Buffer.alloc(size, 1));
      writeFileSync(f.file, Buffer.alloc(size, 2));
      const e = await attach([f]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(EvidenceChanged);
      expect((e as EvidenceChanged).shown).toBe("签到表.pdf");
      expect(await store.listEvidence()).toEqual([]);
      expect(await store.evidenceContentsPresent([f.hash])).toEqual(new Set());
    });
  }
});
