// A school's file is checked whole before anything of it is used: the hostile files that used
// to break or falsify a county are refused, naming table, row and column, and the county is
// left exactly as it was.
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type ImportTarget, importTargets } from "../../test/helpers/import-target.js";
import { createSchool, type School } from "../../test/helpers/school.js";
import { SCHEMA_VERSION } from "../store/db.js";
import { migrations } from "../store/migrations.js";
import type { Store } from "../store/port.js";
import { importDatabase } from "./session.js";
import { IMPORTED, NOT_IMPORTED, STREAMED } from "./spec.js";
import type { FileResult } from "./types.js";

let dir: string;
let t: ImportTarget;
let target: Store;
let other: School;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-validate-"));
  // Another school already at the bureau: a bad file must not touch it.
  other = await createSchool(path.join(dir, "other.db"), { unit: "莲塘二小" });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The bureau's database on `factory`'s engine, holding `other`. */
async function county(factory: ReturnType<typeof importTargets>[number]): Promise<void> {
  t = await factory.create();
  target = t.store;
  const r = await importDatabase(target, other.file);
  if (!r.ok) throw new Error("setup import failed");
}

async function hostile(fn: (db: Database.Database, school: School) => void): Promise<string> {
  const school = await createSchool(path.join(dir, `${randomUUID()}.db`), { unit: "莲塘一小" });
  const db = new Database(school.file);
  try {
    // As an adversary would: no foreign keys, no CHECK constraints.
    db.pragma("foreign_keys = OFF");
    db.pragma("ignore_check_constraints = ON");
    fn(db, school);
  } finally {
    db.close();
  }
  return school.file;
}

async function refused(file: string): Promise<Extract<FileResult, { ok: false }>> {
  const before = await t.dump();
  const r = await importDatabase(target, file);
  expect(r.ok).toBe(false);
  expect(await t.dump()).toEqual(before);
  if (r.ok) throw new Error("imported");
  return r;
}

describe("the spec covers the schema", () => {
  test("every table is read or said not to be, and every column of a read table has its line", () => {
    const db = new Database(":memory:");
    for (const m of migrations) db.exec(m);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((r) => r.name);
    for (const table of tables) {
      const spec = [...IMPORTED, ...STREAMED].find((s) => s.table === table);
      if (!spec) {
        expect(NOT_IMPORTED, `table ${table} is neither imported nor listed as not imported`).toContain(
          table,
        );
        continue;
      }
      const columns = (
        db.prepare("SELECT name FROM pragma_table_info(?)").all(table) as { name: string }[]
      ).map((r) => r.name);
      const listed = [...spec.columns.map((c) => c.name), ...(spec.keptByDatabase ?? [])];
      expect(listed.sort(), table).toEqual([...columns].sort());
      for (const c of spec.columns) expect(c.since, `${table}.${c.name}`).toBeLessThanOrEqual(SCHEMA_VERSION);
    }
    db.close();
  });
});

