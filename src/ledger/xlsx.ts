// Writing workbooks with exceljs's streaming writer: rows go to the zip as they are
// committed, so a workbook never sits whole in memory. exceljs is loaded on first
// use only; `lookback --version`, `validate` and csv/json exports never pay for it.
import { EventEmitter } from "node:events";
import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import stringWidth from "string-width";
import type { Cell } from "./cells.js";
import { cellText } from "./cells.js";
import type { LedgerLanguage } from "./labels.js";
import { uniqueSheetNames } from "./names.js";
import { writeZip, type ZipEntry } from "./zip.js";

type ExcelModule = typeof ExcelJS;
let excel: ExcelModule | undefined;
async function loadExcel(): Promise<ExcelModule> {
  excel ??= (await import("exceljs")).default;
  return excel;
}

export interface ColumnModel {
  heading: string;
  /** Fixed width, or undefined to fit the content (display width, CJK counts 2). */
  width: number | undefined;
  maxWidth: number;
  wrap: boolean;
}

export interface SheetModel {
  name: string;
  /** Row 1, merged across every column. */
  title: string | null;
  /** Row 2, merged across every column (填报单位 / 填报人 / …). */
  info: string | null;
  columns: ColumnModel[];
  /** Iterated twice (widths, then writing): an array, or a lazy iterable for the county summary. */
  rows: Iterable<Cell[]>;
  rowCount: number;
  /** Shown in one merged row when there are no rows. */
  empty?: string;
  /** A last row in bold (合计). */
  totals?: Cell[];
  /** Cells to fill as warnings (overdue). */
  marked?: (row: number, col: number, cells: readonly Cell[]) => boolean;
  /** A drop-down list on one column (整改状态). */
  list?: { col: number; values: string[] };
}

export interface WorkbookOptions {
  language: LedgerLanguage;
  pageFooter: string;
  /** Sheet name of the hidden list sheet, used when a drop-down list is too long to inline. */
  listSheetName: string;
  /** Inline drop-down lists longer than this go to the hidden sheet (Excel's limit is 255). */
  inlineListLimit?: number;
}

/** Excel's limit on the text of one cell. */
export const MAX_CELL_CHARS = 32_767;
/** Spare rows below the data that still carry the drop-down, for rows a clerk adds by hand. */
export const SPARE_ROWS = 50;
const INLINE_LIST_LIMIT = 255;

