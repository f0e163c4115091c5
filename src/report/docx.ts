// The briefing as a Word document in the shape of a Chinese official briefing: A4, the
// margins of official documents, the red masthead with its rule, 仿宋 body text, 黑体 and 楷体
// headings, page numbers as “— 1 —”, and the tail (报送 / 抄送 / 共印 N 份) between rules.
// Every run names an East Asian font (w:eastAsia) and the document's language is zh-CN, so
// Word and WPS never set Chinese text in a Latin font. Charts are native Word charts: Word,
// WPS and LibreOffice draw them with the document's fonts, and Word can edit their data.
// Text goes into the XML through the library, which escapes it: nothing in a unit name or a
// problem is ever read as markup or a field.
import { displayWidth } from "../util/width.js";
import { type Block, type BriefingContent, type ChartSpec, type Column, chartHeight } from "./content.js";
import { docxLib } from "./libs.js";
import type { ReportTemplate } from "./template.js";

type Docx = ReturnType<typeof docxLib>["lib"];
type Child = InstanceType<Docx["Paragraph"]> | InstanceType<Docx["Table"]>;

/** A4 in twentieths of a point, with the margins of official documents (37/35/28/26 mm). */
const PAGE = { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1588, right: 1474 };
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
/** The text width in pixels (96 per inch), for the charts. */
const TEXT_PX = Math.floor((TEXT_WIDTH / 1440) * 96);

const half = (pt: number) => Math.round(pt * 2);

interface Kit {
  d: Docx;
  tpl: ReportTemplate;
  font: (eastAsia: string) => { ascii: string; hAnsi: string; eastAsia: string; cs: string };
}

function kit(tpl: ReportTemplate): Kit {
  const { lib } = docxLib();
  const latin = tpl.fonts.latin;
  return { d: lib, tpl, font: (eastAsia) => ({ ascii: latin, hAnsi: latin, eastAsia, cs: latin }) };
}

/** Display width of a text in ems: a Chinese character is one, Latin letters and digits half. */
const ems = (s: string) => displayWidth(s) / 2;

/** The title's size: the template's, made smaller (down to 16 pt) when a long unit name would wrap it. */
export function titleSize(title: string, wanted: number): number {
  const fits = Math.floor(((TEXT_WIDTH / 20) * 0.96) / Math.max(1, ems(title)));
  return Math.max(Math.min(wanted, fits), Math.min(wanted, 16));
}

function mastheadParagraphs(k: Kit, c: BriefingContent): Child[] {
  const { d, tpl } = k;
  const out: Child[] = [
    new d.Paragraph({
      alignment: d.AlignmentType.CENTER,
      spacing: { before: 240, after: 240, line: 240, lineRule: d.LineRuleType.AUTO },
      children: [
        new d.TextRun({
          text: c.masthead.title,
          font: k.font(tpl.fonts.title),
          size: half(titleSize(c.masthead.title, tpl.sizes.title)),
          color: tpl.color,
          bold: true,
        }),
      ],
    }),
  ];
  if (c.masthead.issue !== null) {
    out.push(
      new d.Paragraph({
        alignment: d.AlignmentType.CENTER,
        spacing: { after: 120 },
        children: [
          new d.TextRun({
            text: c.masthead.issue,
            font: k.font(tpl.fonts.subheading),
            size: half(tpl.sizes.issue),
          }),
        ],
      }),
    );
  }
  // 编印单位 on the left, the date on the right, above the red rule.
  out.push(
    new d.Paragraph({
      tabStops: [{ type: d.TabStopType.RIGHT, position: TEXT_WIDTH }],
      spacing: { after: 360 },
      border: { bottom: { style: d.BorderStyle.SINGLE, size: 24, color: tpl.color, space: 4 } },
      children: [
        new d.TextRun({ text: c.masthead.issuer, size: half(tpl.sizes.issue) }),
        new d.TextRun({ text: `\t${c.masthead.date}`, size: half(tpl.sizes.issue) }),
      ],
    }),
  );
  return out;
}

