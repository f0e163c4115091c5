// Start-up: what a clerk or a CI job waits for before lookback does anything.
//
// 1. `lookback --version` against bare `node -e 0`: the cost of our own start-up path
//    (commander, the catalogs, the context) over Node's. Target ≤ 2.0×.
// 2. `lookback validate` of the three built-in checklists against `yamllint` on the same
//    files (Debian's /usr/bin/yamllint, default config): both read, parse and check the
//    same YAML, ours against the schema too. Target: lookback faster (≤ 1.0×). Skipped,
//    not failed, when yamllint is not installed.
//
// Every run is a fresh process; the figure is the median wall time of 15 runs after a
// warm-up, ours and the baseline interleaved so that a busy machine slows both alike.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bin, figure, median, root } from "./util.mjs";

export const name = "startup";

const RUNS = 15;
const YAMLLINT = ["/usr/bin/yamllint", "/usr/local/bin/yamllint"].find((p) => existsSync(p));

/** Median wall time (ms) of each command, run in turn `RUNS` times after one warm-up each. */
function interleaved(commands, cwd) {
  const times = commands.map(() => []);
  const once = ([cmd, ...args]) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
    if (r.error) throw r.error;
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  for (const c of commands) once(c);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of commands.entries()) times[k].push(once(c));
  }
  return times.map(median);
}

export async function run() {
  // An empty working folder: no ./checklists, no lookback.db, nothing to pick up by accident.
  const cwd = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-startup-"));
  try {
    const [version, bare] = interleaved(
      [
        [process.execPath, bin, "--version"],
        [process.execPath, "-e", "0"],
      ],
      cwd,
    );
    const figures = [figure("lookback --version vs node -e 0", version, bare, "ms", 2.0)];

    const dir = path.join(root, "checklists");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => path.join(dir, f));
    if (YAMLLINT) {
      const [ours, theirs] = interleaved(
        [
          [process.execPath, bin, "validate", ...files],
          [YAMLLINT, ...files],
        ],
        cwd,
      );
      figures.push(
        figure(
          `lookback validate vs yamllint (${files.length} built-in checklists)`,
          ours,
          theirs,
          "ms",
          1.0,
          "≤ 1.0× (faster)",
        ),
      );
    } else {
      const [ours] = interleaved([[process.execPath, bin, "validate", ...files]], cwd);
      figures.push({
        figure: `lookback validate vs yamllint (${files.length} built-in checklists)`,
        ours: Math.round(ours * 10) / 10,
        baseline: undefined,
        unit: "ms",
        ratio: undefined,
        target: "skipped: no yamllint",
        ok: undefined,
      });
    }
    return figures;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
