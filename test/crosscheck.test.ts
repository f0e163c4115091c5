// `lookback crosscheck` on the built CLI: schools' self-checks and the supervision group's
// inspections entered with answers files, then held against each other.
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

const rectification = `
    rectification:
      problem: 督导发现的问题
      measure: 限期整改
      owner: 赵主任
      deadline: 2027-01-31`;

function inspectionFile(unit: string, results: Record<string, string>): string {
  const file = path.join(dir, `inspection-${unit}.yaml`);
  const lines = Object.entries(results).map(([key, result]) =>
    result === "符合" ? `  ${key}: 符合` : `  ${key}:\n    result: ${result}${rectification}`,
  );
  writeFileSync(
    file,
    `unit: ${unit}\nchecklist: inspection\nrespondent: 督导组王组长\ninspection: { group: 县教育局第二督导组, members: [王组长, 李督导] }\nanswers:\n${lines.join("\n")}\n`,
  );
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-crosscheck-"));
  db = path.join(dir, "county.db");
  // 莲塘一中: the whole self-check of the example file, then an inspection of three items.
  const self = path.join(dir, "self.yaml");
  copyFileSync(path.join(ROOT, "docs/answers-example.yaml"), self);
  for (const [file, code] of [
    [self, 0],
    [
      inspectionFile("南昌县莲塘第一中学", {
        "announced.study": "不符合",
        "announced.opinions": "符合",
        "announced.learn-and-improve": "基本符合",
      }),
      0,
    ],
    // 向塘中学: a self-check of one item only, and an inspection of the study items.
    [
      (() => {
        const f = path.join(dir, "self-2.yaml");
        writeFileSync(
          f,
          "unit: 向塘中学\nchecklist: self-check\nrespondent: 李老师\nleaders: [周书记]\nanswers:\n  study.study-time: 符合\n",
        );
        return f;
      })(),
      0,
    ],
    [inspectionFile("向塘中学", { "announced.study": "符合" }), 0],
    // 莲塘二小: a self-check, no inspection.
    [
      (() => {
        const f = path.join(dir, "self-3.yaml");
        writeFileSync(
          f,
          "unit: 莲塘二小\nchecklist: self-check\nrespondent: 吴老师\nleaders: [郑书记]\nanswers:\n  study.study-time: 符合\n",
        );
        return f;
      })(),
      0,
    ],
  ] as const) {
    const r = lookback(["check", "--answers", file]);
    expect(r.code, r.stderr).toBe(code);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lookback crosscheck", () => {
  it("--all --json: every inspected unit, the most overstated first, with the database's numbers", () => {
    const r = lookback(["crosscheck", "--all", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.units.map((u: { unit: { name: string } }) => u.unit.name)).toEqual([
      "南昌县莲塘第一中学",
      "向塘中学",
    ]);
    // study: 7 items the school rated 符合/基本符合 found 不符合; opinions: find-four-styles the
    // school said 不符合 and the inspectors 符合, 4 agreed; learn-and-improve 基本符合: 3 items the
    // school said 符合, ledger-complete agreed.
    expect(data.units[0].counts).toEqual({
      overstated: 10,
      understated: 1,
      agreed: 5,
      unanswered: 0,
      "not-applicable": 0,
    });
    expect(data.units[1].counts).toEqual({
      overstated: 0,
      understated: 0,
      agreed: 1,
      unanswered: 6,
      "not-applicable": 0,
    });
    expect(data.totals).toMatchObject({ units: 2, unitsOverstated: 1, overstated: 10 });
    const pair = data.units[0].pairs.find(
      (p: { selfKey: string }) => p.selfKey === "opinions.find-four-styles",
    );
    expect(pair).toMatchObject({
      inspectionKey: "announced.opinions",
      self: "fail",
      inspection: "pass",
      agreement: "understated",
    });
    expect(data.units[0].inspection).toMatchObject({
      checklistId: "inspection",
      respondent: "督导组王组长",
      group: { group: "县教育局第二督导组", members: ["王组长", "李督导"] },
    });
    expect(data.units[0].self.group).toBeNull();
  });

  it("--unit: the unit's pairs, overstated first, in words", () => {
    const r = lookback(["crosscheck", "--unit", "南昌县莲塘第一中学"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "10 rated better by the unit than found, 1 worse, 0 not answered by the unit, 0 not applicable on one side, 5 agreed.",
    );
    const rows = r.stdout.split("\n").filter((l) => /^\s*(Overstated|Understated|Agreed)/.test(l));
    expect(rows).toHaveLength(16);
    expect(rows[0]).toMatch(/^\s*Overstated/);
    expect(rows.at(-1)).toMatch(/^\s*Agreed/);
  });

  it("in Chinese, and the summary line", () => {
    const r = lookback(["crosscheck", "--all"], "zh");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("自评偏高");
    expect(r.stdout).toContain("共 2 个单位接受督导检查，其中 1 个单位有自评高于督导结果的项目。");
    expect(r.stdout).not.toContain("莲塘二小");
  });

  it.skipIf(!hasOpenpyxl)("汇总.xlsx gains the 督导对照 sheet, read back by openpyxl", () => {
    const out = path.join(dir, "out");
    const r = lookback(["export", "--all", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const { sheets, rows } = xlsxRows(path.join(out, "汇总.xlsx"), "督导对照");
    expect(sheets[0]).toBe("汇总");
    expect(rows[0]?.[0]).toBe("自查与督导检查结果对照");
    const heading = rows.findIndex((row) => row[0] === "序号");
    expect(rows[heading]).toEqual([
      "序号",
      "单位",
      "督导清单",
      "自查清单",
      "自评偏高",
      "自评偏低",
      "未自查",
      "一方不适用",
      "一致",
    ]);
    expect(rows[heading + 1]?.slice(0, 2)).toEqual([1, "南昌县莲塘第一中学"]);
    expect(rows[heading + 1]?.slice(4)).toEqual([10, 1, 0, 0, 5]);
    expect(rows[heading + 2]?.slice(1, 2)).toEqual(["向塘中学"]);
    expect(rows[heading + 3]?.slice(4)).toEqual([10, 1, 6, 0, 6]);
  });

  it("a unit without an inspection: nothing to show, exit 0; no selection: exit 2", () => {
    const none = lookback(["crosscheck", "--unit", "莲塘二小"]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain(db);
    const bare = lookback(["crosscheck"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("--unit NAME or --all");
  });
});
