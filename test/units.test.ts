// `lookback units` end to end on the built CLI: the roster (单位名册) from CSV or XLSX, with
// per-row errors and nothing half-applied, and who has not started (未开展).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../src/store/open.js";
import { createSchool } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
const FIXTURES = path.resolve("test/fixtures/units");
let dir: string;
const db = () => path.join(dir, "全县.db");

function lookback(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, "--db", db(), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stdout as JSON; on failure say what the command printed instead. */
function json<T>(r: { code: number | null; stdout: string; stderr: string }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

interface UnitsJson {
  units: {
    id: string;
    name: string;
    code: string | null;
    township: string | null;
    type: string | null;
    runs: number;
    completeRuns: number;
    hasRun: boolean;
  }[];
  total: number;
  withoutRuns: number;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-units-e2e-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe("lookback units", () => {
  it("imports a GBK roster after the schools' files: codes attached, the missing units shown as not started", async () => {
    await createSchool(path.join(dir, "a.db"), { unit: "莲塘第一小学" });
    expect(lookback(["import", "a.db"]).code).toBe(0);
    copyFileSync(path.join(FIXTURES, "roster-gbk.csv"), path.join(dir, "单位名册.csv"));
    const r = lookback(["units", "import", "单位名册.csv"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Roster 单位名册.csv: 4 row(s): 3 added, 1 updated, 0 unchanged.");

    const list = lookback(["units"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^Unit\s+Code\s+Township\s+Type\s+Runs\s+State$/m);
    expect(list.stdout).toMatch(/莲塘第一小学\s+3601210001\s+莲塘镇\s+小学\s+1\s+started/);
    expect(list.stdout).toMatch(/向塘中学\s+3601210101\s+向塘镇\s+中学\s+0\s+not started/);
    expect(list.stdout).toContain("4 unit(s), 3 not started.");

    const zh = lookback(["units", "list"], { LOOKBACK_LANG: "zh" });
    expect(zh.stdout).toMatch(/县教体局机关\s+机关\s+0\s+未开展/);

    const listed = json<UnitsJson>(lookback(["units", "list", "--json"]));
    expect(listed.total).toBe(4);
    expect(listed.withoutRuns).toBe(3);
    expect(listed.units.find((u) => u.name === "莲塘第一小学")).toMatchObject({
      code: "3601210001",
      township: "莲塘镇",
      type: "小学",
      runs: 1,
      completeRuns: 1,
      hasRun: true,
    });

    // The same roster again changes nothing.
    const again = lookback(["units", "import", "单位名册.csv", "--json"]);
    expect(json(again)).toMatchObject({ rows: 4, added: 0, updated: 0, unchanged: 4 });
  });

  it("status lists the roster's units that have not started (未开展) below the runs", async () => {
    await createSchool(db(), { unit: "莲塘第一小学" });
    const store = await openStore(db(), { intent: "write" });
    for (const name of ["莲塘第二小学", "向塘中学"]) await store.ensureUnit(name, { code: `c-${name}` });
    await store.close();
    const status = lookback(["status"], { LOOKBACK_LANG: "zh" });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/莲塘第一小学\s/);
    expect(status.stdout).toMatch(/向塘中学\s+未开展/);
    expect(status.stdout).toMatch(/莲塘第二小学\s+未开展/);
    const statusJson = json<{ runs: unknown[]; notStarted: { name: string; code: string | null }[] }>(
      lookback(["status", "--json"]),
    );
    expect(statusJson.runs).toHaveLength(1);
    // By name as Chinese readers sort it (pinyin), as status sorts its runs.
    expect(statusJson.notStarted).toEqual([
      expect.objectContaining({ name: "莲塘第二小学", code: "c-莲塘第二小学" }),
      expect.objectContaining({ name: "向塘中学", code: "c-向塘中学" }),
    ]);
  });

  it("a CSV with bad rows: every problem with row and column, exit 2, nothing imported", async () => {
    writeFileSync(
      path.join(dir, "bad.csv"),
      "\ufeff单位代码,单位名称,乡镇\n001,莲塘一小,莲塘镇\n002,,莲塘镇\n001,莲塘二小,莲塘镇\n",
    );
    const r = lookback(["units", "import", "bad.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The roster bad.csv has 2 problem(s); nothing was imported:");
    expect(r.stderr).toContain("row 3, column 单位名称: the unit name is empty");
    expect(r.stderr).toContain("row 4, column 单位代码: the code 001 is already on row 2");
    expect(r.stdout).toBe("");
    // Nothing imported, not even a database file.
    expect(existsSync(db())).toBe(false);
  });

  it("a CSV with a bad header row says which columns are expected", async () => {
    writeFileSync(path.join(dir, "header.csv"), "学校名字,编号\n莲塘一小,001\n");
    const r = lookback(["units", "import", "header.csv"], { LOOKBACK_LANG: "zh" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("第 1 行：未找到含“单位名称”列的表头行");
    expect(r.stderr).toContain("第一行应为列名");
  });

  it("an XLSX roster, and an XLSX with bad rows", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.addRows([
      ["name", "code", "township", "type"],
      ["莲塘一小", 3601210001, "莲塘镇", "小学"],
      ["向塘中学", 3601210101, "向塘镇", "中学"],
    ]);
    await wb.xlsx.writeFile(path.join(dir, "roster.xlsx"));
    const ok = lookback(["units", "import", "roster.xlsx"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("2 added");

    const bad = new ExcelJS.Workbook();
    bad.addWorksheet("Sheet1").addRows([
      ["单位名称", "单位代码"],
      ["甲校", "9"],
      ["甲校", "10"],
    ]);
    await bad.xlsx.writeFile(path.join(dir, "bad.xlsx"));
    const r = lookback(["units", "import", "bad.xlsx"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("row 3, column 单位名称: 甲校 is already on row 2");
    expect(json<UnitsJson>(lookback(["units", "--json"])).total).toBe(2);
  });

  it("units add: adds, then updates by code, and refuses a name another unit has", async () => {
    const a = lookback([
      "units",
      "add",
      "莲塘一小",
      "--code",
      "001",
      "--township",
      "莲塘镇",
      "--type",
      "小学",
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("Added unit 莲塘一小 (code 001).");
    expect(lookback(["units", "add", "莲塘一小"]).stdout).toContain(
      "is already in the roster; nothing changed.",
    );
    const renamed = lookback(["units", "add", "南昌县莲塘第一小学", "--code", "001", "--json"]);
    expect(json(renamed)).toMatchObject({
      action: "updated",
      name: "南昌县莲塘第一小学",
      code: "001",
      township: "莲塘镇",
    });
    lookback(["units", "add", "向塘中学", "--code", "002"]);
    const taken = lookback(["units", "add", "向塘中学", "--code", "001"]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("向塘中学 is already the name of another unit (code 002)");
  });

  it("says there is no database yet without creating one; an old .xls is refused with a hint", async () => {
    const r = lookback(["units"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: There is no database file at ${db()}.`);
    expect(r.stdout).toBe("");
    expect(existsSync(db())).toBe(false);
    writeFileSync(path.join(dir, "old.xls"), "x");
    const old = lookback(["units", "import", "old.xls"]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("Save it as .xlsx");
  });
});
