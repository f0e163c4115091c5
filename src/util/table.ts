// Plain-text tables whose columns line up with Chinese text: widths are display widths
// (a CJK character takes two columns), measured with string-width.
import stringWidth from "string-width";

export function padEnd(s: string, width: number): string {
  const w = stringWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

/** Cut a string to at most `width` display columns, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (stringWidth(s) <= width) return s;
  let out = "";
  for (const ch of s) {
    if (stringWidth(`${out}${ch}…`) > width) break;
    out += ch;
  }
  return `${out}…`;
}

export interface TableOptions {
  /** Max display width per column (others unbounded). */
  maxWidths?: (number | undefined)[];
  /** Style applied to the header row after padding. */
  header?: (s: string) => string;
}

export function renderTable(head: string[], rows: string[][], opts: TableOptions = {}): string {
  const cells = [head, ...rows].map((r) =>
    r.map((c, i) => {
      const max = opts.maxWidths?.[i];
      return max ? truncate(c, max) : c;
    }),
  );
  const widths = head.map((_, i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ""))));
  const lines = cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : padEnd(c, widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  if (opts.header && lines[0] !== undefined) lines[0] = opts.header(lines[0]);
  return `${lines.join("\n")}\n`;
}
