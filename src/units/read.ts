// Reading a roster file into cells: CSV (any of the encodings Excel writes) or XLSX, within the
// roster's limits (bytes read, rows, columns, unzipped size).
import path from "node:path";
import { LookbackError, usageError } from "../errors.js";
import { LIMITS } from "../input/limits.js";
import { describeRead } from "../input/messages.js";
import { readBounded } from "../input/read.js";
import { decodeText, parseCsv } from "./csv.js";
import { parseRoster, type RosterParse } from "./roster.js";
import { XlsxRefusal, xlsxCells } from "./xlsx.js";

function xlsxRoster(bytes: Buffer, file: string): RosterParse {
  try {
    return parseRoster(xlsxCells(bytes));
  } catch (e) {
    if (!(e instanceof XlsxRefusal)) throw e;
    if (e.reason === "unreadable") {
      throw usageError(
        "units.badXlsx",
        { file, message: String(e.params.message ?? "") },
        { hintKey: "units.badXlsx.hint" },
      );
    }
    throw usageError(`units.limit.${e.reason}`, { file, ...e.params }, { hintKey: "units.limit.hint" });
  }
}

function csvRoster(bytes: Buffer, file: string): RosterParse {
  const csv = parseCsv(decodeText(bytes).text, {
    maxRows: LIMITS.rosterRows + 10,
    maxColumns: LIMITS.rosterColumns,
  });
  if (csv.unclosedQuoteRow !== undefined) {
    throw usageError(
      "units.csv.unclosedQuote",
      { file, row: csv.unclosedQuoteRow },
      { hintKey: "units.csv.unclosedQuote.hint" },
    );
  }
  if (csv.stopped?.kind === "rows") {
    throw usageError(
      "units.limit.csvRows",
      { file, max: LIMITS.rosterRows },
      { hintKey: "units.limit.hint" },
    );
  }
  if (csv.stopped?.kind === "columns") {
    throw usageError(
      "units.limit.csvColumns",
      { file, row: csv.stopped.row, max: LIMITS.rosterColumns },
      { hintKey: "units.limit.hint" },
    );
  }
  return parseRoster(csv.rows);
}

export async function readRoster(file: string, cwd: string): Promise<RosterParse> {
  const abs = path.resolve(cwd, file);
  const ext = path.extname(abs).toLowerCase();
  const read = readBounded(abs, LIMITS.rosterBytes);
  if (!read.ok) {
    const d = describeRead(read.refusal, file, "roster", cwd);
    throw new LookbackError(`input.${d.code}`, d.message, {
      exitCode: 2,
      ...(d.hint ? { hint: d.hint } : {}),
    });
  }
  if (ext === ".xls" || ext === ".et" || ext === ".ods") {
    throw usageError("units.oldFormat", { file }, { hintKey: "units.oldFormat.hint" });
  }
  return ext === ".xlsx" ? xlsxRoster(read.bytes, file) : csvRoster(read.bytes, file);
}
