// A county after three rounds, as a bureau meets it: schools check with answers files, close
// rectifications, find problems again (relapses), send their files; the bureau imports them and
// exports. Every unit's ledger lists every problem ever found with its real status, and every
// count of 汇总 (xlsx and json), `status --json` and `rectify list --json` agrees, for the whole
// ledger and for a shorter view. Overdue needs a later day: the reading commands run under
// faketime, 20 days on (skipped without it).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const hasFaketime = spawnSync("faketime", ["-f", "+1d", "true"]).status === 0;
const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "lookback.js");
const MINI = path.join(root, "test/fixtures/check/mini");
const tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-rounds-"));
const LATER = "+20d";

function lookback(db: string, args: string[], later = false) {
  const cmd = later ? "faketime" : process.execPath;
  const argv = [
    ...(later ? ["-f", LATER, process.execPath] : []),
    bin,
    "--db",
    db,
    "--checklists",
    MINI,
    ...args,
  ];
  const r = spawnSync(cmd, argv, {
    cwd: tmp,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "zh", TZ: "Asia/Shanghai", NO_COLOR: "1" },
  });
  if (r.status !== 0) throw new Error(`lookback ${args.join(" ")} → ${r.status}\n${r.stderr}`);
  return r.stdout;
}

function answers(db: string, unit: string, body: string) {
  const file = path.join(tmp, `${unit}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `unit: ${unit}\nchecklist: mini\nrespondent: 张老师\nleaders: [李书记]\nanswers:\n${body}`,
  );
  return lookback(db, ["check", "--answers", file]);
}

interface ListItem {
  id: string;
  itemKey: string;
  status: string;
  overdue: boolean;
  round: number;
  unit: { name: string };
}
const list = (db: string, args: string[] = []) =>
  JSON.parse(lookback(db, ["rectify", "list", "--json", ...args], true)).rectifications as ListItem[];
const idOf = (db: string, unit: string, key: string) =>
  list(db, ["--unit", unit]).find((r) => r.itemKey === key && r.status !== "closed")!.id;
const update = (db: string, id: string, ...args: string[]) =>
  lookback(db, ["rectify", "update", id, ...args]);

const A = path.join(tmp, "a.db");
const B = path.join(tmp, "b.db");
const COUNTY = path.join(tmp, "county.db");

beforeAll(() => {
  if (!hasFaketime) return;
  // School A, round 1: three problems.
  answers(
    A,
    "莲塘一小",
    `  a.one: { result: fail, rectification: { problem: 学习时间不足, measure: 每周集中学习, owner: 刘主任, deadline: +5 } }
  a.two: { result: partial, rectification: { problem: 规定内容未学完, measure: 补学, owner: 王老师, deadline: +40 } }
  a.three: 符合
  lead.x@李书记: { result: fail, rectification: { problem: 修身不严, measure: 对照检查, kind: immediate } }
  lead.y@李书记: 符合
`,
  );
  // The bureau collects round 1 already: the later import must bring the rounds on top of it.
  lookback(COUNTY, ["import", A]);
  const one = idOf(A, "莲塘一小", "a.one");
  update(A, one, "--status", "done", "--progress", "已落实");
  update(A, one, "--status", "closed", "--by", "督导组");
  update(A, idOf(A, "莲塘一小", "lead.x@李书记"), "--status", "in-progress");
  // Round 2: a.one fails again after 销号 (a relapse), a.two still partly (continued, block left
  // out), lead.x fixed (marked done), lead.y a new problem.
  answers(
    A,
    "莲塘一小",
    `  a.one: { result: 不符合, rectification: { problem: 学习时间仍不足, measure: 固定学习日, owner: 刘主任, deadline: +10 } }
  a.two: 基本符合
  a.three: 符合
  lead.x@李书记: { result: 符合, done: 已对照检查并整改 }
  lead.y@李书记: { result: fail, rectification: { problem: 用权不严, measure: 公开权力清单, deadline: +3 } }
`,
  );
  // Round 3: a.two continued once more; lead.y fixed.
  answers(
    A,
    "莲塘一小",
    `  a.one: 符合
  a.two: { result: 不符合, rectification: { measure: 本月内补学完毕 } }
  a.three: 符合
  lead.x@李书记: 符合
  lead.y@李书记: { result: 符合, done: 已公开权力清单 }
`,
  );
  // School B: two rounds, its one problem marked done in the second.
  answers(
    B,
    "莲塘二小",
    `  a.one: { result: fail, rectification: { problem: 无学习计划, measure: 制定计划, owner: 赵老师, deadline: +2 } }
  a.two: 符合
  lead.x@李书记: 符合
  lead.y@李书记: 符合
`,
  );
  answers(
    B,
    "莲塘二小",
    "  a.one: { result: 符合, done: 已制定 }\n  a.two: 符合\n  lead.x@李书记: 符合\n  lead.y@李书记: 符合\n",
  );
  // The bureau: a roster unit that sent nothing, its own check of a fourth school, both files.
  lookback(COUNTY, ["units", "add", "莲塘三小"]);
  answers(
    COUNTY,
    "莲塘四小",
    `  a.one: { result: partial, rectification: { problem: 记录不全, measure: 补记录, owner: 孙老师, deadline: +1 } }
  a.two: 符合
  lead.x@李书记: 符合
  lead.y@李书记: 符合
`,
  );
  lookback(COUNTY, ["import", A, B]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The five figures every view gives, from `rectify list` items. */
function figures(items: readonly { status: string; overdue: boolean }[]) {
  const by = (s: string) => items.filter((i) => i.status === s).length;
  return {
    total: items.length,
    open: by("open"),
    inProgress: by("in-progress"),
    done: by("done"),
    closed: by("closed"),
    overdue: items.filter((i) => i.overdue).length,
  };
}

describe.skipIf(!hasFaketime)("a county after three rounds", () => {
  it("lists every problem a school ever found, with its round and real status, after two imports", () => {
    const ledger = (db: string) => {
      const out = path.join(tmp, `json-${path.basename(db)}`);
      lookback(db, ["export", "--unit", "莲塘一小", "--format", "json", "--out", out, "--force"], true);
      return JSON.parse(readFileSync(path.join(out, "莲塘一小-整改台账.json"), "utf8"));
    };
    const doc = ledger(COUNTY);
    expect(doc.rounds).toBe(3);
    expect(
      doc.rectifications.map((r: Record<string, unknown>) => [
        r.itemNo,
        r.leader,
        r.round,
        r.status,
        r.problem,
      ]),
    ).toEqual([
      ["1-1", null, 1, "closed", "学习时间不足"],
      ["1-1", null, 2, "open", "学习时间仍不足"],
      ["1-2", null, 1, "open", "规定内容未学完"],
      ["2-1", "李书记", 1, "done", "修身不严"],
      ["2-2", "李书记", 2, "done", "用权不严"],
    ]);
    const byProblem = new Map(doc.rectifications.map((r: Record<string, unknown>) => [r.problem, r]));
    expect(byProblem.get("学习时间不足")).toMatchObject({
      closedBy: "督导组",
      remark: expect.stringContaining("督导组"),
    });
    expect(byProblem.get("学习时间仍不足")).toMatchObject({ relapse: { closedBy: "督导组" } });
    // Continued twice, never duplicated: the last round's measure, the first round's problem.
    expect(byProblem.get("规定内容未学完")).toMatchObject({ measure: "本月内补学完毕", owner: "王老师" });
    expect(byProblem.get("修身不严")).toMatchObject({ progress: "已对照检查并整改", closedAt: null });
    // 自查明细 is the latest round's.
    expect(doc.answers.find((a: { itemKey: string }) => a.itemKey === "a.two").result).toBe("fail");
    // The school's own ledger and the bureau's copy are the same ledger.
    const own = ledger(A);
    const strip = (d: { rectifications: Record<string, unknown>[] }) =>
      d.rectifications.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
    expect(strip(doc)).toEqual(strip(own));
  });

  it("gives the same counts in 汇总 (json and xlsx), status --json and rectify list, for every unit", async () => {
    const out = path.join(tmp, "all");
    lookback(COUNTY, ["export", "--all", "--out", out, "--force"], true);
    lookback(COUNTY, ["export", "--all", "--format", "json", "--out", out, "--force"], true);
    const summary = JSON.parse(readFileSync(path.join(out, "汇总.json"), "utf8"));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, "汇总.xlsx"));
    const ws = wb.getWorksheet("汇总")!;
    const head = (ws.getRow(3).values as unknown[]).map((v) => String(v ?? ""));
    const col = (h: string) => head.indexOf(h);
    const xlsxRow = (unit: string) => {
      for (let r = 4; r <= ws.rowCount; r++)
        if (ws.getRow(r).getCell(col("单位")).value === unit) return ws.getRow(r);
      throw new Error(`no row for ${unit}`);
    };
    const status = JSON.parse(lookback(COUNTY, ["status", "--json"], true));
    const units = ["莲塘一小", "莲塘二小", "莲塘四小"];
    let overdueSeen = 0;
    for (const unit of units) {
      const listed = figures(list(COUNTY, ["--unit", unit, "--checklist", "mini"]));
      overdueSeen += listed.overdue;
      const s = summary.units.find((u: { unit: { name: string } }) => u.unit.name === unit).counts
        .rectifications;
      expect({ unit, ...s }, "汇总.json").toEqual({ unit, ...listed });
      const row = xlsxRow(unit);
      const cell = (h: string) => Number(row.getCell(col(h)).value);
      expect(
        {
          unit,
          total: cell("整改事项"),
          open: cell("未整改"),
          inProgress: cell("整改中"),
          done: cell("已完成"),
          closed: cell("已销号"),
          overdue: cell("逾期"),
        },
        "汇总.xlsx",
      ).toEqual({ unit, ...listed });
      // status: each round counts what it found, so a unit's rows add up to its ledger.
      const rows = status.runs.filter((r: { unit: { name: string } }) => r.unit.name === unit);
      const sum = rows.reduce(
        (acc: Record<string, number>, r: { followUp: Record<string, number> }) => {
          for (const k of Object.keys(acc)) acc[k] = (acc[k] ?? 0) + (r.followUp[k] ?? 0);
          return acc;
        },
        { total: 0, open: 0, inProgress: 0, done: 0, closed: 0, overdue: 0 },
      );
      expect({ unit, ...sum }, "status --json").toEqual({ unit, ...listed });
    }
    // The county: 合计 equals the whole list.
    expect(summary.totals.rectifications).toEqual(figures(list(COUNTY)));
    expect(overdueSeen).toBeGreaterThan(0);
    expect(summary.units.find((u: { unit: { name: string } }) => u.unit.name === "莲塘三小").runStatus).toBe(
      "none",
    );
  });

  it("gives the same counts for a shorter view: --open and --since", () => {
    const out = path.join(tmp, "open");
    lookback(COUNTY, ["export", "--all", "--open", "--format", "json", "--out", out, "--force"], true);
    const summary = JSON.parse(readFileSync(path.join(out, "汇总.json"), "utf8"));
    for (const unit of ["莲塘一小", "莲塘二小", "莲塘四小"]) {
      const listed = figures(list(COUNTY, ["--unit", unit, "--checklist", "mini", "--open"]));
      const s = summary.units.find((u: { unit: { name: string } }) => u.unit.name === unit).counts
        .rectifications;
      expect({ unit, ...s }).toEqual({ unit, ...listed, closed: 0 });
    }
    const ledger = JSON.parse(readFileSync(path.join(out, "莲塘一小-整改台账.json"), "utf8"));
    expect(ledger.view).toEqual({ open: true, since: null });
    expect(ledger.rectifications.every((r: { status: string }) => r.status !== "closed")).toBe(true);
    // Nothing was found after today.
    const future = list(COUNTY, ["--since", "2999-01-01"]);
    expect(future).toEqual([]);
  });

  it("imports the same files again without changing anything", () => {
    const before = lookback(COUNTY, ["rectify", "list", "--json"]);
    const report = JSON.parse(lookback(COUNTY, ["import", A, B, "--json"]));
    const added = report.files.flatMap((f: { counts: Record<string, { added: number; updated: number }> }) =>
      Object.values(f.counts).map((c) => c.added + c.updated),
    );
    expect(added.every((n: number) => n === 0)).toBe(true);
    expect(lookback(COUNTY, ["rectify", "list", "--json"])).toBe(before);
  });
});
