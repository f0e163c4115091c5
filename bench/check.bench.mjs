// `lookback check`: the cost of committing every answer the moment it is given, and how
// soon the first prompt shows.
//
// 1. 1,000 answers saved one by one through the store (each its own IMMEDIATE transaction:
//    look up the previous answer, insert, touch the run, look for a rectification) against a
//    bare better-sqlite3 loop inserting the same rows, one autocommit each, with the same
//    pragmas (WAL, synchronous=FULL). Both fsync on every commit, as a person's answers must.
// 2. Launch → first prompt of `lookback check` (the unit question, database with one unit)
//    against launch → exit of `node -e 0`, both inside a pseudo-terminal made by `script -qfc`
//    (check refuses to prompt without a TTY). The time for ours stops when the prompt text
//    appears on the pty; `script` adds the same start-up to both sides.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { bin, figure, median, root } from "./util.mjs";

export const name = "check";

const ANSWERS = 1000;
const ROUNDS = 5;
const require = createRequire(path.join(root, "package.json"));
const Database = require("better-sqlite3");

async function dist(rel) {
  return import(path.join(root, "dist", rel));
}

function answerInput(i) {
  return {
    itemKey: `s${i % 10}.item-${i}`,
    sectionId: `s${i % 10}`,
    itemId: `item-${i}`,
    leader: null,
    result: "pass",
    note: i % 3 === 0 ? `备注 ${i}` : null,
    evidence: i % 5 === 0 ? "签到表、照片" : null,
    naReason: null,
  };
}

async function ours(dir, round) {
  const { openStore } = await dist("store/open.js");
  const { loadChecklistSet } = await dist("checklist/load.js");
  const loaded = loadChecklistSet({ cwd: os.tmpdir() }).checklists.find(
    (c) => c.checklist.id === "self-check",
  );
  const store = await openStore(path.join(dir, `ours-${round}.db`), { intent: "write" });
  const unit = await store.ensureUnit("莲塘一小");
  const run = await store.createRun({
    unitId: unit.id,
    snapshot: await store.saveSnapshot(loaded),
    respondent: "张老师",
    leaders: [],
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ANSWERS; i++) await store.saveAnswer(run.id, answerInput(i));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await store.close();
  return ms;
}

function bare(dir, round) {
  const db = new Database(path.join(dir, `bare-${round}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE answers (
    id TEXT PRIMARY KEY, run_id TEXT NOT NULL, item_key TEXT NOT NULL, section_id TEXT NOT NULL, item_id TEXT NOT NULL,
    leader TEXT, result TEXT NOT NULL, note TEXT, evidence TEXT, na_reason TEXT, answered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, UNIQUE (run_id, item_key))`);
  const insert = db.prepare(
    `INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, note, evidence, na_reason, answered_at, updated_at)
     VALUES (@id, @runId, @itemKey, @sectionId, @itemId, @leader, @result, @note, @evidence, @naReason, @at, @at)`,
  );
  const runId = crypto.randomUUID();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ANSWERS; i++) {
    insert.run({ ...answerInput(i), id: crypto.randomUUID(), runId, at: new Date().toISOString() });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return ms;
}

/** ms from spawning `cmd` in a pty until `marker` shows (or until it exits, without a marker). */
function inPty(cmd, { marker, cwd, env }) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn("script", ["-qfc", cmd, "/dev/null"], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "ignore"],
    });
    let out = "";
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (marker) child.kill("SIGKILL");
      if (ok) resolve(ms);
      else reject(new Error(`no "${marker}" from: ${cmd}\n${out}`));
    };
    child.stdout.on("data", (d) => {
      out += d.toString("utf8");
      if (marker && out.includes(marker)) finish(true);
    });
    child.on("close", () => finish(!marker));
    setTimeout(() => finish(false), 30_000);
  });
}

const sh = (s) => `'${s.replace(/'/g, "'\\''")}'`;

async function firstPrompt(dir) {
  const { openStore } = await dist("store/open.js");
  const db = path.join(dir, "prompt.db");
  const store = await openStore(db, { intent: "write" });
  await store.ensureUnit("南昌县莲塘第一中学");
  await store.close();
  const check = `${sh(process.execPath)} ${sh(bin)} --db ${sh(db)} check`;
  const nodeOnly = `${sh(process.execPath)} -e 0`;
  const env = { LOOKBACK_LANG: "en" };
  const oursT = [];
  const baseT = [];
  await inPty(check, { marker: "Which unit", cwd: dir, env }); // warm the file cache
  for (let i = 0; i < 11; i++) {
    baseT.push(await inPty(nodeOnly, { cwd: dir, env }));
    oursT.push(await inPty(check, { marker: "Which unit", cwd: dir, env }));
  }
  return { ours: median(oursT), baseline: median(baseT) };
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-check-"));
  try {
    const o = [];
    const b = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order so that neither side always runs on a warmer disk.
      if (r % 2 === 0) {
        o.push(await ours(dir, r));
        b.push(bare(dir, r));
      } else {
        b.push(bare(dir, r));
        o.push(await ours(dir, r));
      }
    }
    const prompt = await firstPrompt(dir);
    return [
      figure(`${ANSWERS} answers committed one by one (store vs bare loop)`, median(o), median(b), "ms", 1.5),
      figure(
        "launch → first prompt of `check`, in a pty (vs node -e 0)",
        prompt.ours,
        prompt.baseline,
        "ms",
        2.5,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
