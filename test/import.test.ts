// `lookback import` end to end on the built CLI: a bureau drops a folder of schools' files,
// some of them bad, and reads the table.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import stringWidth from "string-width";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSchool, dump } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
let dir: string;
const db = () => path.join(dir, "全县.db");

function lookback(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, "--db", db(), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}
interface ImportJson {
  target: string;
  files: (
    | { file: string; ok: true; counts: Record<string, JsonCounts>; conflicts: unknown[] }
    | { file: string; ok: false; reason: string; message: string }
  )[];
  totals: Record<string, JsonCounts>;
  imported: number;
  failed: number;
  runsSkipped: number;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-import-e2e-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
});

/** A bureau's inbox: two good schools and every kind of bad file. */
async function inbox(): Promise<string> {
  const folder = path.join(dir, "收到的数据库");
  mkdirSync(folder);
  await createSchool(path.join(folder, "莲塘一小.db"), { unit: "莲塘一小" });
  await createSchool(path.join(folder, "向塘中学.db"), { unit: "向塘中学", leaders: ["刘书记"] });
  const good = readFileSync(path.join(folder, "莲塘一小.db"));
  writeFileSync(path.join(folder, "截断.db"), good.subarray(0, Math.floor(good.length / 2)));
  writeFileSync(path.join(folder, "说明.db"), "请查收\n");
  const foreign = new Database(path.join(folder, "学籍.db"));
  foreign.exec("CREATE TABLE students (name TEXT)");
  foreign.close();
  copyFileSync(path.join(folder, "莲塘一小.db"), path.join(folder, "新版本.db"));
  const newer = new Database(path.join(folder, "新版本.db"));
  newer.pragma("user_version = 42");
  newer.close();
  return folder;
}

/** Bytes of the database and of any -wal beside it: "unchanged" means these, exactly. */
function bytesOf(file: string): string[] {
  return [file, `${file}-wal`].map((f) =>
    existsSync(f) ? createHash("sha256").update(readFileSync(f)).digest("hex") : "-",
  );
}

