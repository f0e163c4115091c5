// Evidence files (佐证材料): attaching 1,000 photos of 200 KB with `lookback evidence add`
// against `cp -r` of the same folder (target ≤ 2×); importing 100 schools whose files carry
// evidence against bare SQL merging the same files, evidence tables included (≤ 2×), and against
// importing the same schools without evidence (what the evidence costs, for information); the
// database's size against the bytes attached; and peak memory of attaching, exporting and
// importing a 50 MB file against a 1 MB one (flat: the content is streamed in 1 MiB pieces).
// The disk is synced before each timing; `cp -r` + `sync -f` is the baseline that, like
// lookback, has its bytes on disk when it is done.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { bin, figure, median, root } from "./util.mjs";

export const name = "evidence";

const FILES = 1000;
const FILE_BYTES = 200 * 1000;
const SCHOOLS = 100;
const REPEAT = 3;

const MINI = path.join(root, "test", "fixtures", "rectify", "v1", "mini.yaml");

function lookback(args, cwd, env = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", LOOKBACK_DB: "", ...env },
  });
  if (r.status !== 0) throw new Error(`lookback ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A unit's run of the mini checklist (a.one fails): the database, and the rectification's id. */
function school(dir, db, unit) {
  const answers = path.join(dir, `${unit}.yaml`);
  writeFileSync(
    answers,
    `unit: ${unit}\nchecklist: mini\nrespondent: 张老师\nleaders: [李书记]\nanswers:\n  a.one:\n    result: fail\n    rectification: { problem: 学习时间不足, measure: 每周集中学习, owner: 刘主任, deadline: +30 }\n  a.two: pass\n  a.three: pass\n  lead.x@李书记: pass\n`,
  );
  lookback(["--db", db, "--checklists", path.join(dir, "cl"), "check", "--answers", answers], dir);
  const rects = JSON.parse(lookback(["--db", db, "rectify", "list", "--json"], dir)).rectifications;
  return rects[0].id.slice(0, 8);
}

/**
 * Every dirty page to disk before a timing: lookback's writes are durable when it returns
 * (synchronous FULL), cp's are not, and one's pages must not be written back in the other's time.
 */
function sync() {
  const r = spawnSync("sync");
  if (r.status !== 0) throw new Error("sync failed");
}

function cp(from, to) {
  const r = spawnSync("cp", ["-r", from, to]);
  if (r.status !== 0) throw new Error("cp failed");
}

const ms = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

function attachVsCp(dir) {
  const photos = path.join(dir, "photos");
  mkdirSync(photos);
  for (let i = 0; i < FILES; i++)
    writeFileSync(path.join(photos, `照片${String(i).padStart(4, "0")}.jpg`), randomBytes(FILE_BYTES));
  const template = path.join(dir, "template.db");
  const id = school(dir, template, "莲塘一小");
  const ours = [];
  const base = [];
  const synced = [];
  let dbBytes = 0;
  for (let i = 0; i < REPEAT; i++) {
    const db = path.join(dir, `a${i}.db`);
    copyFileSync(template, db);
    sync();
    ours.push(ms(() => lookback(["--db", db, "evidence", "add", id, photos, "--max-unit-mb", "1000"], dir)));
    const conn = new Database(db);
    conn.pragma("wal_checkpoint(TRUNCATE)");
    conn.close();
    dbBytes = statSync(db).size - statSync(template).size;
    const dest = path.join(dir, `cp${i}`);
    sync();
    base.push(ms(() => cp(photos, dest)));
    rmSync(dest, { recursive: true, force: true });
    sync();
    synced.push(
      ms(() => {
        cp(photos, dest);
        const r = spawnSync("sync", ["-f", dest]);
        if (r.status !== 0) throw new Error("sync -f failed");
      }),
    );
    rmSync(dest, { recursive: true, force: true });
  }
  return [
    figure(`evidence add: ${FILES} files of 200 KB vs cp -r`, median(ours), median(base), "ms", 2),
    figure(
      `evidence add: ${FILES} files of 200 KB vs cp -r + sync -f`,
      median(ours),
      median(synced),
      "ms",
      2,
    ),
    figure(
      `evidence add: ${FILES} files of 200 KB vs bare SQLite inserts`,
      median(ours),
      bareSqlite(dir, photos),
      "ms",
      2,
    ),
    figure("database growth per byte attached", dbBytes, FILES * FILE_BYTES, "B", 1.1),
  ];
}

/**
 * The floor of keeping the bytes in the SQLite file: the same files read, hashed and inserted as
 * BLOBs in one transaction by better-sqlite3 (WAL, synchronous FULL, as lookback runs), in a
 * process of its own like ours (its start-up included).
 */
function bareSqlite(dir, photos) {
  const script = `
    const Database = require(${JSON.stringify(path.join(root, "node_modules", "better-sqlite3"))});
    const { readdirSync, readFileSync } = require("node:fs");
    const { createHash } = require("node:crypto");
    const db = new Database(process.argv[1]);
    db.pragma("journal_mode = WAL"); db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE IF NOT EXISTS c (hash TEXT, seq INTEGER, data BLOB, PRIMARY KEY (hash, seq))");
    const ins = db.prepare("INSERT INTO c VALUES (?, 0, ?)");
    db.transaction(() => {
      for (const f of readdirSync(process.argv[2])) {
        const b = readFileSync(process.argv[2] + "/" + f);
        ins.run(createHash("sha256").update(b).digest("hex"), b);
      }
    })();
    db.close();`;
  const times = [];
  for (let i = 0; i < REPEAT; i++) {
    const db = path.join(dir, `bare${i}.db`);
    sync();
    times.push(
      ms(() => {
        const r = spawnSync(process.execPath, ["-e", script, db, photos]);
        if (r.status !== 0) throw new Error(`bare SQLite: ${r.stderr}`);
      }),
    );
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
  }
  return median(times);
}

function importSchools(dir) {
  const withEv = path.join(dir, "with");
  const without = path.join(dir, "without");
  mkdirSync(withEv);
  mkdirSync(without);
  const shared = path.join(dir, "shared.pdf");
  writeFileSync(shared, Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(150_000)]));
  const template = path.join(dir, "school-template.db");
  school(dir, template, "模板学校");
  for (let i = 0; i < SCHOOLS; i++) {
    // Each school its own unit: answers and a rectification, then its evidence.
    const db = path.join(without, `学校${i}.db`);
    school(dir, db, `学校${i}`);
    const id = JSON.parse(
      lookback(["--db", db, "rectify", "list", "--json"], dir),
    ).rectifications[0].id.slice(0, 8);
    copyFileSync(db, path.join(withEv, `学校${i}.db`));
    const own = [0, 1].map((k) => {
      const f = path.join(dir, `s${i}-${k}.jpg`);
      writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200_000)]));
      return f;
    });
    lookback(["--db", path.join(withEv, `学校${i}.db`), "evidence", "add", id, ...own, shared], dir);
  }
  const time = (folder) => {
    const times = [];
    for (let i = 0; i < REPEAT; i++) {
      const target = path.join(dir, `county-${path.basename(folder)}-${i}.db`);
      sync();
      times.push(ms(() => lookback(["--db", target, "import", folder], dir)));
    }
    return median(times);
  };
  const ours = time(withEv);
  return [
    figure(
      `import of ${SCHOOLS} schools with evidence (3 files each) vs bare SQL merge`,
      ours,
      bareImport(dir, withEv, template),
      "ms",
      2,
    ),
    figure(
      `import of ${SCHOOLS} schools with evidence (3 files each) vs without`,
      ours,
      time(without),
      "ms",
      Number.POSITIVE_INFINITY,
      "(information)",
    ),
  ];
}

/** The tables a school's file sends, parents first (the merge of bench/import.bench.mjs, evidence added). */
const MERGED = [
  "units",
  "checklist_snapshots",
  "runs",
  "answers",
  "rectifications",
  "rectification_history",
  "evidence_contents",
  "evidence_chunks",
  "evidence_files",
];

/**
 * The floor of importing the same files: one process (its start-up included, like ours) that
 * ATTACHes each school's file and copies every table's new rows with INSERT … SELECT … ON CONFLICT
 * DO NOTHING, one transaction per file, WAL and synchronous FULL, into a database made by
 * lookback. Nothing is checked, matched or counted.
 */
function bareImport(dir, folder, template) {
  const script = `
    const Database = require(${JSON.stringify(path.join(root, "node_modules", "better-sqlite3"))});
    const { readdirSync } = require("node:fs");
    const [target, folder] = process.argv.slice(1);
    const db = new Database(target);
    db.pragma("journal_mode = WAL"); db.pragma("synchronous = FULL"); db.pragma("foreign_keys = ON");
    const merge = ${JSON.stringify(MERGED)}
      .map((t) => "INSERT INTO " + t + " SELECT * FROM src." + t + " WHERE true ON CONFLICT DO NOTHING;")
      .join(" ");
    for (const f of readdirSync(folder).filter((f) => f.endsWith(".db"))) {
      db.prepare("ATTACH DATABASE ? AS src").run(folder + "/" + f);
      db.transaction(() => db.exec(merge)).immediate();
      db.exec("DETACH DATABASE src");
    }
    db.close();`;
  const times = [];
  for (let i = 0; i < REPEAT; i++) {
    // An empty lookback database of this version: the template's tables, emptied.
    const target = path.join(dir, `bare-import-${i}.db`);
    copyFileSync(template, target);
    const t = new Database(target);
    t.pragma("foreign_keys = OFF");
    for (const table of [...MERGED].reverse()) t.exec(`DELETE FROM ${table}`);
    t.exec("VACUUM");
    t.close();
    sync();
    times.push(
      ms(() => {
        const r = spawnSync(process.execPath, ["-e", script, target, folder]);
        if (r.status !== 0) throw new Error(`bare import: ${r.stderr}`);
      }),
    );
    const check = new Database(target, { readonly: true });
    const n = check.prepare("SELECT count(*) AS n FROM evidence_files").get().n;
    check.close();
    if (n !== SCHOOLS * 3) throw new Error(`bare import: ${n} evidence files, expected ${SCHOOLS * 3}`);
  }
  return median(times);
}

function peakRss(args, cwd) {
  const out = path.join(cwd, `rss-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(
    process.execPath,
    ["--import", path.join(root, "bench", "rss-hook.mjs"), bin, ...args],
    {
      cwd,
      env: { ...process.env, LOOKBACK_LANG: "en", LOOKBACK_DB: "", LOOKBACK_BENCH_RSS_FILE: out },
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`lookback ${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8")).maxRSS / 1024;
}

/**
 * Peak memory of attaching a file, of exporting its unit with --with-evidence, and of importing
 * a school's file carrying it: 50 MB against 1 MB, each the median of REPEAT runs.
 */
function memory(dir) {
  const sizes = { small: 1024 * 1024, large: 50 * 1024 * 1024 };
  const rss = { add: {}, export: {}, import: {} };
  for (const [k, bytes] of Object.entries(sizes)) {
    const template = path.join(dir, `m-${k}.db`);
    const id = school(dir, template, "莲塘一小");
    const file = path.join(dir, `${k}.mp4`);
    writeFileSync(file, randomBytes(bytes));
    const runs = { add: [], export: [], import: [] };
    for (let i = 0; i < REPEAT; i++) {
      const db = path.join(dir, `m-${k}-${i}.db`);
      copyFileSync(template, db);
      sync();
      runs.add.push(peakRss(["--db", db, "evidence", "add", id, file, "--max-file-mb", "100"], dir));
      const out = path.join(dir, `out-${k}-${i}`);
      sync();
      runs.export.push(
        peakRss(["--db", db, "export", "--unit", "莲塘一小", "--with-evidence", "--out", out], dir),
      );
      rmSync(out, { recursive: true, force: true });
      const county = path.join(dir, `m-county-${k}-${i}.db`);
      sync();
      runs.import.push(peakRss(["--db", county, "import", db], dir));
      for (const f of [db, county]) for (const x of ["", "-wal", "-shm"]) rmSync(f + x, { force: true });
    }
    for (const w of Object.keys(rss)) rss[w][k] = median(runs[w]);
    rmSync(file, { force: true });
  }
  const what = {
    add: "evidence add",
    export: "export --with-evidence",
    import: "import of a school's file with it",
  };
  return Object.keys(rss).map((w) =>
    figure(`${what[w]} peak RSS: a 50 MB file vs a 1 MB file`, rss[w].large, rss[w].small, "MB", 1.2),
  );
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-evidence-"));
  try {
    mkdirSync(path.join(dir, "cl"));
    copyFileSync(MINI, path.join(dir, "cl", "mini.yaml"));
    return [...attachVsCp(dir), ...memory(dir), ...importSchools(dir)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
