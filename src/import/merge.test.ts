import { randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { writeVersion1WithDuplicates } from "../../test/fixtures/store/v1.js";
import { type ImportTarget, importTargets } from "../../test/helpers/import-target.js";
import { builtin, createSchool, rowCounts, type School } from "../../test/helpers/school.js";
import { APPLICATION_ID } from "../store/db.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import { importAll } from "./index.js";
import { importDatabase } from "./session.js";
import { expandSources } from "./sources.js";
import { IMPORTED } from "./spec.js";
import type { FileResult, KindCounts } from "./types.js";

let dir: string;

for (const factory of importTargets()) {
  describe.skipIf(factory.skip)(`import into ${factory.engine}`, () => {
    let t: ImportTarget;
    let target: Store;

    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), "lookback-import-test-"));
      t = await factory.create();
      target = t.store;
    });
    afterEach(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Rows per table import reads (as rowCounts gives them for a school's file). */
    const counts = (dump: Record<string, unknown[]>): Record<string, number> =>
      Object.fromEntries(IMPORTED.map((spec) => [spec.table, dump[spec.table]?.length ?? 0]));

    function ok(r: FileResult): KindCounts {
      if (!r.ok) throw new Error(`import failed: ${r.reason} ${r.detail}`);
      return r.counts;
    }

    /** Run SQL on a school's file, as if the school had gone on working (timestamps set explicitly). */
    function edit(file: string, fn: (db: Database.Database) => void): void {
      const db = new Database(file);
      try {
        fn(db);
      } finally {
        db.close();
      }
    }

    const later = (iso: string, ms = 60_000) => new Date(Date.parse(iso) + ms).toISOString();

    /** Deterministic bytes, so that a failing run can be reproduced. */
    function noise(n: number, seed = 42): Buffer {
      const out = Buffer.alloc(n);
      let x = seed;
      for (let i = 0; i < n; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        out[i] = x >> 16;
      }
      return out;
    }

    describe("import", () => {
      test("the same file twice: the second time everything is unchanged and no row moves", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "3601210001" });
        const first = ok(await importDatabase(target, a.file));
        expect(first.units.added).toBe(1);
        expect(first.runs.added).toBe(1);
        expect(first.answers.added).toBeGreaterThan(20);
        expect(first.rectifications.added).toBe(a.rectifications.length);
        expect(first.history.added).toBe(a.rectifications.length);
        const before = await t.dump();

        const second = ok(await importDatabase(target, a.file));
        for (const counts of Object.values(second)) {
          expect(counts.added + counts.updated + counts.removed).toBe(0);
        }
        expect(second.answers.unchanged).toBe(first.answers.added);
        expect(await t.dump()).toEqual(before);
        // The county now holds exactly what the school holds.
        expect(counts(await t.dump())).toEqual(rowCounts(a.file));
      });

      test("two schools' files add up; the shared checklist snapshot is stored once", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        const b = await createSchool(path.join(dir, "b.db"), { unit: "莲塘二小", leaders: ["刘书记"] });
        const report = await importAll(target, [
          { file: a.file, display: "a.db" },
          { file: b.file, display: "b.db" },
        ]);
        expect(report.failed).toBe(0);
        expect(report.totals.units.added).toBe(2);
        expect(report.totals.snapshots).toMatchObject({ added: 1, unchanged: 1 });
        expect(report.totals.runs.added).toBe(2);
        const here = counts(await t.dump());
        const ca = rowCounts(a.file);
        const cb = rowCounts(b.file);
        expect(here.answers).toBe((ca.answers ?? 0) + (cb.answers ?? 0));
        expect(here.rectifications).toBe((ca.rectifications ?? 0) + (cb.rectifications ?? 0));
        expect((await target.listUnits()).map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
      });

      test("changed on both sides since the last import: each side's own groups kept, the clash reported, history a union", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        const rect = a.rectifications[0]!;
        const oldCopy = path.join(dir, "a-old.db");
        copyFileSync(a.file, oldCopy);
        ok(await importDatabase(target, a.file));

        // The bureau follows up one rectification; the school later moves it on and revises a note.
        const bureauAt = later(rect.updatedAt, 60_000);
        await target.changeRectification(rect.id, {
          toStatus: "in-progress",
          by: "督导组",
          note: "已督办",
          at: bureauAt,
        });
        const school = await openStore(a.file, { intent: "write" });
        await school.changeRectification(rect.id, {
          toStatus: "done",
          by: "赵主任",
          note: "已完成",
          at: later(rect.updatedAt, 120_000),
          patch: { progress: "已整改到位" },
        });
        const answer = (await school.listAnswers(a.run.id)).find((x) => x.itemKey === rect.itemKey)!;
        await school.close();
        // As saveAnswer does it: the revision goes up with the change.
        edit(a.file, (db) =>
          db
            .prepare("UPDATE answers SET note = '补充说明', updated_at = ?, rev = rev + 1 WHERE id = ?")
            .run(later(answer.updatedAt, 180_000), answer.id),
        );

        const result = await importDatabase(target, a.file);
        const second = ok(result);
        expect(second.rectifications).toMatchObject({ updated: 1, added: 0 });
        expect(second.answers).toMatchObject({ updated: 1, added: 0 });
        expect(second.history.added).toBe(1);
        const merged = (await target.getRectification(rect.id))!;
        // Both moved the status: the bureau's is kept, the school's is reported with both versions.
        expect(merged.status).toBe("in-progress");
        expect(result.ok && result.mergeConflicts).toEqual([
          expect.objectContaining({
            kind: "rectifications",
            id: rect.id,
            group: "status",
            kept: "local",
            local: expect.objectContaining({ status: "in-progress" }),
            incoming: expect.objectContaining({ status: "done" }),
          }),
        ]);
        // Only the school wrote the progress: it is taken.
        expect(merged.progress).toBe("已整改到位");
        expect((await target.listHistory(rect.id)).map((h) => [h.by, h.toStatus])).toEqual([
          ["王老师", "open"],
          ["督导组", "in-progress"],
          ["赵主任", "done"],
        ]);
        expect((await target.listAnswers(a.run.id)).find((x) => x.id === answer.id)?.note).toBe("补充说明");

        // The older copy arrives late: it loses everywhere and changes nothing.
        const before = await t.dump();
        const late = ok(await importDatabase(target, oldCopy));
        expect(late.rectifications).toMatchObject({ added: 0, updated: 0 });
        expect(late.answers).toMatchObject({ added: 0, updated: 0 });
        expect(await t.dump()).toEqual(before);
      });

      test("each side changed another part of a rectification: both changes are kept, whatever the clocks", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        ok(await importDatabase(target, a.file));
        const rect = a.rectifications[0]!;
        await target.changeRectification(rect.id, {
          toStatus: "in-progress",
          by: "督导组",
          note: null,
          at: later(rect.updatedAt, 600_000),
        });
        // The school touched the same rectification, but earlier than the bureau did.
        edit(a.file, (db) =>
          db
            .prepare("UPDATE rectifications SET remark = '学校备注', updated_at = ? WHERE id = ?")
            .run(later(rect.updatedAt, 1_000), rect.id),
        );
        const result = await importDatabase(target, a.file);
        const r = ok(result);
        expect(r.rectifications.updated).toBe(1);
        const kept = (await target.getRectification(rect.id))!;
        expect(kept.status).toBe("in-progress");
        expect(kept.remark).toBe("学校备注");
        expect(result.ok && result.mergeConflicts).toEqual([]);
      });

      test("an answer under another id for the same (run, item): one row, the newer wins, the local id stays", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        const copy = path.join(dir, "a-other-pc.db");
        copyFileSync(a.file, copy);
        ok(await importDatabase(target, a.file));
        const original = (await target.listAnswers(a.run.id))[0]!;
        edit(copy, (db) =>
          db
            .prepare("UPDATE answers SET id = ?, note = '另一台电脑', updated_at = ? WHERE id = ?")
            .run(randomUUID(), later(original.updatedAt), original.id),
        );
        const r = ok(await importDatabase(target, copy));
        expect(r.answers).toMatchObject({ added: 0, updated: 1 });
        const rows = (await target.listAnswers(a.run.id)).filter((x) => x.itemKey === original.itemKey);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ id: original.id, note: "另一台电脑" });
        // Importing it again changes nothing.
        const again = ok(await importDatabase(target, copy));
        expect(again.answers.updated + again.answers.added).toBe(0);
      });

      test("a rectification under another id for the same (run, item): history re-pointed to the local one", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        const copy = path.join(dir, "a-other-pc.db");
        copyFileSync(a.file, copy);
        ok(await importDatabase(target, a.file));
        const rect = a.rectifications[0]!;
        const otherRect = randomUUID();
        edit(copy, (db) => {
          db.pragma("foreign_keys = OFF");
          db.prepare("UPDATE rectifications SET id = ?, owner = '钱老师', updated_at = ? WHERE id = ?").run(
            otherRect,
            later(rect.updatedAt),
            rect.id,
          );
          db.prepare(
            "UPDATE rectification_history SET id = ?, rectification_id = ? WHERE rectification_id = ?",
          ).run(randomUUID(), otherRect, rect.id);
          db.prepare("UPDATE answers SET rectification_id = ? WHERE rectification_id = ?").run(
            otherRect,
            rect.id,
          );
        });
        const r = ok(await importDatabase(target, copy));
        expect(r.rectifications).toMatchObject({ added: 0, updated: 1 });
        expect(r.history.added).toBe(1);
        expect(await target.getRectification(otherRect)).toBeUndefined();
        expect((await target.getRectification(rect.id))?.owner).toBe("钱老师");
        expect(await target.listHistory(rect.id)).toHaveLength(2);
      });

      test("a unit matched by name under another id: its runs and rectifications are re-pointed to the local unit", async () => {
        const local = await target.ensureUnit("莲塘一小", {
          code: "3601210001",
          township: "莲塘镇",
          type: "小学",
        });
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        expect(a.unit.id).not.toBe(local.id);
        const r = ok(await importDatabase(target, a.file));
        expect(r.units).toMatchObject({ added: 0 });
        expect(await target.listUnits()).toHaveLength(1);
        expect((await target.getRun(a.run.id))?.unitId).toBe(local.id);
        expect(await target.listRectifications({ unitId: local.id })).toHaveLength(a.rectifications.length);
        // The roster's code and township are kept, not erased by the school's empty ones.
        expect(await target.getUnit(local.id)).toMatchObject({
          code: "3601210001",
          township: "莲塘镇",
          type: "小学",
        });
      });

      test("a unit matched by code under another name is the same unit", async () => {
        const local = await target.ensureUnit("南昌县莲塘第一小学", { code: "3601210001" });
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "3601210001" });
        ok(await importDatabase(target, a.file));
        expect(await target.listUnits()).toHaveLength(1);
        expect((await target.getRun(a.run.id))?.unitId).toBe(local.id);
      });

      test("a unit renamed at the school since the last import is found by its id and renamed here", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        ok(await importDatabase(target, a.file));
        edit(a.file, (db) =>
          db
            .prepare("UPDATE units SET name = '南昌县莲塘第一小学', updated_at = ? WHERE id = ?")
            .run(later(a.unit.updatedAt), a.unit.id),
        );
        const r = ok(await importDatabase(target, a.file));
        expect(r.units).toMatchObject({ added: 0, updated: 1 });
        expect((await target.listUnits()).map((u) => u.name)).toEqual(["南昌县莲塘第一小学"]);
      });

      test("the same name with another code is reported, not merged, and its runs are skipped", async () => {
        await target.ensureUnit("莲塘一小", { code: "3601210001" });
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "9999" });
        const b = await createSchool(path.join(dir, "b.db"), { unit: "莲塘二小" });
        const report = await importAll(target, [
          { file: a.file, display: "a.db" },
          { file: b.file, display: "b.db" },
        ]);
        const ra = report.files[0]!;
        expect(ra.ok && ra.conflicts).toEqual([
          { name: "莲塘一小", code: "9999", localCode: "3601210001", runsSkipped: 1 },
        ]);
        expect(ra.ok && ra.counts.runs.added).toBe(0);
        expect(ra.ok && ra.counts.answers.added).toBe(0);
        expect(report.runsSkipped).toBe(1);
        expect(await target.getRun(a.run.id)).toBeUndefined();
        expect(await target.getRun(b.run.id)).toBeDefined();
      });

      test("an answer revised to pass at the school drops the rectification; a late older copy does not bring it back", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", finish: false });
        const v1 = path.join(dir, "a-v1.db");
        copyFileSync(a.file, v1);
        ok(await importDatabase(target, a.file));
        const rect = a.rectifications[0]!;
        const school = await openStore(a.file, { intent: "write" });
        const answer = (await school.listAnswers(a.run.id)).find((x) => x.itemKey === rect.itemKey)!;
        await school.saveAnswer(a.run.id, {
          itemKey: answer.itemKey,
          sectionId: answer.sectionId,
          itemId: answer.itemId,
          leader: answer.leader,
          result: "pass",
          note: null,
          evidence: null,
          naReason: null,
        });
        await school.close();

        const r = ok(await importDatabase(target, a.file));
        expect(r.rectifications.removed).toBe(1);
        expect(await target.getRectification(rect.id)).toBeUndefined();
        expect(await target.listHistory(rect.id)).toHaveLength(0);

        const late = ok(await importDatabase(target, v1));
        expect(late.rectifications).toMatchObject({ added: 0, removed: 0 });
        expect(await target.getRectification(rect.id)).toBeUndefined();
        expect((await target.listAnswers(a.run.id)).find((x) => x.itemKey === rect.itemKey)?.result).toBe(
          "pass",
        );
      });

      test("an unfinished run of a unit that has one open here is kept, set aside, and said so; again, nothing changes", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", finish: false });
        // The bureau started its own round of the same checklist for that unit.
        const unit = await target.ensureUnit("莲塘一小");
        const snapshot = await target.saveSnapshot(builtin());
        const mine = await target.createRun({ unitId: unit.id, snapshot, respondent: "督导组", leaders: [] });
        const result = await importDatabase(target, a.file);
        expect(ok(result).runs.added).toBe(1);
        expect(result.ok && result.warnings).toContainEqual({
          kind: "run-set-aside",
          unit: "莲塘一小",
          checklist: "self-check",
        });
        expect(await target.getRun(a.run.id)).toMatchObject({ status: "in-progress", supersededBy: mine.id });
        expect(await target.latestRun(unit.id, "self-check", { unfinishedOnly: true })).toMatchObject({
          id: mine.id,
        });
        const before = await t.dump();
        const again = ok(await importDatabase(target, a.file));
        expect(again.runs).toMatchObject({ added: 0, updated: 0 });
        expect(await t.dump()).toEqual(before);
      });

      test("a file whose clock runs a year ahead is imported and said to be; its history is numbered here", async () => {
        const a = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
        const ahead = new Date(Date.now() + 400 * 86_400_000).toISOString();
        edit(a.file, (db) => {
          db.prepare("UPDATE rectification_history SET at = ?, seq = seq + 1000000").run(ahead);
          db.prepare("UPDATE answers SET updated_at = ?").run(ahead);
        });
        const other = await createSchool(path.join(dir, "b.db"), { unit: "莲塘二小" });
        ok(await importDatabase(target, other.file));
        const result = await importDatabase(target, a.file);
        ok(result);
        const warning = result.ok ? result.warnings.find((w) => w.kind === "clock-ahead") : undefined;
        expect(warning).toMatchObject({ kind: "clock-ahead", latest: ahead });
        expect(warning && "days" in warning && warning.days).toBeGreaterThanOrEqual(399);
        // The school's seq numbers order nothing here: its entries come after the ones already here.
        const first = (await target.listHistory(other.rectifications[0]!.id))[0]!;
        const theirs = (await target.listHistory(a.rectifications[0]!.id))[0]!;
        const seqs = (await t.dump()).rectification_history as { id: string; seq: number }[];
        const seqOf = (id: string) => seqs.find((h) => h.id === id)!.seq;
        expect(seqOf(theirs.id)).toBeGreaterThan(seqOf(first.id));
        expect(Math.max(...seqs.map((h) => h.seq))).toBeLessThan(1_000_000);
      });

      test("answers still in the school's WAL file are imported, and the school's files are left as they were", async () => {
        const file = path.join(dir, "open.db");
        const school = await openStore(file, { intent: "write" });
        try {
          const unit = await school.ensureUnit("还开着的学校");
          await school.createRun({
            unitId: unit.id,
            snapshot: await school.saveSnapshot(builtin()),
            respondent: "王老师",
            leaders: [],
          });
          // Still open: the rows live in open.db-wal, not yet in open.db.
          expect(existsSync(`${file}-wal`)).toBe(true);
          const before = readdirSync(dir)
            .filter((f) => f.startsWith("open.db"))
            .map((f) => [f, readFileSync(path.join(dir, f)).toString("base64")]);
          const r = ok(await importDatabase(target, file));
          expect(r.units.added).toBe(1);
          expect(r.runs.added).toBe(1);
          const after = readdirSync(dir)
            .filter((f) => f.startsWith("open.db"))
            .map((f) => [f, readFileSync(path.join(dir, f)).toString("base64")]);
          expect(after).toEqual(before);
        } finally {
          await school.close();
        }
      });
    });

    describe("bad files are named with their reason; the target is untouched and the others still import", () => {
      function realSchool(name: string): Promise<School> {
        return createSchool(path.join(dir, `${name}.db`), { unit: name });
      }

      test.each([
        [
          "corrupt",
          (file: string) => {
            const bytes = readFileSync(file);
            const start = 4096;
            noise(Math.floor(bytes.length / 2)).copy(bytes, start);
            writeFileSync(file, bytes);
          },
        ],
        [
          "corrupt",
          (file: string) => {
            const bytes = readFileSync(file);
            writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
          },
        ],
        ["not-sqlite", (file: string) => writeFileSync(file, "这不是数据库\nnot a database\n".repeat(50))],
        [
          "foreign",
          (file: string) => {
            rmSync(file);
            const db = new Database(file);
            db.exec(
              "CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO students (name) VALUES ('张三');",
            );
            db.close();
          },
        ],
        ["newer", (file: string) => edit(file, (db) => db.pragma("user_version = 99"))],
        ["empty", (file: string) => writeFileSync(file, "")],
      ] as const)("%s", async (reason, spoil) => {
        const good = await realSchool("莲塘一小");
        ok(await importDatabase(target, good.file));
        const bad = await realSchool("坏学校");
        const other = await realSchool("莲塘二小");
        spoil(bad.file);
        const before = await t.dump();

        const report = await importAll(target, [
          { file: bad.file, display: "坏学校.db" },
          { file: other.file, display: "莲塘二小.db" },
        ]);
        const failed = report.files[0]!;
        expect(failed).toMatchObject({ ok: false, file: "坏学校.db", reason });
        if (reason === "newer") expect(failed.ok === false && failed.detail).toBe("99");
        expect(report.files[1]?.ok).toBe(true);
        expect(report.failed).toBe(1);

        // Only 莲塘二小's rows were added; nothing of the bad file reached the county.
        const after = await t.dump();
        expect((await target.listUnits()).map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
        expect(after.answers?.length).toBe(
          (before.answers?.length ?? 0) + (rowCounts(other.file).answers ?? 0),
        );
        for (const row of before.answers ?? []) expect(after.answers).toContainEqual(row);
      });

      test("a run pointing at a snapshot the file lacks is refused before anything is merged", async () => {
        const a = await realSchool("莲塘一小");
        edit(a.file, (db) => {
          db.pragma("foreign_keys = OFF");
          db.prepare("UPDATE runs SET checklist_hash = ?").run("0".repeat(64));
        });
        const before = await t.dump();
        const r = await importDatabase(target, a.file);
        expect(r).toMatchObject({
          ok: false,
          reason: "invalid",
          invalid: { table: "runs", row: 1, column: "checklist_hash" },
        });
        expect(await t.dump()).toEqual(before);
      });

      test("a failure in the middle of a merge rolls that file back entirely", async () => {
        const first = await realSchool("莲塘一小");
        ok(await importDatabase(target, first.file));
        // A valid file whose last answer reuses an id of an answer here, under another run: the
        // insert fails after its unit, run and other answers were merged.
        const b = await realSchool("莲塘二小");
        const taken = (await target.listAnswers(first.run.id))[0]!.id;
        edit(b.file, (db) => {
          const last = db.prepare("SELECT id FROM answers ORDER BY rowid DESC LIMIT 1").pluck().get();
          db.prepare("UPDATE answers SET id = ? WHERE id = ?").run(taken, last);
        });
        const before = await t.dump();
        const r = await importDatabase(target, b.file);
        expect(r).toMatchObject({ ok: false, reason: "failed" });
        expect(await t.dump()).toEqual(before);
      });

      test.skipIf(factory.engine !== "sqlite")("the target database itself is refused", async () => {
        const r = await importDatabase(target, t.location, "county.db");
        expect(r).toMatchObject({ ok: false, reason: "self" });
      });

      test("a file written by an older lookback (lower user_version) is upgraded in the private copy only", async () => {
        const file = path.join(dir, "old.db");
        const db = new Database(file);
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.close();
        const size = statSync(file).size;
        const r = ok(await importDatabase(target, file));
        expect(r.units.added).toBe(0);
        expect(statSync(file).size).toBe(size);
        const check = new Database(file, { readonly: true });
        expect(check.pragma("user_version", { simple: true })).toBe(0);
        check.close();
      });
    });

    describe("rounds and the one-open-rectification rule", () => {
      test("a school still on the first schema, with duplicates, arrives as the migration would make it: nothing lost, one open", async () => {
        const file = path.join(dir, "old-school.db");
        const ids = writeVersion1WithDuplicates(file, undefined, { realistic: true });
        const before = readFileSync(file);
        ok(await importDatabase(target, file));
        expect(readFileSync(file).equals(before)).toBe(true); // the school's file is never changed
        const rects = await target.listRectifications();
        expect(rects.map((r) => [r.id, r.status, r.checklistId, r.continuedBy])).toEqual([
          [ids.x1, "in-progress", "mini", ids.x2],
          [ids.x2, "open", "mini", null],
        ]);
        expect((await target.listHistory(ids.x1)).map((h) => h.id).slice(0, 2)).toEqual([ids.h1, ids.h2]);
        expect((await target.listAnswers(ids.r2))[0]?.rectificationId).toBe(ids.x2);
        expect((await target.listAnswers(ids.r1))[0]?.rectificationId).toBe(ids.x1);
        // Again: nothing changes.
        const again = ok(await importDatabase(target, file));
        for (const c of Object.values(again)) expect(c.added + c.updated + c.removed).toBe(0);
      });

      test("a file holding another open rectification of an item the bureau holds open is refused whole", async () => {
        const file = path.join(dir, "old-school.db");
        const ids = writeVersion1WithDuplicates(file, undefined, { realistic: true });
        ok(await importDatabase(target, file));
        // The bureau closes x2, and its own round finds the item again: one open rectification here.
        const unit = (await target.findUnitByName("莲塘一小"))!;
        await target.changeRectification(ids.x2, { toStatus: "done", by: "督导组", note: null });
        await target.changeRectification(ids.x2, {
          toStatus: "closed",
          by: "督导组",
          note: null,
          patch: { closedAt: "2027-01-01", closedBy: "督导组" },
        });
        const snap = (await target.getSnapshot((await target.getRun(ids.r1))!.checklistHash))!;
        const run = await target.createRun({
          unitId: unit.id,
          snapshot: snap,
          respondent: "督导组",
          leaders: [],
        });
        await target.saveAnswer(run.id, {
          itemKey: "a.one",
          sectionId: "a",
          itemId: "one",
          leader: null,
          result: "fail",
          note: null,
          evidence: null,
          naReason: null,
          rectification: {
            problem: "督导发现",
            measure: "m",
            owner: "o",
            leaderInCharge: null,
            department: null,
            deadline: null,
            kind: "immediate",
            origin: "inspection",
            evidence: null,
          },
        });
        // The school, meanwhile, ran a third round of its own and opened its own rectification.
        const other = path.join(dir, "other-copy.db");
        writeVersion1WithDuplicates(other, undefined, { realistic: true });
        edit(other, (db) => {
          const r3 = randomUUID();
          const x3 = randomUUID();
          db.prepare(
            `INSERT INTO runs SELECT ?, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, status,
           '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z' FROM runs WHERE id = ?`,
          ).run(r3, ids.r2);
          db.prepare(
            `INSERT INTO answers SELECT ?, ?, item_key, section_id, item_id, leader, 'fail', note, evidence, na_reason,
           answered_at, updated_at FROM answers WHERE run_id = ?`,
          ).run(randomUUID(), r3, ids.r2);
          db.prepare(
            "UPDATE rectifications SET status = 'closed', closed_at = '2026-02-15', closed_by = '校长'",
          ).run();
          db.prepare(
            `INSERT INTO rectifications (id, run_id, unit_id, item_key, problem, measure, owner, deadline, kind, origin, status,
           created_at, updated_at)
         SELECT ?, ?, unit_id, item_key, '第三轮', measure, owner, deadline, kind, origin, 'open', '2026-03-01T00:00:00.000Z',
           '2026-03-01T00:00:00.000Z' FROM rectifications WHERE id = ?`,
          ).run(x3, r3, ids.x2);
          db.prepare(
            "INSERT INTO rectification_history VALUES (?, ?, '2026-03-01T00:00:00.000Z', NULL, NULL, 'open', NULL)",
          ).run(randomUUID(), x3);
        });
        const snapshot = await t.dump();
        const r = await importDatabase(target, other);
        expect(r).toMatchObject({ ok: false, reason: "open-twice" });
        expect(await t.dump()).toEqual(snapshot);
      });
    });
  });
}

