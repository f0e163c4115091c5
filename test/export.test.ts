// End-to-end: the built CLI exports ledgers from a county database made through the store
// API; every file is read back (exceljs, and openpyxl / LibreOffice when installed).
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
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
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOverdue } from "../src/rectify/overdue.js";
import { openStore } from "../src/store/open.js";
import {
  CLOSED_ON,
  checklist,
  FUTURE,
  PAST,
  type SeededRect,
  seedCounty,
  UNIT_A,
  UNIT_B,
  UNIT_C,
} from "./fixtures/export/seed.js";
import { zipEntries } from "./fixtures/export/zip.js";
import { todayIn } from "./helpers/dates.js";
import { hasOpenpyxl } from "./helpers/readers.js";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "lookback.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-export-"));
const db = path.join(tmp, "county.db");
let seeded: SeededRect[] = [];

const LEDGER_HEADINGS = [
  "序号",
  "问题编号",
  "发现轮次",
  "环节",
  "检查项目",
  "问题来源",
  "存在问题",
  "整改措施",
  "整改类型",
  "责任领导",
  "责任部门",
  "责任人",
  "整改时限",
  "整改状态",
  "完成情况",
  "佐证材料",
  "销号日期",
  "备注",
];
/** The csv has the code key, the day found and who verified beside the printed columns. */
const CSV_HEADINGS = [
  ...LEDGER_HEADINGS.slice(0, 3),
  "项目代码",
  "发现日期",
  ...LEDGER_HEADINGS.slice(3, -1),
  "验收人",
  "备注",
];
const STATUS_LABEL = { open: "未整改", "in-progress": "整改中", done: "已完成", closed: "已销号" } as const;

function lookback(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, "--db", db, ...args], {
    cwd: opts.cwd ?? tmp,
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", TZ: "Asia/Shanghai", ...opts.env },
    encoding: "utf8",
  });
}

