// Baseline for `export --all --format json` on a province (bench/province.bench.mjs): the same
// files (a ledger per unit, named as lookback names them, and 汇总.json), in the same shape, read
// with hand-written SQL on the same engine and no lookback code: units a page of 500 at a time
// (keyset on the name) with their run, then the page's rectifications and answers in one
// statement each; the item texts from the checklist snapshot (parsed once with `yaml`). Each file
// is written whole with writeFileSync; 汇总.json a unit at a time. Run as a child, like the CLI:
//   node bench/export-all-baseline.mjs <sqlite file | postgres:// url> <out dir> <today>
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "package.json"));
const YAML = require("yaml");
const [db, outDir, today] = process.argv.slice(2);
const PAGE = 500;

/** `query(sql, params)` → rows, with `?` marks on both engines; `order` the engine's row order. */
async function connect() {
  if (/^postgres/.test(db)) {
    const pg = require("pg");
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    const numbered = (sql) => {
      let i = 0;
      return sql.replace(/\?/g, () => `$${++i}`);
    };
    return {
      order: "row_order",
      query: async (sql, params = []) => (await c.query(numbered(sql), params)).rows,
      close: () => c.end(),
    };
  }
  const Database = require("better-sqlite3");
  const d = new Database(db, { readonly: true });
  return {
    order: "rowid",
    query: async (sql, params = []) => d.prepare(sql).all(...params),
    close: () => d.close(),
  };
}

const STATUS = { open: "未整改", "in-progress": "整改中", done: "已完成", closed: "已销号" };
const RESULT = { pass: "符合", partial: "基本符合", fail: "不符合", na: "不适用" };

/** Each item of a checklist snapshot (per leader where asked) by key: number, section and text. */
function itemsOf(content, leaders) {
  const out = new Map();
  for (const [si, section] of YAML.parse(content).sections.entries())
    for (const leader of section.per === "leader" ? leaders : [null])
      for (const [ii, item] of section.items.entries())
        out.set(`${section.id}.${item.id}${leader ? `@${leader}` : ""}`, {
          number: `${si + 1}-${ii + 1}`,
          section: section.title,
          item: leader ? `${item.text}（${leader}）` : item.text,
          leader,
        });
  return out;
}

function ledger(u, rects, answers, items) {
  const slot = (key) => items.get(key) ?? { number: key, section: key, item: key, leader: null };
  const count = (xs, f, v) => xs.filter((x) => x[f] === v).length;
  const overdue = (r) =>
    r.deadline !== null && r.deadline < today && (r.status === "open" || r.status === "in-progress");
  return {
    format: "lookback-ledger",
    formatVersion: 2,
    date: today,
    rounds: 1,
    unit: { name: u.name, code: u.code, township: u.township, type: u.type },
    run: {
      id: u.run_id,
      respondent: u.respondent,
      leaders: JSON.parse(u.leaders),
      status: u.status,
      startedAt: u.started_at,
      finishedAt: u.finished_at,
    },
    counts: {
      answered: answers.length,
      results: {
        pass: count(answers, "result", "pass"),
        partial: count(answers, "result", "partial"),
        fail: count(answers, "result", "fail"),
        na: count(answers, "result", "na"),
      },
      rectifications: {
        total: rects.length,
        open: count(rects, "status", "open"),
        inProgress: count(rects, "status", "in-progress"),
        done: count(rects, "status", "done"),
        closed: count(rects, "status", "closed"),
        overdue: rects.filter(overdue).length,
      },
    },
    rectifications: rects.map((r, i) => ({
      seq: i + 1,
      id: r.id,
      itemNo: slot(r.item_key).number,
      itemKey: r.item_key,
      runId: r.run_id,
      section: slot(r.item_key).section,
      item: slot(r.item_key).item,
      leader: slot(r.item_key).leader,
      origin: r.origin,
      problem: r.problem,
      measure: r.measure,
      kind: r.kind,
      leaderInCharge: r.leader_in_charge,
      department: r.department,
      owner: r.owner,
      deadline: r.deadline,
      status: r.status,
      statusLabel: STATUS[r.status],
      overdue: overdue(r),
      progress: r.progress,
      evidence: r.evidence,
      closedAt: r.closed_at,
      closedBy: r.closed_by,
      remark: r.remark,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    answers: answers.map((a, i) => ({
      seq: i + 1,
      itemKey: a.item_key,
      section: slot(a.item_key).section,
      item: slot(a.item_key).item,
      leader: a.leader,
      result: a.result,
      resultLabel: RESULT[a.result],
      note: a.note,
      evidence: a.evidence,
      naReason: a.na_reason,
      method: a.method,
      answeredAt: a.answered_at,
    })),
  };
}

function groupBy(rows, key) {
  const out = new Map();
  for (const r of rows) {
    const list = out.get(r[key]);
    if (list) list.push(r);
    else out.set(r[key], [r]);
  }
  return out;
}

const c = await connect();
const snapshots = new Map();
const summary = openSync(path.join(outDir, "汇总.json"), "w");
writeSync(summary, `{\n  "format": "lookback-summary",\n  "date": ${JSON.stringify(today)},\n  "units": [`);
let after = "";
let seq = 0;
for (;;) {
  const page = await c.query(
    `SELECT u.*, r.id AS run_id, r.checklist_hash, r.respondent, r.leaders, r.status, r.started_at, r.finished_at
     FROM units u JOIN runs r ON r.unit_id = u.id WHERE u.name > ? ORDER BY u.name LIMIT ${PAGE}`,
    [after],
  );
  if (page.length === 0) break;
  after = page[page.length - 1].name;
  const marks = page.map(() => "?").join(", ");
  const rects = groupBy(
    await c.query(
      `SELECT * FROM rectifications WHERE unit_id IN (${marks}) ORDER BY unit_id, created_at, item_key, id`,
      page.map((u) => u.id),
    ),
    "unit_id",
  );
  const answers = groupBy(
    await c.query(
      `SELECT * FROM answers WHERE run_id IN (${marks}) ORDER BY run_id, answered_at, ${c.order}`,
      page.map((u) => u.run_id),
    ),
    "run_id",
  );
  for (const u of page) {
    const key = `${u.checklist_hash}\u0000${u.leaders}`;
    if (!snapshots.has(key)) {
      const [snap] = await c.query("SELECT content FROM checklist_snapshots WHERE hash = ?", [
        u.checklist_hash,
      ]);
      snapshots.set(key, itemsOf(snap.content, JSON.parse(u.leaders)));
    }
    const doc = ledger(u, rects.get(u.id) ?? [], answers.get(u.run_id) ?? [], snapshots.get(key));
    writeFileSync(path.join(outDir, `${u.name}-整改台账.json`), `${JSON.stringify(doc, null, 2)}\n`);
    const row = {
      seq: ++seq,
      unit: doc.unit,
      runStatus: u.status,
      respondent: u.respondent,
      counts: doc.counts,
    };
    writeSync(
      summary,
      `${seq === 1 ? "" : ","}\n    ${JSON.stringify(row, null, 2).replace(/\n/g, "\n    ")}`,
    );
  }
}
writeSync(summary, "\n  ]\n}\n");
closeSync(summary);
await c.close();
