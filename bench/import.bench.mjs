// Import of a province's mail: 1,000 schools' databases (LOOKBACK_BENCH_SCHOOLS changes it) of
// one full run each into one database,
// against plain SQL doing the same merge (ATTACH + INSERT … SELECT … ON CONFLICT, one
// transaction per file, same durability: WAL, synchronous=FULL) through better-sqlite3.
// Ours does more per file (a private in-memory copy, identity and quick_check, unit matching
// by code/name, counts, staging): the target is to stay within 2× of the bare SQL.
// With LOOKBACK_TEST_PG, the same files are also imported into a PostgreSQL database, against
// hand-written SQL on the same server (each file's rows as multi-row upserts, one transaction).
// Memory: peak RSS of `lookback import` of every file against a tenth of them (flat in the number
// of files: each file is merged and let go before the next).
// The school files are in WAL mode, as lookback leaves them; BENCH_ROLLBACK=1 clones them in
// rollback-journal mode instead, which makes the baseline's ATTACH cheaper (no -wal/-shm).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { bin, figure, median, root } from "./util.mjs";

export const name = "import";

const SCHOOLS = Number(process.env.LOOKBACK_BENCH_SCHOOLS) || 1000;
const ROUNDS = 3;

async function dist(rel) {
  return import(path.join(root, "dist", rel));
}

/** One school's database through the store API: a full run of self-check, some failures. */
export async function template(file) {
  const { openStore } = await dist("store/open.js");
  const { loadChecklistSet } = await dist("checklist/load.js");
  const loaded = loadChecklistSet({ cwd: os.tmpdir() }).checklists.find(
    (c) => c.checklist.id === "self-check",
  );
  const store = await openStore(file, { intent: "write" });
  const unit = await store.ensureUnit("模板学校");
  const snapshot = await store.saveSnapshot(loaded);
  const leaders = ["书记", "校长", "副校长"];
  const run = await store.createRun({ unitId: unit.id, snapshot, respondent: "填报人", leaders });
  let n = 0;
  let opened = 0;
  for (const section of loaded.checklist.sections) {
    for (const leader of section.per === "leader" ? leaders : [null]) {
      for (const item of section.items) {
        const result = n++ % 6 === 2 ? "fail" : "pass";
        const r = await store.saveAnswer(run.id, {
          itemKey: `${section.id}.${item.id}${leader ? `@${leader}` : ""}`,
          sectionId: section.id,
          itemId: item.id,
          leader,
          result,
          note: result === "fail" ? "存在不足" : null,
          evidence: null,
          naReason: null,
          ...(result === "fail"
            ? {
                rectification: {
                  problem: "存在问题",
                  measure: "整改措施",
                  owner: leader ?? "办公室主任",
                  leaderInCharge: null,
                  department: null,
                  deadline: "2026-12-31",
                  kind: "deadline",
                  origin: "self-check",
                  evidence: null,
                },
              }
            : {}),
        });
        // Half the rectifications have moved on: two history entries each.
        if (r.rectification && opened++ % 2 === 0) {
          await store.changeRectification(r.rectification.id, {
            toStatus: "in-progress",
            by: "办公室主任",
            note: "正在整改",
          });
        }
      }
    }
  }
  await store.finishRun(run.id);
  await store.close();
}

/** Copies of the template under new ids and names: quick, and each a valid school file. */
/** `count` schools' files made from the template, each its own unit, ids and database id. */
export function clone(templateFile, folder, count = SCHOOLS, prefix = "第") {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const file = path.join(folder, `school-${String(i).padStart(5, "0")}.db`);
    copyFileSync(templateFile, file);
    const db = new Database(file);
    db.pragma("foreign_keys = OFF");
    // Ids stay UUIDs (import checks them): the last four hex digits become the school's number.
    const sfx = i.toString(16).padStart(4, "0");
    const re = (col) => `substr(${col}, 1, 32) || @sfx`;
    db.transaction(() => {
      db.prepare(`UPDATE units SET id = ${re("id")}, name = @name, code = @code, name_key = @name`).run({
        sfx,
        name: `${prefix}${i}学校`,
        code: prefix === "第" ? `3601${String(i).padStart(6, "0")}` : null,
      });
      db.prepare(`UPDATE runs SET id = ${re("id")}, unit_id = ${re("unit_id")}`).run({ sfx });
      // (NULL stays NULL: substr(NULL) || x is NULL.)
      db.prepare(
        `UPDATE answers SET id = ${re("id")}, run_id = ${re("run_id")}, rectification_id = ${re("rectification_id")}`,
      ).run({ sfx });
      db.prepare(
        `UPDATE rectifications SET id = ${re("id")}, run_id = ${re("run_id")}, unit_id = ${re("unit_id")},
           continued_by = ${re("continued_by")}`,
      ).run({ sfx });
      db.prepare(
        `UPDATE rectification_history SET id = ${re("id")}, rectification_id = ${re("rectification_id")}`,
      ).run({ sfx });
      // Each school's file is its own database.
      db.prepare("UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'db_id'").run();
    })();
    if (process.env.BENCH_ROLLBACK) db.pragma("journal_mode = DELETE");
    db.close();
  }
  return readdirSync(folder)
    .filter((f) => f.endsWith(".db"))
    .sort()
    .map((f) => path.join(folder, f));
}

