// Plain-text tables that fit the terminal. Widths are display widths (a CJK character takes
// two columns). When the natural table is too wide, the least useful columns are truncated
// first, down to a readable width; then optional columns are left out (a note says which);
// and when even that does not fit, every row is printed as a block of "label  value" lines.
// Each cell is measured once, so a table of 30,000 rows costs what its cells cost.
import { t } from "../i18n/index.js";
import type { Palette } from "./color.js";
import { type Cut, displayWidth, padEnd, padStart, truncate, wrap } from "./width.js";

/** A cell: its text, and optionally a style (a colour) applied after it is cut and padded. */
export type Cell = string | { text: string; style?: (s: string) => string };

export interface Column {
  header: string;
  /** How much the column matters: the least useful is truncated first, and left out first if optional. */
  keep?: number;
  /** Never truncated (ids, dates, counts). */
  fixed?: boolean;
  /** The narrowest width it is truncated to; default: its header's width, at least 6 columns. */
  min?: number;
  /** Where a cut goes: "middle" for names whose ends tell them apart, "start" for paths. */
  cut?: Cut;
  /** May be left out when the table does not fit even truncated. */
  optional?: boolean;
  align?: "left" | "right";
}

export interface TableOptions {
  /** Style of the note that names the columns left out. */
  note?: (s: string) => string;
  /** Display columns available (the terminal's width). */
  width: number;
  /** Style of the heading row (and of the labels in blocks). */
  header?: (s: string) => string;
  /** Spaces before every line. */
  indent?: number;
  /** Print the heading row (the headers still label the blocks when the table becomes blocks). */
  showHeader?: boolean;
}

const GAP = 2;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a newline or an escape in a cell would break the table.
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same, all of them.
const CONTROLS = /[\x00-\x1f\x7f-\x9f]+/g;

interface Measured {
  text: string[][];
  style: ((s: string) => string)[][];
  width: number[][];
  /** Per column: the widest cell or header. */
  natural: number[];
}

/** Read every cell once: its text made one line (control characters would break the layout), and its width. */
function measure(columns: readonly Column[], rows: readonly Cell[][]): Measured {
  const natural = columns.map((c) => displayWidth(c.header));
  const text: string[][] = [];
  const style: ((s: string) => string)[][] = [];
  const width: number[][] = [];
  const plain = (s: string) => s;
  for (const row of rows) {
    const tr: string[] = [];
    const sr: ((s: string) => string)[] = [];
    const wr: number[] = [];
    for (let i = 0; i < columns.length; i++) {
      const cell = row[i] ?? "";
      let s = typeof cell === "string" ? cell : cell.text;
      if (CONTROL.test(s)) s = s.replace(CONTROLS, " ");
      const w = displayWidth(s);
      tr.push(s);
      sr.push(typeof cell === "string" ? plain : (cell.style ?? plain));
      wr.push(w);
      if (w > natural[i]!) natural[i] = w;
    }
    text.push(tr);
    style.push(sr);
    width.push(wr);
  }
  return { text, style, width, natural };
}

function minWidth(c: Column, natural: number): number {
  if (c.fixed) return natural;
  return Math.min(natural, c.min ?? Math.max(6, displayWidth(c.header)));
}

/**
 * The width of each shown column (undefined: left out), or undefined when no table fits.
 * Columns are given up in order of usefulness, least useful first: each is truncated down to
 * its readable width and, if the table is still too wide and the column is optional, left
 * out. Width freed by a later drop goes back to the truncated columns, the most useful first.
 */
export function fitColumns(
  columns: readonly Column[],
  natural: readonly number[],
  available: number,
): (number | undefined)[] | undefined {
  const widths: (number | undefined)[] = [...natural];
  let total = natural.reduce((s, w) => s + w, 0) + GAP * Math.max(0, natural.length - 1);
  const order = columns
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.keep ?? 0) - (b.c.keep ?? 0) || b.i - a.i);
  let shown = columns.length;
  for (const { c, i } of order) {
    if (total <= available) break;
    const w = widths[i]!;
    const cut = Math.min(total - available, w - minWidth(c, natural[i]!));
    if (cut > 0) {
      widths[i] = w - cut;
      total -= cut;
    }
    if (total > available && c.optional && shown > 1) {
      total -= widths[i]! + GAP;
      widths[i] = undefined;
      shown--;
    }
  }
  if (total > available) return undefined;
  let slack = available - total;
  for (const { i } of [...order].reverse()) {
    const w = widths[i];
    if (w === undefined || slack === 0) continue;
    const add = Math.min(slack, natural[i]! - w);
    widths[i] = w + add;
    slack -= add;
  }
  return widths;
}

