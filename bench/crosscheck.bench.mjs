// 督导对照 at county and province size: `lookback crosscheck --all --json` on a database of N
// units, each with a finished self-check and a finished inspection (the built-in checklists:
// three inspection items verify 16 self-check items), against a baseline in the same run that
// counts the same overstated / agreed / understated pairs with one hand-written SQL query
// (bench/crosscheck-baseline.mjs, also a child process). Then `crosscheck --unit` for one unit
// at 10× the units: it should cost the same (flat). LOOKBACK_BENCH_UNITS sets N (default 3,000).
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { bin, figure, median, root } from "./util.mjs";

const Database = createRequire(import.meta.url)("better-sqlite3");
export const name = "crosscheck";
const ROUNDS = 3;

async function dist(rel) {
  return import(path.join(root, "dist", rel));
}

/** Every item key of a checklist (with these leaders for its per-leader sections). */
function keysOf(checklist, leaders) {
  const out = [];
  for (const s of checklist.sections)
    for (const leader of s.per === "leader" ? leaders : [null])
      for (const item of s.items)
        out.push({ s: s.id, i: item.id, leader, key: `${s.id}.${item.id}${leader ? `@${leader}` : ""}` });
  return out;
}

/** N units, each with a finished self-check (leaders 张书记, 李校长) and a finished inspection. */
export async function seed(file, units) {
  const { openStore } = await dist("store/open.js");
  const { loadChecklistSet } = await dist("checklist/load.js");
  const set = loadChecklistSet({ cwd: os.tmpdir() }).checklists;
  const self = set.find((c) => c.checklist.id === "self-check");
  const insp = set.find((c) => c.checklist.id === "inspection");
  const store = await openStore(file, { intent: "write" });
  const snaps = [await store.saveSnapshot(self), await store.saveSnapshot(insp)];
  await store.close();
  const leaders = ["张书记", "李校长"];
  const runs = [
    { snap: snaps[0], leaders, keys: keysOf(self.checklist, leaders) },
    { snap: snaps[1], leaders: [], keys: keysOf(insp.checklist, []) },
  ];
  const db = new Database(file);
  const insUnit = db.prepare("INSERT INTO units (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)");
  const insRun = db.prepare(
    `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, status, started_at, finished_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '填报人', ?, 'complete', ?, ?, ?)`,
  );
  const insAnswer = db.prepare(
    `INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, answered_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = "2026-11-01T02:00:00.000Z";
  const results = ["pass", "pass", "partial", "fail"];
  db.transaction(() => {
    for (let u = 0; u < units; u++) {
      const unitId = randomUUID();
      insUnit.run(unitId, `南昌县第${u + 1}学校`, at, at);
      for (const [r, run] of runs.entries()) {
        const runId = randomUUID();
        const s = run.snap;
        insRun.run(runId, unitId, s.hash, s.checklistId, s.version, JSON.stringify(run.leaders), at, at, at);
        run.keys.forEach((k, n) => {
          // The school mostly rates itself 符合; the inspectors find more wrong.
          const result = r === 0 ? (n % 9 === 0 ? "partial" : "pass") : results[(u + n) % 4];
          insAnswer.run(randomUUID(), runId, k.key, k.s, k.i, k.leader, result, at, at);
        });
      }
    }
  }).immediate();
  db.close();
}

function timed(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(args[0], args.slice(1), {
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: "", ...env },
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return { ms, out: r.stdout };
}

export async function run() {
  const units = Number(process.env.LOOKBACK_BENCH_UNITS || 3000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-crosscheck-"));
  try {
    const big = path.join(dir, "big.db");
    const small = path.join(dir, "small.db");
    await seed(big, units);
    await seed(small, Math.max(1, Math.round(units / 10)));
    const baseline = path.join(root, "bench", "crosscheck-baseline.mjs");
    const { pairsBetween } = await dist("checklist/correspond.js");
    const { loadChecklistSet } = await dist("checklist/load.js");
    const set = loadChecklistSet({ cwd: os.tmpdir() }).checklists;
    const of = (id) => set.find((c) => c.checklist.id === id).checklist;
    const pairs = JSON.stringify(pairsBetween(of("inspection"), of("self-check")));
    const ours = [];
    const base = [];
    let check = null;
    for (let i = 0; i < ROUNDS; i++) {
      const a = timed([process.execPath, bin, "--db", big, "crosscheck", "--all", "--json"]);
      const b = timed([process.execPath, baseline, big, pairs]);
      ours.push(a.ms);
      base.push(b.ms);
      check ??= { ours: a.out, base: b.out };
    }
    // The two count the same pairs, or the comparison means nothing.
    const totals = JSON.parse(check.base);
    const doc = JSON.parse(check.ours);
    const list = doc.units ?? doc;
    const sum = (k) => list.reduce((n, u) => n + (u.counts?.[k] ?? 0), 0);
    for (const k of ["overstated", "agreed", "understated"])
      if (sum(k) !== totals[k])
        throw new Error(`crosscheck ${k}: ${sum(k)} against the baseline's ${totals[k]}`);
    const one = (db) =>
      median(
        Array.from(
          { length: 5 },
          () =>
            timed([process.execPath, bin, "--db", db, "crosscheck", "--unit", "南昌县第1学校", "--json"]).ms,
        ),
      );
    return [
      figure(`crosscheck --all --json, ${units} units, against SQL`, median(ours), median(base), "ms", 2),
      figure(
        `crosscheck --unit, ${units} against ${Math.round(units / 10)} units (flat)`,
        one(big),
        one(small),
        "ms",
        1.3,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