async function emptyTarget(file) {
  const { openStore } = await dist("store/open.js");
  await (await openStore(file, { intent: "write" })).close();
}

/** The baseline: bare set-based SQL, one ATTACH and one transaction per file. */
function baseline(target, files) {
  const db = new Database(target);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  const t0 = process.hrtime.bigint();
  for (const f of files) {
    db.prepare("ATTACH DATABASE ? AS src").run(f);
    db.transaction(() => {
      db.exec(`
        INSERT INTO units SELECT * FROM src.units WHERE true ON CONFLICT DO NOTHING;
        INSERT INTO checklist_snapshots SELECT * FROM src.checklist_snapshots WHERE true ON CONFLICT DO NOTHING;
        INSERT INTO runs SELECT * FROM src.runs WHERE true ON CONFLICT(id) DO UPDATE SET
          status = excluded.status, finished_at = excluded.finished_at, updated_at = excluded.updated_at
          WHERE excluded.updated_at > runs.updated_at;
        INSERT INTO answers SELECT * FROM src.answers WHERE true ON CONFLICT(id) DO UPDATE SET
          result = excluded.result, note = excluded.note, updated_at = excluded.updated_at
          WHERE excluded.updated_at > answers.updated_at;
        INSERT INTO rectifications SELECT * FROM src.rectifications WHERE true ON CONFLICT(id) DO UPDATE SET
          status = excluded.status, progress = excluded.progress, updated_at = excluded.updated_at
          WHERE excluded.updated_at > rectifications.updated_at;
        INSERT INTO rectification_history SELECT * FROM src.rectification_history WHERE true ON CONFLICT DO NOTHING;
      `);
    }).immediate();
    db.exec("DETACH DATABASE src");
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return ms;
}

async function ours(target, files) {
  const { openStore } = await dist("store/open.js");
  const { importAll } = await dist("import/index.js");
  const store = await openStore(target, { intent: "write" });
  const t0 = process.hrtime.bigint();
  const report = await importAll(
    store,
    files.map((file) => ({ file, display: path.basename(file) })),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await store.close();
  if (report.failed > 0 || report.totals.runs.added !== files.length) {
    throw new Error(`bench import went wrong: ${JSON.stringify(report.totals)} failed=${report.failed}`);
  }
  return ms;
}

// --- PostgreSQL (LOOKBACK_TEST_PG): the same school files into a server database -------------

const require = createRequire(import.meta.url);

/** A fresh database on the test server for `fn`, dropped after it. */
async function withPgDatabase(fn) {
  const pg = require("pg");
  const server = new URL(process.env.LOOKBACK_TEST_PG);
  const name = `lb_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(server.href);
    url.pathname = `/${name}`;
    return await fn(url.href, pg);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** The tables a school file sends, with the baseline's rule for a row already there. */
const PG_MERGE = [
  ["units", "(id) DO NOTHING"],
  ["checklist_snapshots", "(hash) DO NOTHING"],
  [
    "runs",
    "(id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, updated_at = excluded.updated_at WHERE excluded.updated_at > runs.updated_at",
  ],
  [
    "answers",
    "(id) DO UPDATE SET result = excluded.result, note = excluded.note, updated_at = excluded.updated_at WHERE excluded.updated_at > answers.updated_at",
  ],
  [
    "rectifications",
    "(id) DO UPDATE SET status = excluded.status, progress = excluded.progress, updated_at = excluded.updated_at WHERE excluded.updated_at > rectifications.updated_at",
  ],
  ["rectification_history", "(id) DO NOTHING"],
];

/**
 * The PostgreSQL baseline: hand-written SQL doing the bare merge, one transaction per file:
 * every table's rows read from the school's file and sent as one multi-row upsert.
 */
async function pgBaseline(url, pg, files) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = process.hrtime.bigint();
  for (const f of files) {
    const src = new Database(f, { readonly: true });
    await client.query("BEGIN");
    for (const [table, onConflict] of PG_MERGE) {
      const all = src.prepare(`SELECT * FROM ${table}`).all();
      if (all.length === 0) continue;
      const cols = Object.keys(all[0]);
      const per = Math.floor(60000 / cols.length);
      for (let i = 0; i < all.length; i += per) {
        const chunk = all.slice(i, i + per);
        const values = chunk.map(
          (_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(", ")})`,
        );
        await client.query(
          `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(", ")}) VALUES ${values.join(", ")} ON CONFLICT ${onConflict}`,
          chunk.flatMap((row) => cols.map((c) => row[c])),
        );
      }
    }
    await client.query("COMMIT");
    src.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await client.end();
  return ms;
}

