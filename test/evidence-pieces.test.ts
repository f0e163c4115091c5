// A file of many pieces (1 MiB each, streamed one at a time, the page cache held small while they
// pass) comes back out byte for byte on both engines, on the built CLI: attached and exported,
// and carried in a school's file larger than import reads into memory (so through its private
// copy), imported, and exported; the school's file itself is left as it was. And the memory each
// of these takes does not grow with the file (SQLite, where the bytes pass through this process).
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshDatabase, NO_PG, PG_SKIP, type TestDatabase } from "./helpers/pg.js";

const BIN = path.resolve("bin/lookback.js");
const MINI = path.resolve("test/fixtures/rectify/v1/mini.yaml");
const MIB = 1024 * 1024;
// Past import's in-memory size (8 MB) once in a school's file, and not a whole number of pieces.
const SCAN = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(9 * MIB + 12345)]);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let dir: string;
const pgDbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(pgDbs.map((d) => d.drop()));
});

function lookback(db: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "--db", db, "--checklists", "cl", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: "" },
    timeout: 120_000,
  });
  expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A unit's check of the mini checklist (a.one fails): its rectification's short id. */
function checkUnit(db: string, unit: string): string {
  const file = path.join(dir, `${unit}.yaml`);
  writeFileSync(
    file,
    `unit: ${unit}\nchecklist: mini\nrespondent: 张老师\nleaders: [李书记]\nanswers:\n  a.one:\n    result: fail\n    rectification: { problem: 学习时间不足, measure: 每周集中学习, owner: 刘主任, deadline: +30 }\n  a.two: pass\n  a.three: pass\n  lead.x@李书记: pass\n`,
  );
  lookback(db, ["check", "--answers", file]);
  const listed = JSON.parse(lookback(db, ["rectify", "list", "--unit", unit, "--json"]));
  return listed.rectifications[0].id.slice(0, 8);
}

/** The unit's files as export --with-evidence writes them: the bytes of each, by file name. */
function exported(db: string, unit: string): Map<string, Buffer> {
  const out = path.join(dir, `out-${unit}-${Math.random().toString(36).slice(2)}`);
  lookback(db, ["export", "--unit", unit, "--with-evidence", "--out", out]);
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
    );
  return new Map(
    walk(out)
      .filter((f) => !f.endsWith(".xlsx"))
      .map((f) => [path.basename(f), readFileSync(f)]),
  );
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-evidence-pieces-"));
  mkdirSync(path.join(dir, "cl"));
  copyFileSync(MINI, path.join(dir, "cl", "mini.yaml"));
  writeFileSync(path.join(dir, "扫描件.pdf"), SCAN);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const engines: [string, () => Promise<string>, string | false][] = [
  ["SQLite", async () => path.join(dir, "county.db"), false],
  [
    "PostgreSQL",
    async () => {
      const d = await freshDatabase();
      pgDbs.push(d);
      return d.url;
    },
    NO_PG ? PG_SKIP : false,
  ],
];

for (const [engine, target, skip] of engines) {
  describe.skipIf(skip !== false)(`evidence of many pieces on ${engine}${skip ? ` (${skip})` : ""}`, () => {
    it("attached and exported byte for byte", async () => {
      const db = await target();
      const id = checkUnit(db, "莲塘一小");
      lookback(db, ["evidence", "add", id, "扫描件.pdf"]);
      const files = exported(db, "莲塘一小");
      expect([...files.keys()]).toEqual(["扫描件.pdf"]);
      expect(sha(files.get("扫描件.pdf")!)).toBe(sha(SCAN));
    });

    it("imported from a school's file too large to be read into memory, then exported byte for byte; the school's file unchanged", async () => {
      const school = path.join(dir, "school.db");
      lookback(school, ["evidence", "add", checkUnit(school, "莲塘二小"), "扫描件.pdf"]);
      expect(statSync(school).size).toBeGreaterThan(8 * MIB);
      const before = sha(readFileSync(school));
      const db = await target();
      const report = JSON.parse(lookback(db, ["import", school, "--json"]));
      expect(report.totals.evidence).toMatchObject({ added: 1 });
      expect(sha(readFileSync(school))).toBe(before);
      expect(readdirSync(dir).filter((f) => f.startsWith("school.db"))).toEqual(["school.db"]);
      const files = exported(db, "莲塘二小");
      expect(sha(files.get("扫描件.pdf") ?? Buffer.alloc(0))).toBe(sha(SCAN));
    });
  });
}

/** Peak resident memory (KiB) of one command on the built CLI, as the process reports it on exit. */
function peakKib(db: string, args: string[]): number {
  const hook = path.join(dir, "rss-hook.mjs");
  const out = path.join(dir, "rss");
  writeFileSync(
    hook,
    `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));`,
  );
  const r = spawnSync(process.execPath, ["--import", hook, BIN, "--db", db, "--checklists", "cl", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: "", RSS_OUT: out },
    timeout: 120_000,
  });
  expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return Number(readFileSync(out, "utf8"));
}

describe("memory flat in the size of the file (SQLite)", () => {
  it("attaching, exporting and importing a 24 MB file take at most 1.2 times what a 1 MB file takes", () => {
    const peaks = (bytes: number) => {
      const tag = String(bytes);
      const file = path.join(dir, `${tag}.mp4`);
      writeFileSync(file, randomBytes(bytes));
      const school = path.join(dir, `school-${tag}.db`);
      const id = checkUnit(school, "莲塘一小");
      return {
        add: peakKib(school, ["evidence", "add", id, file, "--max-file-mb", "100"]),
        export: peakKib(school, ["export", "--unit", "莲塘一小", "--with-evidence", "--out", `out-${tag}`]),
        import: peakKib(path.join(dir, `county-${tag}.db`), ["import", school]),
      };
    };
    const small = peaks(MIB);
    const large = peaks(24 * MIB);
    for (const k of ["add", "export", "import"] as const)
      expect(large[k] / small[k], `${k}: ${large[k]} KiB vs ${small[k]} KiB`).toBeLessThanOrEqual(1.2);
  });
});
