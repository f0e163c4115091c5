// Child of bench/inspections.bench.mjs: each unit's latest inspection (汇总's 最近督导检查) read
// one way, then on stdout its time (ms, the read alone), peak RSS (KiB) and a digest of the result:
//   node bench/inspections-child.mjs ours|old <sqlite file | postgres:// url>
// `ours` is latestInspections (one set-based read of the port); `old` the code it replaced, kept
// here as the baseline: every run of the database (listRuns), then listAnswers once per unit.
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (rel) => import(path.join(root, "dist", rel));
const [how, db] = process.argv.slice(2);
const { openStore } = await dist("store/open.js");
const { latestInspections, SnapshotCache } = await dist("ledger/data.js");
const { methodCounts } = await dist("run/inspection.js");
const { localDateOf } = await dist("util/dates.js");

async function old(store, snapshots) {
  const inspections = new Map();
  for (const hash of await store.runSnapshotHashes()) {
    const { info } = await snapshots.get(hash);
    if (info.kind === "inspection") inspections.set(hash, info);
  }
  const latest = new Map();
  if (inspections.size === 0) return new Map();
  for (const run of await store.listRuns()) {
    const checklist = inspections.get(run.checklistHash);
    if (checklist) latest.set(run.unitId, { run, checklist });
  }
  const out = new Map();
  for (const [unitId, { run, checklist }] of latest)
    out.set(unitId, {
      runId: run.id,
      checklist,
      group: run.inspection?.group ?? null,
      members: run.inspection?.members ?? [],
      date: localDateOf(run.finishedAt ?? run.startedAt),
      methods: methodCounts(await store.listAnswers(run.id)),
    });
  return out;
}

const store = await openStore(db, { intent: "read" });
try {
  const t0 = performance.now();
  const snapshots = new SnapshotCache(store, "zh-CN");
  const got = how === "old" ? await old(store, snapshots) : await latestInspections(store, snapshots);
  const ms = performance.now() - t0;
  const sorted = [...got].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
  const { maxRSS } = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ ms, maxRSS, units: got.size, digest })}\n`);
} finally {
  await store.close();
}
