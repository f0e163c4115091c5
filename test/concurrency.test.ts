// One unfinished run per unit and checklist, held by the database itself: real processes
// applying answers files for the same unit at the same moment, many times over, never make two
// runs; a file that already completed a run changes nothing when applied again.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { rawAll } from "./helpers/raw-sql.js";
import { dump } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
const EXAMPLE = path.resolve("docs/answers-example.yaml");
const TRIALS = 8;

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-concurrent-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en" };

function run(db: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "--db", db, ...args], { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `deadline: +30` reads back as the number 30: write it as the text it was. */
function relative(entry: unknown): unknown {
  const r = (entry as { rectification?: { deadline?: unknown } } | null)?.rectification;
  if (r && typeof r.deadline === "number") r.deadline = `+${r.deadline}`;
  return entry;
}

/** The example answers file cut in two: each half a valid file for the same unit. */
function halves(): [string, string] {
  const doc = parse(readFileSync(EXAMPLE, "utf8")) as { answers: Record<string, unknown> };
  const keys = Object.keys(doc.answers);
  const half = (n: number) => {
    const file = path.join(dir, `half-${n}.yaml`);
    const answers = Object.fromEntries(
      keys.filter((_, i) => i % 2 === n).map((k) => [k, relative(doc.answers[k])]),
    );
    writeFileSync(file, stringify({ ...doc, answers }));
    return file;
  };
  return [half(0), half(1)];
}

/** Every run the file holds (set aside too), in run order, with how many answers it has. */
function runsOf(db: string) {
  return rawAll<{ id: string; status: string; superseded_by: string | null; answers: number }>(
    db,
    `SELECT r.id, r.status, r.superseded_by, (SELECT count(*) FROM answers a WHERE a.run_id = r.id) AS answers
     FROM runs r ORDER BY r.started_at, r.rowid`,
  );
}

describe("two checks of one unit at the same moment", () => {
  it(`two halves applied at once make one run holding both (${TRIALS} trials)`, async () => {
    const [a, b] = halves();
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = path.join(dir, `t${trial}.db`);
      const results = await Promise.all([
        run(db, ["check", "--answers", a]),
        run(db, ["check", "--answers", b]),
      ]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const runs = runsOf(db);
      expect(runs, `trial ${trial}`).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "complete", answers: 28 });
    }
  }, 120_000);

  it(`the same file applied twice at once: one complete run; the later says so (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = path.join(dir, `s${trial}.db`);
      const results = await Promise.all([
        run(db, ["check", "--answers", EXAMPLE]),
        run(db, ["check", "--answers", EXAMPLE]),
      ]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect(runsOf(db), `trial ${trial}`).toHaveLength(1);
      expect(results.filter((r) => r.stdout.includes("already completed the check"))).toHaveLength(1);
    }
  }, 120_000);
});

describe("applying a file again", () => {
  it("a file that completed a run changes nothing the second time; --new starts another run", async () => {
    const db = path.join(dir, "again.db");
    const lb = (args: string[]) =>
      spawnSync(process.execPath, [BIN, "--db", db, ...args], { cwd: dir, env, encoding: "utf8" });
    expect(lb(["check", "--answers", EXAMPLE]).status).toBe(0);
    const before = dump(db);
    const again = lb(["check", "--answers", EXAMPLE]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("This answers file already completed the check of 南昌县莲塘第一中学");
    expect(again.stdout).toContain("--new");
    expect(dump(db)).toEqual(before);
    const fresh = lb(["check", "--answers", EXAMPLE, "--new"]);
    expect(fresh.status).toBe(0);
    expect(runsOf(db).filter((r) => r.status === "complete")).toHaveLength(2);
  });
});