function renderRows(
  columns: readonly Column[],
  m: Measured,
  widths: (number | undefined)[],
  opts: TableOptions,
) {
  const indent = " ".repeat(opts.indent ?? 0);
  const shown = columns.map((_, i) => i).filter((i) => widths[i] !== undefined);
  const last = shown[shown.length - 1];
  const line = (cells: string[], cellWidths: number[], styles: ((s: string) => string)[] | undefined) =>
    indent +
    shown
      .map((i) => {
        const c = columns[i]!;
        const w = widths[i]!;
        let s = cells[i] ?? "";
        let sw = cellWidths[i] ?? 0;
        if (sw > w) {
          s = truncate(s, w, c.cut ?? "end", sw);
          sw = displayWidth(s);
        }
        const styled = styles ? styles[i]!(s) : s;
        if (c.align === "right") return padStart(styled, w, sw);
        return i === last ? styled : padEnd(styled, w, sw);
      })
      .join(" ".repeat(GAP))
      .trimEnd();
  const out: string[] = [];
  if (opts.showHeader !== false) {
    const head = line(
      columns.map((c) => c.header),
      columns.map((c) => displayWidth(c.header)),
      undefined,
    );
    out.push(opts.header ? opts.header(head) : head);
  }
  for (let r = 0; r < m.text.length; r++) out.push(line(m.text[r]!, m.width[r]!, m.style[r]!));
  return out;
}

export interface FieldOptions {
  width: number;
  indent?: number;
  /** Style of the labels. */
  label?: (s: string) => string;
  /** Pad the labels to this width (to line up several lists); default: the widest label. */
  labelWidth?: number;
  /** Spaces between label and value (default 2). */
  gap?: number;
}

/**
 * "label  value" lines, the labels padded to one width and each value wrapped to what is left
 * of the line, its continuation lines under the value. Empty values are left out.
 */
export function renderFields(
  fields: readonly (readonly [string, string, ((s: string) => string)?])[],
  opts: FieldOptions,
): string[] {
  const indent = " ".repeat(opts.indent ?? 0);
  let labelWidth = opts.labelWidth ?? 0;
  for (const [label] of fields) labelWidth = Math.max(labelWidth, displayWidth(label));
  const gap = opts.gap ?? GAP;
  const valueWidth = Math.max(10, opts.width - (opts.indent ?? 0) - labelWidth - gap);
  const out: string[] = [];
  for (const [label, value, style] of fields) {
    if (value.trim() === "") continue;
    const padded = padEnd(label, labelWidth);
    wrap(value, valueWidth).forEach((l, k) => {
      const head = k === 0 ? (opts.label ? opts.label(padded) : padded) : " ".repeat(labelWidth);
      out.push(`${indent}${head}${" ".repeat(gap)}${style ? style(l) : l}`.trimEnd());
    });
  }
  return out;
}

/** One block per row: the fields of renderFields, a blank line between rows. */
function renderBlocks(columns: readonly Column[], m: Measured, opts: TableOptions): string[] {
  const out: string[] = [];
  for (let r = 0; r < m.text.length; r++) {
    if (r > 0) out.push("");
    const fields = columns.map((c, i) => [c.header, m.text[r]![i] ?? "", m.style[r]![i]] as const);
    out.push(...renderFields(fields, { width: opts.width, indent: opts.indent, label: opts.header }));
  }
  return out;
}

/** The usual options for a command's output: its width, bold headings, a dim note. */
export function tableStyle(ctx: { width: number; out: Palette }): TableOptions {
  return { width: ctx.width, header: ctx.out.bold, note: ctx.out.dim };
}

export function renderTable(columns: readonly Column[], rows: readonly Cell[][], opts: TableOptions): string {
  const m = measure(columns, rows);
  const available = Math.max(1, opts.width - (opts.indent ?? 0));
  const widths = fitColumns(columns, m.natural, available);
  if (!widths) return `${renderBlocks(columns, m, opts).join("\n")}\n`;
  const lines = renderRows(columns, m, widths, opts);
  const hidden = columns.filter((_, i) => widths[i] === undefined).map((c) => c.header);
  if (hidden.length > 0) {
    const note = t("table.hidden", { columns: hidden.join(t("table.separator")) });
    const style = opts.note ?? ((x: string) => x);
    for (const l of wrap(note, available)) lines.push(`${" ".repeat(opts.indent ?? 0)}${style(l)}`);
  }
  return `${lines.join("\n")}\n`;
}
