// Scores and grades where a bureau reads them: `status` (and --json), the ledger's info row,
// and 汇总.xlsx with each unit's rank, on the built CLI; xlsx read back by openpyxl.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookbackOn } from "./helpers/cli.js";
import { hasOpenpyxl, xlsxRows } from "./helpers/readers.js";

const ROOT = path.resolve(".");
let dir: string;
let db: string;

const lookback = lookbackOn(
  () => db,
  () => dir,
);

/** Four study items: three 符合 and one 不符合, so 3 of 4 count: 75, 一般 (Fair). */
function threeOfFour(unit: string): string {
  const file = path.join(dir, `${unit}.yaml`);
  writeFileSync(
    file,
    `unit: ${unit}
checklist: self-check
respondent: 李老师
leaders: [周书记]
answers:
  study.study-time: 符合
  study.required-content: 符合
  study.study-forms: 符合
  study.study-articles:
    result: 不符合
    rectification: { problem: 未撰写体会文章, measure: 限期补写, owner: 周书记, deadline: 2027-01-31 }
`,
  );
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-scores-"));
  db = path.join(dir, "county.db");
  const example = path.join(dir, "example.yaml");
  copyFileSync(path.join(ROOT, "docs/answers-example.yaml"), example);
  for (const file of [example, threeOfFour("向塘中学"), threeOfFour("莲塘二小")]) {
    const r = lookback(["check", "--answers", file]);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scores", () => {
  it("status --json: each run's score and grade in both languages", () => {
    const r = lookback(["status", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const runs = (
      JSON.parse(r.stdout) as {
        runs: { unit: { name: string }; score: number; grade: string; gradeEn: string }[];
      }
    ).runs;
    const of = (name: string) => runs.find((x) => x.unit.name === name);
    expect(of("向塘中学")).toMatchObject({ score: 75, grade: "一般", gradeEn: "Fair" });
    expect(of("莲塘二小")).toMatchObject({ score: 75, grade: "一般" });
    expect(of("南昌县莲塘第一中学")?.score).toBeGreaterThan(75);
  });

  it("status as a table: the score column, in words", () => {
    const r = lookback(["status", "--unit", "向塘中学"], "zh");
    expect(r.stdout).toContain("得分");
    expect(r.stdout).toContain("75 一般");
  });

  it.skipIf(!hasOpenpyxl)(
    "汇总.xlsx: 自查得分, 等级 and 排名 (a tie shares a rank); the ledger's info row",
    () => {
      const out = path.join(dir, "out");
      const r = lookback(["export", "--all", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      const rows = xlsxRows(path.join(out, "汇总.xlsx"), "汇总").rows;
      const heading = rows.findIndex((row) => row[0] === "序号");
      const cols = rows[heading] as string[];
      const at = (row: unknown[], name: string) => row[cols.indexOf(name)];
      const byUnit = new Map(rows.slice(heading + 1).map((row) => [at(row, "单位"), row]));
      const first = byUnit.get("南昌县莲塘第一中学")!;
      expect(at(first, "排名")).toBe(1);
      for (const name of ["向塘中学", "莲塘二小"]) {
        const row = byUnit.get(name)!;
        expect([at(row, "自查得分"), at(row, "等级"), at(row, "排名")]).toEqual([75, "一般", 2]);
      }
      const info = xlsxRows(path.join(out, "向塘中学-整改台账.xlsx"), "整改台账").rows[1]?.[0];
      expect(info).toContain("自查得分：75（一般）");
    },
  );
});
