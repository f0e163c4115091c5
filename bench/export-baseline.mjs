// Baseline for the export bench: the same rows (each unit's rectifications and answers) into
// the same number of .xlsx files, with plain exceljs (Workbook + writeFile, no styles,
// no layout) reading the same database. Run as a child, like the real export.
import path from "node:path";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";

const [dbFile, outDir] = process.argv.slice(2);
const db = new Database(dbFile, { readonly: true });
const units = db
  .prepare("SELECT u.id, u.name, r.id AS run_id FROM units u JOIN runs r ON r.unit_id = u.id ORDER BY u.name")
  .all();
const rects = db.prepare("SELECT * FROM rectifications WHERE run_id = ? ORDER BY created_at, item_key");
const answers = db.prepare("SELECT * FROM answers WHERE run_id = ? ORDER BY answered_at, id");
const cols = [
  "item_key",
  "problem",
  "measure",
  "owner",
  "leader_in_charge",
  "department",
  "deadline",
  "kind",
  "origin",
  "evidence",
  "status",
  "progress",
  "remark",
  "closed_at",
];
for (const u of units) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("整改台账");
  ws.addRow([`${u.name}“回头看”问题整改台账`]);
  ws.addRow(["info"]);
  ws.addRow(["序号", ...cols]);
  for (const [i, r] of rects.all(u.run_id).entries()) ws.addRow([i + 1, ...cols.map((c) => r[c])]);
  const ws2 = wb.addWorksheet("自查明细");
  ws2.addRow(["序号", "item", "result", "note", "evidence", "na"]);
  for (const [i, a] of answers.all(u.run_id).entries()) {
    ws2.addRow([i + 1, a.item_key, a.result, a.note, a.evidence, a.na_reason]);
  }
  await wb.xlsx.writeFile(path.join(outDir, `${u.name}-整改台账.xlsx`));
}
