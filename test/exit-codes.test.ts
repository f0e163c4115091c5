// One exit code for one situation, whatever the command (the table in both READMEs):
// no database yet → 2 naming the file; a --unit, --checklist or id that names nothing in the
// database → 2; nothing to show → 0, saying so and naming the database; nothing to export → 1.
// Every command of the program must be classified below: a new one fails here until it is.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli.js";
import { openStore } from "../src/store/open.js";
import { sink } from "./helpers/main.js";
import { createSchool } from "./helpers/school.js";

const ROOT = path.resolve(".");
const BIN = path.join(ROOT, "bin/lookback.js");
let dir: string;
let school: string;
let empty: string;
let answers: string;
let roster: string;
let photo: string;

/** How each command uses the database. `args` make a call that gets as far as the database. */
interface Use {
  db: "reads" | "writes" | "none";
  args?: () => string[];
  /** Exit code when the database holds nothing for it (a list: 0; an export: 1). */
  nothing?: 0 | 1;
}

let repos = 0;
const USES: Record<string, Use> = {
  lookback: { db: "none" },
  "lookback validate": { db: "none" },
  "lookback schema": { db: "none" },
  "lookback list": { db: "none" },
  "lookback show": { db: "none", args: () => ["self-check"] },
  "lookback init": { db: "none", args: () => [path.join(dir, `repo-${repos++}`)] },
  "lookback help": { db: "none" },
  "lookback rectify": { db: "reads", nothing: 0 },
  "lookback rectify walk": { db: "reads", nothing: 0 },
  "lookback rectify list": { db: "reads", nothing: 0 },
  "lookback rectify show": { db: "reads", args: () => ["abcd1234"] },
  "lookback rectify update": { db: "reads", args: () => ["abcd1234", "--status", "done"] },
  "lookback evidence": { db: "reads", nothing: 0 },
  "lookback evidence list": { db: "reads", nothing: 0 },
  "lookback evidence add": { db: "reads", args: () => ["abcd1234", photo] },
  "lookback evidence remove": { db: "reads", args: () => ["abcd1234"] },
  "lookback evidence extract": { db: "reads", args: () => ["abcd1234"] },
  "lookback compare": { db: "reads", nothing: 0 },
  "lookback crosscheck": { db: "reads", args: () => ["--all"], nothing: 0 },
  "lookback status": { db: "reads", nothing: 0 },
  "lookback units": { db: "reads", nothing: 0 },
  "lookback units list": { db: "reads", nothing: 0 },
  "lookback units rename": { db: "reads", args: () => ["莲塘一小", "南昌县莲塘第一小学"] },
  "lookback units merge": { db: "reads", args: () => ["莲塘一小", "莲塘二小"] },
  "lookback export": { db: "reads", args: () => ["--all", "--out", path.join(dir, "out")], nothing: 1 },
  "lookback report": { db: "reads", args: () => ["--all", "--out", path.join(dir, "briefings")], nothing: 1 },
  "lookback import": { db: "writes", args: () => [school] },
  "lookback units add": { db: "writes", args: () => ["新单位"] },
  "lookback units import": { db: "writes", args: () => [roster] },
  "lookback check": { db: "writes", args: () => ["--answers", answers] },
};

function commandsOf(cmd: Command, words: string[] = []): { name: string; words: string[]; cmd: Command }[] {
  const name = ["lookback", ...words].join(" ");
  return [{ name, words, cmd }, ...cmd.commands.flatMap((c) => commandsOf(c, [...words, c.name()]))];
}

const program = buildProgram(
  { stdout: sink().stream, stderr: sink().stream, stdinIsTTY: false, env: {}, cwd: ROOT } as never,
  "en",
);
const COMMANDS = commandsOf(program);

