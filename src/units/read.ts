// Reading a roster file into cells: CSV (any of the encodings Excel writes) or XLSX.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";
import { decodeText, parseCsv } from "./csv.js";
import { parseRoster, type RosterParse } from "./roster.js";

/** A roster is a few hundred rows; anything far larger is the wrong file. */
const MAX_ROSTER_BYTES = 20 * 1024 * 1024;

async function xlsxCells(file: string, display: string): Promise<string[][]> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (e) {
    throw usageError(
      "units.badXlsx",
      { file: display, message: (e as Error).message },
      { hintKey: "units.badXlsx.hint" },
    );
  }
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const cells: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const out: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) out.push(row.getCell(c).text ?? "");
    cells[n - 1] = out;
  });
  // eachRow skips rows that were never written at the end; fill holes in the middle.
  return Array.from(cells, (r) => r ?? []);
}

export async function readRoster(file: string, cwd: string): Promise<RosterParse> {
  const abs = path.resolve(cwd, file);
  if (!existsSync(abs) || statSync(abs).isDirectory()) {
    throw usageError("error.pathMissing", { path: file, cwd }, { hintKey: "error.pathMissing.hint" });
  }
  if (statSync(abs).size > MAX_ROSTER_BYTES) throw usageError("units.tooLarge", { file });
  const ext = path.extname(abs).toLowerCase();
  if (ext === ".xlsx") return parseRoster(await xlsxCells(abs, file));
  if (ext === ".xls" || ext === ".et" || ext === ".ods") {
    throw usageError("units.oldFormat", { file }, { hintKey: "units.oldFormat.hint" });
  }
  return parseRoster(parseCsv(decodeText(readFileSync(abs)).text));
}
