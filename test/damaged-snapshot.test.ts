// A database changed outside lookback: the checklist text a run started with is damaged or
// gone. Every command that needs it says which run and what to do, exits 2, and prints no
// stack trace; export still writes the other units' ledgers.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookbackOn } from "./helpers/cli.js";

const Database = createRequire(import.meta.url)("better-sqlite3");
const EXAMPLE = path.resolve("docs/answers-example.yaml");
let dir: string;
let db: string;
const lookback = lookbackOn(
  () => db,
  () => dir,
);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-damaged-"));
  db = path.join(dir, "good.db");
  expect(lookback(["check", "--answers", EXAMPLE]).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the good database with `sql` applied behind lookback's back. */
function damaged(name: string, sql: string): string {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(path.join(dir, "good.db"), file);
  const d = new Database(file);
  d.pragma("foreign_keys = OFF");
  d.exec(sql);
  d.close();
  return file;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("a damaged checklist snapshot", () => {
  it.each([
    ["unreadable", "UPDATE checklist_snapshots SET content = 'sections: 5'", /cannot be read/],
    ["missing", "DELETE FROM checklist_snapshots", /is missing from the database/],
  ])("%s: status names the run and says what to do, exit 2", (name, sql, said) => {
    db = damaged(name, sql);
    const r = lookback(["status"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(said);
    // What the schema found, readable: not zod's JSON.
    if (name === "unreadable") expect(r.stderr).toMatch(/cannot be read: \S+: /);
    expect(r.stderr).toMatch(/The checklist run [0-9a-f]{8} started with \(snapshot [0-9a-f]{12}\)/);
    expect(r.stderr).toContain("Restore it from a copy");
    noStack(r.stderr);
  });

  it("export --all reports the unit it cannot export and writes no half file", () => {
    db = damaged("export", "UPDATE checklist_snapshots SET content = 'sections: 5'");
    const out = path.join(dir, "out");
    const r = lookback(["export", "--all", "--out", out]);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/cannot be read/);
    noStack(r.stderr);
    const files = readdirSync(out, { withFileTypes: true }).filter((f) => f.isFile());
    expect(files.filter((f) => f.name.includes("整改台账") || f.name.includes(".tmp"))).toEqual([]);
  });
});
