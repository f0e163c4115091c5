#!/usr/bin/env node
// `npm run bench`: every figure is a ratio against a baseline measured in the same run,
// on the same machine, so the numbers mean something on a shared or slow box.
// Each bench/*.bench.mjs exports `name` and `run()` → [{ figure, ours, baseline, unit, ratio, target, ok }].
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows = [];
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(dir, f)).href);
  process.stderr.write(`bench: ${mod.name} …\n`);
  for (const r of await mod.run()) {
    rows.push(r);
    const ratio = r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}×`;
    const status = r.ok === undefined ? "" : r.ok ? "ok" : "MISSED";
    console.log(
      `${r.figure.padEnd(58)} ours ${String(r.ours).padStart(9)} ${r.unit.padEnd(3)} baseline ${String(r.baseline ?? "-").padStart(9)} ${r.unit.padEnd(3)} ratio ${ratio.padStart(6)}  target ${r.target.padEnd(12)} ${status}`,
    );
  }
}
const missed = rows.filter((r) => r.ok === false);
console.log(`\n${rows.length} figures, ${missed.length} missed target`);
