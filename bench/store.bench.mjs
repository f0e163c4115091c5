// The SQL store's set-based reads on SQLite at province size (30,000 units, one completed run
// each with 8 answers, 3 rectifications each), each against hand-written SQL reading the same
// rows through better-sqlite3 in the same run; a one-unit read at 1,000 and at 30,000 units;
// the heap a full stream of rectifications holds at both sizes. Data made by bulk SQL.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { figure, median, root, round } from "./util.mjs";

export const name = "store";

const require = createRequire(import.meta.url);
// A collector to call between samples, so that the heap figure is what is held, not garbage.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
const dist = (rel) => import(path.join(root, "dist", rel));

/** A lookback database of `units` units, made through the driver (migrations) then bulk SQL. */
export async function seed(file, units) {
  const { openSqliteDriver } = await dist("store/sqlite/driver.js");
  const driver = await openSqliteDriver(file, { intent: "write" });
  const n = (count) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
  const hex = (expr) => `printf('%08x-0000-4000-8000-%012x', ${expr}, ${expr})`;
  await driver.transaction("write", async (tx) => {
    await tx.run(
      "INSERT INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at) VALUES ('h', 'self-check', '1', 't', 'x', 'x')",
    );
    await tx.run(
      `INSERT INTO units (id, name, code, created_at, updated_at, name_key)
       ${n(units)} SELECT 'u' || ${hex("i")}, '第' || i || '学校', '3601' || i, 'x', 'x', '第' || i || '学校' FROM n`,
    );
    await tx.run(
      `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
         started_at, finished_at, updated_at)
       ${n(units)} SELECT 'r' || ${hex("i")}, 'u' || ${hex("i")}, 'h', 'self-check', '1', '填报人', 'complete',
         '2026-06-01T00:00:00.000Z', '2026-06-02T00:00:00.000Z', 'x' FROM n`,
    );
    await tx.run(
      `INSERT INTO answers (id, run_id, item_key, section_id, item_id, result, answered_at, updated_at)
       ${n(units * 8)} SELECT 'a' || ${hex("i")}, 'r' || ${hex(`1 + i % ${units}`)}, 's.i' || (i / ${units}), 's',
         'i' || (i / ${units}), CASE WHEN i % 8 < 3 THEN 'fail' ELSE 'pass' END, '2026-06-01', 'x' FROM n`,
    );
    await tx.run(
      `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, deadline,
         kind, origin, status, created_at, updated_at)
       ${n(units * 3)} SELECT ${hex("i")}, 'r' || ${hex(`1 + i % ${units}`)}, 'u' || ${hex(`1 + i % ${units}`)},
         'self-check', 's.i' || (i / ${units}), '问题', '措施', '张三',
         CASE WHEN i % 4 = 0 THEN '2026-01-01' ELSE '2099-01-01' END, 'deadline', 'self-check',
         CASE WHEN i % 5 = 0 THEN 'closed' ELSE 'open' END, '2026-06-01T00:00:00.000Z', 'x' FROM n`,
    );
  });
  await driver.close();
}

async function openStore(file) {
  const { openSqliteDriver } = await dist("store/sqlite/driver.js");
  const { SqlStore } = await dist("store/sql/store.js");
  return new SqlStore(await openSqliteDriver(file, { intent: "read" }));
}

async function timeIt(fn, n = 3) {
  await fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

/** Rows of a full stream, and the most heap it held above where it started (MB). */
async function streamHeap(iterable) {
  gc();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  let rows = 0;
  for await (const _ of iterable) {
    // What is still held, not garbage not yet collected: a flat stream holds one page.
    if (++rows % 5000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  return { rows, mb: (peak - start) / 1e6 };
}

function rawCount(db, sql, params = []) {
  let n = 0;
  for (const _ of db.prepare(sql).iterate(...params)) n++;
  return n;
}

export async function run() {
  const Database = require("better-sqlite3");
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-store-"));
  const out = [];
  try {
    const small = path.join(dir, "1k.db");
    const big = path.join(dir, "30k.db");
    await seed(small, 1_000);
    await seed(big, 30_000);
    const store = await openStore(big);
    const raw = new Database(big, { readonly: true });
    const today = "2026-11-30";
    const all = async (it) => {
      let n = 0;
      for await (const _ of it) n++;
      return n;
    };

    const rectOurs = await timeIt(() => all(store.iterateRectifications({ ledgerOnly: true })));
    const rectBase = await timeIt(() =>
      rawCount(
        raw,
        `SELECT x.*, u.name, u.code FROM rectifications x JOIN units u ON u.id = x.unit_id
         WHERE coalesce(x.continued_by, '') = '' ORDER BY x.unit_id, x.checklist_id, x.item_key, x.rowid`,
      ),
    );
    out.push(figure("store: every rectification streamed (90,000, 30k units)", rectOurs, rectBase, "ms", 2));

    const lateOurs = await timeIt(() =>
      all(store.iterateRectifications({ overdueOn: today, ledgerOnly: true })),
    );
    const lateBase = await timeIt(() =>
      rawCount(
        raw,
        `SELECT x.*, u.name, u.code FROM rectifications x JOIN units u ON u.id = x.unit_id
         WHERE coalesce(x.continued_by, '') = '' AND x.deadline < ? AND x.status IN ('open', 'in-progress')
         ORDER BY x.unit_id, x.checklist_id, x.item_key, x.rowid`,
        [today],
      ),
    );
    out.push(figure("store: overdue rectifications streamed (30k units)", lateOurs, lateBase, "ms", 2));

    const runsOurs = await timeIt(() => all(store.runDetails()), 1);
    const runsBase = await timeIt(
      () =>
        rawCount(raw, "SELECT * FROM runs ORDER BY unit_id, checklist_id, started_at") +
        rawCount(raw, "SELECT * FROM answers ORDER BY run_id, answered_at") +
        rawCount(raw, "SELECT * FROM rectifications ORDER BY run_id") +
        rawCount(raw, "SELECT * FROM units"),
      1,
    );
    out.push(
      figure("store: runDetails of 30,000 runs (answers, rectifications)", runsOurs, runsBase, "ms", 2),
    );

    // One unit's rectifications, one rectification, its short id: the same at 1,000 and 30,000.
    const smallStore = await openStore(small);
    const oneUnit = async (s, unitId) => {
      const rects = await s.listRectifications({ unitId });
      await s.getRectification(rects[0].id);
      await s.shortIds(rects.map((r) => r.id));
      await s.listHistory(rects[0].id);
    };
    const unitOf = (i) =>
      `u${i.toString(16).padStart(8, "0")}-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const perUnit = async (s) => timeIt(() => oneUnit(s, unitOf(7)), 50);
    const oneBig = await perUnit(store);
    const oneSmall = await perUnit(smallStore);
    out.push(figure("store: one unit's ledger read, 30k units vs 1k units", oneBig, oneSmall, "ms", 1.5));

    const heapBig = await streamHeap(store.iterateRectifications());
    const heapSmall = await streamHeap(smallStore.iterateRectifications());
    // Flat: a stream holds a page of rows, whatever the database holds (a few MB at most).
    const flat = heapBig.mb <= Math.max(3 * heapSmall.mb, 8);
    out.push({
      figure: `store: heap held streaming ${heapBig.rows} vs ${heapSmall.rows} rectifications`,
      ours: round(heapBig.mb),
      baseline: round(heapSmall.mb),
      unit: "MB",
      target: "≤ 3× or ≤ 8 MB",
      ok: flat,
    });
    raw.close();
    await store.close();
    await smallStore.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