/** XML 1.0 cannot carry these at all; an unpaired surrogate makes a file Excel must "repair". */
// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 cannot carry these even escaped.
const XML_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function cleanText(s: string): string {
  const clean = s.replace(XML_CONTROL, "").replace(LONE_SURROGATE, "").replace(/\r\n?/g, "\n");
  if (clean.length <= MAX_CELL_CHARS) return clean;
  // Do not leave half a surrogate pair at the cut.
  const cut = clean.slice(0, MAX_CELL_CHARS - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** A 'YYYY-MM-DD' day as the Date exceljs needs: exceljs writes Dates in UTC, so midnight UTC is that day everywhere. */
export function excelDate(day: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

/**
 * Display width of one line; pure ASCII needs no segmentation, and a county repeats its texts.
 * Characters of ambiguous width (the quotes of “回头看”, ·, ①) count as wide: a ledger is set in
 * a CJK font, which draws them full width, and counted narrow they made a column one or two
 * places too narrow, so that LibreOffice wrapped a cell into a row sized for one line.
 */
const widthMemo = new Map<string, number>();
function lineWidth(line: string): number {
  if (/^[\u0020-\u007e]*$/.test(line)) return line.length;
  let w = widthMemo.get(line);
  if (w === undefined) {
    w = stringWidth(line, { ambiguousIsNarrow: false });
    if (widthMemo.size > 20_000) widthMemo.clear();
    widthMemo.set(line, w);
  }
  return w;
}

const textWidth = (s: string) => {
  let w = 0;
  for (const line of s.split("\n")) w = Math.max(w, lineWidth(line));
  return w;
};

/** Column widths in Excel character units from the display width of heading and content. */
export function columnWidths(sheet: Pick<SheetModel, "columns" | "rows" | "totals">): number[] {
  const w = sheet.columns.map((c) => c.width ?? Math.min(textWidth(c.heading), c.maxWidth));
  const open = sheet.columns.map((c) => c.width === undefined);
  const measure = (row: readonly Cell[]) => {
    for (const [i, c] of sheet.columns.entries()) {
      if (!open[i]) continue;
      const cell = row[i] ?? null;
      // At most two columns per UTF-16 unit: a text that short cannot widen the column.
      if (typeof cell === "string" && cell.length * 2 <= (w[i] ?? 0)) continue;
      const width =
        cell !== null && typeof cell === "object" && "date" in cell ? 10 : textWidth(cellText(cell));
      if (width > (w[i] ?? 0)) w[i] = width;
      if ((w[i] ?? 0) >= c.maxWidth) open[i] = false;
    }
  };
  for (const row of sheet.rows) {
    measure(row);
    if (!open.includes(true)) break;
  }
  if (sheet.totals) measure(sheet.totals);
  return sheet.columns.map((c, i) => c.width ?? Math.max(4, Math.min(c.maxWidth, (w[i] ?? 0) + 2)));
}

/**
 * Lines a text takes in a wrapped column of `width` (display columns), wrapping as Excel and
 * LibreOffice do: Latin words (ids such as six-checks.planning@李卫东 included) move whole to
 * the next line, break after a hyphen, and are cut only when longer than a line; CJK breaks
 * anywhere.
 */
export function linesIn(s: string, width: number): number {
  // No character is wider than two columns per UTF-16 unit: a short text fits on one line.
  if (s.length * 2 <= width - 1 && !s.includes("\n")) return 1;
  // Section and item texts, labels and many problems repeat from unit to unit: wrapping them
  // again for every row cost more than building the row. Long texts are not kept, and the
  // memo is bounded, so that memory stays flat over a county.
  if (s.length > LINES_MEMO_MAX_CHARS) return wrappedLines(s, width);
  const key = `${width}\u0000${s}`;
  let n = linesMemo.get(key);
  if (n === undefined) {
    n = wrappedLines(s, width);
    if (linesMemo.size >= LINES_MEMO_MAX_ENTRIES) linesMemo.clear();
    linesMemo.set(key, n);
  }
  return n;
}

const LINES_MEMO_MAX_CHARS = 200;
const LINES_MEMO_MAX_ENTRIES = 5_000;
const linesMemo = new Map<string, number>();

function wrappedLines(s: string, width: number): number {
  const usable = Math.max(1, width - 1);
  let n = 0;
  for (const line of s.split("\n")) {
    if (lineWidth(line) <= usable) {
      n++;
      continue;
    }
    let lines = 1;
    let used = 0;
    for (const token of line.match(/[\x21-\x2c\x2e-\x7e]+-?|-|\s+|[^\s\x21-\x7e]/g) ?? []) {
      const w = /^\s+$/.test(token) ? token.length : lineWidth(token);
      if (used + w <= usable) used += w;
      else if (/^\s+$/.test(token)) used = usable;
      else if (w <= usable) {
        lines++;
        used = w;
      } else {
        // A word longer than a line starts on a line of its own and is cut where it falls.
        if (used > 0) lines++;
        const spans = Math.ceil(w / usable);
        lines += spans - 1;
        used = w - (spans - 1) * usable;
      }
    }
    n += lines;
  }
  return n;
}

/**
 * Row height in points. Excel does not grow rows for wrapped text it did not lay out itself,
 * so the height is set from the number of lines the longest wrapped cell needs.
 */
function rowHeight(cells: readonly Cell[], widths: number[], wrap: boolean[]): number | undefined {
  let lines = 1;
  for (const [i, cell] of cells.entries()) {
    // A linked text (evidence files, one name a line) wraps like any text.
    const text =
      typeof cell === "string"
        ? cell
        : cell !== null && typeof cell === "object" && "text" in cell
          ? cell.text
          : "";
    if (wrap[i] && text !== "") lines = Math.max(lines, linesIn(text, widths[i] ?? 10));
  }
  return lines <= 1 ? undefined : Math.min(409, lines * 14.5 + 4);
}

const THIN: Partial<ExcelJS.Borders> = {
  top: { style: "thin" },
  left: { style: "thin" },
  bottom: { style: "thin" },
  right: { style: "thin" },
};
const HEADING_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE7E6E6" } };
/** Excel's own "Bad" fill: reads as a warning in print and on screen. */
const MARK_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFC7CE" } };

type StyleKind = "title" | "info" | "heading" | "empty" | "cell";
interface StyleKey {
  kind: StyleKind;
  wrap?: boolean;
  bold?: boolean;
  marked?: boolean;
  numFmt?: string;
}

/**
 * One style object per look, shared by every cell that has it: exceljs recognises a style object
 * it has seen (a WeakMap) instead of serialising it again for each cell. Never mutate these.
 */
class Styles {
  private readonly cache = new Map<string, Partial<ExcelJS.Style>>();
  private readonly font: Partial<ExcelJS.Font>;
  constructor(fontName: string) {
    this.font = { name: fontName, size: 11 };
  }
  get(k: StyleKey): Partial<ExcelJS.Style> {
    const key = `${k.kind}|${k.wrap ? 1 : 0}|${k.bold ? 1 : 0}|${k.marked ? 1 : 0}|${k.numFmt ?? ""}`;
    let style = this.cache.get(key);
    if (style) return style;
    const font = this.font;
    switch (k.kind) {
      case "title":
        style = {
          font: { ...font, size: 16, bold: true },
          alignment: { horizontal: "center", vertical: "middle", wrapText: true },
        };
        break;
      case "info":
        style = { font, alignment: { horizontal: "left", vertical: "middle", wrapText: true } };
        break;
      case "heading":
        style = {
          font: { ...font, bold: true },
          fill: HEADING_FILL,
          border: THIN,
          alignment: { horizontal: "center", vertical: "middle", wrapText: true },
        };
        break;
      case "empty":
        style = { font, alignment: { horizontal: "center", vertical: "middle" } };
        break;
      case "cell":
        style = {
          font: k.bold ? { ...font, bold: true } : font,
          border: THIN,
          alignment: {
            horizontal: k.wrap ? "left" : "center",
            vertical: "middle",
            wrapText: k.wrap ?? false,
            // A date never wraps: where the font's digits are wider than SimSun's (a PC without
            // it), it shrinks a little rather than showing ###.
            ...(k.numFmt === "yyyy-mm-dd" ? { shrinkToFit: true } : {}),
          },
          ...(k.marked ? { fill: MARK_FILL } : {}),
          ...(k.numFmt ? { numFmt: k.numFmt } : {}),
        };
        break;
    }
    this.cache.set(key, style);
    return style;
  }
}

const colLetter = (n: number): string => {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** A cell's value: strings stay strings (never formulas), dates become real dates. */
function excelValue(cell: Cell): ExcelJS.CellValue {
  if (cell === null) return null;
  if (typeof cell === "string") return cleanText(cell);
  if (typeof cell === "number") return cell;
  if ("date" in cell) return excelDate(cell.date);
  if ("text" in cell) {
    // A relative target: Excel and WPS resolve it against the workbook's own folder, so the
    // link works wherever the ledger is copied with its 佐证材料 folder (External relationship).
    const text = cleanText(cell.text);
    return cell.link === null ? text : { text, hyperlink: cell.link };
  }
  return cell.rate;
}

const numFmtOf = (cell: Cell): string | undefined =>
  cell !== null && typeof cell === "object" && !("text" in cell)
    ? "date" in cell
      ? "yyyy-mm-dd"
      : "0.0%"
    : undefined;

interface HasDataValidations {
  dataValidations: { add(address: string, validation: ExcelJS.DataValidation): unknown };
}
const hasDataValidations = (ws: object): ws is HasDataValidations => "dataValidations" in ws;

/** The inline form of a list ("a,b,c"), or null when it cannot be inlined. */
function inlineList(values: readonly string[], limit: number): string | null {
  if (values.some((v) => v.includes(",") || v.includes('"'))) return null;
  const joined = `"${values.join(",")}"`;
  return joined.length - 2 > limit ? null : joined;
}

/** Heading rows frozen and printed on every page; landscape A4 fitted to the page width. */
function worksheetOptions(headRow: number, pageFooter: string): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    views: [
      {
        state: "frozen",
        xSplit: 0,
        ySplit: headRow,
        topLeftCell: `A${headRow + 1}`,
        activeCell: `A${headRow + 1}`,
      },
    ],
    pageSetup: {
      paperSize: 9,
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `1:${headRow}`,
      // Narrow side margins (6 mm, within what office printers reach): every point of width goes
      // to the columns, so that fitting them to the page shrinks the text less.
      margins: { left: 0.25, right: 0.25, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&C${pageFooter}` },
  };
}

/**
 * A sheet's rows, written from the top one after another and committed as they go (a streaming
 * sheet cannot go back to a row). Heights follow the wrapped text of each row.
 */
class RowWriter {
  /** The number of the next row to write. */
  next = 1;
  private readonly wraps: boolean[];

  constructor(
    private readonly ws: ExcelJS.Worksheet,
    private readonly styles: Styles,
    private readonly widths: number[],
    columns: readonly ColumnModel[],
  ) {
    this.wraps = columns.map((c) => c.wrap);
  }

  /** One text across every column: the title, the information line, "nothing to list". */
  merged(text: string, kind: "title" | "info" | "empty", height: number): void {
    const row = this.ws.getRow(this.next);
    // A line too long for the sheet's width wraps (an inspection's info names its group too).
    const total = this.widths.reduce((sum, w) => sum + w, 0);
    row.height = kind === "info" ? Math.max(height, rowHeight([text], [total], [true]) ?? 0) : height;
    const c = row.getCell(1);
    c.value = cleanText(text);
    c.style = this.styles.get({ kind });
    this.ws.mergeCells(this.next, 1, this.next, this.widths.length);
    row.commit();
    this.next++;
  }

  headings(headings: readonly string[]): void {
    const row = this.ws.getRow(this.next);
    const style = this.styles.get({ kind: "heading" });
    for (const [i, heading] of headings.entries()) {
      const cell = row.getCell(i + 1);
      cell.value = cleanText(heading);
      cell.style = style;
    }
    const wrapped =
      rowHeight(
        headings,
        this.widths,
        this.wraps.map(() => true),
      ) ?? 0;
    row.height = Math.max(20, wrapped + 4);
    row.commit();
    this.next++;
  }

  /** A row of values; `marked(col)` says which cells to fill as warnings (overdue). */
  data(cells: readonly Cell[], marked: (col: number) => boolean, bold: boolean): void {
    const row = this.ws.getRow(this.next);
    const h = rowHeight(cells, this.widths, this.wraps);
    if (h !== undefined) row.height = h;
    for (const [i, value] of cells.entries()) {
      const cell = row.getCell(i + 1);
      cell.value = excelValue(value);
      cell.style = this.styles.get({
        kind: "cell",
        wrap: this.wraps[i] ?? false,
        bold,
        marked: marked(i),
        numFmt: numFmtOf(value),
      });
    }
    row.commit();
    this.next++;
  }
}

/** A drop-down list on one column (整改状态), down the data rows and the spare rows below them. */
function addListValidation(ws: ExcelJS.Worksheet, col: number, listRef: string, first: number, rows: number) {
  if (!hasDataValidations(ws)) return;
  const letter = colLetter(col + 1);
  const end = Math.max(first + rows - 1, first) + SPARE_ROWS;
  ws.dataValidations.add(`${letter}${first}:${letter}${end}`, {
    type: "list",
    allowBlank: true,
    formulae: [listRef],
    showErrorMessage: true,
    errorStyle: "warning",
  });
}

function addSheet(
  wb: ExcelJS.Workbook,
  sheet: SheetModel,
  name: string,
  opts: WorkbookOptions,
  listRef: string | null,
  styles: Styles,
) {
  const headRow = (sheet.title ? 1 : 0) + (sheet.info ? 1 : 0) + 1;
  const widths = columnWidths(sheet);
  const ws = wb.addWorksheet(name, worksheetOptions(headRow, opts.pageFooter));
  ws.columns = widths.map((width) => ({ width }));
  const rows = new RowWriter(ws, styles, widths, sheet.columns);
  if (sheet.title) rows.merged(sheet.title, "title", 32);
  if (sheet.info) rows.merged(sheet.info, "info", 22);
  rows.headings(sheet.columns.map((c) => c.heading));
  const firstData = rows.next;
  let index = 0;
  for (const cells of sheet.rows) {
    const i = index++;
    rows.data(cells, (col) => sheet.marked?.(i, col, cells) === true, false);
  }
  if (index === 0 && sheet.empty) rows.merged(sheet.empty, "empty", 24);
  if (sheet.totals) rows.data(sheet.totals, () => false, true);
  ws.autoFilter = `A${headRow}:${colLetter(sheet.columns.length)}${Math.max(rows.next - 1, headRow)}`;
  if (sheet.list && listRef !== null)
    addListValidation(ws, sheet.list.col, listRef, firstData, sheet.rowCount);
  commit(ws);
}

/** Streaming sheets and rows flush on commit; a plain workbook's have nothing to flush. */
const commit = (x: object) => {
  if ("commit" in x && typeof x.commit === "function") x.commit();
};

function buildWorkbook(wb: ExcelJS.Workbook, sheets: SheetModel[], opts: WorkbookOptions): void {
  wb.creator = "lookback";
  const names = uniqueSheetNames([...sheets.map((s) => s.name), opts.listSheetName]);
  const listSheetName = names[sheets.length] ?? opts.listSheetName;
  const lists: string[][] = [];
  const refs = sheets.map((s) => {
    if (!s.list) return null;
    const inline = inlineList(s.list.values, opts.inlineListLimit ?? INLINE_LIST_LIMIT);
    if (inline !== null) return inline;
    lists.push(s.list.values);
    const col = colLetter(lists.length);
    return `'${listSheetName}'!$${col}$1:$${col}$${s.list.values.length}`;
  });
  const styles = new Styles(opts.language === "zh-CN" ? "宋体" : "Calibri");
  for (const [i, s] of sheets.entries()) addSheet(wb, s, names[i] ?? s.name, opts, refs[i] ?? null, styles);
  if (lists.length > 0) {
    // Long lists live on a hidden sheet; a data validation formula may only be 255 characters.
    const ws = wb.addWorksheet(listSheetName, { state: "hidden" });
    const rows = Math.max(...lists.map((l) => l.length));
    for (let i = 0; i < rows; i++) {
      const row = ws.getRow(i + 1);
      for (const [j, l] of lists.entries()) {
        const v = l[i];
        if (v !== undefined) row.getCell(j + 1).value = cleanText(v);
      }
      row.commit();
    }
    commit(ws);
  }
}

/** A part as exceljs's streaming writer hands it to its zip: XML text, bytes, or a worksheet's stream. */
type PartSource = string | Buffer | { read(): Buffer };

const isReadable = (x: unknown): x is { read(): Buffer } =>
  typeof x === "object" && x !== null && "read" in x && typeof x.read === "function";

/**
 * What exceljs's worksheet writer uses of the stream a sheet is written into: write (XML text,
 * bytes, or its reused StringBuf, whose toBuffer() is a fresh copy), pause and end. exceljs's
 * own StreamBuf sets aside 64 KB per sheet, two per unit: over a county of thousands of units
 * that churn made the peak memory creep up. This one keeps just what is written.
 */
class PartStream extends EventEmitter {
  private readonly chunks: Buffer[] = [];

  write(data: unknown): boolean {
    if (typeof data === "string") this.chunks.push(Buffer.from(data, "utf8"));
    else if (Buffer.isBuffer(data)) this.chunks.push(data);
    else if (hasToBuffer(data)) this.chunks.push(data.toBuffer());
    else throw new Error("unexpected worksheet chunk");
    return true;
  }

  pause(): void {}

  end(): void {
    this.emit("finish");
  }

  read(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const hasToBuffer = (x: unknown): x is { toBuffer(): Buffer } =>
  typeof x === "object" && x !== null && "toBuffer" in x && typeof x.toBuffer === "function";

/**
 * What exceljs's streaming writer uses of its zip (an archiver): parts appended by name, then
 * finalize. This one keeps the parts as they come and packs them with ./zip.ts at the end. A
 * unit's workbook is tens of kilobytes, so holding it is cheap, while archiver's stream
 * plumbing, its CRC in JavaScript and reading its output back cost a sixth of an export.
 * A worksheet's PartStream keeps what is written to it until it is read here, after the writer
 * has ended every sheet.
 */
class PartCollector extends EventEmitter {
  private readonly parts: { name: string; source: PartSource }[] = [];
  private out: Writable | undefined;

  pipe(out: Writable): Writable {
    this.out = out;
    return out;
  }

  append(source: unknown, data: { name: string }): this {
    if (typeof source !== "string" && !Buffer.isBuffer(source) && !isReadable(source))
      throw new Error(`unexpected workbook part ${data.name}`);
    // archiver's names: no leading slash (exceljs writes some as "/xl/workbook.xml").
    this.parts.push({ name: data.name.replace(/^\/+/, ""), source });
    return this;
  }

  finalize(): void {
    try {
      const entries: ZipEntry[] = this.parts.map(({ name, source }) => ({
        name,
        data:
          typeof source === "string"
            ? Buffer.from(source, "utf8")
            : Buffer.isBuffer(source)
              ? source
              : source.read(),
      }));
      if (!this.out) throw new Error("workbook writer has no output");
      this.out.end(writeZip(entries));
    } catch (e) {
      this.emit("error", e);
    }
  }
}

type WorkbookWriterClass = typeof ExcelJS.stream.xlsx.WorkbookWriter;
let collectingWriter: WorkbookWriterClass | undefined;
const collectors = new WeakMap<object, PartCollector>();

/**
 * exceljs's streaming writer with its zip replaced by a PartCollector. The writer's constructor
 * assigns `this.zip` (an archiver, then dropped) and adds the first parts to it at once, so the
 * swap has to happen in that assignment: an accessor on the subclass. Sheets are written into
 * PartStreams (its _openStream).
 */
function collectingWriterClass(Excel: ExcelModule): WorkbookWriterClass {
  collectingWriter ??= class extends Excel.stream.xlsx.WorkbookWriter {
    get zip(): PartCollector {
      let c = collectors.get(this);
      if (!c) {
        c = new PartCollector();
        collectors.set(this, c);
      }
      return c;
    }
    set zip(_archiver: unknown) {}

    /** exceljs's _openStream, with a PartStream for its StreamBuf. */
    _openStream(name: string): PartStream {
      const stream = new PartStream();
      this.zip.append(stream, { name });
      stream.on("finish", () => stream.emit("zipped"));
      return stream;
    }
  };
  return collectingWriter;
}

/**
 * One workbook as .xlsx bytes. Cells hold text as text (shared strings, never formulas),
 * dates as real dates with format yyyy-mm-dd; header rows frozen and printed on every page;
 * landscape A4 fitted to the page width. A unit's workbook is tens of kilobytes: it is built
 * with the streaming writer, its parts collected in memory and packed by ./zip.ts.
 */
export async function xlsxBytes(sheets: SheetModel[], opts: WorkbookOptions): Promise<Buffer> {
  const Excel = await loadExcel();
  const Writer = collectingWriterClass(Excel);
  let bytes: Buffer | undefined;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes = chunk;
      done();
    },
  });
  // Shared strings: strings are stored as t="s" (text, whatever they start with); the table
  // lives only as long as this workbook.
  const wb = new Writer({ stream: sink, useStyles: true, useSharedStrings: true });
  buildWorkbook(wb, sheets, opts);
  await wb.commit();
  if (!bytes) throw new Error("workbook writer wrote nothing");
  return bytes;
}

/**
 * The same workbook streamed to a file, compressed as it goes: for the county summary, whose
 * rows (one per unit) are produced lazily and never held together.
 */
export async function xlsxToFile(file: string, sheets: SheetModel[], opts: WorkbookOptions): Promise<void> {
  const Excel = await loadExcel();
  const stream = createWriteStream(file, { flags: "wx" });
  try {
    const wb = new Excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: true });
    buildWorkbook(wb, sheets, opts);
    await wb.commit();
  } finally {
    stream.destroy();
  }
}