for (const factory of importTargets()) {
  describe.skipIf(factory.skip)(
    `hostile files are refused whole, the ${factory.engine} county unchanged`,
    () => {
      beforeEach(() => county(factory));
      afterEach(() => t.dispose());

      test("runs.leaders that is not JSON", async () => {
        const r = await refused(
          await hostile((db) => db.prepare("UPDATE runs SET leaders = '[张书记'").run()),
        );
        expect(r).toMatchObject({
          reason: "invalid",
          invalid: { table: "runs", row: 1, column: "leaders", problem: "json" },
        });
      });

      test("a unit name stored as a BLOB, or with a newline or an RTL override", async () => {
        expect(
          (await refused(await hostile((db) => db.prepare("UPDATE units SET name = X'E88EB2E5A198'").run())))
            .invalid,
        ).toMatchObject({
          table: "units",
          column: "name",
          problem: "type",
        });
        expect(
          (await refused(await hostile((db) => db.prepare("UPDATE units SET name = '莲塘\n一小'").run())))
            .invalid,
        ).toMatchObject({
          table: "units",
          problem: "controlChars",
        });
        expect(
          (await refused(await hostile((db) => db.prepare("UPDATE units SET name = '莲塘\u202e一小'").run())))
            .invalid?.problem,
        ).toBe("controlChars");
      });

      test("a checklist snapshot carrying a built-in's hash with edited text never reaches the county", async () => {
        const r = await refused(
          await hostile((db) =>
            db
              .prepare(
                "UPDATE checklist_snapshots SET content = replace(content, '学习时间', '【已被篡改】学习时间')",
              )
              .run(),
          ),
        );
        expect(r.invalid).toMatchObject({
          table: "checklist_snapshots",
          column: "content",
          problem: "snapshotHash",
        });
        const snap = (await target.getSnapshot(other.run.checklistHash))!;
        expect(snap.content).not.toContain("已被篡改");
      });

      test("a snapshot re-hashed after editing, but no longer a valid checklist, is refused too", async () => {
        const r = await refused(
          await hostile((db) => {
            const content = "id: self-check\nversion: '1'\ntitle: x\n";
            const hash = createHash("sha256").update(content).digest("hex");
            db.prepare("UPDATE checklist_snapshots SET content = ?, hash = ?").run(content, hash);
            db.prepare("UPDATE runs SET checklist_hash = ?").run(hash);
          }),
        );
        expect(r.invalid?.problem).toBe("snapshotInvalid");
      });

      test("a view over an endless recursive query in place of a table is never run", async () => {
        const t0 = Date.now();
        const r = await refused(
          await hostile((db) => {
            db.exec("DROP TABLE rectification_history");
            db.exec(
              "CREATE VIEW rectification_history AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS id FROM n",
            );
          }),
        );
        expect(r.invalid).toMatchObject({ table: "rectification_history", problem: "schema" });
        expect(Date.now() - t0).toBeLessThan(5000);
      });

      test("a table with another column, default or a generated column is not lookback's", async () => {
        const r = await refused(
          await hostile((db) => {
            db.exec("ALTER TABLE answers ADD COLUMN extra TEXT DEFAULT 'x'");
          }),
        );
        expect(r.invalid).toMatchObject({ table: "answers", problem: "schema" });
      });

      test("triggers and extra tables in the file are left alone; the file still imports", async () => {
        const file = await hostile((db) => {
          db.exec("CREATE TABLE junk (x)");
          db.exec("CREATE TRIGGER t AFTER INSERT ON answers BEGIN DELETE FROM units; END");
        });
        const r = await importDatabase(target, file);
        expect(r.ok).toBe(true);
        expect((await target.listUnits()).map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
      });

      test("texts past the limits: a long note, a long problem, a huge value", async () => {
        expect(
          (
            await refused(
              await hostile((db) =>
                db.prepare("UPDATE answers SET note = ? WHERE rowid = 3").run("字".repeat(2001)),
              ),
            )
          ).invalid,
        ).toMatchObject({ table: "answers", row: 3, column: "note", problem: "tooLong" });
        expect(
          (
            await refused(
              await hostile((db) =>
                db.prepare("UPDATE rectifications SET problem = ?").run("x".repeat(50_000)),
              ),
            )
          ).invalid,
        ).toMatchObject({ table: "rectifications", column: "problem", problem: "tooLong" });
        // A file past what is read into memory (8 MB) is sized from its record headers first.
        expect(
          (
            await refused(
              await hostile((db) =>
                db.prepare("UPDATE rectifications SET problem = ?").run("x".repeat(5_000_000)),
              ),
            )
          ).invalid,
        ).toMatchObject({ table: "rectifications", column: "problem", problem: "tooLarge" });
      });

      test("a file too large for memory is sized from its record headers: a 70 MB note is refused unread", async () => {
        const file = await hostile((db) =>
          db.prepare("UPDATE answers SET note = ? WHERE rowid = 1").run("n".repeat(70 * 1024 * 1024)),
        );
        const t0 = Date.now();
        const r = await refused(file);
        expect(r.invalid).toMatchObject({ table: "answers", row: 1, column: "note", problem: "tooLarge" });
        expect(Date.now() - t0).toBeLessThan(10_000);
      });

      test("references, item keys and the ledger's own rules", async () => {
        const cases: [string, (db: Database.Database) => void, object][] = [
          [
            "answer of no run",
            (db) => db.prepare("UPDATE answers SET run_id = ? WHERE rowid = 1").run(randomUUID()),
            { table: "answers", problem: "ref" },
          ],
          [
            "item not in the checklist",
            (db) =>
              db
                .prepare("UPDATE answers SET item_key = 'study.nope', item_id = 'nope' WHERE rowid = 1")
                .run(),
            { table: "answers", problem: "itemKey" },
          ],
          [
            "leader not of the run",
            (db) =>
              db
                .prepare(
                  "UPDATE answers SET item_key = replace(item_key, '@张书记', '@外人'), leader = '外人' WHERE leader = '张书记'",
                )
                .run(),
            { table: "answers", problem: "itemKey" },
          ],
          [
            "rectification without a failing answer",
            (db) =>
              db
                .prepare(
                  "UPDATE answers SET result = 'pass' WHERE item_key = (SELECT item_key FROM rectifications LIMIT 1)",
                )
                .run(),
            { table: "rectifications", problem: "noFailingAnswer" },
          ],
          [
            "closed without a verifier",
            (db) =>
              db
                .prepare(
                  "UPDATE rectifications SET status = 'closed', closed_at = '2026-12-01', closed_by = NULL WHERE rowid = 1",
                )
                .run(),
            { table: "rectifications", problem: "closedWithoutVerifier" },
          ],
          [
            "a date that does not exist",
            (db) => db.prepare("UPDATE rectifications SET deadline = '2026-02-30' WHERE rowid = 1").run(),
            { table: "rectifications", column: "deadline", problem: "format" },
          ],
          [
            "history of no rectification",
            (db) =>
              db
                .prepare("UPDATE rectification_history SET rectification_id = ? WHERE rowid = 1")
                .run(randomUUID()),
            { table: "rectification_history", problem: "ref" },
          ],
          [
            "an id that is not an id",
            (db) => db.prepare("UPDATE rectification_history SET id = 'x' WHERE rowid = 1").run(),
            { table: "rectification_history", column: "id", problem: "format" },
          ],
          [
            "a timestamp that is not one",
            (db) => db.prepare("UPDATE answers SET updated_at = 'yesterday' WHERE rowid = 2").run(),
            { table: "answers", row: 2, column: "updated_at", problem: "format" },
          ],
          [
            "two unfinished runs of one unit and checklist",
            (db) => {
              db.exec("DROP INDEX runs_one_open");
              db.prepare(
                `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, status, started_at, updated_at)
             SELECT ?, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, 'in-progress', started_at, updated_at FROM runs`,
              ).run(randomUUID());
              db.exec("UPDATE runs SET status = 'in-progress', finished_at = NULL");
            },
            { table: "runs", row: 2, problem: "twoOpen" },
          ],
        ];
        for (const [what, fn, expected] of cases) {
          expect((await refused(await hostile(fn))).invalid, what).toMatchObject(expected);
        }
        // A value its table's CHECK forbids is already caught by SQLite's own check of the file.
        const r = await refused(
          await hostile((db) =>
            db.prepare("UPDATE rectifications SET status = 'gone' WHERE rowid = 1").run(),
          ),
        );
        expect(r.reason).toBe("corrupt");
      });
    },
  );
}
