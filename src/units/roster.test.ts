import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createSchool } from "../../test/helpers/school.js";
import { importAll } from "../import/index.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import { applyPlan, type PlannedUnit, planRoster } from "./apply.js";
import { rosterCoverage, unitsWithoutRuns } from "./coverage.js";
import { decodeText, parseCsv } from "./csv.js";
import { readRoster } from "./read.js";
import { parseRoster, type RosterParse } from "./roster.js";

const applyIn = async (s: Store, plan: readonly PlannedUnit[]) => s.write((tx) => applyPlan(tx, plan));

const fixtures = path.resolve(import.meta.dirname, "../../test/fixtures/units");
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-roster-test-"));
  store = await openStore(path.join(dir, "county.db"), { intent: "write" });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function rowsOf(p: RosterParse) {
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.rows;
}

function errorsOf(p: RosterParse) {
  if (p.ok) throw new Error("expected errors");
  return p.errors.map((e) => ({ row: e.row, column: e.column, code: e.code }));
}

async function xlsx(file: string, rows: (string | number | null)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("名册");
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(file);
  return file;
}

describe("CSV decoding", () => {
  test("UTF-8 with a BOM, UTF-8 without, and GBK as Excel saves it on Chinese Windows", async () => {
    const text = "单位名称,单位代码\n莲塘一小,001\n";
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(decodeText(bom)).toEqual({ text, encoding: "utf-8" });
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: "utf-8" });
    const gbk = decodeText(readFileSync(path.join(fixtures, "roster-gbk.csv")));
    expect(gbk.encoding).toBe("gb18030");
    expect(gbk.text.startsWith("单位名称,单位代码,乡镇,类型\r\n莲塘第一小学")).toBe(true);
  });

  test("quoted fields keep commas, quotes and line breaks; CRLF and tabs are understood", async () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n"multi\nline",x\r\n').rows).toEqual([
      ["a", "b,c", 'say "hi"'],
      ["multi\nline", "x"],
    ]);
    expect(parseCsv("单位名称\t乡镇\n莲塘一小\t莲塘镇").rows).toEqual([
      ["单位名称", "乡镇"],
      ["莲塘一小", "莲塘镇"],
    ]);
  });
});

describe("parseRoster", () => {
  test("Chinese or English headings, in any order, with extra columns ignored and a title row above", async () => {
    const zh = parseRoster([
      ["南昌县学校名册"],
      ["序号", "类型", "单位代码", "单位名称", "乡镇（街道）"],
      ["1", "小学", "3601210001", " 莲塘一小 ", "莲塘镇"],
      ["", "", "", "", ""],
      ["2", "", "", "县教体局机关", ""],
    ]);
    expect(zh.ok && zh.ignoredColumns).toEqual(["序号"]);
    expect(rowsOf(zh)).toEqual([
      { row: 3, name: "莲塘一小", code: "3601210001", township: "莲塘镇", type: "小学" },
      { row: 5, name: "县教体局机关", code: null, township: null, type: null },
    ]);
    const en = parseRoster([
      ["Code", "Name", "Township", "Type"],
      ["001", "Liantang No.1", "Liantang", "primary"],
    ]);
    expect(rowsOf(en)[0]).toMatchObject({ row: 2, name: "Liantang No.1", code: "001" });
  });

  test("bad rows are all reported with row and column: missing name, duplicate code, duplicate name", async () => {
    const p = parseRoster([
      ["单位名称", "单位代码"],
      ["莲塘一小", "001"],
      ["", "002"],
      ["莲塘二小", "001"],
      ["莲塘一小", "003"],
    ]);
    expect(errorsOf(p)).toEqual([
      { row: 3, column: "单位名称", code: "missingName" },
      { row: 4, column: "单位代码", code: "duplicateCode" },
      { row: 5, column: "单位名称", code: "duplicateName" },
    ]);
  });

  test("a heading row that names no unit column, a heading twice, and an empty file", async () => {
    expect(errorsOf(parseRoster([["学校", "代码"].map((h) => `${h}X`), ["莲塘一小", "001"]]))).toEqual([
      { row: 1, column: null, code: "badHeader" },
    ]);
    expect(
      errorsOf(
        parseRoster([
          ["名称", "单位名称"],
          ["a", "b"],
        ]),
      ),
    ).toEqual([{ row: 1, column: "单位名称", code: "duplicateHeading" }]);
    expect(errorsOf(parseRoster([]))).toEqual([{ row: 1, column: null, code: "empty" }]);
    expect(errorsOf(parseRoster([["单位名称"], [""]]))).toEqual([{ row: 1, column: null, code: "empty" }]);
  });
});

