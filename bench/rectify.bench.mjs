// Follow-up at county scale: 300 schools, two runs of self-check each (34 items with three
// leaders), a few rectifications per run, some closed and failing again (反弹).
// `rectify list --overdue --json` end to end is measured against a bare better-sqlite3 script
// printing the same rows; `compare` in process against hand-written SQL doing the same
// pairing of answers and relapse search. Ours does more (short ids unique across the
// database, snapshots read back for new/removed items and item texts): targets leave room
// for that and no more.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { bin, figure, median, root, timeCommand } from "./util.mjs";

export const name = "rectify";

const UNITS = 300;
const ROUNDS = 5;

async function dist(rel) {
  return import(path.join(root, "dist", rel));
}

const pad = (n) => String(n).padStart(2, "0");
const today = (() => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
})();

export async function seed(file) {
  const { openSqliteDriver } = await dist("store/sqlite/driver.js");
  const { SqlTx } = await dist("store/sql/store.js");
  const { loadChecklistSet } = await dist("checklist/load.js");
  const { addDays } = await dist("util/dates.js");
  const loaded = loadChecklistSet({ cwd: os.tmpdir() }).checklists.find(
    (c) => c.checklist.id === "self-check",
  );
  const driver = await openSqliteDriver(file, { intent: "write" });
  const leaders = ["书记", "校长", "副校长"];
  // One write transaction: the store's own writes, and the start times set by SQL.
  await driver.transaction("write", async (tx) => {
    const store = new SqlTx(tx, driver);
    const snapshot = await store.saveSnapshot(loaded);
    for (let u = 0; u < UNITS; u++) {
      const unit = await store.ensureUnit(`第${u}学校`, { code: `3601${String(u).padStart(6, "0")}` });
      for (let round = 0; round < 2; round++) {
        const run = await store.createRun({ unitId: unit.id, snapshot, respondent: "填报人", leaders });
        await tx.run("UPDATE runs SET started_at = ? WHERE id = ?", [
          new Date(Date.UTC(2026, 5 + round * 3, 1 + (u % 28))).toISOString(),
          run.id,
        ]);
        let n = 0;
        for (const section of loaded.checklist.sections) {
          for (const leader of section.per === "leader" ? leaders : [null]) {
            for (const item of section.items) {
              // Round 2 fails again on half of round 1's failures (relapses where those were
              // closed), fixes the other half, and fails anew elsewhere.
              const k = n++ + u;
              const failing = round === 0 ? k % 6 === 2 : (k % 6 === 2 && k % 12 !== 2) || k % 6 === 5;
              const result = failing ? "fail" : k % 9 === 4 ? "partial" : "pass";
              const saved = await store.saveAnswer(run.id, {
                itemKey: `${section.id}.${item.id}${leader ? `@${leader}` : ""}`,
                sectionId: section.id,
                itemId: item.id,
                leader,
                result,
                note: null,
                evidence: null,
                naReason: null,
                ...(result === "pass"
                  ? {}
                  : {
                      rectification: {
                        problem: "存在问题",
                        measure: "整改措施",
                        owner: leader ?? "办公室主任",
                        leaderInCharge: null,
                        department: null,
                        deadline: addDays(today, (k % 40) - 20),
                        kind: "deadline",
                        origin: "self-check",
                        evidence: null,
                      },
                    }),
              });
              const r = saved.rectification;
              if (r && round === 0 && k % 2 === 0) {
                await store.changeRectification(r.id, { toStatus: "done", by: "办公室主任", note: null });
                await store.changeRectification(r.id, {
                  toStatus: "closed",
                  by: "督导组",
                  note: null,
                  patch: { closedAt: today, closedBy: "督导组" },
                });
              }
            }
          }
        }
        await store.finishRun(run.id);
      }
    }
  });
  await driver.close();
}

/** The bare script for the list: one query, overdue in SQL, JSON out. */
const listBaseline = `
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(path.join(root, "package.json"))});
const Database = require("better-sqlite3");
const db = new Database(process.argv[2], { readonly: true });
const rows = db.prepare(\`SELECT r.*, u.name AS unit_name, u.code AS unit_code, ru.checklist_id
  FROM rectifications r JOIN units u ON u.id = r.unit_id JOIN runs ru ON ru.id = r.run_id
  WHERE r.deadline < ? AND r.status NOT IN ('done', 'closed') ORDER BY r.deadline, u.name\`).all(process.argv[3]);
process.stdout.write(JSON.stringify({ count: rows.length, rectifications: rows }, null, 2));
`;