/** Tables up to this many rows are kept on one page; longer ones break, with the heading row repeated. */
const KEEP_TOGETHER_ROWS = 15;

/** Paragraph styles of the tables: the fonts and sizes are in the style, not on every run. */
const STYLE = {
  cell: "LbTableText",
  small: "LbTableSmall",
  head: "LbTableHead",
  headSmall: "LbTableHeadSmall",
};

function tableStyles(k: Kit) {
  const { d, tpl } = k;
  const small = Math.min(tpl.sizes.table, 10.5);
  const style = (id: string, name: string, font: string, size: number, center: boolean) => ({
    id,
    name,
    basedOn: "Normal",
    quickFormat: true,
    run: { font: k.font(font), size: half(size) },
    paragraph: {
      spacing: { line: 260, lineRule: d.LineRuleType.AUTO },
      ...(center ? { alignment: d.AlignmentType.CENTER } : {}),
    },
  });
  return [
    style(STYLE.cell, "Table Text", tpl.fonts.table, tpl.sizes.table, false),
    style(STYLE.small, "Table Text Small", tpl.fonts.table, small, false),
    style(STYLE.head, "Table Heading", tpl.fonts.heading, tpl.sizes.table, true),
    style(STYLE.headSmall, "Table Heading Small", tpl.fonts.heading, small, true),
  ];
}

function tableOf(k: Kit, columns: readonly Column[], rows: readonly string[][], total?: readonly string[]) {
  const { d } = k;
  const sum = columns.reduce((a, c) => a + c.width, 0);
  const widths = columns.map((c) => Math.floor((c.width / sum) * TEXT_WIDTH));
  // A table of many narrow columns is set a size smaller (五号), so that rates and names fit.
  const small = columns.length >= 8;
  const keep = rows.length + (total ? 1 : 0) <= KEEP_TOGETHER_ROWS;
  const alignOf = columns.map((c) =>
    c.align === "left"
      ? d.AlignmentType.LEFT
      : c.align === "right"
        ? d.AlignmentType.RIGHT
        : d.AlignmentType.CENTER,
  );
  const headShading = { fill: "E7E6E6", type: d.ShadingType.CLEAR, color: "auto" };
  const cell = (text: string, i: number, opts: { head?: boolean; bold?: boolean; last?: boolean } = {}) =>
    new d.TableCell({
      verticalAlign: d.VerticalAlign.CENTER,
      ...(opts.head ? { shading: headShading } : {}),
      children: text.split("\n").map(
        (line) =>
          new d.Paragraph({
            style: opts.head ? (small ? STYLE.headSmall : STYLE.head) : small ? STYLE.small : STYLE.cell,
            ...(opts.head ? {} : { alignment: alignOf[i] }),
            keepNext: keep && opts.last !== true,
            children: [opts.bold ? new d.TextRun({ text: line, bold: true }) : new d.TextRun(line)],
          }),
      ),
    });
  const line = { style: d.BorderStyle.SINGLE, size: 4, color: "000000" };
  const body = rows.map(
    (r, n) =>
      new d.TableRow({
        cantSplit: true,
        children: r.map((v, i) => cell(v, i, { last: !total && n === rows.length - 1 })),
      }),
  );
  return new d.Table({
    width: { size: TEXT_WIDTH, type: d.WidthType.DXA },
    columnWidths: widths,
    layout: d.TableLayoutType.FIXED,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    borders: {
      top: line,
      bottom: line,
      left: line,
      right: line,
      insideHorizontal: line,
      insideVertical: line,
    },
    rows: [
      new d.TableRow({
        tableHeader: true,
        cantSplit: true,
        children: columns.map((c, i) => cell(c.heading, i, { head: true })),
      }),
      ...body,
      ...(total
        ? [
            new d.TableRow({
              cantSplit: true,
              children: total.map((v, i) => cell(v, i, { bold: true, last: true })),
            }),
          ]
        : []),
    ],
  });
}

