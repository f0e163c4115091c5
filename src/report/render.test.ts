// The renderers, read back by second readers: python-docx for the Word file, LibreOffice
// (docx → PDF → text) for what a person would see printed, headless Chromium for the page.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countyBriefing, HOSTILE, unitBriefing } from "../../test/fixtures/briefings.js";
import {
  chromium,
  chromiumRun,
  hasPoppler,
  hasPythonDocx,
  libreofficePdf,
  pdfInfo,
  pdfText,
  readDocx,
  soffice,
} from "../../test/helpers/readers.js";
import { readZip } from "../ledger/zip.js";
import { briefingContent } from "./content.js";
import { briefingDocx, titleSize } from "./docx.js";
import { briefingHtml } from "./html.js";
import { loadReportTemplate, type ReportTemplate } from "./template.js";
import type { Briefing } from "./types.js";

let dir: string;
let tpl: ReportTemplate;
const files: Record<"unit" | "county" | "countyEn", { docx: string; html: string }> = {
  unit: { docx: "", html: "" },
  county: { docx: "", html: "" },
  countyEn: { docx: "", html: "" },
};

async function write(name: keyof typeof files, b: Briefing, template: ReportTemplate): Promise<void> {
  const c = briefingContent(b, template);
  files[name] = { docx: path.join(dir, `${name}.docx`), html: path.join(dir, `${name}.html`) };
  writeFileSync(files[name].docx, await briefingDocx(c, template));
  writeFileSync(files[name].html, briefingHtml(c, template));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-report-render-"));
  const o = loadReportTemplate();
  if (!o.ok) throw new Error(JSON.stringify(o.diagnostics));
  tpl = o.template;
  await write("unit", unitBriefing(), tpl);
  await write("county", countyBriefing(), tpl);
  const en = loadReportTemplate(undefined, "en");
  if (!en.ok) throw new Error("en template");
  await write("countyEn", countyBriefing({ language: "en" }), en.template);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const documentXml = (file: string) =>
  readZip(readFileSync(file))
    .find((e) => e.name === "word/document.xml")
    ?.data.toString("utf8") ?? "";

describe("the Word file, as written", () => {
  it("is a zip with the parts Word needs, native charts for the county only", () => {
    const unit = readZip(readFileSync(files.unit.docx)).map((e) => e.name);
    const county = readZip(readFileSync(files.county.docx)).map((e) => e.name);
    for (const part of ["[Content_Types].xml", "word/document.xml", "word/styles.xml", "word/footer1.xml"]) {
      expect(unit).toContain(part);
    }
    expect(unit.filter((n) => n.startsWith("word/charts/"))).toEqual([]);
    expect(county.filter((n) => /^word\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(4);
    // Each chart carries its workbook, so that Word's "Edit Data" opens the numbers.
    expect(county.filter((n) => n.startsWith("word/embeddings/") && n.endsWith(".xlsx"))).toHaveLength(4);
  });

  it("never lets a text become markup or a field", () => {
    const xml = documentXml(files.unit.docx);
    expect(xml).toContain("&lt;b&gt;&amp;amp;&lt;/b&gt;");
    expect(xml).not.toContain("<b>");
    expect(xml).not.toMatch(/<w:fldSimple|<w:instrText[^>]*>\s*MERGEFIELD/);
    expect(xml).not.toContain("<w:t>`");
  });

  it("drops the characters XML refuses, so that Word opens the file", () => {
    const xml = documentXml(files.unit.docx);
    expect(xml).toContain("征求意见表回收率低<");
    for (const ch of ["\u0001", "\u000b", "\ufffe"]) expect(xml).not.toContain(ch);
  });

  it("names no chart without its categories and values", () => {
    const chart = readZip(readFileSync(files.county.docx))
      .filter((e) => /^word\/charts\/chart\d+\.xml$/.test(e.name))
      .map((e) => e.data.toString("utf8"))
      .join("\n");
    for (const town of ["莲塘镇", "向塘镇", "三江镇", "（未填乡镇）", "学习教育", "六查", "已销号"]) {
      expect(chart).toContain(town);
    }
  });

  it("renders a county where nothing has started yet, without the charts of nothing", async () => {
    const empty = countyBriefing({
      sections: [],
      townships: [],
      unitRows: [],
      notStarted: [],
      mostOverdue: [],
    });
    const c = briefingContent(empty, tpl);
    expect(c.blocks.filter((b) => b.kind === "chart").map((b) => b.kind === "chart" && b.chart.id)).toEqual([
      "statuses",
    ]);
    const bytes = await briefingDocx(c, tpl);
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    expect(briefingHtml(c, tpl)).toContain("</html>");
  });

  it("shrinks a long title so that it stays on one line, never below 16 pt", () => {
    expect(titleSize("短标题", 22)).toBe(22);
    expect(titleSize("南昌县莲塘第一中学“回头看”工作简报", 26)).toBeLessThan(26);
    expect(titleSize("很".repeat(80), 22)).toBe(16);
  });
});

describe.skipIf(!hasPythonDocx)("the Word file, read by python-docx", () => {
  it("has the masthead, the five parts in order, the numbers and the tail", () => {
    const d = readDocx(files.unit.docx);
    const texts = d.paragraphs.map((p) => p.text);
    expect(texts[0]).toBe("南昌县莲塘第一中学“回头看”工作简报");
    expect(texts[1]).toBe("第 3 期");
    expect(texts[2]).toBe("南昌县莲塘第一中学\t2026年5月20日");
    const headings = d.paragraphs.filter((p) => p.style === "Heading 1").map((p) => p.text);
    expect(headings).toEqual([
      "一、基本情况",
      "二、主要做法和成效",
      "三、存在问题",
      "四、整改落实情况",
      "五、下步打算",
    ]);
    expect(texts).toContain(
      "【请在此处填写主要做法和成效：组织学习、听取意见、立行立改等方面的具体做法、特色和成效。】",
    );
    expect(
      texts.some(
        (t) => t.includes("销号率 25.0%") && t.includes("逾期未完成 1 项") && t.includes("反弹 1 项"),
      ),
    ).toBe(true);
    expect(texts.slice(-3)).toEqual([
      "报送：县教体局“回头看”活动办公室",
      "抄送：莲塘镇中心学校",
      "共印 5 份",
    ]);
    // The section table: one row per section, then the totals.
    const sections = d.tables[0];
    expect(sections?.[0]).toEqual(["环节", "项数", "已查", "符合", "基本符合", "不符合", "不适用"]);
    expect(sections?.[4]).toEqual(["六查", "12", "11", "10", "1", "0", "0"]);
    expect(sections?.[5]).toEqual(["合计", "28", "27", "22", "2", "2", "1"]);
    // Problems grouped by section, with 责任人 and 整改时限; the hostile text as it was typed.
    const study = d.tables[1];
    expect(study?.[1]).toEqual([
      "1-2",
      "部分党员学习笔记内容简单，学习体会不深",
      "组织专题学习，每人撰写不少于 1500 字的心得体会",
      "王老师",
      "2026-05-10",
      "整改中（逾期 10 天）",
    ]);
    expect(study?.[2]?.[1]).toBe(HOSTILE);
    expect(study?.[2]?.[5]).toBe("未整改（反弹）");
    expect(texts).toContain("（二）听取意见（1）");
  });

  it("sets an East Asian font on every run, zh-CN as the East Asian language, A4, page numbers", () => {
    const d = readDocx(files.unit.docx);
    expect(d.defaultEastAsia).toBe("仿宋");
    expect(d.defaultLang).toBe("zh-CN");
    expect(d.eastAsia.length).toBeGreaterThan(10);
    expect(d.eastAsia.filter((f) => f === null || f === "")).toEqual([]);
    expect(new Set(d.eastAsia)).toEqual(new Set(["方正小标宋简体", "楷体", "黑体"]));
    // Table text takes its fonts from named styles, each with its East Asian font.
    expect(d.styleEastAsia).toMatchObject({
      LbTableText: "仿宋",
      LbTableSmall: "仿宋",
      LbTableHead: "黑体",
      LbTableHeadSmall: "黑体",
      Heading1: "黑体",
      Heading2: "楷体",
    });
    expect(Object.values(d.styleEastAsia).filter((f) => !f)).toEqual([]);
    // A4 in EMU (210 × 297 mm).
    expect(Math.round(d.page.width / 36000)).toBe(210);
    expect(Math.round(d.page.height / 36000)).toBe(297);
    expect(d.footers[0]).toMatch(/—\s*PAGE\s*—/);
  });

  it("has the county's tables with every township, every unit and the units not started", () => {
    const b = countyBriefing();
    const d = readDocx(files.county.docx);
    expect(d.charts).toBe(4);
    const towns = d.tables[0];
    expect(towns?.[0]?.[0]).toBe("乡镇");
    expect(towns?.slice(1, -1).map((r) => r[0])).toEqual(
      b.townships.map((t) => t.township ?? "（未填乡镇）"),
    );
    expect(towns?.at(-1)).toEqual([
      "合计",
      String(b.units.total),
      String(b.units.complete),
      String(b.units.inProgress),
      String(b.units.notStarted),
      "72.0%",
      String(b.rectifications.total),
      String(b.rectifications.closed),
      "56.5%",
      String(b.rectifications.overdue),
    ]);
    const all = d.tables.at(-1);
    expect(all?.length).toBe(b.unitRows.length + 1);
    expect(all?.map((r) => r[1])).toContain(HOSTILE);
    const notStarted = d.tables.find((t) => t[0]?.length === 3 && t[0]?.[1] === "单位");
    expect(notStarted?.slice(1).map((r) => r[1])).toEqual(b.notStarted.map((u) => u.name));
    const overdue = d.tables.find((t) => t[0]?.includes("逾期天数"));
    expect(overdue?.[1]).toEqual(["向塘镇第4小学", "1-2", "学习笔记不全", "赵老师", "2026-03-01", "80"]);
  });

  it("writes an English briefing with English words", () => {
    const d = readDocx(files.countyEn.docx);
    const headings = d.paragraphs.filter((p) => p.style === "Heading 1").map((p) => p.text);
    expect(headings[0]).toBe("1. Overview");
    expect(d.tables[0]?.[0]?.[0]).toBe("Township");
    expect(d.footers[0]).toMatch(/-\s*PAGE\s*-/);
  });
});

describe.skipIf(soffice === "" || !hasPoppler)("the Word file, printed by LibreOffice", () => {
  it("prints on A4 with the masthead, the charts' titles and every part", { timeout: 240_000 }, () => {
    const pdf = libreofficePdf(files.county.docx, dir);
    const info = pdfInfo(pdf);
    expect(info.size).toMatch(/^59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info.pages).toBeGreaterThanOrEqual(3);
    const text = pdfText(pdf).replace(/\s+/g, "");
    for (const s of [
      "全县“回头看”工作简报",
      "第7期",
      "各乡镇自查完成情况",
      "各环节自查结果",
      "整改事项状态",
      "各乡镇逾期整改事项",
      "五、下步打算",
      "共印30份",
    ]) {
      expect(text).toContain(s);
    }
  });
});

describe("the web page, as written", () => {
  it("is self-contained: no script, no link, no image or font fetched from anywhere", () => {
    const html = readFileSync(files.county.html, "utf8");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
    // The only addresses are the SVG namespaces, which are names, not fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]));
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toContain("@page { size: A4;");
  });

  it("escapes every text, in the tables and in the charts", () => {
    const html = readFileSync(files.county.html, "utf8");
    expect(html).not.toContain("<b>&amp;");
    expect(html).toContain("&lt;b&gt;&amp;amp;&lt;/b&gt; &quot;=SUM(A1)&quot;");
  });
});

describe.skipIf(chromium === "" || !hasPoppler)("the web page, in Chromium", () => {
  it("renders a screenshot and prints on A4 pages", { timeout: 240_000 }, () => {
    const url = pathToFileURL(files.county.html).href;
    const png = path.join(dir, "county.png");
    chromiumRun(url, { screenshot: png });
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    // 1240 × 1754 as asked.
    expect(bytes.readUInt32BE(16)).toBe(1240);
    expect(bytes.readUInt32BE(20)).toBe(1754);
    const pdf = path.join(dir, "county-print.pdf");
    chromiumRun(url, { pdf });
    const info = pdfInfo(pdf);
    expect(info.size).toMatch(/^59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info.pages).toBeGreaterThanOrEqual(2);
    const text = pdfText(pdf).replace(/\s+/g, "");
    expect(text).toContain("全县“回头看”工作简报");
    expect(text).toContain("各乡镇自查完成情况");
    expect(text).toContain("共印30份");
  });
});