describe("reading roster files", () => {
  test("GBK CSV", async () => {
    const rows = rowsOf(await readRoster(path.join(fixtures, "roster-gbk.csv"), dir));
    expect(rows.map((r) => r.name)).toEqual(["莲塘第一小学", "莲塘第二小学", "向塘中学", "县教体局机关"]);
    expect(rows[3]).toMatchObject({ code: null, type: "机关" });
  });

  test("XLSX with numeric codes, and XLSX with bad rows", async () => {
    const good = await xlsx(path.join(dir, "名册.xlsx"), [
      ["单位名称", "单位代码", "乡镇", "类型"],
      ["莲塘一小", 3601210001, "莲塘镇", "小学"],
      ["向塘中学", "3601210101", "向塘镇", "中学"],
    ]);
    expect(rowsOf(await readRoster(good, dir))).toEqual([
      { row: 2, name: "莲塘一小", code: "3601210001", township: "莲塘镇", type: "小学" },
      { row: 3, name: "向塘中学", code: "3601210101", township: "向塘镇", type: "中学" },
    ]);
    const bad = await xlsx(path.join(dir, "bad.xlsx"), [
      ["单位代码", "单位名称"],
      ["001", "莲塘一小"],
      ["002", null],
      ["001", "莲塘二小"],
    ]);
    expect(errorsOf(await readRoster(bad, dir))).toEqual([
      { row: 3, column: "单位名称", code: "missingName" },
      { row: 4, column: "单位代码", code: "duplicateCode" },
    ]);
    const noHeader = await xlsx(path.join(dir, "no-header.xlsx"), [
      ["莲塘一小", "001"],
      ["向塘中学", "002"],
    ]);
    expect(errorsOf(await readRoster(noHeader, dir))).toEqual([{ row: 1, column: null, code: "badHeader" }]);
  });

  test("a file that is not a workbook, and an old .xls, are usage errors", async () => {
    const fake = path.join(dir, "fake.xlsx");
    writeFileSync(fake, "not a zip");
    await expect(readRoster(fake, dir)).rejects.toMatchObject({ code: "units.badXlsx", exitCode: 2 });
    writeFileSync(path.join(dir, "old.xls"), "x");
    await expect(readRoster("old.xls", dir)).rejects.toMatchObject({ code: "units.oldFormat", exitCode: 2 });
    await expect(readRoster("missing.csv", dir)).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe("applying a roster", () => {
  const headings = { name: "单位名称", code: "单位代码" };

  test("after the schools' imports it attaches code, township and type to the units of the same name", async () => {
    const school = await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    await importAll(store, [{ file: school.file, display: school.file }]);
    const rows = rowsOf(
      parseRoster([
        ["单位名称", "单位代码", "乡镇", "类型"],
        ["莲塘一小", "3601210001", "莲塘镇", "小学"],
        ["莲塘二小", "3601210002", "莲塘镇", "小学"],
      ]),
    );
    const { plan, errors } = await planRoster(store, rows, headings);
    expect(errors).toEqual([]);
    const r = await applyIn(store, plan);
    expect(r).toMatchObject({ added: 1, updated: 1, unchanged: 0 });
    expect(await store.getUnit(school.unit.id)).toMatchObject({
      code: "3601210001",
      township: "莲塘镇",
      type: "小学",
    });

    // Again: nothing changes. Then a renamed unit is found by its code.
    const again = await applyIn(store, (await planRoster(store, rows, headings)).plan);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
    const renamed = rowsOf(
      parseRoster([
        ["单位名称", "单位代码"],
        ["南昌县莲塘第一小学", "3601210001"],
      ]),
    );
    await applyIn(store, (await planRoster(store, renamed, headings)).plan);
    expect((await store.getUnit(school.unit.id))?.name).toBe("南昌县莲塘第一小学");
    expect((await store.getUnit(school.unit.id))?.township).toBe("莲塘镇");

    // Coverage: the roster unit without a run is 未开展.
    expect((await unitsWithoutRuns(store)).map((u) => u.name)).toEqual(["莲塘二小"]);
    expect((await rosterCoverage(store)).map((c) => [c.unit.name, c.runs, c.hasRun])).toEqual([
      ["莲塘二小", 0, false],
      ["南昌县莲塘第一小学", 1, true],
    ]);
  });

  test("a row that would take another unit's name, or two rows for one unit, is refused; nothing is written", async () => {
    await store.ensureUnit("莲塘一小", { code: "001" });
    await store.ensureUnit("莲塘二小", { code: "002" });
    const rows = rowsOf(
      parseRoster([
        ["单位名称", "单位代码"],
        ["向塘中学", "003"],
        ["莲塘二小", "001"],
        ["莲塘一小", ""],
      ]),
    );
    const { errors } = await planRoster(store, rows, headings);
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [3, "nameTaken"],
      [4, "sameUnit"],
    ]);
    expect((await store.listUnits()).map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
  });
});