/** Hand-written compare: last two runs per unit, answers paired by key, relapses by SQL. */
function compareBaseline(Database, file, print) {
  const db = new Database(file, { readonly: true });
  const t0 = process.hrtime.bigint();
  const units = db.prepare("SELECT id FROM units ORDER BY name").all();
  const runsOf = db.prepare(
    "SELECT id FROM runs WHERE unit_id = ? AND checklist_id = 'self-check' ORDER BY started_at DESC, id DESC LIMIT 2",
  );
  const answers = db.prepare("SELECT item_key, result FROM answers WHERE run_id = ?");
  const relapses = db.prepare(`SELECT r.id, r.item_key FROM rectifications r
    JOIN runs ru ON ru.id = r.run_id JOIN answers a ON a.run_id = ? AND a.item_key = r.item_key
    WHERE r.unit_id = ? AND r.status = 'closed' AND ru.started_at < ? AND a.result IN ('partial', 'fail')`);
  const startOf = db.prepare("SELECT started_at FROM runs WHERE id = ?");
  const bad = (r) => r === "partial" || r === "fail";
  const out = [];
  for (const u of units) {
    const [cur, prev] = runsOf.all(u.id);
    if (!prev) continue;
    const p = new Map(answers.all(prev.id).map((a) => [a.item_key, a.result]));
    const c = new Map(answers.all(cur.id).map((a) => [a.item_key, a.result]));
    const items = [];
    for (const k of new Set([...c.keys(), ...p.keys()])) {
      const a = p.get(k);
      const b = c.get(k);
      const change =
        b === undefined
          ? "removed"
          : a === undefined
            ? "new"
            : bad(a) && bad(b)
              ? "still-failing"
              : bad(a)
                ? "fixed"
                : bad(b)
                  ? "regressed"
                  : "unchanged";
      items.push({ key: k, previous: a ?? null, current: b ?? null, change });
    }
    out.push({ unit: u.id, items, relapses: relapses.all(cur.id, u.id, startOf.get(cur.id).started_at) });
  }
  if (print) print(out);
  else JSON.stringify(out);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return { ms, relapses: out.reduce((n, x) => n + x.relapses.length, 0), comparisons: out.length };
}

async function compareOurs(file) {
  const { openStore } = await dist("store/open.js");
  const { compareAll } = await dist("compare/compare.js");
  const store = await openStore(file, { intent: "read" });
  const t0 = process.hrtime.bigint();
  const out = await compareAll(store);
  JSON.stringify({ comparisons: out });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await store.close();
  return { ms, relapses: out.reduce((n, x) => n + x.relapses.length, 0), comparisons: out.length };
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-rectify-"));
  try {
    const db = path.join(dir, "county.db");
    await seed(db);
    const script = path.join(dir, "list-baseline.mjs");
    writeFileSync(script, listBaseline);

    const oursList = spawnSync(
      process.execPath,
      [bin, "--db", db, "rectify", "list", "--overdue", "--json"],
      {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      },
    );
    const baseList = spawnSync(process.execPath, [script, db, today], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    const n = JSON.parse(oursList.stdout).count;
    if (n !== JSON.parse(baseList.stdout).count)
      throw new Error("list: ours and the baseline disagree on the count");
    process.stderr.write(`bench: rectify list --overdue: ${n} overdue rectifications of ${UNITS} units\n`);
    const listOurs = timeCommand(
      process.execPath,
      [bin, "--db", db, "rectify", "list", "--overdue", "--json"],
      { n: ROUNDS },
    );
    const listBase = timeCommand(process.execPath, [script, db, today], { n: ROUNDS });

    const Database = createRequire(path.join(root, "package.json"))("better-sqlite3");
    const cmpOurs = [];
    const cmpBase = [];
    let check;
    for (let i = 0; i < ROUNDS; i++) {
      const b = compareBaseline(Database, db);
      const o = await compareOurs(db);
      cmpBase.push(b.ms);
      cmpOurs.push(o.ms);
      check = { b, o };
    }
    if (check.b.relapses !== check.o.relapses || check.b.comparisons !== check.o.comparisons) {
      throw new Error(`compare: ours ${JSON.stringify(check.o)} vs baseline ${JSON.stringify(check.b)}`);
    }
    process.stderr.write(
      `bench: compare: ${check.o.comparisons} comparisons, ${check.o.relapses} relapses\n`,
    );
    // The same bare compare as a script of its own, printing its JSON: process against process.
    const compareScript = path.join(dir, "compare-baseline.mjs");
    writeFileSync(
      compareScript,
      `import { createRequire } from "node:module";
const Database = createRequire(${JSON.stringify(path.join(root, "package.json"))})("better-sqlite3");
${compareBaseline.toString()}
compareBaseline(Database, process.argv[2], (out) => process.stdout.write(JSON.stringify({ comparisons: out }, null, 2)));
`,
    );
    const compareCli = timeCommand(process.execPath, [bin, "--db", db, "compare", "--json"], { n: ROUNDS });
    const compareCliBase = timeCommand(process.execPath, [compareScript, db], { n: ROUNDS });
    return [
      // Our CLI pays a fixed start-up (commander, zod, the catalogs) the bare script does not, and
      // reads every rectification through the Store (it has no deadline filter) where the script
      // filters in SQL.
      figure(`rectify list --overdue --json, ${UNITS} units, CLI`, listOurs, listBase, "ms", 3.5),
      // The Store interface reads whole rows, ordered, into objects (~3× a narrow SELECT on answers).
      figure(`compare ${UNITS} units (2 runs each), in process`, median(cmpOurs), median(cmpBase), "ms", 4),
      figure(`compare --json ${UNITS} units, CLI`, compareCli, compareCliBase, "ms", 3),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
