// The roster of units (单位名册): a table with the columns 单位名称, 单位代码, 乡镇, 类型
// (or name, code, township, type), in any order, under a heading row. Every row is
// checked before anything is written, so a bad file changes nothing.
import { LIMITS } from "../input/limits.js";
import { normalizeUnitName, unitKey } from "./identity.js";

export const ROSTER_FIELDS = ["name", "code", "township", "type"] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export interface RosterRow {
  /** Row number in the file (1-based, as Excel shows it). */
  row: number;
  name: string;
  code: string | null;
  township: string | null;
  type: string | null;
}

export const ROSTER_ERRORS = [
  "badHeader",
  "nameTooLong",
  "nameChars",
  "fieldTooLong",
  "badField",
  "tooManyErrors",
  "nearName",
  "duplicateHeading",
  "missingName",
  "duplicateName",
  "duplicateCode",
  "nameTaken",
  "sameUnit",
  "empty",
] as const;
export type RosterErrorCode = (typeof ROSTER_ERRORS)[number];

export interface RosterError {
  row: number;
  /** The heading as written in the file (null when the error is not about one column). */
  column: string | null;
  code: RosterErrorCode;
  params: Record<string, string | number>;
}

export type RosterParse =
  | { ok: true; rows: RosterRow[]; ignoredColumns: string[]; headings: Record<RosterField, string | null> }
  | { ok: false; errors: RosterError[] };

const SYNONYMS: Record<RosterField, string[]> = {
  name: [
    "单位名称",
    "单位",
    "名称",
    "学校名称",
    "学校",
    "单位全称",
    "name",
    "unit",
    "unitname",
    "school",
    "schoolname",
  ],
  code: ["单位代码", "代码", "编码", "单位编码", "学校代码", "机构代码", "标识码", "code", "unitcode"],
  township: ["乡镇", "乡镇街道", "所属乡镇", "乡镇名称", "街道", "township", "town"],
  type: ["类型", "单位类型", "学校类型", "类别", "type", "unittype", "kind"],
};

/** "单位名称*", " Unit Name ", "乡镇（街道）" → comparable keys. */
function normalizeHeading(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[（(）)\s_\-*：:]/g, "");
}

function fieldOf(heading: string): RosterField | undefined {
  const key = normalizeHeading(heading);
  if (key === "") return undefined;
  return ROSTER_FIELDS.find((f) => SYNONYMS[f].includes(key));
}

const clean = (s: string | undefined): string => (s ?? "").replace(/\u00a0/g, " ").trim();
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HEADER_SCAN_ROWS = 10;

/** One data row checked: the name in its stored form, the other fields one line and not too long. */
function checkRow(
  r: readonly string[],
  rowNo: number,
  value: (r: readonly string[], f: RosterField) => string,
  headings: Record<RosterField, string | null>,
  errors: RosterError[],
): RosterRow | undefined {
  let ok = true;
  const raw = value(r, "name");
  const name = normalizeUnitName(raw);
  if (!name.ok) {
    ok = false;
    errors.push(
      name.problem === "empty"
        ? { row: rowNo, column: headings.name, code: "missingName", params: {} }
        : name.problem === "too-long"
          ? { row: rowNo, column: headings.name, code: "nameTooLong", params: { max: LIMITS.nameChars } }
          : { row: rowNo, column: headings.name, code: "nameChars", params: {} },
    );
  }
  const field = (f: "code" | "township" | "type"): string | null => {
    const v = value(r, f);
    if ([...v].length > LIMITS.rosterFieldChars) {
      ok = false;
      errors.push({
        row: rowNo,
        column: headings[f],
        code: "fieldTooLong",
        params: { max: LIMITS.rosterFieldChars },
      });
    } else if (NOT_ONE_LINE.test(v)) {
      ok = false;
      errors.push({ row: rowNo, column: headings[f], code: "badField", params: {} });
    }
    return v || null;
  };
  const code = field("code");
  const township = field("township");
  const type = field("type");
  if (!ok || !name.ok) return undefined;
  return { row: rowNo, name: name.name, code, township, type };
}

