// Tables that fit the terminal: the least useful columns give way first, optional ones are
// left out with a note, and below a readable width every row becomes a block.
import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { type Column, fitColumns, renderFields, renderTable } from "./table.js";
import { displayWidth } from "./width.js";

afterEach(() => setLang("en"));

const columns: Column[] = [
  { header: "ID", fixed: true, keep: 10 },
  { header: "Unit", keep: 4, min: 10, cut: "middle" },
  { header: "Item", keep: 2, min: 10, optional: true },
  { header: "Problem", keep: 6, min: 16 },
  { header: "Deadline", fixed: true, keep: 7 },
];
const rows = [
  [
    "16cf0758",
    "南昌县莲塘第一中学",
    "opinions.find-four-styles",
    "未从群众反映的问题中梳理出“四风”问题",
    "2026-12-11",
  ],
  [
    "c64b4b87",
    "南昌县莲塘第二中学",
    "study.study-forms",
    "学习形式以集中学习为主，缺少专题研讨和实地学习",
    "2026-12-27",
  ],
];
const widest = (text: string) => Math.max(...text.trimEnd().split("\n").map(displayWidth));

describe("renderTable", () => {
  it("prints every column at its natural width when the terminal is wide enough", () => {
    const out = renderTable(columns, rows, { width: 200 });
    expect(out.split("\n")[0]).toMatch(/^ID\s+Unit\s+Item\s+Problem\s+Deadline$/);
    expect(out).toContain("学习形式以集中学习为主，缺少专题研讨和实地学习");
    expect(out).toContain("opinions.find-four-styles");
  });

  it("truncates the least useful column first, by display width", () => {
    const out = renderTable(columns, rows, { width: 110 });
    expect(widest(out)).toBeLessThanOrEqual(110);
    // The item column (least useful) gave way; unit and problem are whole.
    expect(out).toContain("南昌县莲塘第一中学");
    expect(out).toContain("学习形式以集中学习为主，缺少专题研讨和实地学习");
    expect(out).not.toContain("opinions.find-four-styles");
  });

  it("leaves out an optional column rather than cutting the useful ones below their readable width", () => {
    const out = renderTable(columns, rows, { width: 80 });
    expect(widest(out)).toBeLessThanOrEqual(80);
    expect(out.split("\n")[0]).toMatch(/^ID\s+Unit\s+Problem\s+Deadline$/);
    expect(out).toContain("Not shown for lack of width: Item.");
    // Names keep both ends: the part that tells 第一 from 第二 stays.
    expect(out).toMatch(/一中学/);
    expect(out).toMatch(/二中学/);
  });

  it("gives one record per block when no table can be read", () => {
    const out = renderTable(columns, rows, { width: 40 });
    expect(widest(out)).toBeLessThanOrEqual(40);
    const blocks = out.trimEnd().split("\n\n");
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^ID\s+16cf0758\nUnit\s+南昌县莲塘第一中学\nItem\s+opinions/);
    // Long values wrap under themselves; nothing is cut.
    expect(out.replace(/\s+/g, "")).toContain("学习形式以集中学习为主，缺少专题研讨和实地学习");
  });

  it("in Chinese, names the columns it left out in Chinese", () => {
    setLang("zh-CN");
    const out = renderTable(columns, rows, { width: 80 });
    expect(out).toContain("终端宽度不够，未显示：Item。");
  });

  it("keeps control characters and newlines from breaking the layout, styles after cutting", () => {
    const red = (s: string) => `<${s}>`;
    const out = renderTable(
      [{ header: "A", keep: 1, min: 4 }, { header: "B" }],
      [[{ text: "x\ny\x1b[2J", style: red }, "z"]],
      { width: 80 },
    );
    expect(out).toBe("A        B\n<x y [2J>  z\n");
  });

  it("aligns numbers to the right", () => {
    const out = renderTable(
      [{ header: "Items", align: "right", fixed: true }, { header: "X" }],
      [["7", "a"]],
      {
        width: 80,
      },
    );
    expect(out.split("\n")[1]).toBe("    7  a");
  });

  it("renders 30,000 rows (and 100,000) without running out of stack, one line per row", () => {
    for (const n of [30_000, 100_000]) {
      const many = Array.from({ length: n }, (_, i) => [
        String(i),
        `单位${i}`,
        "item",
        `问题 ${i}`,
        "2026-01-01",
      ]);
      const out = renderTable(columns, many, { width: 80 });
      expect(out.split("\n").length).toBeGreaterThanOrEqual(n + 1);
    }
  });
});

describe("fitColumns", () => {
  it("returns the natural widths when they fit, undefined when nothing does", () => {
    expect(fitColumns(columns, [2, 10, 10, 10, 8], 80)).toEqual([2, 10, 10, 10, 8]);
    expect(fitColumns(columns, [8, 18, 25, 36, 10], 30)).toBeUndefined();
  });

  it("leaves out the least useful optional column before cutting more useful ones", () => {
    const widths = fitColumns(columns, [8, 18, 25, 36, 10], 80)!;
    expect(widths[2]).toBeUndefined();
    const used = widths.reduce<number>((s, w) => s + (w ?? 0), 0) + 2 * 3;
    expect(used).toBeLessThanOrEqual(80);
    expect(widths[1]).toBe(18);
    expect(widths[3]).toBe(36);
  });

  it("gives width freed by a dropped column back to the columns cut before it", () => {
    const cols: Column[] = [
      { header: "A", keep: 1, min: 5 },
      { header: "B", keep: 2, optional: true, fixed: true },
      { header: "C", keep: 3, fixed: true },
    ];
    // A is cut to 5 first; that is not enough, so B goes, and A gets its width back.
    expect(fitColumns(cols, [20, 30, 10], 40)).toEqual([20, undefined, 10]);
  });
});

describe("renderFields", () => {
  it("lines labels up and wraps values under themselves", () => {
    const lines = renderFields(
      [
        ["数据库：", "/home/clerk/lookback.db"],
        ["检查清单：", "内置清单；自己的清单放在 ./checklists 中，或用 --checklists 文件夹 指定"],
        ["空：", ""],
      ],
      { width: 50 },
    );
    expect(lines[0]).toBe("数据库：    /home/clerk/lookback.db");
    expect(lines[1]?.startsWith("检查清单：  内置清单")).toBe(true);
    expect(lines.slice(2).every((l) => l.startsWith(" ".repeat(12)))).toBe(true);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(50);
    expect(lines.join("")).not.toContain("空：");
  });
});
