import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { zipEntries } from "../../test/fixtures/export/zip.js";
import {
  cleanText,
  columnWidths,
  excelDate,
  linesIn,
  MAX_CELL_CHARS,
  type SheetModel,
  xlsxBytes,
} from "./xlsx.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-xlsx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = { language: "zh-CN" as const, pageFooter: "第 &P 页", listSheetName: "下拉选项" };

async function write(
  name: string,
  sheets: SheetModel[],
  extra: Partial<typeof opts & { inlineListLimit: number }> = {},
) {
  const file = path.join(dir, name);
  writeFileSync(file, await xlsxBytes(sheets, { ...opts, ...extra }));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return { file, wb };
}

const col = (heading: string, wrap = false) => ({ heading, width: undefined, maxWidth: 30, wrap });

describe("xlsxBytes", () => {
  it("puts a long drop-down list on a hidden sheet", async () => {
    const values = Array.from({ length: 40 }, (_, i) => `很长很长的状态名称${i}`);
    const { file, wb } = await write("list.xlsx", [
      {
        name: "整改台账",
        title: "t",
        info: null,
        columns: [col("状态")],
        rows: [["很长很长的状态名称0"]],
        rowCount: 1,
        list: { col: 0, values },
      },
    ]);
    const hidden = wb.getWorksheet("下拉选项");
    expect(hidden?.state).toBe("hidden");
    expect(hidden?.getCell("A40").value).toBe("很长很长的状态名称39");
    const xml = zipEntries(file).get("xl/worksheets/sheet1.xml") ?? "";
    expect(xml).toMatch(
      /<dataValidation [^>]*type="list"[^>]*sqref="A3:A\d+"><formula1>&apos;下拉选项&apos;!\$A\$1:\$A\$40<\/formula1>/,
    );
  });

  it("inlines a short list, and switches to the sheet past the limit", async () => {
    const values = ["未整改", "整改中", "已完成", "已销号"];
    const sheet: SheetModel = {
      name: "s",
      title: null,
      info: null,
      columns: [col("状态")],
      rows: [],
      rowCount: 0,
      list: { col: 0, values },
    };
    const inline = await write("inline.xlsx", [sheet]);
    expect(inline.wb.worksheets).toHaveLength(1);
    const forced = await write("forced.xlsx", [sheet], { inlineListLimit: 5 });
    expect(forced.wb.worksheets).toHaveLength(2);
  });

  it("stores text that looks like a formula as text, and survives control characters", async () => {
    const nasty = [
      "=1+1",
      "+A1",
      "-2",
      "@SUM(A1)",
      '=HYPERLINK("http://x")',
      "bell\u0007 and nul\u0000 and lone \ud800 surrogate",
    ];
    const { file, wb } = await write("text.xlsx", [
      {
        name: "s",
        title: null,
        info: null,
        columns: [col("备注")],
        rows: nasty.map((s) => [s]),
        rowCount: nasty.length,
      },
    ]);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell("A2").value).toBe("=1+1");
    expect(ws.getCell("A6").value).toBe('=HYPERLINK("http://x")');
    expect(ws.getCell("A7").value).toBe("bell and nul and lone  surrogate");
    const xml = zipEntries(file).get("xl/worksheets/sheet1.xml") ?? "";
    expect(xml).not.toContain("<f>");
    for (let r = 2; r <= 7; r++) expect(xml).toMatch(new RegExp(`<c r="A${r}"[^>]* t="(s|inlineStr)"`));
  });

  it("writes dates as real dates on the stated day whatever the time zone", async () => {
    const { file, wb } = await write("dates.xlsx", [
      {
        name: "s",
        title: null,
        info: null,
        columns: [col("日期")],
        rows: [[{ date: "2026-01-01" }], [{ date: "2024-02-29" }]],
        rowCount: 2,
      },
    ]);
    const cell = wb.worksheets[0]!.getCell("A2");
    expect(cell.value).toBeInstanceOf(Date);
    expect((cell.value as Date).toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(cell.numFmt).toBe("yyyy-mm-dd");
    // Excel serial of 2026-01-01 is 46023, whatever TZ this test runs in.
    expect(zipEntries(file).get("xl/worksheets/sheet1.xml")).toMatch(/<c r="A2"[^>]*><v>46023<\/v>/);
    expect(excelDate("2024-02-29").getUTCDate()).toBe(29);
  });
});