/**
 * `cells[i]` is row i + 1 of the sheet. The heading row is the first of the first ten rows that
 * names the unit-name column (a title row above it, as bureaus often have, is skipped).
 */
export function parseRoster(cells: readonly (readonly string[])[]): RosterParse {
  const headerIndex = cells.slice(0, HEADER_SCAN_ROWS).findIndex((r) => r.some((c) => fieldOf(c) === "name"));
  if (headerIndex < 0) {
    const first = cells.findIndex((r) => r.some((c) => clean(c) !== ""));
    if (first < 0) return { ok: false, errors: [{ row: 1, column: null, code: "empty", params: {} }] };
    return { ok: false, errors: [{ row: first + 1, column: null, code: "badHeader", params: {} }] };
  }
  const errors: RosterError[] = [];
  const { columnOf, headings, ignoredColumns } = readHeader(
    cells[headerIndex] ?? [],
    headerIndex + 1,
    errors,
  );
  const value = (r: readonly string[], f: RosterField): string => {
    const i = columnOf[f];
    return i === undefined ? "" : clean(r[i]);
  };
  const rows: RosterRow[] = [];
  const firstByName = new Map<string, number>();
  const firstByCode = new Map<string, number>();
  const dataRows = cells.slice(headerIndex + 1);
  for (let i = 0; i < dataRows.length; i++) {
    // Past the limit the rest is not checked: one line says so.
    if (errors.length >= LIMITS.diagnosticsPerFile) {
      errors.push({
        row: headerIndex + 2 + i,
        column: null,
        code: "tooManyErrors",
        params: { max: LIMITS.diagnosticsPerFile },
      });
      break;
    }
    const r = dataRows[i] ?? [];
    const rowNo = headerIndex + 2 + i;
    if (r.every((c) => clean(c) === "")) continue;
    const row = checkRow(r, rowNo, value, headings, errors);
    if (!row) continue;
    const key = unitKey(row.name);
    const first = firstByName.get(key);
    if (first !== undefined) {
      errors.push({
        row: rowNo,
        column: headings.name,
        code: "duplicateName",
        params: { value: row.name, first },
      });
    } else firstByName.set(key, rowNo);
    if (row.code !== null) {
      const firstCode = firstByCode.get(row.code);
      if (firstCode !== undefined) {
        errors.push({
          row: rowNo,
          column: headings.code,
          code: "duplicateCode",
          params: { value: row.code, first: firstCode },
        });
      } else firstByCode.set(row.code, rowNo);
    }
    rows.push(row);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (rows.length === 0)
    return { ok: false, errors: [{ row: headerIndex + 1, column: null, code: "empty", params: {} }] };
  return { ok: true, rows, ignoredColumns, headings };
}

/** Which column holds which field, by its heading; a field headed twice is an error of that row. */
function readHeader(
  header: readonly string[],
  rowNo: number,
  errors: RosterError[],
): {
  columnOf: Partial<Record<RosterField, number>>;
  headings: Record<RosterField, string | null>;
  ignoredColumns: string[];
} {
  const columnOf: Partial<Record<RosterField, number>> = {};
  const headings: Record<RosterField, string | null> = { name: null, code: null, township: null, type: null };
  const ignoredColumns: string[] = [];
  header.forEach((h, i) => {
    const field = fieldOf(h);
    if (!field) {
      if (clean(h) !== "") ignoredColumns.push(clean(h));
      return;
    }
    if (columnOf[field] !== undefined) {
      errors.push({ row: rowNo, column: clean(h), code: "duplicateHeading", params: { heading: clean(h) } });
      return;
    }
    columnOf[field] = i;
    headings[field] = clean(h);
  });
  return { columnOf, headings, ignoredColumns };
}