describe("lookback import", () => {
  it("hostile files are refused whole with table, row and reason; the county stays byte for byte; the good file still goes in", async () => {
    const folder = path.join(dir, "hostile");
    mkdirSync(folder);
    await createSchool(path.join(dir, "first.db"), { unit: "向塘中学" });
    expect(lookback(["import", path.join(dir, "first.db")]).code).toBe(0);
    const variants: [string, (d: Database.Database) => void][] = [
      ["leaders.db", (d) => d.prepare("UPDATE runs SET leaders = 'not json'").run()],
      ["blob.db", (d) => d.prepare("UPDATE units SET name = X'00FF'").run()],
      [
        "forged.db",
        (d) => d.prepare("UPDATE checklist_snapshots SET content = content || '# 【已被篡改】'").run(),
      ],
      [
        "view.db",
        (d) => {
          d.exec("DROP TABLE rectification_history");
          d.exec(
            "CREATE VIEW rectification_history AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
          );
        },
      ],
      ["note.db", (d) => d.prepare("UPDATE answers SET note = ? WHERE rowid = 1").run("长".repeat(3000))],
    ];
    for (const [name, fn] of variants) {
      const file = path.join(folder, name);
      await createSchool(file, { unit: "坏学校" });
      const d = new Database(file);
      d.pragma("foreign_keys = OFF");
      fn(d);
      d.close();
    }
    const before = bytesOf(db());
    const r = lookback(["import", folder]);
    expect(r.code).toBe(1);
    expect(bytesOf(db())).toEqual(before);
    expect(r.stderr).toContain("5 file(s) not imported");
    expect(r.stderr).toContain("leaders.db: refused, nothing of it was imported: table runs, row 1");
    expect(r.stderr).toContain("column leaders: not a JSON list of names");
    expect(r.stderr).toMatch(/blob\.db: refused.*table units, row 1.*column name: not text/);
    expect(r.stderr).toMatch(/forged\.db: refused.*table checklist_snapshots.*does not match its hash/);
    expect(r.stderr).toMatch(
      /view\.db: refused.*table rectification_history: not the table lookback creates/,
    );
    expect(r.stderr).toMatch(
      /note\.db: refused.*table answers, row 1 .*column note: longer than 2000 characters/,
    );
    // A good file beside them still goes in.
    await createSchool(path.join(folder, "好学校.db"), { unit: "好学校" });
    const mixed = lookback(["import", folder, "--json"]);
    const json = JSON.parse(mixed.stdout) as ImportJson;
    expect(json.imported).toBe(1);
    expect(json.failed).toBe(5);
    expect(lookback(["status", "--json"]).stdout).toContain("好学校");
    for (const cmd of [["status"], ["rectify", "list"], ["export", "--all", "--out", "out"]]) {
      const c = lookback(cmd);
      expect(c.stderr, cmd.join(" ")).not.toContain("internal error");
      expect(c.code, cmd.join(" ")).toBe(0);
    }
    // Nothing to compare yet (one run per unit): said so (exit 0), not an internal error.
    const cmp = lookback(["compare"]);
    expect(cmp.stderr).not.toContain("internal error");
    expect(cmp.code).toBe(0);
  });

  it("imports a folder: a table per file and kind, bad files named with their reason, exit 1", async () => {
    await inbox();
    const r = lookback(["import", "收到的数据库"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^File\s+Units\s+Checklists\s+Runs\s+Answers\s+Rectifications\s+History$/);
    // At 80 columns a long path gives way at its start: the file name stays.
    expect(r.stdout).toMatch(/…的数据库\/向塘中学\.db\s+\+1\s+\+1\s+\+1\s+\+\d+/);
    expect(r.stdout).toMatch(/…的数据库\/莲塘一小\.db\s+\+1\s+=1\s+\+1/);
    for (const line of r.stdout.split("\n")) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^Total\s+\+2\s+\+1 =1\s+\+2/m);
    expect(r.stdout).toContain("Imported 2 of 6 file(s)");
    expect(r.stderr).toContain("4 file(s) not imported");
    expect(r.stderr).toMatch(/截断\.db: damaged/);
    expect(r.stderr).toMatch(/说明\.db: not a SQLite database/);
    expect(r.stderr).toMatch(/学籍\.db: a SQLite database, but not a lookback one/);
    expect(r.stderr).toMatch(/新版本\.db: written by a newer lookback \(database version 42\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);

    // Again: every row unchanged, the database exactly as it was.
    const before = dump(db());
    const again = lookback(["import", "收到的数据库", "--json"]);
    expect(again.code).toBe(1);
    const json = JSON.parse(again.stdout) as ImportJson;
    expect(json.imported).toBe(2);
    expect(json.failed).toBe(4);
    for (const c of Object.values(json.totals)) expect(c.added + c.updated + c.removed).toBe(0);
    expect(dump(db())).toEqual(before);
  });

  it("--json: the documented shape, stdout alone", async () => {
    const folder = await inbox();
    const r = lookback(["import", path.join(folder, "莲塘一小.db"), path.join(folder, "学籍.db"), "--json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as ImportJson;
    expect(json.target).toBe(db());
    expect(json.files.map((f) => [path.basename(f.file), f.ok])).toEqual([
      ["莲塘一小.db", true],
      ["学籍.db", false],
    ]);
    const first = json.files[0]!;
    expect(first.ok && Object.keys(first.counts)).toEqual([
      "units",
      "snapshots",
      "runs",
      "answers",
      "rectifications",
      "history",
      "evidence",
    ]);
    expect(first.ok && first.counts.units).toEqual({ added: 1, updated: 0, unchanged: 0, removed: 0 });
    expect(json.files[1]).toMatchObject({ ok: false, reason: "foreign" });
    expect(json).toMatchObject({ imported: 1, failed: 1, runsSkipped: 0 });
  });

  it("all good files: exit 0; Chinese by default with LOOKBACK_LANG=zh", async () => {
    const folder = path.join(dir, "schools");
    await createSchool(path.join(folder, "a.db"), { unit: "莲塘一小" });
    const r = lookback(["import", "schools"], { LOOKBACK_LANG: "zh" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^文件\s+单位\s+清单\s+自查\s+回答\s+整改事项\s+跟踪记录$/m);
    expect(r.stdout).toContain("已导入 1/1 个文件到 全县.db。");
  });

  it("refuses to import the target into itself; the target inside a dropped folder is skipped", async () => {
    await createSchool(db(), { unit: "县教体局" });
    const self = lookback(["import", db()]);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("this is the database being imported into");
    await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    const folder = lookback(["import", "."]);
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain("Skipped 全县.db");
    expect(folder.stdout).toContain("Imported 1 of 1 file(s)");
  });

  it("a missing file or a folder without databases is a usage error (exit 2), nothing imported", async () => {
    const r = lookback(["import", "nowhere.db"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No such file or folder: nowhere.db");
    mkdirSync(path.join(dir, "empty"));
    const e = lookback(["import", "empty"]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("No lookback databases (*.db) in empty.");
    const none = lookback(["import"]);
    expect(none.code).toBe(2);
  });

  it("the same name under another code is reported and its runs skipped (exit 1)", async () => {
    await createSchool(db(), { unit: "莲塘一小", code: "001" });
    await createSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "002" });
    const r = lookback(["import", "a.db"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("1 unit(s) not merged, 1 run(s) skipped");
    expect(r.stderr).toContain("a.db: unit 莲塘一小 has code 002 in the file but 001 here");
  });
});