function chartParagraph(k: Kit, spec: ChartSpec): Child {
  const { d, tpl } = k;
  const { ChartRun } = docxLib().charts;
  const font = { name: tpl.fonts.table };
  const common = {
    title: { text: spec.title, font: { name: tpl.fonts.heading, size: tpl.sizes.chart + 2, bold: true } },
    font,
    transformation: { width: TEXT_PX, height: chartHeight(spec) },
    altText: { name: spec.id, title: spec.title, description: spec.title },
  };
  const axisFont = { ...font, size: tpl.sizes.chart };
  const run =
    spec.kind === "pie"
      ? new ChartRun({
          ...common,
          type: "pie",
          categories: spec.categories,
          series: spec.series.slice(0, 1).map((s) => ({ name: s.name, values: s.values })),
          dataLabels: { value: true, category: true, font: axisFont },
        })
      : new ChartRun({
          ...common,
          type: spec.kind,
          categories: spec.categories,
          stacking: spec.stacked ? "stacked" : "none",
          ...(spec.kind === "bar" ? { gapWidth: 60 } : { gapWidth: 80 }),
          ...(spec.stacked ? { overlap: 100 } : {}),
          series: spec.series.map((s) => ({ name: s.name, values: s.values, color: s.color })),
          // Word draws the first category of a bar chart at the bottom: reversed, the chart reads like the table.
          categoryAxis: { font: axisFont, ...(spec.kind === "bar" ? { reverseOrder: true } : {}) },
          valueAxis: { font: axisFont, numberFormat: "0", title: { text: spec.unit, font: axisFont } },
          // A zero inside a stacked bar is noise: the format's third part (zero) is empty.
          dataLabels: { value: true, font: axisFont, numberFormat: "0;-0;;" },
          legend: spec.series.length > 1 ? { position: "bottom", font: axisFont } : false,
        });
  return new d.Paragraph({
    alignment: d.AlignmentType.CENTER,
    keepLines: true,
    spacing: { before: 120, after: 120 },
    children: [run],
  });
}

function blockChildren(k: Kit, b: Block): Child[] {
  const { d, tpl } = k;
  // Two characters: in characters for Word and WPS, in twips for LibreOffice (which reads only those).
  const indent = { firstLineChars: 200, firstLine: Math.round(tpl.sizes.body * 2 * 20) };
  // Official documents set body text on a fixed 28-point line (about 22 lines on an A4 page).
  const bodyLine = { line: Math.round(tpl.sizes.body * 1.75 * 20), lineRule: d.LineRuleType.EXACT };
  switch (b.kind) {
    case "heading":
      return [
        new d.Paragraph({
          heading: d.HeadingLevel.HEADING_1,
          keepNext: true,
          spacing: { before: 240, after: 120, ...bodyLine },
          indent,
          children: [
            new d.TextRun({ text: b.text, font: k.font(tpl.fonts.heading), size: half(tpl.sizes.heading) }),
          ],
        }),
      ];
    case "subheading":
      return [
        new d.Paragraph({
          heading: d.HeadingLevel.HEADING_2,
          keepNext: true,
          spacing: bodyLine,
          indent,
          children: [
            new d.TextRun({ text: b.text, font: k.font(tpl.fonts.subheading), size: half(tpl.sizes.body) }),
          ],
        }),
      ];
    case "paragraph":
      return [
        new d.Paragraph({
          spacing: bodyLine,
          indent,
          alignment: d.AlignmentType.JUSTIFIED,
          children: [new d.TextRun({ text: b.text })],
        }),
      ];
    case "prompt": {
      // A marked place for a person's text: highlighted and framed, so it is seen and replaced.
      const dash = { style: d.BorderStyle.DASHED, size: 6, color: tpl.color, space: 4 };
      return [
        new d.Paragraph({
          spacing: { ...bodyLine, before: 120, after: 120 },
          indent,
          border: { top: dash, bottom: dash, left: dash, right: dash },
          children: [
            new d.TextRun({
              text: b.text,
              font: k.font(tpl.fonts.subheading),
              highlight: d.HighlightColor.YELLOW,
            }),
          ],
        }),
      ];
    }
    case "table":
      return [
        tableOf(k, b.columns, b.rows, b.total),
        new d.Paragraph({ spacing: { after: 60 }, children: [] }),
      ];
    case "chart":
      return [chartParagraph(k, b.chart)];
  }
}

