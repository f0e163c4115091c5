// Baseline for the report bench: the numbers of the county briefing (per unit: answered, items,
// results, rectifications by status, overdue; per township the same summed) read from the same
// database with plain SQL, and written as a plain Word document by the docx library alone: a
// title, a paragraph of totals and two tables, no styles, fonts, charts or layout. Run as a child.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import Database from "better-sqlite3";

const { Document, Packer, Paragraph, Table, TableRow, TableCell } = createRequire(import.meta.url)("docx");
const [dbFile, outFile, today] = process.argv.slice(2);
const db = new Database(dbFile, { readonly: true });
const units = db
  .prepare(
    `SELECT u.id, u.name, u.township,
       (SELECT COUNT(*) FROM answers a JOIN runs r ON r.id = a.run_id WHERE r.unit_id = u.id) AS answered,
       (SELECT COUNT(*) FROM answers a JOIN runs r ON r.id = a.run_id WHERE r.unit_id = u.id AND a.result = 'fail') AS fail,
       (SELECT COUNT(*) FROM rectifications x WHERE x.unit_id = u.id) AS rects,
       (SELECT COUNT(*) FROM rectifications x WHERE x.unit_id = u.id AND x.status = 'closed') AS closed,
       (SELECT COUNT(*) FROM rectifications x WHERE x.unit_id = u.id AND x.deadline < ? AND x.status NOT IN ('done', 'closed')) AS overdue
     FROM units u ORDER BY u.name`,
  )
  .all(today);
const towns = new Map();
for (const u of units) {
  const t = towns.get(u.township) ?? { units: 0, rects: 0, closed: 0, overdue: 0 };
  t.units++;
  t.rects += u.rects;
  t.closed += u.closed;
  t.overdue += u.overdue;
  towns.set(u.township, t);
}
const row = (cells) =>
  new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph(String(c))] })) });
const total = units.reduce((a, u) => a + u.rects, 0);
const doc = new Document({
  sections: [
    {
      children: [
        new Paragraph("全县“回头看”工作简报"),
        new Paragraph(`单位 ${units.length} 个，整改事项 ${total} 项`),
        new Table({
          rows: [
            row(["乡镇", "单位数", "问题数", "已销号", "逾期"]),
            ...[...towns].map(([k, t]) => row([k, t.units, t.rects, t.closed, t.overdue])),
          ],
        }),
        new Table({
          rows: [
            row(["单位", "乡镇", "已查", "不符合", "问题数", "已销号", "逾期"]),
            ...units.map((u) => row([u.name, u.township, u.answered, u.fail, u.rects, u.closed, u.overdue])),
          ],
        }),
      ],
    },
  ],
});
writeFileSync(outFile, await Packer.toBuffer(doc));
