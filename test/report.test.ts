// End-to-end: the built CLI writes briefings (简报) from a county database made through the
// store API; the files are read back with python-docx and checked against the database and
// against `rectify list --json`, the way a bureau would cross-check them.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOverdue } from "../src/rectify/overdue.js";
import { openStore } from "../src/store/open.js";
import type { Rectification } from "../src/store/types.js";
import { checklist, seedCounty, UNIT_A, UNIT_B, UNIT_C } from "./fixtures/export/seed.js";
import { hasPythonDocx, readDocx } from "./helpers/readers.js";
import { dump } from "./helpers/school.js";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "lookback.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-report-"));
const db = path.join(tmp, "county.db");
const DATE = "2026-05-20";
const NOT_STARTED = "向塘镇中心小学";
const RELAPSED = "six-checks.use-of-power@李校长";

function lookback(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, "--db", db, ...args], {
    cwd: tmp,
    env: { ...process.env, LOOKBACK_LANG: "zh", NO_COLOR: "1", TZ: "Asia/Shanghai", ...env },
    encoding: "utf8",
  });
}

/**
 * The county of the export tests, with townships, a roster unit that never started, and a
 * second round of unit A's self-check in which an item closed off in round one fails again.
 */
async function seed(): Promise<void> {
  await seedCounty(db);
  const store = await openStore(db, { intent: "write" });
  try {
    const a = (await store.findUnitByName(UNIT_A))!;
    await store.updateUnit((await store.findUnitByName(UNIT_B))!.id, { township: "莲塘镇" });
    await store.ensureUnit(NOT_STARTED, { township: "向塘镇" });
    const snap = await store.saveSnapshot(checklist("self-check"));
    const run = await store.createRun({
      unitId: a.id,
      snapshot: snap,
      respondent: "王老师",
      leaders: ["张书记", "李校长"],
    });
    const [base, leader] = RELAPSED.split("@") as [string, string];
    const [sectionId, itemId] = base.split(".") as [string, string];
    await store.saveAnswer(run.id, {
      itemKey: RELAPSED,
      sectionId,
      itemId,
      leader,
      result: "fail",
      note: "复查发现又未公示",
      evidence: null,
      naReason: null,
      rectification: {
        problem: "公示再次不及时",
        measure: "每月公示",
        owner: "李校长",
        leaderInCharge: null,
        department: null,
        deadline: "2026-04-30",
        kind: "deadline",
        origin: "inspection",
        evidence: null,
      },
    });
  } finally {
    await store.close();
  }
}

