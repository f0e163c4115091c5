// Second readers for written documents: python-docx for .docx, LibreOffice for docx → PDF,
// poppler for PDF → text and PNG, headless Chromium for the web page. Each says whether it
// is there, so that a test needing a missing one is skipped, never passed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const which = (cmd: string) => spawnSync("which", [cmd], { encoding: "utf8" }).stdout.trim();

export const hasPythonDocx = spawnSync("/usr/bin/python3", ["-c", "import docx"]).status === 0;
export const soffice = which("soffice") || which("libreoffice");
export const chromium = which("chromium") || which("chromium-browser");
export const hasPoppler = which("pdftotext") !== "" && which("pdftoppm") !== "" && which("pdfinfo") !== "";

export interface DocxRead {
  paragraphs: { style: string; text: string }[];
  tables: string[][][];
  footers: string[];
  page: { width: number; height: number };
  /** Every w:rFonts of the body: its eastAsia font, or null when it names none. */
  eastAsia: (string | null)[];
  defaultEastAsia: string | null;
  /** East Asian font of each style that names fonts, by style id. */
  styleEastAsia: Record<string, string | null>;
  defaultLang: string | null;
  charts: number;
}

const READ_DOCX = `
import json, sys, zipfile, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
body = d.element.body
styles = d.styles.element
rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
fonts = rpr.find(qn("w:rFonts"))
lang = rpr.find(qn("w:lang"))
sec = d.sections[0]
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({
  "paragraphs": [{"style": p.style.name, "text": p.text} for p in d.paragraphs],
  "tables": [[[c.text for c in r.cells] for r in t.rows] for t in d.tables],
  "footers": ["".join(n.text or "" for n in s.footer._element.iter() if n.tag in (qn("w:t"), qn("w:instrText"))) for s in d.sections],
  "page": {"width": sec.page_width, "height": sec.page_height},
  "eastAsia": [f.get(qn("w:eastAsia")) for f in body.iter(qn("w:rFonts"))],
  "defaultEastAsia": fonts.get(qn("w:eastAsia")) if fonts is not None else None,
  "styleEastAsia": {st.get(qn("w:styleId")): f.get(qn("w:eastAsia")) for st in styles.iter(qn("w:style")) for f in st.iter(qn("w:rFonts"))},
  "defaultLang": lang.get(qn("w:eastAsia")) if lang is not None else None,
  "charts": len([n for n in z.namelist() if n.startswith("word/charts/chart") and n.endswith(".xml")]),
}, ensure_ascii=False))
`;

/** A .docx as python-docx reads it. */
export function readDocx(file: string): DocxRead {
  const r = spawnSync("/usr/bin/python3", ["-c", READ_DOCX, file], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python-docx could not read ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DocxRead;
}

/** Convert with LibreOffice (a profile of its own, so parallel runs do not collide); returns the PDF's path. */
export function libreofficePdf(file: string, outDir: string): string {
  const profile = mkdtempSync(path.join(os.tmpdir(), "lookback-lo-"));
  try {
    const r = spawnSync(
      soffice,
      [
        `-env:UserInstallation=file://${profile}`,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        outDir,
        file,
      ],
      { encoding: "utf8", timeout: 220_000 },
    );
    if (r.status !== 0) throw new Error(`LibreOffice failed: ${r.stderr}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  return path.join(outDir, `${path.basename(file, path.extname(file))}.pdf`);
}

export function pdfText(pdf: string): string {
  return spawnSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
}

export function pdfInfo(pdf: string): { pages: number; size: string } {
  const out = spawnSync("pdfinfo", [pdf], { encoding: "utf8" }).stdout;
  return {
    pages: Number(/Pages:\s+(\d+)/.exec(out)?.[1] ?? 0),
    size: /Page size:\s+(.*)/.exec(out)?.[1] ?? "",
  };
}

/** PNG pages of a PDF (prefix-1.png, …) at `dpi`. */
export function pdfPngs(pdf: string, prefix: string, dpi = 60): void {
  spawnSync("pdftoppm", ["-png", "-r", String(dpi), pdf, prefix]);
}

/** Headless Chromium on a page: a screenshot, or a PDF printed with the page's own @page size. */
export function chromiumRun(url: string, what: { screenshot: string } | { pdf: string }): void {
  const profile = mkdtempSync(path.join(os.tmpdir(), "lookback-chromium-"));
  try {
    const out =
      "screenshot" in what
        ? [`--screenshot=${what.screenshot}`, "--window-size=1240,1754"]
        : [`--print-to-pdf=${what.pdf}`, "--no-pdf-header-footer"];
    const r = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        ...out,
        url,
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    if (r.status !== 0) throw new Error(`Chromium failed: ${r.stderr}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export const hasOpenpyxl = spawnSync("/usr/bin/python3", ["-c", "import openpyxl"]).status === 0;

/** The cell values of one sheet of an .xlsx as openpyxl reads it (dates as text). */
export function xlsxRows(file: string, sheet: string): { sheets: string[]; rows: unknown[][] } {
  const r = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = [[c.value for c in row] for row in wb[sys.argv[2]].iter_rows()]
print(json.dumps({"sheets": wb.sheetnames, "rows": rows}, ensure_ascii=False, default=str))`,
      file,
      sheet,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openpyxl could not read ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { sheets: string[]; rows: unknown[][] };
}

export interface XlsxLink {
  sheet: string;
  cell: string;
  value: unknown;
  target: string;
}

/** Every hyperlink of an .xlsx as openpyxl reads it: the cell, its text and the link's target. */
export function xlsxLinks(file: string): XlsxLink[] {
  const r = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = [{"sheet": ws.title, "cell": c.coordinate, "value": c.value, "target": c.hyperlink.target}
       for ws in wb for row in ws.iter_rows() for c in row if c.hyperlink is not None]
print(json.dumps(out, ensure_ascii=False, default=str))`,
      file,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openpyxl could not read ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as XlsxLink[];
}
