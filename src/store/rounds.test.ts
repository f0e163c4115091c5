// An older file's rectifications across rounds, as the store brings them over: the duplicates
// earlier versions left (two not-closed rectifications of one item) are migrated without losing
// or changing a row, and the database then holds the rule itself. The rules of rounds themselves
// are part of the store's behaviour on every engine (testing.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeVersion1WithDuplicates } from "../../test/fixtures/store/v1.js";
import type { Driver } from "./driver.js";
import { SqlStore } from "./sql/store.js";
import { openSqliteDriver } from "./sqlite/driver.js";
import { rejection } from "./testing.js";

let dir: string;
let driver: Driver | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-rounds-"));
});
afterEach(async () => {
  await driver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an older database with duplicates", () => {
  it("is migrated without losing or changing a row: the older open one is continued by the newer", async () => {
    const file = path.join(dir, "old.db");
    writeVersion1WithDuplicates(file);
    driver = await openSqliteDriver(file, { intent: "write" });
    const store = new SqlStore(driver);
    const rects = await store.listRectifications({ unitId: "u" });
    expect(rects.map((r) => [r.id, r.problem, r.status, r.checklistId, r.continuedBy])).toEqual([
      ["x1", "第一轮", "in-progress", "mini", "x2"],
      ["x2", "第二轮", "open", "mini", null],
    ]);
    const history = await store.listHistory("x1");
    expect(history.slice(0, 2).map((h) => h.id)).toEqual(["h1", "h2"]);
    expect(history[2]).toMatchObject({ by: "lookback", fromStatus: "in-progress", toStatus: "in-progress" });
    expect(history[2]?.note).toContain("x2");
    expect(history[2]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await store.listAnswers("r2"))[0]?.rectificationId).toBe("x2");
    expect((await store.listAnswers("r1"))[0]?.rectificationId).toBe("x1");
    expect(await driver.all("PRAGMA foreign_key_check")).toEqual([]);
    // From now on the database holds the rule itself.
    const e = await rejection(driver.run("UPDATE rectifications SET continued_by = NULL WHERE id = 'x1'"));
    expect(driver.violation(e)).toMatchObject({ kind: "unique", table: "rectifications" });
    await driver.close();
    driver = undefined;
    // And the file is a lookback file of this version for any reader.
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("user_version", { simple: true })).toBeGreaterThanOrEqual(3);
    } finally {
      raw.close();
    }
  });
});