/** Unit A's rectifications, every round, straight from the database. */
async function rectsOfA(): Promise<Rectification[]> {
  const store = await openStore(db, { intent: "read" });
  try {
    // The ledger's rows: a duplicate an older version left is carried by its successor.
    const a = (await store.findUnitByName(UNIT_A))!;
    return (await store.listRectifications({ unitId: a.id })).filter((r) => r.continuedBy === null);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  await seed();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const out = (name: string) => path.join(tmp, name);

describe("lookback report --unit", () => {
  it("writes the unit's briefing with the options in its masthead and tail", async () => {
    const before = dump(db);
    const r = lookback([
      "report",
      "--unit",
      UNIT_A,
      "--issue",
      "3",
      "--issuer",
      "莲塘一中党总支",
      "--to",
      "县教体局活动办",
      "--cc",
      "莲塘镇中心学校",
      "--cc",
      "督导组",
      "--copies",
      "8",
      "--date",
      DATE,
      "--out",
      out("unit"),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${UNIT_A}-工作简报.docx`);
    expect(r.stdout).toContain("标黄处");
    expect(readdirSync(out("unit"))).toEqual([`${UNIT_A}-工作简报.docx`]);
    // Writing a briefing changes nothing in the database.
    expect(dump(db)).toEqual(before);
  });

  it.skipIf(!hasPythonDocx)("holds the numbers of the database, every round of the unit", async () => {
    const d = readDocx(path.join(out("unit"), `${UNIT_A}-工作简报.docx`));
    const texts = d.paragraphs.map((p) => p.text);
    expect(texts.slice(0, 3)).toEqual([
      `${UNIT_A}“回头看”工作简报`,
      "第 3 期",
      "莲塘一中党总支\t2026年5月20日",
    ]);
    expect(texts.slice(-3)).toEqual(["报送：县教体局活动办", "抄送：莲塘镇中心学校、督导组", "共印 8 份"]);

    const rects = await rectsOfA();
    const by = (s: string) => rects.filter((x) => x.status === s).length;
    const overdue = rects.filter((x) => isOverdue(x, DATE)).length;
    const line = texts.find((t) => t.startsWith("截至2026年5月20日")) ?? "";
    expect(line).toContain(`共有整改事项 ${rects.length} 项`);
    expect(line).toContain(`已销号 ${by("closed")} 项`);
    expect(line).toContain(`已完成待销号 ${by("done")} 项`);
    expect(line).toContain(`整改中 ${by("in-progress")} 项`);
    expect(line).toContain(`未整改 ${by("open")} 项`);
    expect(line).toContain(`销号率 ${((by("closed") / rects.length) * 100).toFixed(1)}%`);
    expect(line).toContain(`逾期未完成 ${overdue} 项`);
    expect(line).toContain("反弹 1 项");

    // Every problem of every round is listed once, with its 责任人 and 整改时限.
    const problemRows = d.tables.filter((t) => t[0]?.[2] === "整改措施").flatMap((t) => t.slice(1));
    expect(problemRows).toHaveLength(rects.length);
    for (const x of rects) {
      const row = problemRows.find((p) => p[1] === x.problem && p[3] === x.owner);
      expect(row, x.problem).toBeDefined();
      expect(row?.[4]).toBe(x.deadline ?? "");
    }
    // 问题编号 as a person reads it: section 4 (六查), item 2, for 李校长.
    expect(problemRows.find((p) => p[1] === "公示再次不及时")?.[0]).toBe("4-2\n李校长");
    expect(problemRows.find((p) => p[1] === "公示再次不及时")?.[5]).toBe("未整改（逾期 20 天，反弹）");
    // The same count as `rectify list`.
    const list = JSON.parse(lookback(["rectify", "list", "--unit", UNIT_A, "--json"]).stdout) as {
      rectifications: unknown[];
    };
    expect(list.rectifications).toHaveLength(rects.length);

    // 基本情况: the latest run of the self-check, by section.
    const sections = d.tables[0];
    expect(sections?.[0]).toEqual(["环节", "项数", "已查", "符合", "基本符合", "不符合", "不适用"]);
    const total = sections?.at(-1);
    expect(total?.[0]).toBe("合计");
    expect(total?.[2]).toBe("1");
    expect(total?.[5]).toBe("1");
    const relapse = d.tables.find((t) => t[0]?.includes("原销号日期"));
    expect(relapse?.[1]).toEqual([
      "4-2\n李校长",
      "查用权严不严：是否做到严以用权？（李校长）",
      "2026-03-05",
      "督导组",
    ]);
  });

  it("writes the unit's briefing as a web page too", async () => {
    const r = lookback([
      "report",
      "--unit",
      UNIT_A,
      "--format",
      "html",
      "--date",
      DATE,
      "--out",
      out("unit-html"),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(path.join(out("unit-html"), `${UNIT_A}-工作简报.html`), "utf8");
    expect(html).toContain(`<h1>${UNIT_A}“回头看”工作简报</h1>`);
    expect(html).toContain("公示再次不及时");
    expect(html).not.toMatch(/<script|<svg/);
  });

  it("refuses to overwrite without --force, and overwrites with it", async () => {
    const file = path.join(out("unit"), `${UNIT_A}-工作简报.docx`);
    writeFileSync(file, "mine");
    const r = lookback(["report", "--unit", UNIT_A, "--out", out("unit")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("mine");
    expect(lookback(["report", "--unit", UNIT_A, "--out", out("unit"), "--force"]).status).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe("PK");
    // No temporary file is left behind.
    expect(readdirSync(out("unit"))).toEqual([`${UNIT_A}-工作简报.docx`]);
  });

  it("says what is wrong with the options, exit 2, and writes nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["report"], /--unit/],
      [["report", "--unit", UNIT_A, "--all"], /--all/],
      [["report", "--all", "--issue", "三"], /--issue/],
      [["report", "--all", "--copies", "0"], /--copies/],
      [["report", "--all", "--date", "2026-02-30"], /--date/],
      [["report", "--all", "--issuer", " "], /--issuer/],
      [["report", "--all", "--format", "pdf"], /pdf/],
      [["report", "--township", "莲塘"], /莲塘镇/],
      [["report", "--all", "--template", "nope.yaml"], /nope\.yaml/],
    ];
    for (const [args, message] of cases) {
      const r = lookback([...args, "--out", out("bad")]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out("bad"))).toBe(false);
  });

  it("refuses a broken template with its line, exit 2, before any file is written", async () => {
    const tpl = path.join(tmp, "broken.yaml");
    const text = readFileSync(path.join(root, "templates", "report.yaml"), "utf8");
    writeFileSync(tpl, text.replace("  - { part: problems,", "  - { part: basic,"));
    const line = text.split("\n").findIndex((l) => l.startsWith("  - { part: problems,")) + 1;
    const r = lookback(["report", "--all", "--template", tpl, "--out", out("broken")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`broken.yaml:${line}:`);
    expect(existsSync(out("broken"))).toBe(false);
  });

  it("names the unit meant when a name is mistyped, exit 2", async () => {
    const r = lookback(["report", "--unit", "南昌县莲塘第一中", "--out", out("typo")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(UNIT_A);
  });

  it("makes a unit name that is not a file name safe", async () => {
    const store = await openStore(db, { intent: "write" });
    const unit = await store.ensureUnit('CON:莲塘/"二小"');
    const snap = await store.saveSnapshot(checklist("self-check"));
    await store.createRun({ unitId: unit.id, snapshot: snap, respondent: "x", leaders: [] });
    await store.close();
    const r = lookback(["report", "--unit", 'CON:莲塘/"二小"', "--out", out("names")]);
    expect(r.status, r.stderr).toBe(0);
    const [name = ""] = readdirSync(out("names"));
    expect(name).toMatch(/\.docx$/);
    expect(name).not.toMatch(/[/\\:*?"<>|]/);
  });
});

describe("lookback report --all", () => {
  it("writes the county's Word briefing and web page", async () => {
    for (const format of ["docx", "html"]) {
      const r = lookback([
        "report",
        "--all",
        "--format",
        format,
        "--issue",
        "7",
        "--date",
        DATE,
        "--out",
        out("county"),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(statSync(path.join(out("county"), `全县-工作简报.${format}`)).size).toBeGreaterThan(5000);
    }
    const html = readFileSync(path.join(out("county"), "全县-工作简报.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toContain(NOT_STARTED);
  });

  it.skipIf(!hasPythonDocx)(
    "counts every unit of the roster, the units not started and the overdue",
    async () => {
      const d = readDocx(path.join(out("county"), "全县-工作简报.docx"));
      expect(d.charts).toBe(4);
      const store = await openStore(db, { intent: "read" });
      const units = await store.listUnits();
      const rects = await store.listRectifications();
      await store.close();
      const towns = d.tables[0];
      const total = towns?.at(-1);
      expect(total?.[0]).toBe("合计");
      expect(total?.[1]).toBe(String(units.length));
      expect(total?.[4]).toBe("1");
      expect(total?.[6]).toBe(String(rects.length));
      expect(total?.[7]).toBe(String(rects.filter((x) => x.status === "closed").length));
      expect(total?.[9]).toBe(String(rects.filter((x) => isOverdue(x, DATE)).length));
      expect(towns?.map((r) => r[0])).toEqual(["乡镇", "莲塘镇", "向塘镇", "（未填乡镇）", "合计"]);
      const all = d.tables.at(-1);
      expect(
        all
          ?.slice(1)
          .map((r) => r[1])
          .sort(),
      ).toEqual(units.map((u) => u.name).sort());
      expect(all?.find((r) => r[1] === NOT_STARTED)?.[3]).toBe("未开展");
      expect(all?.find((r) => r[1] === UNIT_C)?.[5]).toBe("1");
      const notStarted = d.paragraphs.find((p) => p.text.includes("尚未开展"));
      expect(notStarted?.text).toContain("以下 1 个单位");
    },
  );

  it.skipIf(!hasPythonDocx)("limits a township's briefing to its units, in English on request", async () => {
    const r = lookback(["report", "--township", "莲塘镇", "--language", "en", "--out", out("town")]);
    expect(r.status, r.stderr).toBe(0);
    const d = readDocx(path.join(out("town"), "莲塘镇-briefing.docx"));
    expect(d.paragraphs[0]?.text).toBe("莲塘镇: look-back briefing");
    expect(d.tables[0]?.map((row) => row[0])).toEqual(["Township", "莲塘镇", "Total"]);
    expect(
      d.tables
        .at(-1)
        ?.slice(1)
        .map((row) => row[1])
        .sort(),
    ).toEqual([UNIT_A, UNIT_B].sort());
  });
});
