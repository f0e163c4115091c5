// What the machine does to lookback, each with its own message, exit 2 and nothing
// half-written: a read-only database, a read-only folder (where WAL needs -wal and -shm), a
// full disk, a lock held past the busy timeout; and the leftovers of killed runs cleaned up.
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOST_TAG } from "../src/util/stale.js";
import { createSchool, dump } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
const ANSWERS = path.resolve("docs/answers-example.yaml");
const isRoot = process.getuid?.() === 0;
const hasSetpriv = isRoot && spawnSync("setpriv", ["--version"]).status === 0;
/**
 * As an ordinary user: ourselves, or (as root, who may write anything) nobody through setpriv,
 * when nobody can reach the checkout at all (a clone below a 0700 folder cannot be): else the
 * tests that need one are skipped.
 */
const nobodyReachesBin =
  hasSetpriv &&
  spawnSync("setpriv", [
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    process.execPath,
    "-e",
    `require("node:fs").accessSync(${JSON.stringify(BIN)}, 4)`,
  ]).status === 0;
const canBeUser = process.platform !== "win32" && (!isRoot || nobodyReachesBin);

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-env-"));
  chmodSync(dir, 0o777);
});
afterEach(async () => {
  spawnSync("umount", [path.join(dir, "small")]);
  chmodSync(dir, 0o777);
  for (const e of readdirSync(dir)) {
    try {
      chmodSync(path.join(dir, e), 0o777);
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

function lookback(args: string[], opts: { asUser?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const base = [BIN, ...args];
  const [cmd, argv] =
    opts.asUser && isRoot
      ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...base]]
      : [process.execPath, base];
  const r = spawnSync(cmd as string, argv as string[], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", LOOKBACK_NO_COMPILE_CACHE: "1", ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!canBeUser)("a database that cannot be written", () => {
  it("a read-only file: its own message at once, exit 2; reading commands still read it", async () => {
    const db = path.join(dir, "ro.db");
    await createSchool(db, { unit: "莲塘一小" });
    chmodSync(db, 0o444);
    const before = dump(db);
    const r = lookback(["--db", db, "check", "--answers", ANSWERS, "--new"], { asUser: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is read-only: lookback cannot save anything to it");
    expect(r.stderr).toContain("untick “Read-only”");
    expect(r.stderr).not.toContain("internal error");
    expect(dump(db)).toEqual(before);
    const status = lookback(["--db", db, "status"], { asUser: true });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("莲塘一小");
  });

  it("a WAL database in a read-only folder: says the folder, not “not a database”", async () => {
    const folder = path.join(dir, "share");
    mkdirSync(folder);
    const db = path.join(folder, "lookback.db");
    await createSchool(db, { unit: "莲塘一小" });
    chmodSync(db, 0o666);
    chmodSync(folder, 0o555);
    for (const args of [["check", "--answers", ANSWERS, "--new"], ["status"], ["rectify", "list"]]) {
      const r = lookback(["--db", db, ...args], { asUser: true });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("The folder of");
      expect(r.stderr).toContain("lookback.db-wal and lookback.db-shm");
      expect(r.stderr).not.toContain("not a SQLite database");
    }
  });
});

describe.skipIf(!isRoot || process.platform !== "linux")("a full disk", () => {
  it("the answers are not stored, nothing is half-written, and the next try after freeing space works", async () => {
    const small = path.join(dir, "small");
    mkdirSync(small);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", small]);
    if (mounted.status !== 0) return; // no mount in this sandbox: nothing to show
    const db = path.join(small, "lookback.db");
    // Room for the database, not for a whole check.
    expect(lookback(["--db", db, "units", "add", "莲塘一小"]).code).toBe(0);
    const filler = path.join(small, "filler");
    const free = () =>
      Number(spawnSync("df", ["--output=avail", "-B1", small], { encoding: "utf8" }).stdout.split("\n")[1]);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 24 * 1024)));
    const r = lookback(["--db", db, "check", "--answers", ANSWERS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is full: the last change was not saved, and nothing was half-written");
    expect(r.stderr).not.toContain("internal error");
    rmSync(filler);
    const status = lookback(["--db", db, "status", "--json"]);
    expect(JSON.parse(status.stdout).runs).toEqual([]);
    expect(lookback(["--db", db, "check", "--answers", ANSWERS]).code).toBe(0);
  });
});

describe.skipIf(!isRoot || process.platform !== "linux")("a full disk during an import", () => {
  it("stops with its own message; what the report calls imported is exactly what is there", async () => {
    const small = path.join(dir, "small");
    mkdirSync(small);
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small]).status !== 0) return;
    const db = path.join(small, "county.db");
    expect(lookback(["--db", db, "units", "add", "县教体局"]).code).toBe(0);
    const schools = path.join(dir, "schools");
    mkdirSync(schools);
    for (const name of ["一小", "二小", "三小", "四小", "五小", "六小"])
      await createSchool(path.join(schools, `${name}.db`), { unit: `莲塘${name}` });
    const free = () =>
      Number(spawnSync("df", ["--output=avail", "-B1", small], { encoding: "utf8" }).stdout.split("\n")[1]);
    writeFileSync(path.join(small, "filler"), Buffer.alloc(Math.max(0, free() - 200 * 1024)));
    const r = lookback(["--db", db, "import", schools, "--json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("Import stopped at");
    expect(r.stderr).toContain("is full");
    const report = JSON.parse(r.stdout) as { imported: number; files: { ok: boolean }[] };
    rmSync(path.join(small, "filler"));
    const status = JSON.parse(lookback(["--db", db, "status", "--json"]).stdout) as { runs: unknown[] };
    expect(status.runs).toHaveLength(report.imported);
    expect(report.imported).toBeLessThan(6);
  });
});

describe("a database kept locked by another program", () => {
  it("gives up after the busy timeout with its own message, exit 2, nothing changed", async () => {
    const db = path.join(dir, "busy.db");
    await createSchool(db, { unit: "莲塘一小" });
    const before = dump(db);
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const D = require(${JSON.stringify(path.resolve("node_modules/better-sqlite3"))});
         const db = new D(${JSON.stringify(db)}); db.exec("BEGIN IMMEDIATE"); console.log("locked");
         setTimeout(() => { db.exec("ROLLBACK"); db.close(); }, 2500);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const t0 = Date.now();
    const r = lookback(["--db", db, "check", "--answers", ANSWERS, "--new"], {
      env: { LOOKBACK_BUSY_TIMEOUT: "500" },
    });
    expect(Date.now() - t0).toBeLessThan(2400);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is in use: another program");
    expect(r.stderr).toContain("more than 0.5 seconds; nothing was changed");
    await new Promise((resolve) => holder.on("close", resolve));
    expect(dump(db)).toEqual(before);
  });
});

describe("leftovers of a killed run", () => {
  /** A pid that no longer runs. */
  function deadPid(): number {
    const p = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    return Number(p.stdout.trim());
  }

  it("export removes the temporary files a killed export left, and only those", async () => {
    const db = path.join(dir, "e.db");
    await createSchool(db, { unit: "莲塘一小" });
    const out = path.join(dir, "ledgers");
    mkdirSync(out);
    const dead = path.join(out, `.莲塘一小-整改台账.xlsx.${HOST_TAG}-${deadPid()}.0.tmp`);
    const foreign = path.join(out, ".莲塘一小-整改台账.xlsx.abcdef-1.0.tmp");
    const old = path.join(out, ".x.xlsx.fedcba-2.0.tmp");
    for (const f of [dead, foreign, old]) writeFileSync(f, "partial");
    const day = Date.now() / 1000 - 2 * 86400;
    utimesSync(old, day, day);
    const r = lookback(["--db", db, "export", "--all", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    // Another machine's may still be in the middle of being written: left unless a day old.
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(old)).toBe(false);
  });

  it("import removes the private copy a killed import left in the temporary folder", async () => {
    const tmp = path.join(dir, "tmp");
    mkdirSync(tmp);
    const left = path.join(tmp, `lookback-import-${HOST_TAG}-${deadPid()}-Xy12ab`);
    mkdirSync(left);
    writeFileSync(path.join(left, "0.db"), "a whole copy of a school's file");
    const mine = path.join(tmp, `lookback-import-${HOST_TAG}-${process.pid}-Zz99zz`);
    mkdirSync(mine);
    const school = path.join(dir, "s.db");
    await createSchool(school, { unit: "莲塘一小" });
    const r = lookback(["--db", path.join(dir, "c.db"), "import", school], { env: { TMPDIR: tmp } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    expect(statSync(tmp).isDirectory()).toBe(true);
  });
});

describe("a path that is not a file", () => {
  it.skipIf(process.platform === "win32")(
    "a FIFO or a device as --db, answers file, template, roster or import: refused at once, exit 2",
    async () => {
      const fifo = path.join(dir, "pipe");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const db = path.join(dir, "ok.db");
      await createSchool(db, { unit: "莲塘一小" });
      const cases: [string[], RegExp][] = [
        [["--db", fifo, "status"], /is not a regular file \(it is a named pipe \(FIFO\)\)/],
        [
          ["--db", db, "check", "--answers", fifo],
          /This is not a regular file \(it is a named pipe \(FIFO\)\)/,
        ],
        [["--db", db, "check", "--answers", "/dev/zero"], /This is not a regular file \(it is a device\)/],
        [["--db", db, "export", "--all", "--template", fifo, "--out", "o"], /not a regular file/],
        [["validate", fifo], /not a regular file/],
        [
          ["--db", db, "units", "import", "/dev/zero"],
          /\/dev\/zero is not a regular file \(it is a device\)/,
        ],
        [["--db", db, "import", fifo], /pipe: not a regular file \(it is a named pipe \(FIFO\)\)/],
      ];
      for (const [args, message] of cases) {
        const t0 = Date.now();
        const r = lookback(args);
        expect(Date.now() - t0, args.join(" ")).toBeLessThan(5000);
        expect(r.stderr + r.stdout, args.join(" ")).toMatch(message);
        expect(r.code === 1 || r.code === 2, args.join(" ")).toBe(true);
        expect(r.stderr).not.toContain("internal error");
      }
      copyFileSync(db, path.join(dir, "copy.db"));
    },
  );
});
