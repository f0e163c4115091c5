// The migration that holds one unfinished run per unit and checklist: a database that already
// has duplicates (made by two checks at once before this version) opens with one run open, the
// other set aside, its answers gathered into the open one, and nothing lost.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { APPLICATION_ID } from "./db.js";
import type { Driver } from "./driver.js";
import { migrations, SINCE_SHORT_ID } from "./migrations.js";
import { SqlStore } from "./sql/store.js";
import { openSqliteDriver } from "./sqlite/driver.js";
import { rejection, SHARED_PREFIX_ROWS, SHARED_PREFIX_SHORT_IDS } from "./testing.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-migrate-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const U = "00000000-0000-4000-8000-000000000001";
const R1 = "00000000-0000-4000-8000-0000000000a1";
const R2 = "00000000-0000-4000-8000-0000000000a2";

/** A database as version 1 left it, with two unfinished runs of one unit and checklist. */
function version1(file: string): void {
  const db = new Database(file);
  db.exec(migrations[0]!);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma("user_version = 1");
  const at = (m: number) => `2026-11-2${m}T08:00:00.000Z`;
  db.prepare("INSERT INTO units VALUES (?, '莲塘一小', NULL, NULL, NULL, ?, ?)").run(U, at(1), at(1));
  db.prepare("INSERT INTO checklist_snapshots VALUES ('h', 'self-check', '1', 't', 'x', ?)").run(at(1));
  const run = db.prepare(
    "INSERT INTO runs VALUES (?, ?, 'h', 'self-check', '1', '王老师', '[\"张书记\"]', 'in-progress', ?, NULL, ?)",
  );
  run.run(R1, U, at(1), at(2));
  run.run(R2, U, at(1), at(3));
  const answer = db.prepare("INSERT INTO answers VALUES (?, ?, ?, 'study', ?, ?, ?, ?, NULL, NULL, ?, ?)");
  // R1 (older): study.a, study.b (fail, with its rectification), six.x@张书记; R2 (newer): study.a, study.c.
  answer.run("a1", R1, "study.a", "a", null, "pass", "R1 的说法", at(2), at(2));
  answer.run("b1", R1, "study.b", "b", null, "fail", null, at(2), at(2));
  answer.run("x1", R1, "six.x@张书记", "x", "张书记", "pass", null, at(2), at(2));
  answer.run("a2", R2, "study.a", "a", null, "partial", "R2 的说法", at(3), at(3));
  answer.run("c2", R2, "study.c", "c", null, "pass", null, at(3), at(3));
  db.prepare(
    `INSERT INTO rectifications (id, run_id, unit_id, item_key, problem, measure, owner, kind, origin, status, created_at, updated_at)
     VALUES ('x-b', ?, ?, 'study.b', '问题', '措施', '赵主任', 'immediate', 'self-check', 'open', ?, ?)`,
  ).run(R1, U, at(2), at(2));
  db.prepare("INSERT INTO rectification_history VALUES ('h-b', 'x-b', ?, '王老师', NULL, 'open', NULL)").run(
    at(2),
  );
  db.close();
}

describe("migration to one unfinished run", () => {
  let driver: Driver | undefined;
  afterEach(async () => {
    await driver?.close();
  });

  test("the newer run stays open with the answers it lacked; the older is set aside with what clashed", async () => {
    const file = path.join(dir, "v1.db");
    version1(file);
    driver = await openSqliteDriver(file, { intent: "write" });
    const store = new SqlStore(driver);
    const runs = await store.listRuns({ includeSetAside: true });
    const open = runs.find((r) => r.id === R2)!;
    const aside = runs.find((r) => r.id === R1)!;
    expect(open).toMatchObject({ status: "in-progress", supersededBy: null });
    expect(aside).toMatchObject({ status: "in-progress", supersededBy: R2 });
    expect((await store.latestRun(U, "self-check", { unfinishedOnly: true }))?.id).toBe(R2);
    // The unit's comparison key and near group are filled in, and found by a look-alike's name.
    expect(await driver.get("SELECT name_key, near_group FROM units")).toEqual({
      name_key: "莲塘一小",
      near_group: "一小",
    });
    expect((await store.unitNamesNear("莲塘第一小学")).map((u) => u.id)).toEqual([U]);
    const keys = async (id: string) => (await store.listAnswers(id)).map((a) => a.itemKey).sort();
    expect(await keys(R2)).toEqual(["six.x@张书记", "study.a", "study.b", "study.c"]);
    // Both answers to study.a are kept: the newer in the open run, the older where it was.
    expect(await keys(R1)).toEqual(["study.a"]);
    expect((await store.listAnswers(R1))[0]?.note).toBe("R1 的说法");
    expect((await store.listAnswers(R2)).find((a) => a.itemKey === "study.a")?.note).toBe("R2 的说法");
    // The rectification went with its answer, history and all.
    expect(await store.getRectification("x-b")).toMatchObject({ runId: R2 });
    expect(await store.listHistory("x-b")).toHaveLength(1);
    // And the database now refuses a second unfinished run.
    const e = await rejection(driver.run("UPDATE runs SET superseded_by = NULL WHERE id = ?", [R1]));
    expect(driver.violation(e)).toEqual({
      kind: "unique",
      table: "runs",
      columns: ["unit_id", "checklist_id"],
    });
  });
});

describe("migration to kept short ids", () => {
  test("rectifications already stored get theirs when the file is opened to write", async () => {
    const file = path.join(dir, "before.db");
    const db = new Database(file);
    for (const step of migrations.slice(0, SINCE_SHORT_ID - 1)) db.exec(step);
    for (const row of SHARED_PREFIX_ROWS) db.exec(row);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SINCE_SHORT_ID - 1}`);
    db.close();
    const driver = await openSqliteDriver(file, { intent: "write" });
    try {
      const store = new SqlStore(driver);
      const ids = (await store.listRectifications()).map((r) => r.id).sort();
      expect([...(await store.shortIds(ids)).values()]).toEqual(SHARED_PREFIX_SHORT_IDS);
      expect(await driver.get("PRAGMA user_version")).toEqual({ user_version: migrations.length });
    } finally {
      await driver.close();
    }
  });
});
