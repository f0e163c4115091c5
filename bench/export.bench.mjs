// Export of a county: `lookback export --all` for 300 units × 25 rectifications against a
// baseline that writes the same rows into the same number of files with plain exceljs
// (bench/export-baseline.mjs), both as child processes, alternated, medians of 5 (wall and
// CPU). Then the peak RSS of the export for 300, 1,000 and 3,000 units (medians of 3): unit by
// unit, it should stay flat and under 300 MB.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { bin, median, root, round } from "./util.mjs";

const Database = createRequire(import.meta.url)("better-sqlite3");

export const name = "export";

const RECTS_PER_UNIT = 25;
const ROUNDS = 5;
const RSS_ROUNDS = 3;

async function dist(rel) {
  return import(path.join(root, "dist", rel));
}

/**
 * A county database with `units` units, each one finished self-check run (2 leaders: 28
 * items), 25 of them failed with a rectification. Direct SQL in one transaction: seconds, not minutes.
 */
export async function buildDb(file, units) {
  const { openStore } = await dist("store/open.js");
  const { loadChecklistSet } = await dist("checklist/load.js");
  const loaded = loadChecklistSet({ cwd: os.tmpdir() }).checklists.find(
    (c) => c.checklist.id === "self-check",
  );
  // The store makes the database (migrations) and keeps the snapshot; the rows go in by bulk SQL.
  const store = await openStore(file, { intent: "write" });
  const snap = await store.saveSnapshot(loaded);
  await store.close();
  const leaders = ["张书记", "李校长"];
  const keys = [];
  for (const s of loaded.checklist.sections) {
    for (const leader of s.per === "leader" ? leaders : [null]) {
      for (const item of s.items)
        keys.push({ s: s.id, i: item.id, leader, key: `${s.id}.${item.id}${leader ? `@${leader}` : ""}` });
    }
  }
  const db = new Database(file);
  const insUnit = db.prepare(
    "INSERT INTO units (id, name, code, township, type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const insRun = db.prepare(
    `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, status, started_at, finished_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'complete', ?, ?, ?)`,
  );
  const insAnswer = db.prepare(
    `INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, note, evidence, na_reason, answered_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insRect = db.prepare(
    `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, leader_in_charge, department, deadline,
       kind, origin, evidence, status, progress, remark, closed_at, closed_by, created_at, updated_at)
     VALUES (?, ?, ?, 'self-check', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const statuses = ["open", "in-progress", "done", "closed"];
  const kinds = ["immediate", "deadline", "ongoing"];
  const origins = ["self-check", "inspection", "visit", "public"];
  const at = "2026-11-01T02:00:00.000Z";
  db.transaction(() => {
    for (let u = 0; u < units; u++) {
      const unitId = randomUUID();
      const runId = randomUUID();
      insUnit.run(
        unitId,
        `南昌县第${u + 1}学校`,
        `3601${String(u).padStart(6, "0")}`,
        "莲塘镇",
        "小学",
        at,
        at,
      );
      insRun.run(
        runId,
        unitId,
        snap.hash,
        snap.checklistId,
        snap.version,
        "填报人",
        JSON.stringify(leaders),
        at,
        at,
        at,
      );
      keys.forEach((k, n) => {
        const fail = n < RECTS_PER_UNIT;
        insAnswer.run(
          randomUUID(),
          runId,
          k.key,
          k.s,
          k.i,
          k.leader,
          fail ? "fail" : "pass",
          fail ? "学习记录不全，需补充" : null,
          "签到表",
          at,
          at,
        );
        if (!fail) return;
        const status = statuses[n % 4];
        insRect.run(
          randomUUID(),
          runId,
          unitId,
          k.key,
          "部分党员学习笔记内容简单，学习体会不深",
          "组织专题学习，每人撰写不少于 1500 字的心得体会",
          k.leader ?? "王老师",
          "张书记",
          "党政办",
          n % 2 ? "2025-06-30" : "2027-06-30",
          kinds[n % 3],
          origins[n % 4],
          "学习记录、签到表",
          status,
          status === "open" ? null : "已完成 80%",
          null,
          status === "closed" ? "2026-10-15" : null,
          status === "closed" ? "督导组" : null,
          at,
          at,
        );
      });
    }
  }).immediate();
  db.close();
}

function runChild(args, env = {}) {
  const rssFile = path.join(os.tmpdir(), `lookback-rss-${process.pid}-${randomUUID()}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", path.join(root, "bench", "rss-hook.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, LOOKBACK_BENCH_RSS_FILE: rssFile, LOOKBACK_LANG: "en", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr?.toString().slice(-2000)}`);
  const usage = JSON.parse(readFileSync(rssFile, "utf8"));
  rmSync(rssFile, { force: true });
  return { ms, rssMb: usage.maxRSS / 1024, cpuMs: usage.cpu / 1000 };
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-export-bench-"));
  try {
    const dbs = {};
    for (const n of [300, 1000, 3000]) {
      dbs[n] = path.join(dir, `county-${n}.db`);
      await buildDb(dbs[n], n);
    }
    // Alternate ours and the baseline so that a busy machine slows both alike.
    const ours = [];
    const base = [];
    for (let i = 0; i < ROUNDS; i++) {
      const outA = path.join(dir, `ours-${i}`);
      const outB = path.join(dir, `base-${i}`);
      mkdirSync(outB);
      ours.push(runChild([bin, "--db", dbs[300], "export", "--all", "--out", outA]));
      base.push(runChild([path.join(root, "bench", "export-baseline.mjs"), dbs[300], outB]));
      const files = readdirSync(outA).length;
      if (files !== 301) throw new Error(`expected 300 ledgers + 汇总, got ${files}`);
      rmSync(outA, { recursive: true, force: true });
      rmSync(outB, { recursive: true, force: true });
    }
    // Peak RSS moves by ±10% from one run to the next on a shared machine (the 1,000-unit
    // peak measured 161-196 MB): the median of RSS_ROUNDS runs per size, sizes alternated.
    const samples = { 300: [], 1000: [], 3000: [] };
    for (let i = 0; i < RSS_ROUNDS; i++) {
      for (const n of [300, 1000, 3000]) {
        const out = path.join(dir, `rss-${n}-${i}`);
        samples[n].push(runChild([bin, "--db", dbs[n], "export", "--all", "--out", out]));
        rmSync(out, { recursive: true, force: true });
      }
    }
    const rss = {};
    const wall = {};
    for (const n of [300, 1000, 3000]) {
      rss[n] = median(samples[n].map((x) => x.rssMb));
      wall[n] = median(samples[n].map((x) => x.ms));
    }
    const t = median(ours.map((x) => x.ms));
    const b = median(base.map((x) => x.ms));
    const tc = median(ours.map((x) => x.cpuMs));
    const bc = median(base.map((x) => x.cpuMs));
    return [
      {
        figure: "export --all, 300 units × 25 rectifications (wall)",
        ours: round(t),
        baseline: round(b),
        unit: "ms",
        ratio: t / b,
        target: "≤ 1.3×",
        ok: t / b <= 1.3,
      },
      {
        figure: "export --all, 300 units × 25 rectifications (CPU)",
        ours: round(tc),
        baseline: round(bc),
        unit: "ms",
        ratio: tc / bc,
        target: "≤ 1.3×",
        ok: tc / bc <= 1.3,
      },
      {
        figure: "export --all peak RSS, 300 units",
        ours: round(rss[300]),
        baseline: undefined,
        unit: "MB",
        target: "< 300 MB",
        ok: rss[300] < 300,
      },
      {
        figure: "export --all peak RSS, 3,000 vs 1,000 units (flat)",
        ours: round(rss[3000]),
        baseline: round(rss[1000]),
        unit: "MB",
        ratio: rss[3000] / rss[1000],
        target: "< 300 MB, ≤ 1.1×",
        ok: rss[3000] < 300 && rss[3000] / rss[1000] <= 1.1,
      },
      {
        figure: "export --all wall, 3,000 vs 300 units ×10 (linear)",
        ours: round(wall[3000]),
        baseline: round(wall[300] * 10),
        unit: "ms",
        ratio: wall[3000] / (wall[300] * 10),
        target: "≤ 1.3×",
        ok: wall[3000] / (wall[300] * 10) <= 1.3,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
