// Evidence travels: a school's files reach the bureau's database (SQLite or PostgreSQL) once,
// verified by their hash; a tampered one is refused alone and reported.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type ImportTarget, importTargets } from "../../test/helpers/import-target.js";
import { createSchool } from "../../test/helpers/school.js";
import { EVIDENCE_CHUNK_BYTES } from "../store/port.js";
import { importAll } from "./index.js";
import { importDatabase } from "./session.js";
import type { FileResult } from "./types.js";

const photo = Buffer.alloc(3000, 7);
// More than one piece, so that the copy streams several.
const scan = Buffer.alloc(EVIDENCE_CHUNK_BYTES + 4321, 9);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function readAll(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

function merged(r: FileResult) {
  if (!r.ok) throw new Error(`import failed: ${r.reason} ${r.detail}`);
  return r;
}

for (const factory of importTargets()) {
  describe.skipIf(factory.skip)(`evidence import into ${factory.engine}`, () => {
    let t: ImportTarget;
    let dir: string;
    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), "lookback-evidence-import-"));
      t = await factory.create();
    });
    afterEach(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const school = (name: string, file: string) =>
      createSchool(path.join(dir, file), {
        unit: name,
        evidence: [
          { name: "签到表.jpg", bytes: photo, on: "rectification" },
          { name: "会议记录扫描件.pdf", bytes: scan, on: "answer" },
        ],
      });

    test("imported once, byte for byte; the second import changes nothing", async () => {
      const a = await school("莲塘一小", "a.db");
      const first = merged(await importDatabase(t.store, a.file));
      expect(first.counts.evidence).toMatchObject({ added: 2, updated: 0 });
      const files = await t.store.listEvidence({ unitId: a.unit.id });
      expect(files.map((f) => [f.name, f.size, f.itemKey !== ""])).toEqual([
        ["签到表.jpg", photo.length, true],
        ["会议记录扫描件.pdf", scan.length, true],
      ]);
      expect((await readAll(t.store.evidenceContent(sha(scan)))).equals(scan)).toBe(true);
      const before = await t.dump();
      const second = merged(await importDatabase(t.store, a.file));
      expect(second.counts.evidence).toEqual({ added: 0, updated: 0, unchanged: 2, removed: 0 });
      expect(await t.dump()).toEqual(before);
    });

    test("two schools' same photo is kept once", async () => {
      const a = await school("莲塘一小", "a.db");
      const b = await school("莲塘二小", "b.db");
      const report = await importAll(t.store, [
        { file: a.file, display: "a.db" },
        { file: b.file, display: "b.db" },
      ]);
      expect(report.totals.evidence.added).toBe(4);
      expect((await t.dump()).evidence_contents).toHaveLength(2);
    });

    test("a content altered in the file is refused and reported; the rest of the file is imported", async () => {
      const a = await school("莲塘一小", "a.db");
      const db = new Database(a.file);
      db.prepare("UPDATE evidence_chunks SET data = ? WHERE hash = ?").run(
        Buffer.alloc(photo.length, 8),
        sha(photo),
      );
      db.close();
      const r = merged(await importDatabase(t.store, a.file, "a.db"));
      expect(r.warnings).toContainEqual(
        expect.objectContaining({ kind: "evidence-refused", name: "签到表.jpg", sha256: sha(photo) }),
      );
      expect(r.counts.evidence.added).toBe(1);
      expect(r.counts.rectifications.added).toBe(a.rectifications.length);
      expect((await t.store.evidenceContentsPresent([sha(photo), sha(scan)])).has(sha(photo))).toBe(false);
      expect((await t.store.listEvidence()).map((f) => f.name)).toEqual(["会议记录扫描件.pdf"]);
    });

    test("a file removed at the school is removed here at the next import (kept, marked)", async () => {
      const a = await school("莲塘一小", "a.db");
      merged(await importDatabase(t.store, a.file));
      const db = new Database(a.file);
      db.prepare(
        "UPDATE evidence_files SET removed_at = ?, removed_by = '王老师', rev = rev + 1 WHERE name = '签到表.jpg'",
      ).run(new Date().toISOString());
      db.close();
      const r = merged(await importDatabase(t.store, a.file));
      expect(r.counts.evidence).toMatchObject({ updated: 1, unchanged: 1 });
      expect((await t.store.listEvidence()).map((f) => f.name)).toEqual(["会议记录扫描件.pdf"]);
      expect((await t.store.listEvidence({ includeRemoved: true })).find((f) => f.removedAt)?.removedBy).toBe(
        "王老师",
      );
    });

    test("an attachment naming a content the file does not hold refuses the file whole", async () => {
      const a = await school("莲塘一小", "a.db");
      const db = new Database(a.file);
      db.pragma("foreign_keys = OFF");
      db.prepare("UPDATE evidence_files SET hash = ? WHERE name = '签到表.jpg'").run("a".repeat(64));
      db.close();
      const r = await importDatabase(t.store, a.file);
      expect(r).toMatchObject({
        ok: false,
        reason: "invalid",
        invalid: { table: "evidence_files", column: "hash" },
      });
    });
  });
}