async function read(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

const text = (v: ExcelJS.CellValue): string => (v === null || v === undefined ? "" : String(v));
const ledgerFile = (dir: string, unit: string, ext = "xlsx") => path.join(dir, `${unit}-整改台账.${ext}`);

beforeAll(async () => {
  seeded = await seedCounty(db);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("export --all (xlsx)", () => {
  const out = path.join(tmp, "ledgers");
  let result: SpawnSyncReturns<string>;
  beforeAll(async () => {
    result = lookback(["export", "--all"]);
  });

  it("writes one ledger per unit and the summary, and says so", async () => {
    expect(result.stderr).toContain("[1/3]");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Exported 3 ledger(s) to ledgers.");
    expect(readdirSync(out).sort()).toEqual(
      [`${UNIT_A}-整改台账.xlsx`, `${UNIT_B}-整改台账.xlsx`, `${UNIT_C}-整改台账.xlsx`, "汇总.xlsx"].sort(),
    );
  });

  it("lays out sheet 整改台账 as the default template says", async () => {
    const wb = await read(ledgerFile(out, UNIT_A));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["整改台账", "自查明细"]);
    const ws = wb.getWorksheet("整改台账")!;
    expect(ws.getCell("A1").value).toBe(`${UNIT_A}“回头看”问题整改台账`);
    expect(ws.getCell("R1").isMerged).toBe(true);
    expect(ws.getCell("R1").master.address).toBe("A1");
    const info = text(ws.getCell("A2").value);
    for (const part of [
      `填报单位：${UNIT_A}`,
      "填报人：王老师",
      `填报日期：${todayIn("Asia/Shanghai")}`,
      "检查清单：第一环节“回头看”自查",
      "1.0.0",
    ]) {
      expect(info).toContain(part);
    }
    expect(LEDGER_HEADINGS.map((_, i) => ws.getRow(3).getCell(i + 1).value)).toEqual(LEDGER_HEADINGS);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 3 });
    expect(ws.autoFilter).toBe("A3:R8");
    expect(ws.pageSetup).toMatchObject({
      orientation: "landscape",
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
    expect(ws.pageSetup.printTitlesRow).toBe("1:3");
    // Widths from display width: the item text column is wider than the number column.
    expect(ws.getColumn(5).width ?? 0).toBeGreaterThan((ws.getColumn(1).width ?? 0) * 3);
    expect(ws.getCell("E4").alignment?.wrapText).toBe(true);
  });

  it("has one row per rectification with its owner, status and dates", async () => {
    const ws = (await read(ledgerFile(out, UNIT_A))).getWorksheet("整改台账")!;
    expect(ws.rowCount).toBe(3 + seeded.length);
    seeded.forEach((s, i) => {
      const row = ws.getRow(4 + i);
      expect(row.getCell(1).value).toBe(i + 1);
      // 问题编号 a person reads aloud: section-item, the leader's name under it for 六查.
      const leader = s.itemKey.split("@")[1];
      expect(row.getCell(2).value).toMatch(leader ? new RegExp(`^\\d+-\\d+\n${leader}$`) : /^\d+-\d+$/);
      expect(row.getCell(3).value).toBe("第1轮");
      expect(row.getCell(12).value).toBe(s.owner); // 责任人
      expect(row.getCell(14).value).toBe(STATUS_LABEL[s.status]);
    });
    expect(ws.getCell("B4").value).toBe("1-1");
    expect(ws.getCell("D4").value).toBe("学习教育");
    expect(ws.getCell("E7").value).toBe("查修身严不严：是否做到严以修身？（张书记）");
    expect(ws.getCell("F5").value).toBe("群众反映");
    expect(ws.getCell("I5").value).toBe("立行立改");
    expect(ws.getCell("I6").value).toBe("长期坚持");
    expect(ws.getCell("O6").value).toBe("已补录 3 月份");
    const deadline = ws.getCell("M4");
    expect(deadline.value).toBeInstanceOf(Date);
    expect((deadline.value as Date).toISOString().slice(0, 10)).toBe(PAST);
    expect(deadline.numFmt).toBe("yyyy-mm-dd");
    expect((ws.getCell("Q8").value as Date).toISOString().slice(0, 10)).toBe(CLOSED_ON);
    expect(ws.getCell("N4").dataValidation).toMatchObject({
      type: "list",
      formulae: ['"未整改,整改中,已完成,已销号"'],
    });
  });

  it("fills overdue rows, and only those", async () => {
    const ws = (await read(ledgerFile(out, UNIT_A))).getWorksheet("整改台账")!;
    seeded.forEach((s, i) => {
      const fill = ws.getRow(4 + i).getCell(2).fill;
      const argb = fill && fill.type === "pattern" ? fill.fgColor?.argb : undefined;
      expect(argb === "FFFFC7CE", `${s.itemKey} overdue=${s.overdue}`).toBe(s.overdue);
    });
  });

  it("stores formula-looking text as text, never as a formula", async () => {
    const ws = (await read(ledgerFile(out, UNIT_A))).getWorksheet("整改台账")!;
    expect(ws.getCell("G4").value).toBe('=HYPERLINK("http://x","点我")');
    expect(ws.getCell("H4").value).toBe("+每周增加一次集中学习");
    expect(ws.getCell("P4").value).toBe("@学习记录");
    // 备注: the remark as typed first, then who verified the closed item.
    expect(ws.getCell("R8").value).toMatch(/^=1\+1 已核验；.+ 验收销号$/);
    const entries = zipEntries(ledgerFile(out, UNIT_A));
    for (const sheet of ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]) {
      const xml = entries.get(sheet) ?? "";
      expect(xml).not.toMatch(/<f[ >]/);
    }
    const sheet1 = entries.get("xl/worksheets/sheet1.xml") ?? "";
    for (const ref of ["G4", "H4", "P4", "R8"])
      expect(sheet1).toMatch(new RegExp(`<c r="${ref}"[^>]* t="(s|inlineStr)"`));
  });

  it("lists every item of the run in sheet 自查明细", async () => {
    const ws = (await read(ledgerFile(out, UNIT_A))).getWorksheet("自查明细")!;
    expect(ws.getCell("A1").value).toBe(`${UNIT_A}“回头看”自查明细`);
    const headings = [1, 2, 3, 4, 5, 6, 7, 8].map((c) => ws.getRow(2).getCell(c).value);
    expect(headings).toEqual([
      "序号",
      "项目编号",
      "环节",
      "检查项目",
      "自查结果",
      "情况说明",
      "佐证材料",
      "不适用理由",
    ]);
    const store = await openStore(db, { intent: "write" });
    const unitA = (await store.findUnitByName(UNIT_A))!;
    const run = (await store.listRuns()).find((r) => r.unitId === unitA.id)!;
    const answers = await store.listAnswers(run.id);
    await store.close();
    expect(ws.rowCount).toBe(2 + answers.length);
    const rows = Array.from({ length: answers.length }, (_, i) => ws.getRow(3 + i));
    const byKey = new Map(rows.map((r) => [text(r.getCell(2).value), r]));
    expect(byKey.get("study.study-time")?.getCell(5).value).toBe("不符合");
    expect(byKey.get("study.study-time")?.getCell(6).value).toBe("=SUM(A1:A9)");
    expect(byKey.get("opinions.open-door")?.getCell(5).value).toBe("基本符合");
    expect(byKey.get("opinions.publicize")?.getCell(5).value).toBe("不适用");
    expect(byKey.get("opinions.publicize")?.getCell(8).value).toBe("本单位无此项工作");
    expect(byKey.get("study.party-lecture")?.getCell(5).value).toBe("符合");
    expect(byKey.has("six-checks.planning@李校长")).toBe(true);
  });

  it("writes an empty ledger for a unit without problems, marking what is unanswered", async () => {
    const wb = await read(ledgerFile(out, UNIT_B));
    const ws = wb.getWorksheet("整改台账")!;
    expect(ws.getCell("A4").value).toBe("（历次检查均未发现需要整改的问题）");
    const details = wb.getWorksheet("自查明细")!;
    expect(details.getCell("E3").value).toBe("符合");
    expect(details.getCell("E6").value).toBe("未作答");
  });

  it("uses a unit's only run when it has no self-check (unit C: inspection)", async () => {
    const ws = (await read(ledgerFile(out, UNIT_C))).getWorksheet("整改台账")!;
    expect(text(ws.getCell("A2").value)).toContain("专项督查");
    expect(ws.getCell("L4").value).toBe("办公室主任");
  });

  it("sums up each unit in 汇总.xlsx with the database's counts", async () => {
    const ws = (await read(path.join(out, "汇总.xlsx"))).getWorksheet("汇总")!;
    expect(ws.getCell("A1").value).toBe("“回头看”问题整改情况汇总表");
    const head = Array.from({ length: 17 }, (_, i) => text(ws.getRow(3).getCell(i + 1).value));
    const colOf = (h: string) => head.indexOf(h) + 1;
    const store = await openStore(db, { intent: "write" });
    // The export ran under TZ=Asia/Shanghai (lookback() above).
    const today = todayIn("Asia/Shanghai");
    const units = await store.listUnits();
    expect(ws.rowCount).toBe(3 + units.length + 1);
    for (const [i, unit] of units.entries()) {
      const row = ws.getRow(4 + i);
      const run = (await store.listRuns({ unitId: unit.id })).at(-1)!;
      const answers = await store.listAnswers(run.id);
      const rects = await store.listRectifications({ runId: run.id });
      const count = (f: (x: { status: string }) => boolean) => rects.filter(f).length;
      expect(row.getCell(colOf("单位")).value).toBe(unit.name);
      expect(row.getCell(colOf("已答项数")).value).toBe(answers.length);
      expect(row.getCell(colOf("不符合")).value).toBe(answers.filter((a) => a.result === "fail").length);
      expect(row.getCell(colOf("基本符合")).value).toBe(answers.filter((a) => a.result === "partial").length);
      expect(row.getCell(colOf("符合")).value).toBe(answers.filter((a) => a.result === "pass").length);
      expect(row.getCell(colOf("不适用")).value).toBe(answers.filter((a) => a.result === "na").length);
      expect(row.getCell(colOf("整改事项")).value).toBe(rects.length);
      expect(row.getCell(colOf("未整改")).value).toBe(count((r) => r.status === "open"));
      expect(row.getCell(colOf("整改中")).value).toBe(count((r) => r.status === "in-progress"));
      expect(row.getCell(colOf("已完成")).value).toBe(count((r) => r.status === "done"));
      expect(row.getCell(colOf("已销号")).value).toBe(count((r) => r.status === "closed"));
      expect(row.getCell(colOf("逾期")).value).toBe(rects.filter((r) => isOverdue(r, today)).length);
      const rate = row.getCell(colOf("整改完成率")).value;
      if (rects.length === 0) expect(rate ?? null).toBeNull();
      else
        expect(rate).toBeCloseTo(
          count((r) => r.status === "done" || r.status === "closed") / rects.length,
          6,
        );
    }
    await store.close();
    const totals = ws.getRow(3 + units.length + 1);
    expect(totals.getCell(colOf("单位")).value).toBe("合计");
    expect(totals.getCell(colOf("整改事项")).value).toBe(6);
    // Unit A: 2 of 5 done or closed.
    const a = ws.getRow(4 + units.findIndex((u) => u.name === UNIT_A));
    expect(a.getCell(colOf("整改完成率")).value).toBeCloseTo(0.4, 6);
    expect(a.getCell(colOf("整改完成率")).numFmt).toBe("0.0%");
    expect(a.getCell(colOf("自查状态")).value).toBe("已完成");
    const b = ws.getRow(4 + units.findIndex((u) => u.name === UNIT_B));
    expect(b.getCell(colOf("自查状态")).value).toBe("进行中");
  });
});

describe("dates whatever the exporting machine's time zone", () => {
  for (const tz of ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"]) {
    it(`reads the same day when exported under TZ=${tz}`, async () => {
      const out = path.join(tmp, `tz-${tz.replace("/", "-")}`);
      const r = lookback(["export", "--unit", UNIT_A, "--out", out], { env: { TZ: tz } });
      expect(r.status, r.stderr).toBe(0);
      const ws = (await read(ledgerFile(out, UNIT_A))).getWorksheet("整改台账")!;
      expect((ws.getCell("M4").value as Date).toISOString()).toBe(`${PAST}T00:00:00.000Z`);
      expect((ws.getCell("M5").value as Date).toISOString()).toBe(`${FUTURE}T00:00:00.000Z`);
      expect((ws.getCell("Q8").value as Date).toISOString()).toBe(`${CLOSED_ON}T00:00:00.000Z`);
      // The serial Excel reads: 2025-01-01 is day 45658 in every time zone.
      expect(zipEntries(ledgerFile(out, UNIT_A)).get("xl/worksheets/sheet1.xml")).toMatch(
        /<c r="M4"[^>]*><v>45658<\/v>/,
      );
    });
  }
});

describe("csv and json", () => {
  it("writes csv with a BOM, CRLF, and formula-looking text defused", async () => {
    const out = path.join(tmp, "csv");
    const r = lookback(["export", "--all", "--format", "csv", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out)).toContain("汇总.csv");
    const bytes = readFileSync(ledgerFile(out, UNIT_A, "csv"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString("utf8").slice(1).split("\r\n");
    // csv keeps the code key (项目代码), the day found and who verified, beside what is printed.
    expect(lines[0]).toBe(CSV_HEADINGS.join(","));
    expect(lines[1]).toMatch(/^1,1-1,第1轮,study\.study-time,\d{4}-\d{2}-\d{2},学习教育,/);
    expect(lines).toHaveLength(1 + seeded.length + 1); // headings, rows, final empty
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(lines[1]).toContain(",'+每周增加一次集中学习,");
    expect(lines[1]).toContain(`,${PAST},未整改,`);
    const summary = readFileSync(path.join(out, "汇总.csv"), "utf8");
    expect(summary.startsWith("\ufeff序号,单位,")).toBe(true);
  });

  it("writes json in the documented format", async () => {
    const out = path.join(tmp, "json");
    const r = lookback(["export", "--unit", UNIT_A, "--format", "json", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(ledgerFile(out, UNIT_A, "json"), "utf8"));
    expect(doc.format).toBe("lookback-ledger");
    expect(doc.formatVersion).toBe(2);
    expect(doc.rounds).toBe(1);
    expect(doc.view).toEqual({ open: false, since: null });
    expect(doc.unit.name).toBe(UNIT_A);
    expect(doc.run.checklist).toEqual({
      id: "self-check",
      version: "1.0.0",
      title: "第一环节“回头看”自查",
      kind: "self-check",
    });
    expect(doc.rectifications.map((x: { owner: string }) => x.owner)).toEqual(seeded.map((s) => s.owner));
    expect(doc.rectifications.map((x: { overdue: boolean }) => x.overdue)).toEqual(
      seeded.map((s) => s.overdue),
    );
    expect(doc.rectifications[0]).toMatchObject({
      status: "open",
      statusLabel: "未整改",
      deadline: PAST,
      problem: '=HYPERLINK("http://x","点我")',
    });
    expect(doc.counts.rectifications).toMatchObject({
      total: 5,
      open: 2,
      inProgress: 1,
      done: 1,
      closed: 1,
      overdue: 2,
    });
    expect(doc.answers.length).toBe(doc.counts.total);
  });
});

describe("safety", () => {
  it("never overwrites without --force: exit 1, files named, nothing written", async () => {
    const out = path.join(tmp, "no-overwrite");
    mkdirSync(out);
    const existing = ledgerFile(out, UNIT_A);
    writeFileSync(existing, "a clerk's edited copy");
    const before = statSync(existing).mtimeMs;
    const r = lookback(["export", "--all", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("1 file(s) already exist; nothing was written");
    expect(r.stderr).toContain(`${UNIT_A}-整改台账.xlsx`);
    expect(r.stderr).toContain("--force");
    expect(readdirSync(out)).toEqual([`${UNIT_A}-整改台账.xlsx`]);
    expect(statSync(existing).mtimeMs).toBe(before);
    expect(readFileSync(existing, "utf8")).toBe("a clerk's edited copy");

    const forced = lookback(["export", "--all", "--out", out, "--force"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readdirSync(out)).toHaveLength(4);
    expect(readFileSync(existing).subarray(0, 2).toString()).toBe("PK");
  });

  it("refuses csv and json over existing files too", async () => {
    const out = path.join(tmp, "no-overwrite-csv");
    mkdirSync(out);
    writeFileSync(path.join(out, "汇总.csv"), "x");
    const r = lookback(["export", "--all", "--format", "csv", "--out", out]);
    expect(r.status).toBe(1);
    expect(readdirSync(out)).toEqual(["汇总.csv"]);
  });

  it("writes the others and exits 1 when one unit fails", async () => {
    const out = path.join(tmp, "one-fails");
    // A folder where B's ledger should go: renaming a file onto it fails.
    mkdirSync(path.join(ledgerFile(out, UNIT_B)), { recursive: true });
    writeFileSync(path.join(ledgerFile(out, UNIT_B), "keep"), "x");
    const r = lookback(["export", "--all", "--out", out, "--force"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Exported 2 ledger(s)");
    expect(r.stderr).toContain("1 of 4 file(s) could not be written");
    expect(r.stderr).toContain(UNIT_B);
    expect(existsSync(ledgerFile(out, UNIT_A))).toBe(true);
    expect(existsSync(ledgerFile(out, UNIT_C))).toBe(true);
    expect(existsSync(path.join(out, "汇总.xlsx"))).toBe(true);
    // No temporary file is left behind.
    expect(readdirSync(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes nothing outside --out, whatever the unit is called", async () => {
    const dir = path.join(tmp, "evil");
    mkdirSync(path.join(dir, "deep", "er"), { recursive: true });
    const evilDb = path.join(dir, "evil.db");
    const store = await openStore(evilDb, { intent: "write" });
    const snapshot = await store.saveSnapshot(checklist("self-check"));
    const names = ["../../escape", "CON", "a/b", "a:b", "  .hidden. ", "名".repeat(100), "/etc/passwd"];
    for (const name of names) {
      const unit = await store.ensureUnit(name);
      await store.createRun({ unitId: unit.id, snapshot, respondent: "x", leaders: [] });
    }
    await store.close();
    const before = readdirSync(dir).sort();
    const r = spawnSync(process.execPath, [bin, "--db", evilDb, "export", "--all", "--out", "deep/er"], {
      cwd: dir,
      env: { ...process.env, LOOKBACK_LANG: "en" },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(path.join(dir, "deep"))).toEqual(["er"]);
    const files = readdirSync(path.join(dir, "deep", "er")).sort();
    expect(files).toHaveLength(names.length + 1);
    expect(files).toContain("CON-整改台账.xlsx");
    // A name that had to change carries the start of its unit's id: a/b and a:b never share a file.
    const marked = (stem: string) =>
      files.filter((f) => new RegExp(`^${stem}~[0-9a-f]{8}-整改台账\\.xlsx$`).test(f));
    expect(marked("a_b")).toHaveLength(2);
    expect(marked("hidden")).toHaveLength(1);
    expect(marked("_etc_passwd")).toHaveLength(1);
    expect(marked("_\\.\\._escape")).toHaveLength(1);
    for (const f of files) {
      expect(Buffer.byteLength(f)).toBeLessThanOrEqual(200);
      expect(f.startsWith(".")).toBe(false);
    }
  });
});

describe("choosing what to export", () => {
  it("names an unknown unit and suggests the close one (exit 2, as for every command)", async () => {
    const r = lookback(["export", "--unit", "南昌县莲塘第一中", "--unit", "莲塘一中"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/The database .*\.db has no unit “南昌县莲塘第一中”, “莲塘一中”\./);
    expect(r.stderr).toContain(`Did you mean “${UNIT_A}”`);
    expect(r.stdout).toBe("");
  });

  it("says there is nothing to export (exit 1)", async () => {
    const empty = path.join(tmp, "empty.db");
    await (await openStore(empty, { intent: "write" })).close();
    const r = spawnSync(process.execPath, [bin, "--db", empty, "export", "--all"], {
      cwd: tmp,
      env: { ...process.env, LOOKBACK_LANG: "en" },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Nothing to export");
    // A checklist no run has names nothing in the database: an input error, as in compare.
    const noRun = lookback(["export", "--all", "--checklist", "standards", "--out", path.join(tmp, "none")]);
    expect(noRun.status).toBe(2);
    expect(noRun.stderr).toContain(
      "No run of the checklist `standards` (runs exist for: inspection, self-check).",
    );
    expect(existsSync(path.join(tmp, "none"))).toBe(false);
  });

  it("lists a unit without a run as 未开展 in the summary", async () => {
    const file = path.join(tmp, "roster.db");
    const store = await openStore(file, { intent: "write" });
    const snapshot = await store.saveSnapshot(checklist("self-check"));
    const started = await store.ensureUnit("已开展的学校");
    await store.createRun({ unitId: started.id, snapshot, respondent: "x", leaders: [] });
    await store.ensureUnit("未开展的学校");
    await store.close();
    const out = path.join(tmp, "roster-out");
    const r = spawnSync(process.execPath, [bin, "--db", file, "export", "--all", "--out", out], {
      cwd: tmp,
      env: { ...process.env, LOOKBACK_LANG: "en" },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["已开展的学校-整改台账.xlsx", "汇总.xlsx"].sort());
    const ws = (await read(path.join(out, "汇总.xlsx"))).worksheets[0]!;
    const rows = [4, 5].map((n) => [ws.getRow(n).getCell(2).value, ws.getRow(n).getCell(4).value]);
    expect(rows).toEqual([
      ["已开展的学校", "进行中"],
      ["未开展的学校", "未开展"],
    ]);
    expect(ws.getCell("B6").value).toBe("合计");
  });

  it("does not create a database just to say there is none", async () => {
    const missing = path.join(tmp, "missing.db");
    const r = spawnSync(process.execPath, [bin, "--db", missing, "export", "--all"], {
      cwd: tmp,
      env: { ...process.env, LOOKBACK_LANG: "zh" },
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`找不到数据库文件 ${missing}。`);
    expect(existsSync(missing)).toBe(false);
  });

  it("exits 2 on usage errors", async () => {
    expect(lookback(["export"]).status).toBe(2);
    expect(lookback(["export", "--all", "--unit", UNIT_A]).status).toBe(2);
    const bad = lookback(["export", "--all", "--format", "pdf"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--format");
    writeFileSync(path.join(tmp, "a-file"), "x");
    const notDir = lookback(["export", "--all", "--out", "a-file"]);
    expect(notDir.status).toBe(2);
    expect(notDir.stderr).toContain("is not a folder");
  });

  it("refuses a bad template with file:line:col (exit 2)", async () => {
    const file = path.join(tmp, "bad-template.yaml");
    const good = readFileSync(path.join(root, "templates", "ledger.yaml"), "utf8");
    writeFileSync(file, good.replace("field: owner,", "field: ownr,"));
    const line = good.split("\n").findIndex((l) => l.includes("field: owner,")) + 1;
    const r = lookback([
      "export",
      "--all",
      "--template",
      "bad-template.yaml",
      "--out",
      path.join(tmp, "never"),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bad-template.yaml has errors");
    expect(r.stderr).toMatch(new RegExp(`bad-template\\.yaml:${line}:\\d+: `));
    expect(existsSync(path.join(tmp, "never"))).toBe(false);
  });

  it("follows a bureau's own template: columns, order, headings, language", async () => {
    const file = path.join(tmp, "my-template.yaml");
    const good = readFileSync(path.join(root, "templates", "ledger.yaml"), "utf8");
    const lines = good.split("\n");
    // Keep seq, owner, problem (moved up), status; drop the rest of the ledger columns.
    const keep = ["field: seq,", "field: owner,", "field: problem,", "field: status,"];
    const start = lines.findIndex((l) => l.includes("field: seq,"));
    const end = lines.findIndex((l) => l.includes("field: remark,"));
    const columns = keep.map((k) => lines.find((l, i) => i >= start && i <= end && l.includes(k))!);
    lines.splice(
      start,
      end - start + 1,
      ...columns.map((c) => c.replace("heading: 责任人", "heading: 整改责任人")),
    );
    writeFileSync(file, lines.join("\n").replace(/^language: zh-CN$/m, "language: en"));
    const out = path.join(tmp, "custom");
    const r = lookback(["export", "--unit", UNIT_A, "--template", file, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const wb = await read(ledgerFile(out, UNIT_A));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Ledger", "Answers"]);
    const ws = wb.getWorksheet("Ledger")!;
    expect(ws.getCell("A1").value).toBe(`${UNIT_A}: look-back rectification ledger`);
    expect([1, 2, 3, 4, 5].map((c) => ws.getRow(3).getCell(c).value ?? null)).toEqual([
      "No.",
      "Responsible",
      "Problem",
      "Status",
      null,
    ]);
    expect(ws.getCell("B4").value).toBe("王老师");
    expect(ws.getCell("D4").value).toBe("Open");
    expect(ws.getCell("D4").dataValidation?.formulae).toEqual(['"Open,In progress,Done,Closed"']);
  });
});

describe("loading", () => {
  /** Which heavy modules a command loads: a preload reports require.cache on exit. */
  function loaded(args: string[]): string[] {
    const hook = path.join(tmp, "loaded-hook.cjs");
    writeFileSync(
      hook,
      `process.on("exit", () => { require("node:fs").writeFileSync(process.env.LOADED_OUT, Object.keys(require.cache).join("\\n")); });\n`,
    );
    const outFile = path.join(tmp, `loaded-${args[0]}-${Math.random().toString(36).slice(2)}`);
    spawnSync(process.execPath, ["--require", hook, bin, "--db", db, ...args], {
      cwd: tmp,
      env: { ...process.env, LOOKBACK_LANG: "en", LOADED_OUT: outFile },
      encoding: "utf8",
    });
    return readFileSync(outFile, "utf8").split("\n");
  }
  const has = (mods: string[], name: string) =>
    mods.some((m) => m.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));

  it("loads exceljs for an xlsx export only", async () => {
    expect(has(loaded(["--version"]), "exceljs")).toBe(false);
    expect(has(loaded(["validate"]), "exceljs")).toBe(false);
    expect(
      has(loaded(["export", "--all", "--format", "csv", "--out", path.join(tmp, "lazy-csv")]), "exceljs"),
    ).toBe(false);
    expect(has(loaded(["export", "--all", "--out", path.join(tmp, "lazy-xlsx")]), "exceljs")).toBe(true);
  });
});

describe.skipIf(!hasOpenpyxl)("a second reader: openpyxl", () => {
  it("reads title, headings, a date, the drop-down and the frozen header", async () => {
    const out = path.join(tmp, "openpyxl");
    expect(lookback(["export", "--all", "--out", out]).status).toBe(0);
    const script = `
import json, sys, datetime, zipfile, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["整改台账"]
d = ws["M4"].value
s = openpyxl.load_workbook(sys.argv[2])["汇总"]
print(json.dumps({
  "sheets": wb.sheetnames,
  "title": ws["A1"].value,
  "headings": [c.value for c in ws[3]],
  "date": [d.year, d.month, d.day] if isinstance(d, datetime.datetime) else repr(d),
  "formula": ws["G4"].data_type,
  "validations": [[str(v.sqref), v.type, v.formula1] for v in ws.data_validations.dataValidation],
  "freeze": ws.freeze_panes,
  "print_titles": ws.print_title_rows,
  "landscape": ws.page_setup.orientation,
  "summary_title": s["A1"].value,
  "zip_ok": zipfile.ZipFile(sys.argv[1]).testzip() is None and zipfile.ZipFile(sys.argv[2]).testzip() is None,
}, ensure_ascii=False))
`;
    const r = spawnSync(
      "/usr/bin/python3",
      ["-c", script, ledgerFile(out, UNIT_A), path.join(out, "汇总.xlsx")],
      {
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.sheets).toEqual(["整改台账", "自查明细"]);
    expect(got.title).toBe(`${UNIT_A}“回头看”问题整改台账`);
    expect(got.headings).toEqual(LEDGER_HEADINGS);
    expect(got.date).toEqual([2025, 1, 1]);
    expect(got.formula).toBe("s");
    expect(got.validations).toHaveLength(1);
    expect(got.validations[0][0]).toMatch(/^N4:N\d+$/);
    expect(got.validations[0][1]).toBe("list");
    expect(got.freeze).toBe("A4");
    expect(got.print_titles).toBe("$1:$3");
    expect(got.landscape).toBe("landscape");
    expect(got.summary_title).toBe("“回头看”问题整改情况汇总表");
    expect(got.zip_ok).toBe(true);
  });
});

const soffice = spawnSync("which", ["soffice"], { encoding: "utf8" }).stdout.trim();

describe.skipIf(soffice === "")("a third reader: LibreOffice", () => {
  it("converts a ledger to a landscape A4 PDF", { timeout: 240_000 }, () => {
    const out = path.join(tmp, "pdf");
    expect(lookback(["export", "--unit", UNIT_A, "--out", out]).status).toBe(0);
    const profile = path.join(tmp, "lo-profile");
    const r = spawnSync(
      soffice,
      [
        `-env:UserInstallation=file://${profile}`,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        out,
        ledgerFile(out, UNIT_A),
      ],
      { encoding: "utf8", timeout: 220_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const pdf = ledgerFile(out, UNIT_A, "pdf");
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    const info = spawnSync("pdfinfo", [pdf], { encoding: "utf8" });
    if (info.status === 0) {
      // A4 landscape: 842 × 595 points.
      expect(info.stdout).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
      const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(2);
    }
  });
});
