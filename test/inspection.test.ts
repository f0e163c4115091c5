// The supervision group's round (督导检查) on the built CLI: a school's self-check and the group's
// inspection of it entered with answers files, then told apart by status, the ledger, 汇总 and
// the json export.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localToday } from "../src/util/dates.js";
import { lookbackOn } from "./helpers/cli.js";
import { hasOpenpyxl, xlsxRows } from "./helpers/readers.js";

const ROOT = path.resolve(".");
const UNIT = "南昌县莲塘第一中学";
const GROUP = "县教育局第二督导组";
/** Every item of the built-in inspection checklist. */
const INSPECTION_ITEMS = [
  "announced.lookback-done",
  "announced.mobilization",
  "announced.study",
  "announced.opinions",
  "announced.learn-and-improve",
  "announced.efficiency",
  "announced.make-up",
  "announced.materials",
  "unannounced.cadre-style",
  "unannounced.service-efficiency",
  "unannounced.public-opinion",
  "unannounced.window-staff",
  "work-arrangements.branch-meeting",
  "work-arrangements.secretary-first",
  "work-arrangements.all-speak",
  "work-arrangements.invite-supervisors",
  "work-arrangements.typical-examples",
  "work-arrangements.publicity",
  "work-arrangements.info-reports",
  "work-arrangements.briefings",
];
let dir: string;
let db: string;

const lookback = lookbackOn(
  () => db,
  () => dir,
);

const found = `
    rectification: { problem: 督导发现的问题, measure: 限期整改, owner: 赵主任, deadline: 2099-01-31 }`;

