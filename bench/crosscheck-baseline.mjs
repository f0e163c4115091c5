// The crosscheck bench's baseline: the same counts as `lookback crosscheck --all` (each unit's
// latest inspection against its latest self-check, pair by pair), with one hand-written SQL
// query over the same database. Usage: node crosscheck-baseline.mjs DB PAIRS_JSON
import { createRequire } from "node:module";

const Database = createRequire(import.meta.url)("better-sqlite3");
const [file, pairsJson] = process.argv.slice(2);
const pairs = JSON.parse(pairsJson);
const db = new Database(file, { readonly: true });
const values = pairs.map(() => "(?, ?)").join(", ");
const row = db
  .prepare(
    `WITH pairs(from_key, to_key) AS (VALUES ${values}),
     latest AS (SELECT unit_id, checklist_id, max(rowid) AS rid FROM runs GROUP BY unit_id, checklist_id),
     rank(result, n) AS (VALUES ('pass', 2), ('partial', 1), ('fail', 0)),
     found AS (
       SELECT r.unit_id, a.section_id || '.' || a.item_id AS k, min(k.n) AS n
       FROM latest l JOIN runs r ON r.rowid = l.rid JOIN answers a ON a.run_id = r.id JOIN rank k ON k.result = a.result
       WHERE l.checklist_id = 'inspection' GROUP BY r.unit_id, k),
     own AS (
       SELECT r.unit_id, a.section_id || '.' || a.item_id AS k, min(k.n) AS n
       FROM latest l JOIN runs r ON r.rowid = l.rid JOIN answers a ON a.run_id = r.id JOIN rank k ON k.result = a.result
       WHERE l.checklist_id = 'self-check' GROUP BY r.unit_id, k)
     SELECT sum(o.n > f.n) AS overstated, sum(o.n = f.n) AS agreed, sum(o.n < f.n) AS understated
     FROM found f JOIN pairs p ON p.from_key = f.k JOIN own o ON o.unit_id = f.unit_id AND o.k = p.to_key`,
  )
  .get(...pairs.flatMap((p) => [p.from, p.to]));
process.stdout.write(`${JSON.stringify(row)}\n`);