function tailParagraphs(k: Kit, c: BriefingContent): Child[] {
  const { d, tpl } = k;
  const thick = { style: d.BorderStyle.SINGLE, size: 12, color: "000000", space: 2 };
  const thin = { style: d.BorderStyle.SINGLE, size: 4, color: "000000", space: 2 };
  const size = half(Math.min(tpl.sizes.body, 14));
  const lines: { text: string; right?: boolean }[] = [];
  if (c.tail.to !== null) lines.push({ text: c.tail.to });
  if (c.tail.cc !== null) lines.push({ text: c.tail.cc });
  if (c.tail.copies !== null) lines.push({ text: c.tail.copies, right: true });
  if (lines.length === 0) return [];
  return [
    ...lines.map(
      (l, i) =>
        new d.Paragraph({
          keepNext: i < lines.length - 1,
          keepLines: true,
          alignment: l.right ? d.AlignmentType.RIGHT : d.AlignmentType.LEFT,
          indent: { left: 280, right: 280 },
          spacing: { before: i === 0 ? 600 : 60, after: 60 },
          border: {
            top: i === 0 ? thick : thin,
            ...(i === lines.length - 1 ? { bottom: thick } : {}),
          },
          children: [new d.TextRun({ text: l.text, size })],
        }),
    ),
  ];
}

/** The .docx bytes of a briefing. */
export async function briefingDocx(c: BriefingContent, tpl: ReportTemplate): Promise<Buffer> {
  const k = kit(tpl);
  const { d } = k;
  const language = { value: c.language === "en" ? "en-US" : "zh-CN", eastAsia: "zh-CN" };
  const doc = new d.Document({
    title: c.masthead.title,
    creator: c.masthead.issuer,
    description: c.masthead.title,
    theme: {
      fonts: {
        body: { latin: tpl.fonts.latin, eastAsia: tpl.fonts.table, scripts: { Hans: tpl.fonts.table } },
        headings: {
          latin: tpl.fonts.latin,
          eastAsia: tpl.fonts.heading,
          scripts: { Hans: tpl.fonts.heading },
        },
      },
    },
    styles: {
      default: {
        document: { run: { font: k.font(tpl.fonts.body), size: half(tpl.sizes.body), language } },
        heading1: {
          run: {
            font: k.font(tpl.fonts.heading),
            size: half(tpl.sizes.heading),
            color: "000000",
            bold: false,
          },
        },
        heading2: {
          run: {
            font: k.font(tpl.fonts.subheading),
            size: half(tpl.sizes.body),
            color: "000000",
            bold: false,
          },
        },
      },
      paragraphStyles: tableStyles(k),
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, footer: 1134 },
          },
        },
        footers: {
          default: new d.Footer({
            children: [
              new d.Paragraph({
                alignment: d.AlignmentType.CENTER,
                children: [
                  new d.TextRun({
                    children: [c.pageNumber.before, d.PageNumber.CURRENT, c.pageNumber.after],
                    font: k.font("宋体"),
                    size: half(14),
                  }),
                ],
              }),
            ],
          }),
        },
        children: [
          ...mastheadParagraphs(k, c),
          ...c.blocks.flatMap((b) => blockChildren(k, b)),
          ...tailParagraphs(k, c),
        ],
      },
    ],
  });
  return d.Packer.toBuffer(doc);
}