describe("sources", () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "lookback-import-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a folder means every *.db in it, sorted; the target inside it is skipped", async () => {
    const schools = path.join(dir, "收到的数据库");
    await createSchool(path.join(schools, "b.db"), { unit: "b" });
    await createSchool(path.join(schools, "a.DB"), { unit: "a" });
    writeFileSync(path.join(schools, "说明.txt"), "readme");
    const inside = path.join(schools, "county.db");
    writeFileSync(inside, "");
    const { sources, skippedTarget } = expandSources(["收到的数据库", "收到的数据库/b.db"], dir, inside);
    expect(sources.map((s) => s.display)).toEqual([
      path.join("收到的数据库", "a.DB"),
      path.join("收到的数据库", "b.db"),
    ]);
    expect(skippedTarget).toEqual([path.join("收到的数据库", "county.db")]);
  });

  test("a missing path or a folder without databases is a usage error", async () => {
    expect(() => expandSources(["nowhere.db"], dir, path.join(dir, "county.db"))).toThrow(
      expect.objectContaining({ exitCode: 2 }),
    );
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(path.join(empty, "x.txt"), "");
    expect(() => expandSources(["empty"], dir, path.join(dir, "county.db"))).toThrow(
      expect.objectContaining({ code: "import.noDb" }),
    );
  });
});
