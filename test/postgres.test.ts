// The same story on both engines, on the built CLI: a school's answers file, status, the
// rectification followed up, the ledger exported as JSON, another school's SQLite file imported,
// compare, units. What PostgreSQL prints is what SQLite prints (ids, times and the database's
// location aside). And a password given in any of the usual ways never shows: not in a message,
// not in --json, not in an error, not with LOOKBACK_DEBUG.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { admin, freshDatabase, NO_PG, PG_SKIP, TEST_PG, type TestDatabase } from "./helpers/pg.js";

const BIN = path.resolve("bin/lookback.js");
const EXAMPLE = path.resolve("docs/answers-example.yaml");
const SECRET = "Pg-s3cret/@:pw";

let dir: string;
const dbs: TestDatabase[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-pg-e2e-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(dbs.map((d) => d.drop()));
});

interface Out {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lookback(db: string | null, args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir): Out {
  const r = spawnSync(process.execPath, [BIN, ...(db ? ["--db", db] : []), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", TZ: "Asia/Shanghai", LOOKBACK_DB: "", ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Output with what differs by engine and by run made constant: ids, times, folder, location. */
function normal(text: string, cwd: string, db: string): string {
  return (
    text
      .split(path.resolve(cwd, db))
      .join("<db>")
      .split(db)
      .join("<db>")
      .split(cwd)
      .join("<cwd>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
      .replace(/\b[0-9a-f]{16,64}\b/g, "<hash>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      // Local times as tables show them (to the minute): the two stories may straddle a minute.
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, "<local time>")
      // Short ids: 8 or more hex digits (some are all digits).
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,12}\b/g, "<short>")
  );
}

/** An answers file of the example for another unit (the school's own check). */
function answersFor(unit: string): string {
  const doc = parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
  // `deadline: +30` reads back as a number: keep it the text it was.
  const answers = doc.answers as Record<string, { rectification?: { deadline?: unknown } }>;
  for (const a of Object.values(answers))
    if (typeof a?.rectification?.deadline === "number")
      a.rectification.deadline = `+${a.rectification.deadline}`;
  const file = path.join(dir, `${unit}.yaml`);
  writeFileSync(file, stringify({ ...doc, unit }));
  return file;
}

/** The whole story on one database, in a folder of its own; each step's output, normalized. */
function story(db: string, school: string, tag: string): Record<string, string> {
  const cwd = path.join(dir, tag);
  mkdirSync(cwd, { recursive: true });
  const steps: Record<string, string> = {};
  const step = (name: string, args: string[], code = 0) => {
    const r = lookback(db, args, {}, cwd);
    expect(r.code, `${tag} ${name}: ${r.stderr}`).toBe(code);
    steps[name] = normal(r.stdout, cwd, db);
    return r.stdout;
  };
  step("check --answers", ["check", "--answers", EXAMPLE]);
  step("status --json", ["status", "--json"]);
  step("status", ["status"]);
  const list = JSON.parse(step("rectify list --json", ["rectify", "list", "--json"])) as {
    rectifications: { id: string; itemKey: string }[];
  };
  const first = [...list.rectifications].sort((a, b) => (a.itemKey < b.itemKey ? -1 : 1))[0];
  expect(first, `${tag}: the example opens rectifications`).toBeDefined();
  step("rectify update", [
    "rectify",
    "update",
    first!.id,
    "--status",
    "in-progress",
    "--by",
    "刘主任",
    "--note",
    "开始",
  ]);
  step("rectify update done", [
    "rectify",
    "update",
    first!.id,
    "--status",
    "done",
    "--by",
    "刘主任",
    "--progress",
    "已整改",
  ]);
  step("rectify show", ["rectify", "show", first!.id, "--json"]);
  step("export --all json", ["export", "--all", "--format", "json", "--out", "台账"]);
  const out = path.join(cwd, "台账");
  steps["exported files"] = readdirSync(out)
    .sort()
    .map((f) => `${f}\n${normal(readFileSync(path.join(out, f), "utf8"), cwd, db)}`)
    .join("\n");
  step("import", ["import", school]);
  step("status --json after import", ["status", "--json"]);
  step("compare --json", ["compare", "--json"]);
  step("rectify list --overdue --json", ["rectify", "list", "--overdue", "--json"]);
  step("units --json", ["units", "--json"]);
  return steps;
}

describe.skipIf(NO_PG)(`the same commands on PostgreSQL and on SQLite ${NO_PG ? PG_SKIP : ""}`, () => {
  it("check → status → rectify → export → import → compare: PostgreSQL prints what SQLite prints", async () => {
    // The school checks itself on its own SQLite file, as schools do.
    const school = path.join(dir, "莲塘二小.db");
    const made = lookback(school, ["check", "--answers", answersFor("莲塘二小")]);
    expect(made.code, made.stderr).toBe(0);

    const pg = await freshDatabase();
    dbs.push(pg);
    const onSqlite = story(path.join(dir, "county.db"), school, "sqlite");
    const onPostgres = story(pg.url, school, "postgres");
    for (const name of Object.keys(onSqlite)) expect(onPostgres[name], name).toBe(onSqlite[name]);

    // And the data is in the server's tables, where another tool would find it.
    const rows = await admin<{ n: number }>("SELECT count(*)::int AS n FROM units", [], pg.name);
    expect(rows[0]?.n).toBe(2);
  }, 240_000);

  it("a county's SQLite database moves onto the server by import: same ids, same status and ledger", async () => {
    const cwd = path.join(dir, "move");
    mkdirSync(cwd, { recursive: true });
    const run = (db: string, args: string[]) => {
      const r = lookback(db, args, {}, cwd);
      expect(r.code, `${db} ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    run("school.db", ["check", "--answers", answersFor("莲塘三小")]);
    run("county.db", ["check", "--answers", EXAMPLE]);
    run("county.db", ["import", "school.db"]);
    const pg = await freshDatabase();
    dbs.push(pg);
    run(pg.url, ["import", "county.db"]);
    for (const args of [
      ["status", "--json"],
      ["rectify", "list", "--json"],
      ["units", "--json"],
    ]) {
      // Ids are kept as they were: only the location may differ.
      expect(run(pg.url, args), args.join(" ")).toBe(run("county.db", args));
    }
  }, 120_000);

  it("a reading command on an empty PostgreSQL database creates nothing and says so", async () => {
    const pg = await freshDatabase();
    dbs.push(pg);
    const r = lookback(pg.url, ["status", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(pg.name);
    const tables = await admin("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", [], pg.name);
    expect(tables).toEqual([]);
  });
});

/** The CLI as a process of its own, not waited for: several at once. */
function started(db: string, args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "--db", db, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", TZ: "Asia/Shanghai", LOOKBACK_DB: "" },
    });
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

describe.skipIf(NO_PG)(`several lookback processes on one server at once ${NO_PG ? PG_SKIP : ""}`, () => {
  it("two halves of one unit's answers applied at once: one run holding both, nothing lost", async () => {
    const doc = parse(readFileSync(EXAMPLE, "utf8")) as {
      answers: Record<string, { rectification?: { deadline?: unknown } }>;
    };
    for (const a of Object.values(doc.answers))
      if (typeof a?.rectification?.deadline === "number")
        a.rectification.deadline = `+${a.rectification.deadline}`;
    const keys = Object.keys(doc.answers);
    const halves = [0, 1].map((n) => {
      const file = path.join(dir, `half-${n}.yaml`);
      const answers = Object.fromEntries(keys.filter((_, i) => i % 2 === n).map((k) => [k, doc.answers[k]]));
      writeFileSync(file, stringify({ ...doc, answers }));
      return file;
    });
    for (let trial = 0; trial < 3; trial++) {
      const pg = await freshDatabase();
      dbs.push(pg);
      const results = await Promise.all(halves.map((h) => started(pg.url, ["check", "--answers", h])));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const runs = await admin<{ n: number; answers: number }>(
        "SELECT count(*)::int AS n, (SELECT count(*)::int FROM answers) AS answers FROM runs",
        [],
        pg.name,
      );
      expect(runs[0], `trial ${trial}`).toEqual({ n: 1, answers: keys.length });
    }
  }, 180_000);

  it("officers closing one rectification at once: one closes it, the others are told it is closed", async () => {
    const pg = await freshDatabase();
    dbs.push(pg);
    expect(lookback(pg.url, ["check", "--answers", EXAMPLE]).code).toBe(0);
    const list = JSON.parse(lookback(pg.url, ["rectify", "list", "--json"]).stdout) as {
      rectifications: { id: string }[];
    };
    const id = list.rectifications[0]!.id;
    expect(lookback(pg.url, ["rectify", "update", id, "--status", "done", "--by", "刘主任"]).code).toBe(0);
    const officers = ["甲", "乙", "丙", "丁"];
    const results = await Promise.all(
      officers.map((by) => started(pg.url, ["rectify", "update", id, "--status", "closed", "--by", by])),
    );
    expect(results.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of results.filter((x) => x.code !== 0)) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/already|closed/i);
      expect(r.stderr).not.toMatch(/internal error/i);
    }
    const history = await admin<{ to_status: string }>(
      "SELECT to_status FROM rectification_history WHERE rectification_id = $1 ORDER BY seq",
      [id],
      pg.name,
    );
    expect(history.map((h) => h.to_status)).toEqual(["open", "done", "closed"]);
  }, 120_000);
});

describe("a password never shows", () => {
  const seen = (r: Out) => `${r.stdout}\n${r.stderr}`;
  const hidden = (r: Out) => {
    const all = seen(r);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(encodeURIComponent(SECRET));
    expect(all).not.toContain("s3cret");
  };

  it("nothing listens: the URL's password is not in the message, nor with LOOKBACK_DEBUG", () => {
    const url = `postgres://clerk:${encodeURIComponent(SECRET)}@127.0.0.1:9/county`;
    for (const env of [{}, { LOOKBACK_DEBUG: "1" }]) {
      for (const args of [
        ["status", "--json"],
        ["check", "--answers", EXAMPLE],
        ["rectify", "list", "--json"],
      ]) {
        const r = lookback(url, args, env);
        expect(r.code, seen(r)).toBe(2);
        expect(r.stderr).toContain("postgres://clerk@127.0.0.1:9/county");
        hidden(r);
      }
    }
  });

  it("given through LOOKBACK_DB, or PGPASSWORD, or typed unencoded in the URL: never shown", () => {
    const cases: [string | null, NodeJS.ProcessEnv][] = [
      [null, { LOOKBACK_DB: `postgres://clerk:${encodeURIComponent(SECRET)}@127.0.0.1:9/county` }],
      ["postgres://clerk@127.0.0.1:9/county", { PGPASSWORD: SECRET }],
      [`postgres://clerk:${SECRET}@127.0.0.1:9/county`, {}],
      [`postgres://127.0.0.1:9/county?user=clerk&password=${encodeURIComponent(SECRET)}`, {}],
    ];
    for (const [db, env] of cases) {
      const r = lookback(db, ["status", "--json"], { ...env, LOOKBACK_DEBUG: "1" });
      expect(r.code, seen(r)).toBe(2);
      hidden(r);
    }
  });

  it.skipIf(NO_PG)(
    `on a real server: output, --json and the guide show the location without it ${NO_PG ? PG_SKIP : ""}`,
    async () => {
      const pg = await freshDatabase();
      dbs.push(pg);
      // The test server trusts loopback logins: the password is given, and ignored by the server.
      const u = new URL(pg.url);
      u.password = SECRET;
      const url = u.toString();
      const wrote = lookback(url, ["check", "--answers", EXAMPLE]);
      expect(wrote.code, seen(wrote)).toBe(0);
      hidden(wrote);
      for (const args of [
        ["status", "--json"],
        ["status"],
        ["rectify", "list", "--json"],
        ["units", "--json"],
        [],
      ]) {
        const r = lookback(url, args);
        hidden(r);
      }
      // An error from the server itself (a foreign database) names it without the password.
      await admin("CREATE TABLE IF NOT EXISTS invoices (id int)", [], pg.name);
      const other = await freshDatabase();
      dbs.push(other);
      await admin("CREATE TABLE invoices (id int)", [], other.name);
      const o = new URL(other.url);
      o.password = SECRET;
      const refused = lookback(o.toString(), ["check", "--answers", EXAMPLE], { LOOKBACK_DEBUG: "1" });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`postgres://lookback@${o.host}/${other.name}`);
      hidden(refused);
      expect(TEST_PG).toBeTruthy();
    },
    120_000,
  );
});
