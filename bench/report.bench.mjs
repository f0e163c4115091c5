// The county briefing: `lookback report --all` (docx, with its four native charts) for 300 units
// × 25 rectifications against a baseline that reads the same numbers with plain SQL and writes
// them as a plain document with the docx library alone (bench/report-baseline.mjs), both as child
// processes, alternated, medians of 5 (wall). Then the web page (`--format html`, ECharts SVG)
// against the same baseline.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildDb } from "./export.bench.mjs";
import { bin, median, root, round } from "./util.mjs";

export const name = "report";

const ROUNDS = 5;
const TODAY = "2026-11-20";

function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, LOOKBACK_LANG: "en" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr?.toString().slice(-2000)}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-report-bench-"));
  try {
    const db = path.join(dir, "county-300.db");
    await buildDb(db, 300);
    const ours = { docx: [], html: [] };
    const base = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const format of ["docx", "html"]) {
        const out = path.join(dir, `${format}-${i}`);
        ours[format].push(
          timed([bin, "--db", db, "report", "--all", "--format", format, "--date", TODAY, "--out", out]),
        );
        if (statSync(path.join(out, `全县-工作简报.${format}`)).size < 10_000)
          throw new Error("briefing too small");
      }
      base.push(
        timed([path.join(root, "bench", "report-baseline.mjs"), db, path.join(dir, `base-${i}.docx`), TODAY]),
      );
    }
    const b = median(base);
    // The briefing builds every unit's ledger as the export does (~1 ms a unit), and in Word four
    // native charts with their workbooks (~160 ms warm) and styled tables: up to 3× the plain
    // document; the page, with its SVG charts, 2×.
    const limit = { docx: 3, html: 2 };
    return ["docx", "html"].map((format) => {
      const t = median(ours[format]);
      return {
        figure: `report --all ${format}, 300 units × 25 rectifications (wall)`,
        ours: round(t),
        baseline: round(b),
        unit: "ms",
        ratio: t / b,
        target: `≤ ${limit[format]}×`,
        ok: t / b <= limit[format],
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