const INSPECTION = `unit: ${UNIT}
checklist: inspection
respondent: 王组长
inspection:
  group: ${GROUP}
  members: [王组长, 李督导]
  method: 查资料
answers:
  announced.lookback-done: 符合
  announced.study:
    result: 不符合
    method: 听汇报${found}
  announced.materials: 符合
  unannounced.cadre-style:
    result: 基本符合
    method: 暗访${found}
  unannounced.window-staff: { result: 符合, method: unannounced }
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-inspection-"));
  db = path.join(dir, "county.db");
  const self = path.join(dir, "self.yaml");
  copyFileSync(path.join(ROOT, "docs/answers-example.yaml"), self);
  for (const file of [self, write("inspection.yaml", INSPECTION)]) {
    const r = lookback(["check", "--answers", file]);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an inspection entered from a file", () => {
  it("a wrong file is refused at its line and column, nothing stored; the group is required", () => {
    const bad = write(
      "bad.yaml",
      INSPECTION.replace("method: 暗访", "method: 暗方").replace(`unit: ${UNIT}`, "unit: 向塘中学"),
    );
    const r = lookback(["check", "--answers", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml:17:13");
    expect(r.stderr).toContain("“暗方” is not a method of inspection.");
    expect(r.stderr).toContain("Did you mean `暗访`?");
    const noGroup = write(
      "no-group.yaml",
      `unit: 向塘中学\nchecklist: inspection\nrespondent: 王组长\nanswers:\n  announced.study: 符合\n`,
    );
    const g = lookback(["check", "--answers", noGroup], "zh");
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("检查清单 inspection 是督导检查清单：请在文件中写明由哪个督导组检查。");
    expect(lookback(["status", "--json"]).stdout).not.toContain("向塘中学");
  });

  it("status tells the self-check from the inspection, with the group; --json has the methods", () => {
    const zh = lookback(["status"], "zh");
    expect(zh.code, zh.stderr).toBe(0);
    const lines = zh.stdout.split("\n");
    expect(lines[0]).toMatch(/类型\s+督导组/);
    expect(lines.find((l) => l.includes("自查") && !l.includes("督导组"))).toBeDefined();
    expect(lines.find((l) => l.includes("督导检查"))).toContain(GROUP);
    const json = JSON.parse(lookback(["status", "--json"]).stdout);
    const kinds = json.runs.map((r: { checklist: { id: string }; kind: string }) => [r.checklist.id, r.kind]);
    expect(kinds).toEqual([
      ["self-check", "self-check"],
      ["inspection", "inspection"],
    ]);
    expect(json.runs[0].inspection).toBeNull();
    expect(json.runs[1].inspection).toEqual({
      group: GROUP,
      members: ["王组长", "李督导"],
      methods: { "hear-report": 1, "site-visit": 0, "document-check": 2, unannounced: 2 },
    });
  });

  it("the findings of the unannounced visit are 暗访, the others 明察", () => {
    const r = lookback(["rectify", "list", "--unit", UNIT, "--checklist", "inspection", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rectifications as { itemKey: string; origin: string }[];
    expect(rows.map((x) => [x.itemKey, x.origin])).toEqual([
      ["announced.study", "inspection"],
      ["unannounced.cadre-style", "visit"],
    ]);
  });

  it("export --format json: the run's group and each answer's method", () => {
    const out = path.join(dir, "json");
    const r = lookback([
      "export",
      "--unit",
      UNIT,
      "--checklist",
      "inspection",
      "--format",
      "json",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, `${UNIT}-整改台账.json`), "utf8"));
    expect(doc.run).toMatchObject({
      kind: "inspection",
      kindLabel: "督导检查",
      inspection: { group: GROUP, members: ["王组长", "李督导"] },
    });
    const byKey = new Map(doc.answers.map((a: { itemKey: string }) => [a.itemKey, a]));
    expect(byKey.get("announced.study")).toMatchObject({ method: "hear-report", methodLabel: "听汇报" });
    expect(byKey.get("unannounced.cadre-style")).toMatchObject({
      method: "unannounced",
      methodLabel: "暗访",
    });
    expect(byKey.get("announced.mobilization")).toMatchObject({ result: null, method: null });
  });
});

describe.skipIf(!hasOpenpyxl)("the workbooks, read back by openpyxl", () => {
  it("the inspection's ledger: the group in the info rows, 检查方式 beside each answer", () => {
    const out = path.join(dir, "xlsx");
    const r = lookback(["export", "--unit", UNIT, "--checklist", "inspection", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(out, `${UNIT}-整改台账.xlsx`);
    const ledger = xlsxRows(file, "整改台账").rows;
    expect(String(ledger[1]?.[0])).toContain(`督导组：${GROUP}（成员：王组长、李督导）`);
    const { rows } = xlsxRows(file, "自查明细");
    expect(String(rows[1]?.[0])).toBe(`督导组：${GROUP}（成员：王组长、李督导）`);
    const heading = rows.findIndex((row) => row[0] === "序号");
    const col = rows[heading]!.indexOf("检查方式");
    expect(col).toBeGreaterThan(0);
    const keyCol = rows[heading]!.indexOf("项目编号");
    const methodOf = (key: string) => rows.find((row) => row[keyCol] === key)?.[col] ?? null;
    expect(methodOf("announced.study")).toBe("听汇报");
    expect(methodOf("announced.lookback-done")).toBe("查资料");
    expect(methodOf("unannounced.cadre-style")).toBe("暗访");
    expect(methodOf("announced.mobilization")).toBeNull();
  });

  it("a self-check's ledger has no 检查方式 column; 汇总 shows the kind and the latest inspection", () => {
    const out = path.join(dir, "all");
    const r = lookback(["export", "--all", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const details = xlsxRows(path.join(out, `${UNIT}-整改台账.xlsx`), "自查明细").rows;
    expect(details.some((row) => row.includes("检查方式"))).toBe(false);
    const { rows } = xlsxRows(path.join(out, "汇总.xlsx"), "汇总");
    const heading = rows.findIndex((row) => row[0] === "序号");
    const h = rows[heading]!;
    const unitRow = rows.find((row) => row[1] === UNIT)!;
    expect(unitRow[h.indexOf("检查类型")]).toBe("自查");
    expect(unitRow[h.indexOf("最近督导检查")]).toBe(`${GROUP} ${localToday()}（听汇报 1、查资料 2、暗访 2）`);
  });
});

describe("汇总's latest inspection", () => {
  it("is the one stored last, whatever the clock that stamped it", () => {
    const own = mkdtempSync(path.join(tmpdir(), "lookback-inspection-latest-"));
    const ownDb = path.join(own, "county.db");
    const run = lookbackOn(
      () => ownDb,
      () => own,
    );
    try {
      const items = INSPECTION_ITEMS.map((k) => `  ${k}: 符合`).join("\n");
      const done = `unit: ${UNIT}\nchecklist: inspection\nrespondent: 王组长\ninspection:\n  group: ${GROUP}\n  members: [王组长]\n  method: 查资料\nanswers:\n${items}\n`;
      const next = `unit: ${UNIT}\nchecklist: inspection\nrespondent: 赵督导\ninspection:\n  group: 县教育局第三督导组\n  members: [赵督导]\n  method: 看现场\nanswers:\n  announced.study: 符合\n`;
      for (const [name, text] of [
        ["done.yaml", done],
        ["next.yaml", next],
      ] as const) {
        writeFileSync(path.join(own, name), text);
        const r = run(["check", "--answers", path.join(own, name)]);
        expect(r.code, r.stderr).toBe(0);
      }
      // The later round's machine had its clock years behind.
      const raw = new Database(ownDb);
      const changed = raw
        .prepare("UPDATE runs SET started_at = ? WHERE inspection_group = ?")
        .run("2020-03-01T04:00:00.000Z", "县教育局第三督导组").changes;
      raw.close();
      expect(changed).toBe(1);
      const r = run(["export", "--all", "--format", "json", "--out", path.join(own, "out")]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(path.join(own, "out", "汇总.json"), "utf8"));
      const unit = summary.units.find((u: { unit: { name: string } }) => u.unit.name === UNIT);
      expect(unit.inspection).toMatchObject({
        group: "县教育局第三督导组",
        members: ["赵督导"],
        date: "2020-03-01",
        methods: { "hear-report": 0, "site-visit": 1, "document-check": 0, unannounced: 0 },
      });
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
