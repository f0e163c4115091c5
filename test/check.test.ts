// `lookback check` and `lookback status` end to end on the built CLI: the answers file,
// the refusal to prompt without a terminal, a session killed with SIGKILL, and two
// processes writing one database at once.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = path.resolve("bin/lookback.js");
const HARNESS = path.resolve("test/harness/check-session.mjs");
const EXAMPLE = path.resolve("docs/answers-example.yaml");
const MINI = path.resolve("test/fixtures/check/mini");
let dir: string;
const db = () => path.join(dir, "lookback.db");

function lookback(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, "--db", db(), ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20_000,
    input: opts.input ?? "",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", ...opts.env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

interface StatusJson {
  runs: {
    runId: string;
    unit: { name: string };
    checklist: { id: string; version: string };
    status: string;
    answered: number;
    total: number;
    counts: Record<string, number>;
    openRectifications: number;
    finishedAt: string | null;
  }[];
}

const status = (): StatusJson => JSON.parse(lookback(["status", "--json"]).stdout) as StatusJson;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-check-e2e-"));
  cpSync(MINI, path.join(dir, "checklists"), { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("check --answers", () => {
  it("applies the shipped example: a complete self-check with its rectifications, shown by status", () => {
    const r = lookback(["check", "--answers", EXAMPLE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Stored 28 answer(s): new check of 南昌县莲塘第一中学");
    expect(r.stdout).toContain(
      "Answered 28/28 · Meets 23 · Partly meets 3 · Does not meet 1 · Not applicable 1",
    );
    expect(r.stdout).toContain("The check is complete.");
    const s = status();
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]).toMatchObject({
      unit: { name: "南昌县莲塘第一中学" },
      checklist: { id: "self-check", version: "1.0.0" },
      status: "complete",
      answered: 28,
      total: 28,
      counts: { pass: 23, partial: 3, fail: 1, na: 1 },
      openRectifications: 4,
    });
    const text = lookback(["status"], { env: { COLUMNS: "200" } });
    expect(text.stdout).toMatch(
      /^Unit\s+Checklist\s+Version\s+Answered\s+Pass\s+Partial\s+Fail\s+N\/A\s+Open rect\./m,
    );
    expect(text.stdout).toMatch(
      /南昌县莲塘第一中学\s+Look-back self-check of the first phase\s+1\.0\.0\s+28\/28\s+23\s+3\s+1\s+1\s+4\s/,
    );
    expect(text.stdout).toMatch(/complete\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d$/m);
    // Piped, the table fits 80 columns: the least useful columns give way, and it says which.
    const narrow = lookback(["status"]);
    for (const line of narrow.stdout.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toMatch(
      /^Unit\s+Checklist\s+Answered\s+Partial\s+Fail\s+Open rect\.\s+Late\s+Status$/m,
    );
    expect(narrow.stdout.replace(/\s+/g, " ")).toContain(
      "Not shown for lack of width: Version, Pass, N/A, Relapses, Score, Started, Finished.",
    );
    const zh = lookback(["status"], { env: { LOOKBACK_LANG: "zh", COLUMNS: "200" } });
    expect(zh.stdout).toMatch(/^单位\s+检查清单\s+版本\s+已答\s+符合\s+基本符合\s+不符合\s+不适用/m);
    expect(zh.stdout).toContain("第一环节“回头看”自查");
  });

  it("reports every problem with file:line:col, exits 2, and stores nothing (not even a database)", () => {
    writeFileSync(
      path.join(dir, "bad.yaml"),
      [
        "unit: 莲塘一小",
        "checklist: mini",
        "respondent: 张老师",
        "leaders: [李书记]",
        "answers:",
        "  a.one: 符合",
        "  a.onne: pass",
        "  a.two:",
        "    result: 不符合",
        "    rectification: { problem: 学习不够, measure: 加强学习, deadline: 2020-01-01 }",
        "  lead.x@李书记: 很好",
        "",
      ].join("\n"),
    );
    const r = lookback(["check", "--answers", "bad.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "bad.yaml:7:3  error: `a.onne` is not an item of the checklist mini.  (Did you mean `a.one`?)",
    );
    expect(r.stderr).toContain("bad.yaml:10:5  error: Person responsible is required.");
    expect(r.stderr).toMatch(/bad\.yaml:10:\d+ {2}error: 2020-01-01 is in the past/);
    expect(r.stderr).toContain("bad.yaml:11:15  error: “很好” is not a result.");
    expect(r.stderr).toContain("Nothing was stored.");
    expect(existsSync(db())).toBe(false);
    // With an existing database: still nothing written.
    expect(lookback(["check", "--answers", EXAMPLE]).code).toBe(0);
    expect(lookback(["check", "--answers", "bad.yaml"]).code).toBe(2);
    expect(status().runs).toHaveLength(1);
  });

  it("a control character in a text (a NUL, which PostgreSQL cannot store) is refused at its field", () => {
    writeFileSync(
      path.join(dir, "nul.yaml"),
      'unit: 莲塘一小\nchecklist: mini\nrespondent: 张老师\nleaders: [李书记]\nanswers:\n  a.one:\n    result: 符合\n    note: "学习\\0记录"\n',
    );
    const r = lookback(["check", "--answers", "nul.yaml"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nul\.yaml:8:\d+ {2}error: Note cannot contain control characters\./);
    expect(r.stderr).toContain("Nothing was stored.");
    expect(existsSync(db())).toBe(false);
  });

  it("an incomplete file leaves the run open and says what is missing; the next file finishes it", () => {
    writeFileSync(
      path.join(dir, "part1.yaml"),
      "unit: 莲塘一小\nchecklist: mini\nrespondent: 张老师\nleaders: 李书记\nanswers:\n  a.one: pass\n",
    );
    const r1 = lookback(["check", "--answers", "part1.yaml"]);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toContain(
      "Not finished: 3 required item(s) have no answer: a.two, lead.x@李书记, lead.y@李书记",
    );
    writeFileSync(
      path.join(dir, "part2.yaml"),
      "unit: 莲塘一小\nchecklist: mini\nanswers:\n  a.two: pass\n  lead.x@李书记: pass\n  lead.y@李书记: { result: na, na_reason: 新任 }\n",
    );
    const r2 = lookback(["check", "--answers", "part2.yaml"]);
    expect(r2.stdout).toContain("Stored 3 answer(s) in the unfinished check of 莲塘一小");
    expect(r2.stdout).toContain("The check is complete.");
    // The optional item (a.three) may stay unanswered.
    expect(status().runs.map((x) => [x.status, x.answered, x.total])).toEqual([["complete", 4, 5]]);
  });

  it("--new starts another run and keeps the old one", () => {
    writeFileSync(
      path.join(dir, "a.yaml"),
      "unit: 莲塘一小\nchecklist: mini\nrespondent: 张老师\nleaders: 李书记\nanswers:\n  a.one: pass\n",
    );
    lookback(["check", "--answers", "a.yaml"]);
    lookback(["check", "--answers", "a.yaml", "--new"]);
    expect(status().runs.map((x) => [x.status, x.answered])).toEqual([
      ["in-progress", 1],
      ["in-progress", 1],
    ]);
  });
});

describe("check without a terminal", () => {
  it("exits 2 at once, naming --answers, instead of waiting on a prompt", () => {
    const t0 = Date.now();
    const r = lookback(["check"]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--answers");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(existsSync(db())).toBe(false);
    const zh = lookback(["check", "--unit", "莲塘一小"], { env: { LOOKBACK_LANG: "zh" } });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain("lookback check --answers answers.yaml");
  });
});

/** Start the scripted-session harness; resolves when `marker` appears on its stdout. */
function harness(spec: Record<string, unknown>): {
  child: ChildProcess;
  output: () => string;
  until: (marker: string) => Promise<void>;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [
      HARNESS,
      JSON.stringify({
        db: db(),
        checklistsDir: path.join(dir, "checklists"),
        cwd: dir,
        checklist: "mini",
        respondent: "张老师",
        ...spec,
      }),
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString("utf8");
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString("utf8");
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const until = (marker: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes(marker)) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
      void exit.then((code) => {
        clearInterval(timer);
        if (out.includes(marker)) resolve();
        else reject(new Error(`harness exited (${code}) before "${marker}":\n${out}\n${err}`));
      });
    });
  return { child, output: () => `${out}${err}`, until, exit };
}

describe("nothing lost", () => {
  it("SIGKILL mid-session keeps every answer given; the database is sound; the next check resumes at the right item", async () => {
    const h = harness({ unit: "莲塘一小", leaders: "李书记、王校长", answers: 4, after: "wait" });
    await h.until("WAITING");
    expect(h.output()).toContain("Six checks · 李书记 · 5/7");
    h.child.kill("SIGKILL");
    await h.exit;
    expect(h.child.signalCode).toBe("SIGKILL");

    const raw = new Database(db(), { readonly: true });
    try {
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      const keys = (
        raw.prepare("SELECT item_key FROM answers ORDER BY answered_at, rowid").all() as {
          item_key: string;
        }[]
      ).map((r) => r.item_key);
      expect(keys).toEqual(["a.one", "a.two", "a.three", "lead.x@李书记"]);
    } finally {
      raw.close();
    }

    const next = harness({ unit: "莲塘一小", answers: 3, after: "finish" });
    expect(await next.exit).toBe(0);
    expect(next.output()).toContain("4/7 answered, from item 5.");
    expect(next.output()).toContain("Check finished: 莲塘一小 · Mini checklist.");
    expect(status().runs.map((x) => [x.status, x.answered, x.total])).toEqual([["complete", 7, 7]]);
  });

  it("two processes writing the same database at once both finish, without SQLITE_BUSY", async () => {
    // A fresh file: both race to create and migrate it too.
    const runs = ["莲塘一小", "莲塘二小", "莲塘三小"].map((unit) =>
      harness({ unit, leaders: "李书记、王校长", answers: 7, after: "finish" }),
    );
    const codes = await Promise.all(runs.map((h) => h.exit));
    for (const h of runs) {
      expect(h.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
      expect(h.output()).toContain("DONE finished");
    }
    expect(codes).toEqual([0, 0, 0]);
    const s = status();
    expect(s.runs.map((x) => [x.unit.name, x.status, x.answered])).toHaveLength(3);
    expect(s.runs.every((x) => x.status === "complete" && x.answered === 7)).toBe(true);
    const dbText = readFileSync(db()).subarray(0, 16).toString("latin1");
    expect(dbText).toBe("SQLite format 3\u0000");
  });
});