function lookback(db: string, args: string[], lang = "en") {
  const r = spawnSync(process.execPath, [BIN, "--db", db, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: lang, NO_COLOR: "1", LOOKBACK_DB: "", COLUMNS: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const callOf = (c: (typeof COMMANDS)[number]) => [...c.words, ...(USES[c.name]?.args?.() ?? [])];
const withOption = (flag: string) =>
  COMMANDS.filter((c) => c.cmd.options.some((o) => o.long === flag) && USES[c.name]?.db === "reads");

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-exit-"));
  school = path.join(dir, "school.db");
  await createSchool(school, { unit: "莲塘第一小学" });
  empty = path.join(dir, "empty.db");
  await (await openStore(empty, { intent: "write" })).close();
  answers = path.join(dir, "answers.yaml");
  copyFileSync(path.join(ROOT, "docs/answers-example.yaml"), answers);
  photo = path.join(dir, "签到表.jpg");
  writeFileSync(photo, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  roster = path.join(dir, "roster.csv");
  writeFileSync(roster, "单位名称,单位代码\n莲塘二小,002\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("every command is classified", () => {
  it.each(COMMANDS.map((c) => [c.name]))("%s", (name) => {
    expect(USES[name], `classify ${name} in USES`).toBeDefined();
  });
});

describe("no database yet", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const use = USES[name]!;
    for (const lang of ["en", "zh"]) {
      const db = path.join(dir, `missing-${lang}-${name.replace(/\W+/g, "-")}.db`);
      const r = lookback(db, callOf(c), lang);
      if (use.db === "reads") {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(
          lang === "en" ? `There is no database file at ${db}.` : `找不到数据库文件 ${db}。`,
        );
        expect(r.stdout).toBe("");
        expect(existsSync(db)).toBe(false);
      } else if (use.db === "writes") {
        expect(r.stderr).not.toContain(db);
        expect(existsSync(db), r.stderr).toBe(true);
      } else {
        expect(r.code, r.stderr).toBe(0);
        expect(existsSync(db)).toBe(false);
      }
    }
  });
});

describe("a --unit that names no unit", () => {
  const cases = withOption("--unit");
  it("is taken by the commands that read the database", async () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "lookback status",
        "lookback compare",
        "lookback export",
        "lookback rectify list",
      ]),
    );
  });
  it.each(cases.map((c) => [c.name, c] as const))(
    "%s: exit 2, naming the database and the likely unit",
    (_, c) => {
      const db = path.join(dir, "unit-check.db");
      copyFileSync(school, db);
      const args = callOf(c).filter((a) => a !== "--all");
      const r = lookback(db, [...args, "--unit", "莲塘第一小"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: The database ${db} has no unit “莲塘第一小”.`);
      expect(r.stderr).toContain("hint: Did you mean “莲塘第一小学”?");
    },
  );
});

describe("a --checklist that no run has", () => {
  const cases = withOption("--checklist");
  it.each(cases.map((c) => [c.name, c] as const))("%s: exit 2, naming those there are", (_, c) => {
    const db = path.join(dir, "checklist-check.db");
    copyFileSync(school, db);
    const r = lookback(db, [...callOf(c), "--checklist", "standards"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("No run of the checklist `standards` (runs exist for: self-check).");
  });
});

describe("an id that names no rectification", () => {
  it.each(
    COMMANDS.filter((c) => c.cmd.registeredArguments.some((a) => a.name() === "id")).map(
      (c) => [c.name, c] as const,
    ),
  )("%s: exit 2", (_, c) => {
    const r = lookback(school, callOf(c));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("No rectification with the id `abcd1234`.");
  });
});

describe("nothing to show", () => {
  const cases = COMMANDS.filter((c) => USES[c.name]?.nothing !== undefined);
  it.each(cases.map((c) => [c.name, c] as const))("%s: says so, naming the database", (name, c) => {
    const expected = USES[name]!.nothing!;
    for (const lang of ["en", "zh"]) {
      const r = lookback(empty, callOf(c), lang);
      expect(r.code, r.stderr).toBe(expected);
      expect(expected === 0 ? r.stdout : r.stderr).toContain(empty);
      if (expected === 0) expect(r.stderr).toBe("");
    }
  });
});
