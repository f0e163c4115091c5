// The cells of an XLSX roster's first sheet, as text, read within bounds: the zip through
// BoundedZip (unzipped bytes counted), then the sheet's XML scanned for cells that hold a value.
// A cell far out (XFD1048576) is refused by its address before any row is built, so a tiny file
// cannot make lookback walk a million rows of sixteen thousand columns.
//
// Why not exceljs here: it builds an object per cell of the whole workbook first, which is what
// made a hostile file cost gigabytes; a roster needs the text of a few columns.
import { LIMITS } from "../input/limits.js";
import { BoundedZip, ZipRefusal } from "../input/unzip.js";

export class XlsxRefusal extends Error {
  constructor(
    readonly reason: "unreadable" | "too-large" | "too-many-rows" | "too-many-columns",
    readonly params: Record<string, string | number>,
  ) {
    super(reason);
  }
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML text to a string: entities, then the `_x000D_` escapes of OOXML. */
function unescapeXml(s: string): string {
  const text = s.replace(ENTITY, (_, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name] ?? "";
    const cp = dec ? Number(dec) : Number.parseInt(hex ?? "", 16);
    return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
  });
  return text.includes("_x")
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : text;
}

/** The text of the <t> elements of a string item (rich-text runs joined, phonetic guides left out). */
function itemText(xml: string): string {
  const plain = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let out = "";
  for (const m of plain.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>|<t\b[^>]*\/>/g)) out += unescapeXml(m[1] ?? "");
  return out;
}

const ATTRS = new Map<string, RegExp>();
function attr(attrs: string, name: string): string | undefined {
  let re = ATTRS.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    ATTRS.set(name, re);
  }
  const m = re.exec(attrs);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** "B12" → column 2, row 12 (1-based). */
function address(ref: string): { col: number; row: number } | undefined {
  const m = /^([A-Z]{1,3})(\d{1,7})$/.exec(ref);
  if (!m) return undefined;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { col, row: Number(m[2]) };
}

function text(zip: BoundedZip, name: string): string | undefined {
  return zip.read(name)?.toString("utf8");
}

/** The first sheet's part, through the workbook and its relationships. */
function firstSheetPart(zip: BoundedZip): { sheet: string; sharedStrings: string | undefined } {
  const workbook = text(zip, "xl/workbook.xml");
  const rels = text(zip, "xl/_rels/workbook.xml.rels");
  if (!workbook || !rels) throw new XlsxRefusal("unreadable", { message: "no xl/workbook.xml" });
  const rid = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1];
  const targets = new Map<string, { target: string; type: string }>();
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const a = m[1] ?? "";
    const id = attr(a, "Id");
    const target = attr(a, "Target");
    if (id && target) targets.set(id, { target, type: attr(a, "Type") ?? "" });
  }
  const resolve = (target: string) =>
    (target.startsWith("/") ? target.slice(1) : `xl/${target}`).replace(/\/\.\//g, "/");
  const sheetTarget = rid ? targets.get(rid)?.target : undefined;
  if (!sheetTarget) throw new XlsxRefusal("unreadable", { message: "no worksheet" });
  const shared = [...targets.values()].find((t) => t.type.endsWith("/sharedStrings"));
  return {
    sheet: resolve(sheetTarget),
    sharedStrings: shared
      ? resolve(shared.target)
      : zip.has("xl/sharedStrings.xml")
        ? "xl/sharedStrings.xml"
        : undefined,
  };
}

function sharedStrings(zip: BoundedZip, part: string | undefined): string[] {
  const xml = part ? text(zip, part) : undefined;
  if (!xml) return [];
  const out: string[] = [];
  for (const m of xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>|<si\b[^>]*\/>/g)) out.push(itemText(m[1] ?? ""));
  return out;
}

/** A cell's text as a person sees it (numbers as written, booleans as TRUE/FALSE). */
function cellText(type: string | undefined, body: string, strings: readonly string[]): string {
  if (type === "inlineStr") return itemText(/<is\b[^>]*>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? "");
  const v = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(body)?.[1];
  if (v === undefined) return "";
  if (type === "s") return strings[Number(v)] ?? "";
  if (type === "b") return v.trim() === "1" ? "TRUE" : "FALSE";
  if (type === "str" || type === "e") return unescapeXml(v);
  const n = Number(v);
  return Number.isFinite(n) && v.trim() !== "" ? String(n) : unescapeXml(v);
}

/** `cells[i]` is row i + 1 of the first sheet, as text; cells without a value are "". */
export function xlsxCells(bytes: Buffer): string[][] {
  let zip: BoundedZip;
  try {
    zip = new BoundedZip(bytes, {
      maxEntries: LIMITS.xlsxEntries,
      maxUnzippedBytes: LIMITS.xlsxUnzippedBytes,
    });
    const parts = firstSheetPart(zip);
    const strings = sharedStrings(zip, parts.sharedStrings);
    const sheet = text(zip, parts.sheet);
    if (sheet === undefined) throw new XlsxRefusal("unreadable", { message: `no ${parts.sheet}` });
    return sheetCells(sheet, strings);
  } catch (e) {
    if (e instanceof ZipRefusal) {
      if (e.reason === "too-large" || e.reason === "too-many-entries") {
        throw new XlsxRefusal("too-large", {
          limit: LIMITS.xlsxUnzippedBytes / 1024 / 1024,
          entries: LIMITS.xlsxEntries,
        });
      }
      throw new XlsxRefusal("unreadable", { message: `${e.reason}: ${e.message}` });
    }
    throw e;
  }
}

function sheetCells(sheet: string, strings: readonly string[]): string[][] {
  const maxRow = LIMITS.rosterRows + 10;
  const rows: string[][] = [];
  let row = 0;
  for (const r of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rAttr = attr(r[1] ?? "", "r");
    row = rAttr ? Number(rAttr) : row + 1;
    let col = 0;
    for (const c of (r[2] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const a = c[1] ?? "";
      const at = address(attr(a, "r") ?? "");
      col = at ? at.col : col + 1;
      const rowNo = at ? at.row : row;
      const value = c[2] === undefined ? "" : cellText(attr(a, "t"), c[2], strings);
      if (value === "") continue;
      const ref = attr(a, "r") ?? `R${rowNo}C${col}`;
      if (rowNo > maxRow) throw new XlsxRefusal("too-many-rows", { cell: ref, max: LIMITS.rosterRows });
      if (col > LIMITS.rosterColumns)
        throw new XlsxRefusal("too-many-columns", { cell: ref, max: LIMITS.rosterColumns });
      let cells = rows[rowNo - 1];
      if (!cells) {
        cells = [];
        rows[rowNo - 1] = cells;
      }
      while (cells.length < col - 1) cells.push("");
      cells[col - 1] = value;
    }
  }
  return Array.from(rows, (r) => r ?? []);
}