async function pgFigure(files) {
  if (!process.env.LOOKBACK_TEST_PG) {
    process.stderr.write("bench: import into PostgreSQL skipped (LOOKBACK_TEST_PG is not set)\n");
    return [];
  }
  const times = { ours: [], base: [] };
  for (let round = 0; round < ROUNDS; round++) {
    times.base.push(
      await withPgDatabase(async (url, pg) => {
        await emptyTarget(url);
        return pgBaseline(url, pg, files);
      }),
    );
    times.ours.push(
      await withPgDatabase(async (url) => {
        await emptyTarget(url);
        return ours(url, files);
      }),
    );
  }
  return [
    figure(
      `import ${SCHOOLS} school files into PostgreSQL, in process`,
      median(times.ours),
      median(times.base),
      "ms",
      2,
    ),
  ];
}

/** Peak RSS (MB) of `lookback import FOLDER` into a new database (the child reports its own). */
async function importRss(dir, folder, tag) {
  const target = path.join(dir, `rss-${tag}.db`);
  await emptyTarget(target);
  const rssFile = path.join(dir, `rss-${tag}.json`);
  const r = spawnSync(
    process.execPath,
    ["--import", path.join(root, "bench", "rss-hook.mjs"), bin, "--db", target, "import", folder, "--json"],
    { env: { ...process.env, LOOKBACK_BENCH_RSS_FILE: rssFile }, stdio: "ignore" },
  );
  if (r.status !== 0) throw new Error(`lookback import (${tag}) exited ${r.status}`);
  return JSON.parse(readFileSync(rssFile, "utf8")).maxRSS / 1024;
}

/** Peak RSS of importing every file against a tenth of them (median of three each). */
async function rssFigure(dir, files) {
  const tenth = path.join(dir, "tenth");
  mkdirSync(tenth);
  const few = files.slice(0, Math.max(1, Math.floor(files.length / 10)));
  for (const f of few) copyFileSync(f, path.join(tenth, path.basename(f)));
  const all = [];
  const some = [];
  for (let i = 0; i < 3; i++) {
    all.push(await importRss(dir, path.dirname(files[0]), `all${i}`));
    some.push(await importRss(dir, tenth, `tenth${i}`));
  }
  return figure(
    `import peak RSS, ${files.length} vs ${few.length} school files (CLI)`,
    median(all),
    median(some),
    "MB",
    1.5,
  );
}

function rows(target) {
  const db = new Database(target, { readonly: true });
  const n = (t) => db.prepare(`SELECT count(*) AS n FROM ${t}`).get().n;
  const out = ["units", "runs", "answers", "rectifications", "rectification_history"].map(n);
  db.close();
  return out.join("/");
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-import-"));
  try {
    const templateFile = path.join(dir, "template.db");
    await template(templateFile);
    const folder = path.join(dir, "schools");
    const files = clone(templateFile, folder);
    const times = { ours: [], base: [], cli: [] };
    let counts = { ours: "", base: "" };
    for (let round = 0; round < ROUNDS; round++) {
      const b = path.join(dir, `base-${round}.db`);
      const o = path.join(dir, `ours-${round}.db`);
      const c = path.join(dir, `cli-${round}.db`);
      await emptyTarget(b);
      await emptyTarget(o);
      await emptyTarget(c);
      times.base.push(baseline(b, files));
      times.ours.push(await ours(o, files));
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, "--db", c, "import", folder, "--json"], {
        stdio: "ignore",
      });
      times.cli.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== 0) throw new Error(`lookback import exited ${r.status}`);
      counts = { ours: rows(o), base: rows(b) };
    }
    if (counts.ours !== counts.base)
      throw new Error(`row counts differ: ours ${counts.ours}, baseline ${counts.base}`);
    const base = median(times.base);
    process.stderr.write(`bench: import rows (units/runs/answers/rectifications/history) ${counts.ours}\n`);
    return [
      figure(`import ${SCHOOLS} school files, in process`, median(times.ours), base, "ms", 2),
      figure(`import ${SCHOOLS} school files, CLI end to end`, median(times.cli), base, "ms", 2),
      await rssFigure(dir, files),
      ...(await pgFigure(files)),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