describe("columnWidths", () => {
  it("counts display width: a Chinese character takes two columns", () => {
    const widths = columnWidths({
      columns: [
        col("序号"),
        col("检查项目"),
        { heading: "x", width: 7, maxWidth: 40, wrap: false },
        col("问题"),
      ],
      rows: [[1, "学习时间是否充分？", "anything", "x".repeat(100)]],
    });
    expect(widths[0]).toBe(6); // 序号 = 4 + 2
    expect(widths[1]).toBe(20); // 9 CJK = 18 + 2
    expect(widths[2]).toBe(7); // fixed
    expect(widths[3]).toBe(30); // capped
  });
});

describe("cleanText", () => {
  it("caps a cell at Excel's limit", () => {
    expect(cleanText("长".repeat(MAX_CELL_CHARS + 10))).toHaveLength(MAX_CELL_CHARS);
    expect(cleanText("a\r\nb\rc")).toBe("a\nb\nc");
  });
});

describe("linesIn", () => {
  it("wraps Latin words whole and CJK anywhere", () => {
    expect(linesIn("学习时间是否充分？", 20)).toBe(1);
    expect(linesIn("学习时间是否充分？", 11)).toBe(2);
    // "six-" | "checks.planning@" | "李卫东" in a column of 16.
    expect(linesIn("six-checks.planning@李卫东", 16)).toBe(3);
    expect(linesIn("a\nb\nc", 10)).toBe(3);
    expect(linesIn("x".repeat(45), 16)).toBe(3);
  });

  it("counts quotes and other characters of ambiguous width as wide, as a CJK font draws them", () => {
    // 9 CJK characters and “ ”: 22 columns in a Chinese font, not 20.
    expect(linesIn("第一环节“回头看”自查", 22)).toBe(2);
    expect(linesIn("第一环节“回头看”自查", 23)).toBe(1);
    const [w] = columnWidths({
      columns: [{ heading: "检查清单", width: undefined, maxWidth: 40, wrap: true }],
      rows: [["第一环节“回头看”自查"]],
    });
    expect(w).toBe(24);
  });

  it("counts a text met again the same way, at each width (memo and short-text path)", () => {
    const text = "组织专题学习，每人撰写不少于 1500 字的心得体会";
    const counts = [8, 12, 26, 60].map((w) => linesIn(text, w));
    expect(counts).toEqual([8, 12, 26, 60].map((w) => linesIn(text, w)));
    expect(counts[0]).toBeGreaterThan(counts[1] ?? 0);
    expect(counts[3]).toBe(1);
    // Right at the short-text bound: 5 CJK characters are 10 columns, a column of 11 fits them.
    expect(linesIn("学习时间充", 11)).toBe(1);
    expect(linesIn("学习时间充", 10)).toBe(2);
    expect(linesIn("学习\n时间", 30)).toBe(2);
    const long = "学".repeat(300);
    expect(linesIn(long, 21)).toBe(30);
    expect(linesIn(long, 21)).toBe(30);
  });
});

describe("xlsxBytes packing", () => {
  it("zips every part exceljs writes, [Content_Types].xml first, names without a leading slash", async () => {
    const { file } = await write("parts.xlsx", [
      {
        name: "整改台账",
        title: "t",
        info: "i",
        columns: [col("状态"), col("说明", true)],
        rows: [["已完成", "很长很长的说明文字".repeat(20)]],
        rowCount: 1,
      },
      { name: "自查明细", title: null, info: null, columns: [col("项目")], rows: [["x"]], rowCount: 1 },
    ]);
    const entries = zipEntries(file);
    const names = [...entries.keys()];
    expect(names[0]).toBe("[Content_Types].xml");
    expect(new Set(names)).toEqual(
      new Set([
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "xl/theme/theme1.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
      ]),
    );
    expect(entries.get("xl/worksheets/sheet1.xml")).toMatch(/<\/worksheet>$/);
    expect(entries.get("xl/sharedStrings.xml")).toContain("很长很长的说明文字");
  });

  it("builds workbooks one after another and at once without mixing their parts", async () => {
    const sheet = (text: string): SheetModel => ({
      name: "整改台账",
      title: text,
      info: null,
      columns: [col("内容")],
      rows: [[text]],
      rowCount: 1,
    });
    const texts = ["甲单位", "乙单位", "丙单位"];
    const files = await Promise.all(
      texts.map(async (text, i) => {
        const file = path.join(dir, `concurrent-${i}.xlsx`);
        writeFileSync(file, await xlsxBytes([sheet(text)], opts));
        return file;
      }),
    );
    for (const [i, file] of files.entries()) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      expect(wb.getWorksheet("整改台账")?.getCell("A3").value).toBe(texts[i]);
    }
  });
});
