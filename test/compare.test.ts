// `lookback compare` end to end: the second look-back of a unit against the first, across a
// checklist that changed between them, with a relapse (反弹) of an item closed in between.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Comparison } from "../src/compare/compare.js";
import { closeRect, mini, seedRun, tempDb } from "./fixtures/rectify/seed.js";

const ROOT = path.resolve(".");
let dir: string;
let db: string;
const ids: Record<string, string> = {};

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/lookback.js"), "--db", db, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", LOOKBACK_DB: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const t = await tempDb();
  dir = t.dir;
  db = t.db;
  const store = t.store;
  const first = await seedRun(store, {
    unit: "莲塘第一小学",
    loaded: mini(1),
    leaders: ["王校长"],
    answers: { "a.one": "fail", "a.two": "pass", "a.three": "partial", "lead.x@王校长": "fail" },
  });
  const closed = await closeRect(store, first.rects.get("a.one")!.id, "王主任", "2026-06-30");
  ids.closed = closed.id;
  const second = await seedRun(store, {
    unit: "莲塘第一小学",
    loaded: mini(2),
    leaders: ["王校长"],
    answers: { "a.one": "partial", "a.two": "fail", "a.four": "pass", "lead.x@王校长": "pass" },
  });
  ids.relapsed = second.rects.get("a.one")!.id;
  ids.secondRun = second.run.id;
  await seedRun(store, { unit: "向塘中学", loaded: mini(1), answers: { "a.one": "fail" } });
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compare", () => {
  it("--json: per item by key across checklist versions, with the relapse", async () => {
    const r = cli(["compare", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const { comparisons } = JSON.parse(r.stdout) as { comparisons: Comparison[] };
    // 向塘中学 has one run only: nothing to compare there.
    expect(comparisons).toHaveLength(1);
    const c = comparisons[0]!;
    expect(c.unit.name).toBe("莲塘第一小学");
    expect(c.checklistId).toBe("mini");
    expect(c.current.id).toBe(ids.secondRun);
    expect([c.previous.checklistVersion, c.current.checklistVersion]).toEqual(["1.0.0", "2.0.0"]);
    expect(Object.fromEntries(c.items.map((i) => [i.key, [i.previous, i.current, i.change]]))).toEqual({
      "a.one": ["fail", "partial", "still-failing"],
      "a.two": ["pass", "fail", "regressed"],
      "a.four": [null, "pass", "new"],
      "lead.x@王校长": ["fail", "pass", "fixed"],
      "a.three": ["partial", null, "removed"],
    });
    expect(c.counts).toEqual({
      fixed: 1,
      regressed: 1,
      "still-failing": 1,
      unchanged: 0,
      new: 1,
      removed: 1,
      unanswered: 0,
      relapses: 1,
    });
    expect(c.relapses).toEqual([
      expect.objectContaining({
        itemKey: "a.one",
        closedRectificationId: ids.closed,
        closedAt: "2026-06-30",
        closedBy: "王主任",
        result: "partial",
        rectificationId: ids.relapsed,
      }),
    ]);
  });

  it("text: what was fixed, what regressed, what came back", async () => {
    const r = cli(["compare", "--unit", "莲塘第一小学"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("莲塘第一小学 · mini");
    expect(r.stdout).toMatch(/New problems\n\s+a\.two\s+Varied forms of study\?\s+pass → fail/);
    expect(r.stdout).toMatch(/Fixed\n\s+lead\.x@王校长\s+Self-cultivation\s+fail → pass/);
    expect(r.stdout).toMatch(/Removed items\n\s+a\.three/);
    expect(r.stdout).toContain("Relapses (反弹): closed before, failing again");
    expect(r.stdout).toContain(`closed 2026-06-30 by 王主任 [${ids.closed!.slice(0, 8)}]`);
    expect(r.stdout).toContain(`now partial [${ids.relapsed!.slice(0, 8)}]`);
  });

  it("says why there is nothing to compare (exit 0, like an empty list), and refuses unknown names with exit 2", async () => {
    const one = cli(["compare", "--unit", "向塘中学"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toBe("");
    expect(one.stdout).toContain("向塘中学 has fewer than two runs");
    expect(one.stdout).toContain("lookback check --unit NAME --new");
    const json = cli(["compare", "--unit", "向塘中学", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ comparisons: [] });
    const unknownUnit = cli(["compare", "--unit", "不存在"]);
    expect(unknownUnit.code, unknownUnit.stderr).toBe(2);
    expect(unknownUnit.stderr).toMatch(/The database .*\.db has no unit “不存在”\./);
    const unknownList = cli(["compare", "--checklist", "nope"]);
    expect(unknownList.code, unknownList.stderr).toBe(2);
    expect(unknownList.stderr).toContain("runs exist for: mini");
  });

  // Last: it changes the database. A school's clock read 2030 during its first round, then was
  // put right: the second round still compares against the first, and status lists them so.
  it("a clock put right between rounds: the later round is still the current one", async () => {
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(db);
    const first = raw
      .prepare("SELECT id FROM runs WHERE id <> ? AND unit_id = (SELECT unit_id FROM runs WHERE id = ?)")
      .get(ids.secondRun, ids.secondRun) as { id: string };
    raw.prepare("UPDATE runs SET started_at = '2030-06-01T08:00:00.000Z' WHERE id = ?").run(first.id);
    raw.close();
    const r = cli(["compare", "--unit", "莲塘第一小学", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const c = (JSON.parse(r.stdout) as { comparisons: Comparison[] }).comparisons[0];
    expect([c?.previous.id, c?.current.id]).toEqual([first.id, ids.secondRun]);
    const status = JSON.parse(cli(["status", "--unit", "莲塘第一小学", "--json"]).stdout) as {
      runs: { runId: string }[];
    };
    expect(status.runs.map((x) => x.runId)).toEqual([first.id, ids.secondRun]);
  });
});
