// The briefing as one self-contained web page: inline CSS and SVG charts, no script, no
// link to anything outside (it opens offline, from a USB stick, in any browser), laid out to
// print on A4 with the table headings repeated on every page. Every text is HTML-escaped.
import type { Block, BriefingContent, Column } from "./content.js";
import { chartSvg } from "./svg.js";
import type { ReportTemplate } from "./template.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A CSS font list: the template's font, then the usual names of the same face on Windows, macOS and Linux. */
function fontStack(name: string, kind: "serif" | "sans"): string {
  const alike =
    kind === "sans"
      ? ["SimHei", "Heiti SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"]
      : [
          "FangSong",
          "STFangsong",
          "SimSun",
          "Songti SC",
          "Noto Serif CJK SC",
          "Source Han Serif SC",
          "serif",
        ];
  // Font names are checked when the template is read (no quotes or markup); quoted all the same.
  return [name, ...alike].map((f) => (/^[a-z-]+$/.test(f) ? f : `"${f.replace(/["\\]/g, "")}"`)).join(", ");
}

function css(tpl: ReportTemplate): string {
  const body = fontStack(tpl.fonts.body, "serif");
  const heading = fontStack(tpl.fonts.heading, "sans");
  const sub = fontStack(tpl.fonts.subheading, "serif");
  const title = fontStack(tpl.fonts.title, "serif");
  const table = fontStack(tpl.fonts.table, "serif");
  const color = `#${tpl.color}`;
  return `
@page { size: A4; margin: 25mm 20mm 22mm 22mm; }
* { box-sizing: border-box; }
html { background: #eef0f2; }
body { margin: 0; color: #111; font-family: ${body}; font-size: ${tpl.sizes.body}pt; line-height: 1.75; }
main { width: 210mm; min-height: 297mm; margin: 12px auto; padding: 25mm 20mm 22mm 22mm; background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.15); }
header.masthead { text-align: center; border-bottom: 3px solid ${color}; padding-bottom: 6pt; margin-bottom: 18pt; }
header.masthead h1 { color: ${color}; font-family: ${title}; font-size: ${tpl.sizes.title}pt; font-weight: bold; line-height: 1.3; margin: 0 0 8pt; letter-spacing: 1pt; }
header.masthead p { text-indent: 0; text-align: center; }
header.masthead .issue { font-family: ${sub}; font-size: ${tpl.sizes.issue}pt; margin: 0 0 6pt; }
header.masthead .line { display: flex; justify-content: space-between; font-size: ${tpl.sizes.issue}pt; }
h2 { font-family: ${heading}; font-size: ${tpl.sizes.heading}pt; font-weight: normal; margin: 16pt 0 4pt; text-indent: 2em; break-after: avoid; }
h3 { font-family: ${sub}; font-size: ${tpl.sizes.body}pt; font-weight: normal; margin: 6pt 0 0; text-indent: 2em; break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.prompt { border: 1.5px dashed ${color}; background: #fff6bf; font-family: ${sub}; padding: 6pt 8pt; margin: 6pt 0; }
table { width: 100%; border-collapse: collapse; margin: 6pt 0 10pt; font-family: ${table}; font-size: ${tpl.sizes.table}pt; line-height: 1.4; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; overflow-wrap: anywhere; }
th { background: #e7e6e6; font-family: ${heading}; font-weight: normal; text-align: center; }
table.wide { font-size: ${Math.min(tpl.sizes.table, 10.5)}pt; }
td.left { text-align: left; } td.center { text-align: center; } td.right { text-align: right; }
tfoot td { font-weight: bold; }
figure { margin: 8pt 0; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
footer.tail { margin-top: 28pt; font-size: ${Math.min(tpl.sizes.body, 14)}pt; border-top: 2px solid #000; border-bottom: 2px solid #000; break-inside: avoid; }
footer.tail p { text-indent: 0; padding: 3pt 1em; border-top: 1px solid #000; }
footer.tail p:first-child { border-top: none; }
footer.tail p.copies { text-align: right; }
@media print {
  html { background: none; }
  main { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
`;
}

function table(columns: readonly Column[], rows: readonly string[][], total?: readonly string[]): string {
  const sum = columns.reduce((a, c) => a + c.width, 0);
  const colgroup = columns.map((c) => `<col style="width:${((c.width / sum) * 100).toFixed(2)}%">`).join("");
  const cells = (r: readonly string[]) =>
    r
      .map(
        (v, i) => `<td class="${columns[i]?.align ?? "center"}">${escapeHtml(v).replace(/\n/g, "<br>")}</td>`,
      )
      .join("");
  return [
    // Many narrow columns are set a size smaller (五号), as in the Word file.
    `<table${columns.length >= 8 ? ' class="wide"' : ""}><colgroup>${colgroup}</colgroup>`,
    `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c.heading)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${cells(r)}</tr>`).join("\n")}</tbody>`,
    total ? `<tfoot><tr>${cells(total)}</tr></tfoot>` : "",
    "</table>",
  ].join("\n");
}

function block(b: Block, tpl: ReportTemplate): string {
  switch (b.kind) {
    case "heading":
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case "subheading":
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case "paragraph":
      return `<p>${escapeHtml(b.text)}</p>`;
    case "prompt":
      return `<p class="prompt">${escapeHtml(b.text)}</p>`;
    case "table":
      return table(b.columns, b.rows, b.total);
    case "chart":
      return `<figure aria-label="${escapeHtml(b.chart.title)}">${chartSvg(b.chart, fontStack(tpl.fonts.table, "serif").replace(/"/g, "'"), 12)}</figure>`;
  }
}

/** The page's HTML. */
export function briefingHtml(c: BriefingContent, tpl: ReportTemplate): string {
  const lang = c.language === "en" ? "en" : "zh-CN";
  const m = c.masthead;
  const tail = [
    c.tail.to !== null ? `<p>${escapeHtml(c.tail.to)}</p>` : "",
    c.tail.cc !== null ? `<p>${escapeHtml(c.tail.cc)}</p>` : "",
    c.tail.copies !== null ? `<p class="copies">${escapeHtml(c.tail.copies)}</p>` : "",
  ].join("");
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lookback">
<title>${escapeHtml(m.title)}</title>
<style>${css(tpl)}</style>
</head>
<body>
<main>
<header class="masthead">
<h1>${escapeHtml(m.title)}</h1>
${m.issue !== null ? `<p class="issue">${escapeHtml(m.issue)}</p>` : ""}
<div class="line"><span>${escapeHtml(m.issuer)}</span><span>${escapeHtml(m.date)}</span></div>
</header>
${c.blocks.map((b) => block(b, tpl)).join("\n")}
${tail ? `<footer class="tail">${tail}</footer>` : ""}
</main>
</body>
</html>
`;
}
