// Reading a roster saved as CSV: UTF-8 with or without BOM, or GBK as Excel writes CSV on
// Chinese Windows (decoded as GB18030, its superset), comma- or tab-separated.

/** UTF-8 when the bytes are valid UTF-8, else GB18030. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: "utf-8" | "utf-16" | "gb18030" } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8" };
  }
  // Excel's "Unicode text" export.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16" };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("gb18030").decode(bytes), encoding: "gb18030" };
  }
}

function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  if (!first.includes(",")) {
    if (first.includes("\t")) return "\t";
    if (first.includes(";")) return ";";
  }
  return ",";
}

export interface CsvParse {
  rows: string[][];
  /** Row (1-based, as a spreadsheet counts) where a quoted field opens and never closes. */
  unclosedQuoteRow?: number;
  /** Set when reading stopped at `maxRows` rows or `maxColumns` fields in a row. */
  stopped?: { kind: "rows" | "columns"; row: number };
}

/**
 * RFC 4180: quoted fields may hold the delimiter, doubled quotes and line breaks. A quote that
 * never closes is reported with the row it opens on, rather than taking the rest of the file
 * into one field; past `maxRows` rows or `maxColumns` fields, reading stops.
 */
export function parseCsv(
  text: string,
  limits: { maxRows: number; maxColumns: number } = {
    maxRows: Number.POSITIVE_INFINITY,
    maxColumns: Number.POSITIVE_INFINITY,
  },
): CsvParse {
  const sep = delimiterOf(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let quoteRow = 0;
  const endRow = (): CsvParse | undefined => {
    row.push(field);
    rows.push(row);
    row = [];
    field = "";
    if (rows.length > limits.maxRows) return { rows, stopped: { kind: "rows", row: rows.length } };
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === "") {
      quoted = true;
      quoteRow = rows.length + 1;
    } else if (ch === sep) {
      row.push(field);
      field = "";
      if (row.length >= limits.maxColumns)
        return { rows, stopped: { kind: "columns", row: rows.length + 1 } };
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      const stop = endRow();
      if (stop) return stop;
    } else field += ch;
  }
  if (quoted) return { rows, unclosedQuoteRow: quoteRow };
  if (field !== "" || row.length > 0) {
    const stop = endRow();
    if (stop) return stop;
  }
  return { rows };
}
